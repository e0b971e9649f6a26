-- Which booking a customers row's name, email and phone come from (the
-- latest created), so a live batch can fold its new bookings into the row
-- instead of re-reading every booking of that customer (which grew with the
-- customer's history: a live batch slowed as the log grew).
ALTER TABLE customers ADD COLUMN latest_created_at timestamptz;
ALTER TABLE customers ADD COLUMN latest_booking_id text;
UPDATE customers c SET latest_created_at = l.created_at, latest_booking_id = l.booking_id
  FROM (SELECT DISTINCT ON (business_id, customer_email_normalized)
               business_id, customer_email_normalized, created_at, booking_id
          FROM bookings
         ORDER BY business_id, customer_email_normalized, created_at DESC, booking_id DESC) l
 WHERE c.business_id = l.business_id AND c.email_normalized = l.customer_email_normalized;
-- A row without bookings cannot exist (bookings are never deleted); any
-- such leftover is dropped rather than kept without its source.
DELETE FROM customers WHERE latest_booking_id IS NULL;
ALTER TABLE customers ALTER COLUMN latest_created_at SET NOT NULL;
ALTER TABLE customers ALTER COLUMN latest_booking_id SET NOT NULL;
