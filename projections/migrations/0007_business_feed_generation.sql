-- 0007: the calendar feed generation of each business (CalendarFeedReset).
-- A feed token is an HMAC over the business id and this generation, so an
-- owner who resets the private URL revokes every earlier one. Businesses that
-- were never reset are at 0, whose token is the one issued before this
-- migration (subscribed calendars keep working).
ALTER TABLE businesses ADD COLUMN feed_generation bigint NOT NULL DEFAULT 0;
