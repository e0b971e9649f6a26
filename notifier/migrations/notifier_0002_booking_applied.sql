-- The last event applied to a booking's mirror row: the stream sequence of
-- its commit and its index in the commit (a booking is created and
-- confirmed in one commit). The planner ignores a booking event at or below
-- it, so planning the log again (checkpoint reset to 0, a restored backup)
-- neither counts a reschedule twice (revision, and with it every
-- notification id, would move on and the notices go out again) nor moves
-- the booking back to an earlier status (docs/adr/0009-notifications.md).
ALTER TABLE notifier_bookings ADD COLUMN applied_sequence bigint NOT NULL DEFAULT 0;
ALTER TABLE notifier_bookings ADD COLUMN applied_event integer NOT NULL DEFAULT 0;
-- Rows mirrored before this migration hold every event up to the planner's
-- checkpoint (they were written in the checkpoint's transactions).
UPDATE notifier_bookings
   SET applied_sequence = (SELECT coalesce(max(position), 0) FROM notifier_checkpoints),
       applied_event = 2147483647;
