-- slotwise-notifier's own tables (docs/adr/0009-notifications.md). Names are
-- prefixed so they share schema_migrations with the projector's migrations.

-- Where the notifier's planning stands in the log: the stream sequence of the
-- last commit turned into notification rows (same transaction as the rows).
CREATE TABLE notifier_checkpoints (
  consumer      text PRIMARY KEY,
  position      bigint NOT NULL DEFAULT 0,
  dead_letters  bigint NOT NULL DEFAULT 0
);

-- What the notifier needs to know, mirrored from the log (never read from
-- the command side or the projector's tables).
CREATE TABLE notifier_users (
  user_id  text PRIMARY KEY,
  email    text NOT NULL,
  name     text NOT NULL
);

CREATE TABLE notifier_businesses (
  business_id    text PRIMARY KEY,
  owner_user_id  text NOT NULL,
  name           text NOT NULL,
  time_zone      text NOT NULL,
  contact_email  text NOT NULL DEFAULT '',
  address        text NOT NULL DEFAULT ''
);

CREATE TABLE notifier_services (
  service_id   text PRIMARY KEY,
  business_id  text NOT NULL,
  name         text NOT NULL
);

CREATE TABLE notifier_bookings (
  booking_id          text PRIMARY KEY,
  business_id         text NOT NULL,
  service_id          text NOT NULL,
  start_at            timestamptz NOT NULL,
  end_at              timestamptz NOT NULL,
  customer_name       text NOT NULL,
  customer_email      text NOT NULL,
  customer_phone      text NOT NULL DEFAULT '',
  customer_time_zone  text NOT NULL DEFAULT '',
  status              text NOT NULL,
  revision            integer NOT NULL DEFAULT 0
);

-- The outbox: one row per message to send. `id` is the deterministic
-- Message-ID's local part <booking_id>.<kind>.<revision>; status goes
-- planned -> sent | failed, or planned -> cancelled (reminders of bookings
-- that were cancelled or rescheduled).
CREATE TABLE notifications (
  id               text PRIMARY KEY,
  business_id      text NOT NULL,
  booking_id       text NOT NULL,
  kind             text NOT NULL,
  channel          text NOT NULL DEFAULT 'email',
  revision         integer NOT NULL,
  recipient        text NOT NULL,
  subject          text NOT NULL,
  message          text NOT NULL,
  due_at           timestamptz NOT NULL,
  status           text NOT NULL DEFAULT 'planned'
                   CHECK (status IN ('planned', 'sent', 'failed', 'cancelled')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL,
  last_error       text NOT NULL DEFAULT '',
  sent_at          timestamptz,
  planned_seq      bigint NOT NULL,
  trace_id         text NOT NULL DEFAULT ''
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'planned';
CREATE INDEX notifications_by_business ON notifications (business_id, status, due_at);
CREATE INDEX notifications_by_booking ON notifications (booking_id);

-- Messages or events that did not decode; planning carries on past them.
CREATE TABLE notifier_dead_letters (
  sequence     bigint NOT NULL,
  event_index  integer NOT NULL,
  subject      text NOT NULL,
  error        text NOT NULL,
  raw          bytea NOT NULL,
  PRIMARY KEY (sequence, event_index)
);
