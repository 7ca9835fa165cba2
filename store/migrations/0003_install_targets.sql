-- Install attempts name their target (what they install into and lock) and,
-- for uv, the exact key uv installed; an attempt whose process died is
-- marked 'interrupted'. SQLite cannot change a CHECK constraint in place,
-- so the table is rebuilt.
CREATE TABLE installs_new (
    id          INTEGER PRIMARY KEY,
    spec        TEXT NOT NULL,
    variant     TEXT NOT NULL CHECK (variant IN ('freethreaded', 'standard')),
    method      TEXT NOT NULL,        -- uv | python.org
    target      TEXT NOT NULL DEFAULT '',
    key         TEXT NOT NULL DEFAULT '',
    url         TEXT NOT NULL DEFAULT '',
    sha256      TEXT NOT NULL DEFAULT '',
    path        TEXT NOT NULL DEFAULT '',
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'cancelled', 'interrupted')),
    log_path    TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT ''
);
INSERT INTO installs_new (id, spec, variant, method, url, sha256, path, started_at, finished_at, status, log_path, error)
    SELECT id, spec, variant, method, url, sha256, path, started_at, finished_at, status, log_path, error FROM installs;
DROP TABLE installs;
ALTER TABLE installs_new RENAME TO installs;

-- The team profile (its file's absolute path) that made a venv, or ''. A
-- profile recreates only the venvs it made itself.
ALTER TABLE venvs ADD COLUMN profile TEXT NOT NULL DEFAULT '';
