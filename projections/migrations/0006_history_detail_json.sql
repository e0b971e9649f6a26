-- 0006: booking history details as json, not jsonb.
-- Nothing queries inside a detail: the query API reads it back as text and
-- re-emits it, so jsonb's binary form only cost its conversion on every
-- write (and back to text on every read). Measured on 400,000 history rows
-- of ~540 bytes with their primary key: 100-107k rows/s as jsonb, 148-160k
-- as json, i.e. ~7 us less PostgreSQL work per catch-up commit (two history
-- rows). A json value keeps the text the projector wrote (events::event_json,
-- in field order); rows converted here keep jsonb's normalized text until a
-- rebuild, which is equal JSON either way.
ALTER TABLE booking_history ALTER COLUMN detail TYPE json USING detail::json;
