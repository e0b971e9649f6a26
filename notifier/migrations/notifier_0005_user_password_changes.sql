-- The account's password-change notices (password_changed,
-- docs/adr/0009-notifications.md): how many PasswordChanged events of the
-- account the notifier has applied (the notice's id is
-- <user_id>.password_changed.<count>), and the last one's position (stream
-- sequence, index in the commit). The planner ignores a PasswordChanged at
-- or below it, so planning the log again (slotwise notifier replay, after
-- the retention deleted the sent notice) mails no notice twice.
ALTER TABLE notifier_users ADD COLUMN password_changes integer NOT NULL DEFAULT 0;
ALTER TABLE notifier_users ADD COLUMN applied_sequence bigint NOT NULL DEFAULT 0;
ALTER TABLE notifier_users ADD COLUMN applied_event integer NOT NULL DEFAULT 0;
-- Accounts mirrored before this migration: their password changes up to
-- the planner's checkpoint were planned before notices existed, and a
-- replay must not mail them now.
UPDATE notifier_users
   SET applied_sequence = (SELECT coalesce(max(position), 0) FROM notifier_checkpoints),
       applied_event = 2147483647;
