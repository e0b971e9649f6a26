-- The business's public slug (BusinessCreated; it never changes), for the
-- "Book again" link of the client's cancellation notice ({public_base_url}/
-- {slug}, docs/notifier.md). Businesses mirrored before this migration have
-- '' (no link) until `slotwise notifier replay` reads their BusinessCreated
-- again, which fills an empty slug.
ALTER TABLE notifier_businesses ADD COLUMN slug text NOT NULL DEFAULT '';
