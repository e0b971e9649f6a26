-- 0008: the cancellation terms a booking was made under
-- (BookingTentativelyCreated.cancellation_terms), which its refund follows
-- whatever the business's policy says later (docs/adr/0008-payments.md).
-- NULL for bookings logged before the event carried them: the business's
-- current policy applies to those. Rows written before this migration get
-- NULL here too, also for bookings whose events carry terms, until a
-- rebuild from the log (docs/adr/0010-projection-rebuild.md) fills them in.
ALTER TABLE bookings ADD COLUMN free_cancellation_cutoff_minutes integer;
ALTER TABLE bookings ADD COLUMN late_cancellation_refund_percent integer;
