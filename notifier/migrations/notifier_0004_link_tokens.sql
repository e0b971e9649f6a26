-- No bearer secret at rest (docs/adr/0009-notifications.md, "No bearer
-- secrets at rest"): from now on the planner stores a message's link with a
-- placeholder in the token's place ("#token=" and as many '*' as the token
-- has characters) and here what derives the token; the sender derives it
-- and puts it back when it sends (notifier/link_token.h). The ref is no
-- secret: "manage:<booking_id>" or
-- "password_reset:<user_id>:<request_id>:<expires_at unix seconds>"; ''
-- when the message carries no token.
ALTER TABLE notifications ADD COLUMN link_token text NOT NULL DEFAULT '';

-- Messages planned before this migration hold their tokens (manage tokens
-- of customer emails, password reset tokens) inside their base64 parts;
-- every row, whatever its status, gets the placeholder instead. The token
-- characters of "#token=..." are replaced one by one (base64url, and '.'
-- of a reset token), keeping the .ics line folds ("\r\n ") where they are,
-- so a planned message, its token put back, is the very message planned.
CREATE FUNCTION pg_temp.notifier_0004_redact(part text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  -- "#token=" then token characters, an .ics fold allowed between any two.
  pattern constant text :=
    '#(?:\r\n )?t(?:\r\n )?o(?:\r\n )?k(?:\r\n )?e(?:\r\n )?n(?:\r\n )?=(?:(?:\r\n )?[A-Za-z0-9_.-])+';
  found text;
  at integer;
  eq integer;
BEGIN
  LOOP
    found := substring(part FROM pattern);
    EXIT WHEN found IS NULL;
    -- The leftmost match is also the first place its text occurs.
    at := strpos(part, found);
    eq := strpos(found, '=');
    part := overlay(part PLACING left(found, eq) ||
                    regexp_replace(substr(found, eq + 1), '[A-Za-z0-9_.-]', '*', 'g')
                    FROM at FOR length(found));
  END LOOP;
  RETURN part;
END $$;

-- render_mime's message with each base64 part decoded, redacted and encoded
-- again as base64_lines does (76 characters a line, CRLF).
CREATE FUNCTION pg_temp.notifier_0004_redact_message(message text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  marker constant text := E'Content-Transfer-Encoding: base64\r\n\r\n';
  rest text := message;
  result text := '';
  at integer;
  body_end integer;
  body text;
  decoded text;
  redacted text;
  encoded text;
BEGIN
  LOOP
    at := strpos(rest, marker);
    EXIT WHEN at = 0;
    result := result || left(rest, at - 1 + length(marker));
    rest := substr(rest, at + length(marker));
    -- The part's lines end where the next boundary line ("--...") starts.
    IF left(rest, 2) = '--' THEN
      body_end := 0;
    ELSE
      body_end := strpos(rest, E'\r\n--');
      body_end := CASE WHEN body_end = 0 THEN length(rest) ELSE body_end + 1 END;
    END IF;
    body := left(rest, body_end);
    rest := substr(rest, body_end + 1);
    decoded := convert_from(decode(body, 'base64'), 'UTF8');
    redacted := pg_temp.notifier_0004_redact(decoded);
    IF redacted = decoded THEN
      result := result || body;
    ELSE
      encoded := replace(encode(convert_to(redacted, 'UTF8'), 'base64'), E'\n', '');
      result := result || (SELECT string_agg(substr(encoded, i, 76) || E'\r\n', '' ORDER BY i)
                           FROM generate_series(1, length(encoded), 76) AS i);
    END IF;
  END LOOP;
  RETURN result || rest;
END $$;

-- A planned customer email keeps going out: its manage token is derived
-- again when it is sent. A planned reset email cannot: its ref needs the
-- link's expiry to the second, which the outbox never held; it is failed
-- (the owner asks for a new link; one lives an hour).
--
-- The tokens sit inside base64 parts, split over 76-character lines, so no
-- LIKE on the stored text can tell which rows hold one: every email is
-- decoded. It is done in pages of 200 rows in primary key order (keyset, no
-- OFFSET), one UPDATE a page: one UPDATE of every email hash-joined all the
-- rewritten messages, spilling them to temporary files as large as the
-- outbox; a page's fit in work_mem. The pages still share the migration's
-- one transaction with its schema_migrations row. Each row's outcome is
-- what one UPDATE of every email gave.
DO $$
DECLARE
  page_size constant integer := 200;
  last_id text := '';  -- ids are non-empty: '' sorts before every one
  page_end text;
BEGIN
  LOOP
    SELECT max(p.id) INTO page_end
      FROM (SELECT id FROM notifications
             WHERE channel = 'email' AND id > last_id ORDER BY id LIMIT page_size) p;
    EXIT WHEN page_end IS NULL;
    UPDATE notifications n
       SET message = r.redacted,
           link_token = CASE WHEN n.status = 'planned'
                              AND n.kind IN ('confirmation', 'reschedule', 'reminder_1', 'reminder_2')
                             THEN 'manage:' || n.booking_id ELSE '' END,
           status = CASE WHEN n.status = 'planned' AND n.kind = 'password_reset'
                         THEN 'failed' ELSE n.status END,
           last_error = CASE WHEN n.status = 'planned' AND n.kind = 'password_reset'
                             THEN 'its reset link was removed from the outbox (notifier_0004); '
                                  'ask for a new one' ELSE n.last_error END
      FROM (SELECT id, pg_temp.notifier_0004_redact_message(message) AS redacted
              FROM notifications
             WHERE channel = 'email' AND id > last_id AND id <= page_end) r
     WHERE r.id = n.id AND r.redacted <> n.message;
    last_id := page_end;
  END LOOP;
END $$;

DROP FUNCTION pg_temp.notifier_0004_redact_message(text);
DROP FUNCTION pg_temp.notifier_0004_redact(text);
