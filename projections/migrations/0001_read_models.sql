-- 0001: the read models of SlotWise (docs/adr/0006-read-models.md).
-- Every row is derived from the event log only (no wall-clock columns), so a
-- clean rebuild from the log produces exactly the same tables.

-- One row per projection: the last applied stream sequence, written in the
-- same transaction as the rows it covers.
CREATE TABLE projection_checkpoints (
  projection      text PRIMARY KEY,
  position        bigint NOT NULL DEFAULT 0,
  -- Server time of the commit at `position` (lag in seconds).
  position_time   timestamptz,
  applied_commits bigint NOT NULL DEFAULT 0,
  -- Events of types this build does not know: skipped and counted.
  unknown_events  bigint NOT NULL DEFAULT 0,
  -- Messages/events that failed to decode (rows in dead_letters).
  dead_letters    bigint NOT NULL DEFAULT 0
);

CREATE TABLE unknown_event_types (
  projection text NOT NULL,
  event_type text NOT NULL,
  count      bigint NOT NULL,
  last_sequence bigint NOT NULL,
  PRIMARY KEY (projection, event_type)
);

-- event_index is -1 when the whole message failed to decode.
CREATE TABLE dead_letters (
  projection  text NOT NULL,
  sequence    bigint NOT NULL,
  event_index integer NOT NULL,
  subject     text NOT NULL,
  error       text NOT NULL,
  raw         bytea NOT NULL,
  PRIMARY KEY (projection, sequence, event_index)
);

CREATE TABLE businesses (
  business_id   text PRIMARY KEY,
  slug          text NOT NULL,
  owner_user_id text NOT NULL,
  name          text NOT NULL,
  description   text NOT NULL,
  contact_email text NOT NULL,
  contact_phone text NOT NULL,
  address       text NOT NULL,
  time_zone     text NOT NULL,
  currency      text NOT NULL,
  slot_interval_minutes            integer NOT NULL,
  min_notice_minutes               integer NOT NULL,
  horizon_days                     integer NOT NULL,
  max_bookings_per_day             integer NOT NULL,
  hold_minutes                     integer NOT NULL,
  free_cancellation_cutoff_minutes integer NOT NULL,
  late_cancellation_refund_percent integer NOT NULL,
  created_at    timestamptz NOT NULL,
  -- Stream sequence of the last commit applied to this row.
  version       bigint NOT NULL
);
CREATE INDEX businesses_slug ON businesses (slug);
CREATE INDEX businesses_owner ON businesses (owner_user_id);

CREATE TABLE services (
  business_id     text NOT NULL,
  service_id      text NOT NULL,
  name            text NOT NULL,
  description     text NOT NULL,
  duration_minutes      integer NOT NULL,
  buffer_before_minutes integer NOT NULL,
  buffer_after_minutes  integer NOT NULL,
  price_minor     bigint NOT NULL,
  currency        text NOT NULL,
  payment_mode    text NOT NULL,
  deposit_minor   bigint,
  active          boolean NOT NULL,
  version         bigint NOT NULL,
  PRIMARY KEY (business_id, service_id)
);

-- The calendar aggregate's schedule: zone of the local times and the weekly
-- hours as a JSON array of 7 arrays (Monday first) of [start_minute, end_minute].
CREATE TABLE calendars (
  business_id text PRIMARY KEY,
  time_zone   text NOT NULL,
  schedule    jsonb NOT NULL,
  version     bigint NOT NULL
);

CREATE TABLE date_overrides (
  business_id text NOT NULL,
  local_date  date NOT NULL,
  closed      boolean NOT NULL,
  intervals   jsonb NOT NULL,
  version     bigint NOT NULL,
  PRIMARY KEY (business_id, local_date)
);

CREATE TABLE bookings (
  booking_id     text PRIMARY KEY,
  business_id    text NOT NULL,
  service_id     text NOT NULL,
  status         text NOT NULL,
  start_at       timestamptz NOT NULL,
  end_at         timestamptz NOT NULL,
  -- Local date of start_at in time_zone (the day it counts on).
  local_date     date NOT NULL,
  buffer_before_minutes integer NOT NULL,
  buffer_after_minutes  integer NOT NULL,
  time_zone      text NOT NULL,
  customer_name  text NOT NULL,
  customer_email text NOT NULL,
  customer_email_normalized text NOT NULL,
  customer_phone text NOT NULL,
  customer_time_zone text NOT NULL,
  notes          text NOT NULL,
  price_minor    bigint NOT NULL,
  amount_due_minor bigint NOT NULL,
  currency       text NOT NULL,
  manage_token_sha256 text NOT NULL,
  hold_expires_at timestamptz,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  version        bigint NOT NULL
);
CREATE INDEX bookings_business_start ON bookings (business_id, start_at, booking_id);
CREATE INDEX bookings_business_status ON bookings (business_id, status, start_at);
CREATE INDEX bookings_business_day ON bookings (business_id, local_date);
CREATE INDEX bookings_business_customer ON bookings (business_id, customer_email_normalized);

-- Every event of a booking: seq is the commit's stream sequence, event_index
-- the event's place in the commit.
CREATE TABLE booking_history (
  booking_id  text NOT NULL,
  seq         bigint NOT NULL,
  event_index integer NOT NULL,
  business_id text NOT NULL,
  event_type  text NOT NULL,
  occurred_at timestamptz NOT NULL,
  actor_kind  text NOT NULL,
  actor_id    text NOT NULL,
  detail      jsonb NOT NULL,
  PRIMARY KEY (booking_id, seq, event_index)
);

-- Recomputed from bookings for every (business, email) a batch touches.
CREATE TABLE customers (
  business_id      text NOT NULL,
  email_normalized text NOT NULL,
  name             text NOT NULL,
  email            text NOT NULL,
  phone            text NOT NULL,
  bookings_count   integer NOT NULL,
  last_booking_at  timestamptz NOT NULL,
  PRIMARY KEY (business_id, email_normalized)
);

-- Recomputed from bookings for every (business, local_date) a batch touches.
-- Revenue: price of confirmed and completed bookings, in minor units.
CREATE TABLE daily_stats (
  business_id text NOT NULL,
  local_date  date NOT NULL,
  tentative   integer NOT NULL,
  confirmed   integer NOT NULL,
  cancelled   integer NOT NULL,
  expired     integer NOT NULL,
  completed   integer NOT NULL,
  no_show     integer NOT NULL,
  total       integer NOT NULL,
  revenue_minor bigint NOT NULL,
  currency    text NOT NULL,
  PRIMARY KEY (business_id, local_date)
);
