package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/pyhangar/pyhangar/bench"
	"github.com/pyhangar/pyhangar/platform"
)

// BenchRun is a stored benchmark run.
type BenchRun struct {
	ID      int64            `json:"id"`
	Result  bench.Result     `json:"result"`
	Machine platform.Machine `json:"machine"`
}

// runKey identifies a run wherever it is stored: the same run imported
// twice has the same key.
func runKey(m platform.Machine, r bench.Result) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%q", r.Started.UTC().Format(time.RFC3339Nano), r.Path, r.BinarySHA256, m.Hostname, m.CPUModel, r.Args)
	if m.Label != "" { // machines that look alike
		fmt.Fprintf(h, "\x00label=%s", m.Label)
	}
	if r.Variant != "" { // the sides of a paired run start together
		fmt.Fprintf(h, "\x00%s", r.Variant)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// SaveBenchRun stores a completed run, its machine snapshot and every raw
// sample in one transaction: a run is stored whole or not at all.
func (s *Store) SaveBenchRun(ctx context.Context, m platform.Machine, r bench.Result) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	id, _, err := saveBenchRun(ctx, tx, m, r)
	if err != nil {
		return 0, err
	}
	return id, tx.Commit()
}

// saveBenchRun stores a run in tx unless one with its key is there
// already; fresh says which.
func saveBenchRun(ctx context.Context, tx *sql.Tx, m platform.Machine, r bench.Result) (id int64, fresh bool, err error) {
	key := runKey(m, r)
	err = tx.QueryRowContext(ctx, `SELECT id FROM bench_runs WHERE run_key = ?`, key).Scan(&id)
	switch {
	case err == nil:
		return id, false, nil
	case err != sql.ErrNoRows:
		return 0, false, err
	}
	machineID, err := insertMachine(ctx, tx, m, r.Started)
	if err != nil {
		return 0, false, fmt.Errorf("saving the machine snapshot: %w", err)
	}
	if id, err = insertRun(ctx, tx, machineID, key, r); err != nil {
		return 0, false, fmt.Errorf("saving the run: %w", err)
	}
	if err := insertSamples(ctx, tx, id, r.Samples); err != nil {
		return 0, false, fmt.Errorf("saving a sample: %w", err)
	}
	return id, true, nil
}

func insertMachine(ctx context.Context, tx *sql.Tx, m platform.Machine, at time.Time) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO machine_snapshots (taken_at, hostname, label, cpu_model, logical_cores, physical_cores, ram_bytes, os, kernel, cpu_quota, affinity, load1)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		at.UTC().Format(time.RFC3339Nano), m.Hostname, m.Label, m.CPUModel, m.LogicalCores, m.PhysicalCores, int64(m.RAMBytes), m.OS, m.Kernel, m.CPUQuota, m.Affinity, m.Load1)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func insertRun(ctx context.Context, tx *sql.Tx, machineID int64, key string, r bench.Result) (int64, error) {
	summary, err := json.Marshal(r)
	if err != nil {
		return 0, err
	}
	counts, err := json.Marshal(r.ThreadCounts)
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO bench_runs (started_at, finished_at, interpreter_path, interpreter_version, binary_sha256, free_threaded, suite_version, thread_counts, machine_id, run_key, variant, summary)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Started.UTC().Format(time.RFC3339Nano), r.Finished.UTC().Format(time.RFC3339Nano), r.Path, r.Version, r.BinarySHA256,
		boolInt(r.FreeThreaded), r.SuiteVersion, string(counts), machineID, key, r.Variant, string(summary))
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// insertSamples writes the samples a hundred rows to a statement (one
// prepared statement per run would stay with the transaction until it
// ends: an import of thousands of runs would hold them all).
func insertSamples(ctx context.Context, tx *sql.Tx, runID int64, samples []bench.Sample) error {
	const rows = 100
	for start := 0; start < len(samples); start += rows {
		chunk := samples[start:min(start+rows, len(samples))]
		q := `INSERT INTO bench_samples (run_id, workload, threads, mode, repeat, wall_ns, cpu_ns, peak_rss) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?),", len(chunk)), ",")
		args := make([]any, 0, 8*len(chunk))
		for _, smp := range chunk {
			args = append(args, runID, smp.Workload, smp.Threads, smp.Mode, smp.Repeat, smp.WallNs, smp.CPUNs, smp.PeakRSS)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// BenchRuns lists completed runs, newest first (at most limit; 0: all).
func (s *Store) BenchRuns(ctx context.Context, limit int) ([]BenchRun, error) {
	q := `SELECT r.id, r.summary, m.hostname, m.label, m.cpu_model, m.logical_cores, m.physical_cores, m.ram_bytes, m.os, m.kernel, m.cpu_quota, m.affinity, m.load1
		FROM bench_runs r LEFT JOIN machine_snapshots m ON m.id = r.machine_id
		WHERE r.summary IS NOT NULL ORDER BY r.started_at DESC, r.id DESC`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BenchRun
	for rows.Next() {
		var run BenchRun
		var summary string
		var hostname, label, model, osName, kernel, aff sql.NullString
		var logical, physical, ram sql.NullInt64
		var quota, load sql.NullFloat64
		if err := rows.Scan(&run.ID, &summary, &hostname, &label, &model, &logical, &physical, &ram, &osName, &kernel, &quota, &aff, &load); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(summary), &run.Result); err != nil {
			continue
		}
		run.Machine = platform.Machine{Hostname: hostname.String, Label: label.String, CPUModel: model.String, LogicalCores: int(logical.Int64), PhysicalCores: int(physical.Int64),
			RAMBytes: uint64(ram.Int64), OS: osName.String, Kernel: kernel.String, Affinity: aff.String}
		if quota.Valid {
			run.Machine.CPUQuota = &quota.Float64
		}
		if load.Valid {
			run.Machine.Load1 = &load.Float64
		}
		out = append(out, run)
	}
	return out, rows.Err()
}

// BenchSamples returns a run's raw samples.
func (s *Store) BenchSamples(ctx context.Context, runID int64) ([]bench.Sample, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT workload, threads, mode, repeat, wall_ns, cpu_ns, peak_rss FROM bench_samples WHERE run_id = ? ORDER BY id`, runID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []bench.Sample{}
	for rows.Next() {
		var smp bench.Sample
		if err := rows.Scan(&smp.Workload, &smp.Threads, &smp.Mode, &smp.Repeat, &smp.WallNs, &smp.CPUNs, &smp.PeakRSS); err != nil {
			return nil, err
		}
		out = append(out, smp)
	}
	return out, rows.Err()
}
