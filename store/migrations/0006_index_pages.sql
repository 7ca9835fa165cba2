-- Answers of package indexes (project pages, METADATA files), kept with
-- their validators, so a check asks again only what may have changed and
-- works offline from what it read before.
CREATE TABLE index_pages (
    url           TEXT PRIMARY KEY,
    content_type  TEXT NOT NULL DEFAULT '',
    etag          TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    max_age_s     INTEGER NOT NULL DEFAULT 0,
    fetched_at    TEXT NOT NULL,
    body          BLOB NOT NULL
);
