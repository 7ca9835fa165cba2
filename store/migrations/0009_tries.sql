-- Tries of a project on other Pythons (pyhangar try, the Projects tab):
-- one row per try with its whole answer as JSON, one per target with its
-- line of words, and every timed run. A try is 'running' until it ends;
-- one whose process died is found by its free lock and marked
-- 'interrupted'.
CREATE TABLE tries (
    id           INTEGER PRIMARY KEY,
    project_dir  TEXT NOT NULL,
    project_name TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    status       TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'cancelled', 'interrupted')),
    error        TEXT NOT NULL DEFAULT '',
    summary      TEXT                         -- JSON, as trial defines it
);
CREATE INDEX tries_project ON tries (project_dir, started_at);

CREATE TABLE try_targets (
    try_id        INTEGER NOT NULL REFERENCES tries (id) ON DELETE CASCADE,
    idx           INTEGER NOT NULL,
    python        TEXT NOT NULL,
    version       TEXT NOT NULL,
    free_threaded INTEGER NOT NULL,
    variant       TEXT NOT NULL DEFAULT '',
    answer        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (try_id, idx)
);

CREATE TABLE try_samples (
    id       INTEGER PRIMARY KEY,
    try_id   INTEGER NOT NULL REFERENCES tries (id) ON DELETE CASCADE,
    target   INTEGER NOT NULL,
    round    INTEGER NOT NULL,                -- -1: the warm-up
    wall_ns  INTEGER NOT NULL,
    cpu_ns   INTEGER NOT NULL,
    peak_rss INTEGER NOT NULL,
    exit     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX try_samples_try ON try_samples (try_id);

-- What the user agreed to run in a folder: a try asks once per folder and
-- plan.
CREATE TABLE try_consents (
    project_dir TEXT NOT NULL,
    plan_key    TEXT NOT NULL,
    agreed_at   TEXT NOT NULL,
    PRIMARY KEY (project_dir, plan_key)
);
