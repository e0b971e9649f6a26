-- 0005: the by-status index in the order a bookings page reads it.
-- 0001's (business_id, status, start_at) was never chosen for a page: the
-- list filtered statuses on the start index, so a page of a rare status
-- (no-shows, pending payments) in a business with a long history scanned
-- its whole range (~140 ms per page at 1M bookings). The query API now
-- reads a status page per status from this index, ending in booking_id as
-- the keyset cursor does (docs/adr/0006-read-models.md).
DROP INDEX bookings_business_status;
CREATE INDEX bookings_business_status ON bookings (business_id, status, start_at, booking_id);
