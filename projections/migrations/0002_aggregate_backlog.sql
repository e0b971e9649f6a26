-- Keys of daily_stats ('day', key = local date) and customers ('customer',
-- key = normalized email) whose rows must be recomputed from bookings. While
-- the projector catches up it only records keys here, in the batch's
-- transaction; the first batch applied live (or the projector going idle)
-- recomputes every recorded key once and empties the table. Recomputing the
-- touched keys in every catch-up batch instead rescanned each busy
-- customer's bookings once per batch: quadratic over a long log.
CREATE TABLE aggregate_backlog (
  business_id text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('day', 'customer')),
  key         text NOT NULL,
  PRIMARY KEY (business_id, kind, key)
);
