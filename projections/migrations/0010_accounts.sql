-- 0010: the owner accounts' sessions, so the query API refuses owner tokens
-- a password change ended, as the command side does (docs/adr/0007).
-- session_generation is the number of the account's PasswordChanged events
-- (domain/account.h); password_changed_at the last one's changed_at (NULL
-- when never changed). Nothing else of the account (email, name, password
-- hash) is read-model material. Accounts whose events the projector passed
-- before this migration have no row until a rebuild from the log
-- (docs/adr/0010-projection-rebuild.md); the query API treats a missing row
-- as an account that never changed its password.
CREATE TABLE accounts (
  user_id             text PRIMARY KEY,
  session_generation  bigint NOT NULL,
  password_changed_at timestamptz,
  version             bigint NOT NULL
);
