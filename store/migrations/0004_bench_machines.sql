-- Runs from other machines are imported (bench import): each snapshot
-- names its machine, and each run has a key made from what identifies it,
-- so importing the same run twice keeps one.
ALTER TABLE machine_snapshots ADD COLUMN hostname TEXT NOT NULL DEFAULT '';
ALTER TABLE bench_runs ADD COLUMN run_key TEXT;
CREATE UNIQUE INDEX bench_runs_key ON bench_runs (run_key);
