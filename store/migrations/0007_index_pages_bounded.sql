-- Index answers say where they finally came from after redirects (their
-- links are read against it) and keep their size, so the cache stays
-- bounded (the oldest answers go first). URLs are kept without
-- credentials: older rows kept with some are dropped.
ALTER TABLE index_pages ADD COLUMN final_url TEXT NOT NULL DEFAULT '';
ALTER TABLE index_pages ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
UPDATE index_pages SET size = length(body);
DELETE FROM index_pages
 WHERE instr(substr(url, instr(url, '://') + 3), '@') BETWEEN 1 AND instr(substr(url, instr(url, '://') + 3) || '/', '/');
CREATE INDEX index_pages_fetched ON index_pages (fetched_at);
