-- 0009: the owner's customer list (GET /v1/businesses/{id}/customers) pages
-- through a business's customers by name, case-insensitively, then email
-- (keyset pagination): this index serves each page with limit + 1 entries,
-- however many customers the business has.
CREATE INDEX customers_business_name ON customers (business_id, lower(name), email_normalized);
