-- The experimental JIT: an install says whether its build has it
-- (--enable-experimental-jit=yes-off), and a benchmark run says how the
-- interpreter ran (its variant, such as PYTHON_JIT=1; '' as it is), so
-- the runs of one binary with the JIT off and on stay apart.
ALTER TABLE installs ADD COLUMN jit INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bench_runs ADD COLUMN variant TEXT NOT NULL DEFAULT '';
