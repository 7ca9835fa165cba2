-- The files of each release whose files were fetched, per site, for
-- checking a file the user brings (install --from) while offline.
CREATE TABLE catalog_files (
    site       TEXT NOT NULL,
    release_id TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    body       TEXT NOT NULL,         -- JSON, as installer defines it
    PRIMARY KEY (site, release_id)
);
