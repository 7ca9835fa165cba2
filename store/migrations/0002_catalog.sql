-- The last release catalog fetched from each site, for offline use.
CREATE TABLE catalog (
    site       TEXT PRIMARY KEY,
    fetched_at TEXT NOT NULL,
    body       TEXT NOT NULL          -- JSON, as installer defines it
);
