package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pyhangar/pyhangar/trial"
)

// TryRow is a kept try as history lists it.
type TryRow struct {
	ID          int64        `json:"id"`
	ProjectDir  string       `json:"project_dir"`
	ProjectName string       `json:"project_name"`
	Started     time.Time    `json:"started"`
	Finished    time.Time    `json:"finished,omitzero"`
	Status      trial.Status `json:"status"`
	Error       string       `json:"error,omitempty"`
	Answers     []string     `json:"answers"` // per target, in order
}

// ErrNoTry says no try has the id asked for.
var ErrNoTry = errors.New("no such try")

// StartTry records a try as running and returns its id.
func (s *Store) StartTry(ctx context.Context, t trial.Try) (int64, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO tries (project_dir, project_name, started_at, status) VALUES (?, ?, ?, 'running')`,
		t.Project.Dir, t.Project.Name, t.Started.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// FinishTry keeps how a try ended: its answer, its targets and every timed
// run, in one transaction.
func (s *Store) FinishTry(ctx context.Context, t trial.Try) error {
	summary, err := json.Marshal(withoutSamples(t))
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE tries SET finished_at = ?, status = ?, error = ?, summary = ? WHERE id = ?`,
		timeText(t.Finished), t.Status, t.Error, string(summary), t.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("%w: %d", ErrNoTry, t.ID)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM try_targets WHERE try_id = ?`, t.ID); err != nil {
		return err
	}
	for i, r := range t.Targets {
		if _, err := tx.ExecContext(ctx, `INSERT INTO try_targets (try_id, idx, python, version, free_threaded, variant, answer) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			t.ID, i, r.Python.Path, r.Python.Version, boolInt(r.Python.FreeThreaded), r.Variant, r.Answer); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM try_samples WHERE try_id = ?`, t.ID); err != nil {
		return err
	}
	const rows = 100
	for start := 0; start < len(t.Samples); start += rows {
		chunk := t.Samples[start:min(start+rows, len(t.Samples))]
		q := `INSERT INTO try_samples (try_id, target, round, wall_ns, cpu_ns, peak_rss, exit) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?),", len(chunk)), ",")
		args := make([]any, 0, 7*len(chunk))
		for _, smp := range chunk {
			args = append(args, t.ID, smp.Target, smp.Round, smp.WallNs, smp.CPUNs, smp.PeakRSS, smp.Exit)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func withoutSamples(t trial.Try) trial.Try {
	t.Samples = nil
	return t
}

// Try reads a kept try whole, its timed runs with it.
func (s *Store) Try(ctx context.Context, id int64) (trial.Try, error) {
	var summary sql.NullString
	var dir, name, started, status, errText string
	var finished sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT project_dir, project_name, started_at, finished_at, status, error, summary FROM tries WHERE id = ?`, id).
		Scan(&dir, &name, &started, &finished, &status, &errText, &summary)
	if errors.Is(err, sql.ErrNoRows) {
		return trial.Try{}, fmt.Errorf("%w: %d", ErrNoTry, id)
	}
	if err != nil {
		return trial.Try{}, err
	}
	var t trial.Try
	if summary.Valid {
		if err := json.Unmarshal([]byte(summary.String), &t); err != nil {
			return trial.Try{}, fmt.Errorf("try %d: %w", id, err)
		}
	}
	t.ID, t.Project.Dir, t.Project.Name, t.Status, t.Error = id, dir, name, trial.Status(status), errText
	t.Started, _ = time.Parse(time.RFC3339Nano, started)
	if finished.Valid {
		t.Finished, _ = time.Parse(time.RFC3339Nano, finished.String)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT target, round, wall_ns, cpu_ns, peak_rss, exit FROM try_samples WHERE try_id = ? ORDER BY id`, id)
	if err != nil {
		return trial.Try{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var smp trial.Sample
		if err := rows.Scan(&smp.Target, &smp.Round, &smp.WallNs, &smp.CPUNs, &smp.PeakRSS, &smp.Exit); err != nil {
			return trial.Try{}, err
		}
		t.Samples = append(t.Samples, smp)
	}
	return t, rows.Err()
}

// Tries lists kept tries, newest first: of one project's folder, or of
// every one when dir is "".
func (s *Store) Tries(ctx context.Context, dir string) ([]TryRow, error) {
	q := `SELECT t.id, t.project_dir, t.project_name, t.started_at, t.finished_at, t.status, t.error,
		COALESCE((SELECT json_group_array(answer) FROM (SELECT answer FROM try_targets WHERE try_id = t.id ORDER BY idx)), '[]')
		FROM tries t`
	var args []any
	if dir != "" {
		q += ` WHERE t.project_dir = ?`
		args = append(args, dir)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY t.started_at DESC, t.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []TryRow{}
	for rows.Next() {
		var r TryRow
		var started, answers string
		var finished sql.NullString
		if err := rows.Scan(&r.ID, &r.ProjectDir, &r.ProjectName, &started, &finished, &r.Status, &r.Error, &answers); err != nil {
			return nil, err
		}
		r.Started, _ = time.Parse(time.RFC3339Nano, started)
		if finished.Valid {
			r.Finished, _ = time.Parse(time.RFC3339Nano, finished.String)
		}
		if err := json.Unmarshal([]byte(answers), &r.Answers); err != nil {
			r.Answers = []string{}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// InterruptTry marks a try whose process died as interrupted.
func (s *Store) InterruptTry(ctx context.Context, id int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE tries SET status = 'interrupted', finished_at = ?, error = 'its process ended before the try did' WHERE id = ? AND status = 'running'`,
		time.Now().UTC().Format(time.RFC3339Nano), id)
	return err
}

// RunningTries are the ids of the tries recorded as running.
func (s *Store) RunningTries(ctx context.Context) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM tries WHERE status = 'running'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Consented says whether the user agreed to a plan for a folder before.
func (s *Store) Consented(ctx context.Context, dir, key string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM try_consents WHERE project_dir = ? AND plan_key = ?`, dir, key).Scan(&n)
	return n > 0, err
}

// Consent keeps that the user agreed to a plan for a folder.
func (s *Store) Consent(ctx context.Context, dir, key string) error {
	_, err := s.db.ExecContext(ctx, `INSERT OR REPLACE INTO try_consents (project_dir, plan_key, agreed_at) VALUES (?, ?, ?)`,
		dir, key, time.Now().UTC().Format(time.RFC3339Nano))
	return err
}
