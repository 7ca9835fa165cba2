package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/pyhangar/pyhangar/envs"
)

const venvColumns = `id, name, path, origin, via, base_path, base_version, free_threaded, created_at, profile, last_check`

func scanVenv(row interface{ Scan(...any) error }) (envs.Venv, error) {
	var v envs.Venv
	var created string
	var check sql.NullString
	var ft int
	if err := row.Scan(&v.ID, &v.Name, &v.Path, &v.Origin, &v.Via, &v.BasePath, &v.BaseVersion, &ft, &created, &v.Profile, &check); err != nil {
		return v, err
	}
	v.FreeThreaded = ft != 0
	v.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	if check.Valid {
		var c envs.CheckResult
		if json.Unmarshal([]byte(check.String), &c) == nil {
			v.LastCheck = &c
		}
	}
	return v, nil
}

// AddVenv records a venv PyHangar made or the user registered.
func (s *Store) AddVenv(ctx context.Context, v envs.Venv) (envs.Venv, error) {
	if v.CreatedAt.IsZero() {
		v.CreatedAt = time.Now().UTC()
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO venvs (name, path, origin, via, base_path, base_version, free_threaded, created_at, profile)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.Name, v.Path, v.Origin, v.Via, v.BasePath, v.BaseVersion, boolInt(v.FreeThreaded), v.CreatedAt.UTC().Format(time.RFC3339Nano), v.Profile)
	if err != nil {
		return v, fmt.Errorf("recording venv %s: %w", v.Name, err)
	}
	v.ID, _ = res.LastInsertId()
	return v, nil
}

// UpdateVenv rewrites a venv's record (after a recreate).
func (s *Store) UpdateVenv(ctx context.Context, v envs.Venv) error {
	_, err := s.db.ExecContext(ctx, `UPDATE venvs SET via = ?, base_path = ?, base_version = ?, free_threaded = ?, created_at = ?, profile = ? WHERE id = ?`,
		v.Via, v.BasePath, v.BaseVersion, boolInt(v.FreeThreaded), v.CreatedAt.UTC().Format(time.RFC3339Nano), v.Profile, v.ID)
	return err
}

// Venvs lists the recorded venvs by name.
func (s *Store) Venvs(ctx context.Context) ([]envs.Venv, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+venvColumns+` FROM venvs ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []envs.Venv
	for rows.Next() {
		v, err := scanVenv(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// VenvByName finds a recorded venv by name.
func (s *Store) VenvByName(ctx context.Context, name string) (envs.Venv, bool, error) {
	return s.oneVenv(ctx, `SELECT `+venvColumns+` FROM venvs WHERE name = ?`, name)
}

// VenvByPath finds a recorded venv by its absolute path.
func (s *Store) VenvByPath(ctx context.Context, path string) (envs.Venv, bool, error) {
	return s.oneVenv(ctx, `SELECT `+venvColumns+` FROM venvs WHERE path = ?`, path)
}

func (s *Store) oneVenv(ctx context.Context, q string, arg any) (envs.Venv, bool, error) {
	v, err := scanVenv(s.db.QueryRowContext(ctx, q, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return v, false, nil
	}
	return v, err == nil, err
}

// SaveVenvCheck stores a check's result with its venv.
func (s *Store) SaveVenvCheck(ctx context.Context, id int64, c envs.CheckResult) error {
	raw, err := json.Marshal(c)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `UPDATE venvs SET last_check_at = ?, last_check_status = ?, last_check = ? WHERE id = ?`,
		c.CheckedAt.UTC().Format(time.RFC3339Nano), c.Status, string(raw), id)
	return err
}

// ForgetVenv forgets a venv (its folder is not touched).
func (s *Store) ForgetVenv(ctx context.Context, id int64) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM venvs WHERE id = ?`, id)
	return err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
