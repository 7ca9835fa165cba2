-- Settings the user changed (mirror URL, probe timeout, ...). Values are text.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- What a probe said about one interpreter binary. A row is valid while the
-- file's size, mtime and ctime and the probe script's hash are unchanged.
CREATE TABLE interpreter_cache (
    path       TEXT PRIMARY KEY,      -- canonical (real) path
    size       INTEGER NOT NULL,
    mtime_ns   INTEGER NOT NULL,
    ctime_ns   INTEGER NOT NULL,
    probe_hash TEXT NOT NULL,
    identity   TEXT NOT NULL,         -- JSON, as envs defines it
    probed_at  TEXT NOT NULL
);

-- Interpreters PyHangar installed, and attempts that failed or were cancelled.
CREATE TABLE installs (
    id          INTEGER PRIMARY KEY,
    spec        TEXT NOT NULL,
    variant     TEXT NOT NULL CHECK (variant IN ('freethreaded', 'standard')),
    method      TEXT NOT NULL,        -- uv | python.org
    url         TEXT NOT NULL DEFAULT '',
    sha256      TEXT NOT NULL DEFAULT '',
    path        TEXT NOT NULL DEFAULT '',
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'cancelled')),
    log_path    TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT ''
);

-- Virtual environments PyHangar made or the user registered.
CREATE TABLE venvs (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    path              TEXT NOT NULL UNIQUE,
    origin            TEXT NOT NULL CHECK (origin IN ('created', 'registered')),
    via               TEXT NOT NULL DEFAULT '',   -- venv | uv
    base_path         TEXT NOT NULL DEFAULT '',
    base_version      TEXT NOT NULL DEFAULT '',
    free_threaded     INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL,
    last_check_at     TEXT,
    last_check_status TEXT,
    last_check        TEXT                        -- JSON of the last check
);

-- What the machine looked like when a benchmark ran.
CREATE TABLE machine_snapshots (
    id             INTEGER PRIMARY KEY,
    taken_at       TEXT NOT NULL,
    cpu_model      TEXT NOT NULL DEFAULT '',
    logical_cores  INTEGER NOT NULL DEFAULT 0,
    physical_cores INTEGER NOT NULL DEFAULT 0,
    ram_bytes      INTEGER NOT NULL DEFAULT 0,
    os             TEXT NOT NULL DEFAULT '',
    kernel         TEXT NOT NULL DEFAULT '',
    cpu_quota      REAL,                          -- cgroup CPUs, NULL when unlimited
    affinity       TEXT NOT NULL DEFAULT '',
    load1          REAL
);

-- One benchmark run of one interpreter. summary stays NULL until the run
-- completes, so a run cut short never looks like a result.
CREATE TABLE bench_runs (
    id                INTEGER PRIMARY KEY,
    started_at        TEXT NOT NULL,
    finished_at       TEXT,
    interpreter_path  TEXT NOT NULL,
    interpreter_version TEXT NOT NULL,
    binary_sha256     TEXT NOT NULL,
    free_threaded     INTEGER NOT NULL,
    suite_version     TEXT NOT NULL,
    thread_counts     TEXT NOT NULL,              -- JSON array
    machine_id        INTEGER REFERENCES machine_snapshots (id),
    summary           TEXT                        -- JSON
);

-- Every raw sample of every run.
CREATE TABLE bench_samples (
    id         INTEGER PRIMARY KEY,
    run_id     INTEGER NOT NULL REFERENCES bench_runs (id) ON DELETE CASCADE,
    workload   TEXT NOT NULL,
    threads    INTEGER NOT NULL,
    mode       TEXT NOT NULL CHECK (mode IN ('thread', 'process')),
    repeat     INTEGER NOT NULL,
    wall_ns    INTEGER NOT NULL,
    cpu_ns     INTEGER NOT NULL,
    peak_rss   INTEGER NOT NULL                   -- bytes
);
CREATE INDEX bench_samples_run ON bench_samples (run_id);
