package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/pyhangar/pyhangar/installer"
)

func timeText(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// StartInstall records an install attempt as running.
func (s *Store) StartInstall(ctx context.Context, r installer.Record) (int64, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO installs (spec, variant, jit, method, target, key, url, sha256, path, started_at, finished_at, status, log_path, error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Spec, r.Variant, boolInt(r.JIT), r.Method, r.Target, r.Key, r.URL, r.SHA256, r.Path, timeText(r.Started), timeText(r.Finished), r.Status, r.LogPath, r.Error)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// FinishInstall records how an install attempt ended.
func (s *Store) FinishInstall(ctx context.Context, r installer.Record) error {
	res, err := s.db.ExecContext(ctx, `UPDATE installs SET key = ?, url = ?, sha256 = ?, path = ?, finished_at = ?, status = ?, log_path = ?, error = ? WHERE id = ?`,
		r.Key, r.URL, r.SHA256, r.Path, timeText(r.Finished), r.Status, r.LogPath, r.Error, r.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("no install attempt %d to finish", r.ID)
	}
	return nil
}

// Installs lists every install attempt, newest first.
func (s *Store) Installs(ctx context.Context) ([]installer.Record, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, spec, variant, jit, method, target, key, url, sha256, path, started_at, finished_at, status, log_path, error
		FROM installs ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []installer.Record
	for rows.Next() {
		var r installer.Record
		var started string
		var finished sql.NullString
		if err := rows.Scan(&r.ID, &r.Spec, &r.Variant, &r.JIT, &r.Method, &r.Target, &r.Key, &r.URL, &r.SHA256, &r.Path, &started, &finished, &r.Status, &r.LogPath, &r.Error); err != nil {
			return nil, err
		}
		r.Started, _ = time.Parse(time.RFC3339Nano, started)
		if finished.Valid {
			r.Finished, _ = time.Parse(time.RFC3339Nano, finished.String)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// DeleteInstall forgets an install.
func (s *Store) DeleteInstall(ctx context.Context, id int64) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM installs WHERE id = ?`, id)
	return err
}

// SaveCatalog keeps the last catalog fetched from its site.
func (s *Store) SaveCatalog(ctx context.Context, c installer.Catalog) error {
	body, err := json.Marshal(c)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO catalog (site, fetched_at, body) VALUES (?, ?, ?)
		ON CONFLICT (site) DO UPDATE SET fetched_at = excluded.fetched_at, body = excluded.body`,
		c.Site, timeText(c.FetchedAt), string(body))
	return err
}

// LoadCatalog returns the last catalog fetched from site.
func (s *Store) LoadCatalog(ctx context.Context, site string) (installer.Catalog, bool, error) {
	var body string
	err := s.db.QueryRowContext(ctx, `SELECT body FROM catalog WHERE site = ?`, site).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return installer.Catalog{}, false, nil
	}
	if err != nil {
		return installer.Catalog{}, false, err
	}
	var c installer.Catalog
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		return installer.Catalog{}, false, nil
	}
	return c, true, nil
}

// SaveFiles keeps the files of a release fetched from its site.
func (s *Store) SaveFiles(ctx context.Context, site, releaseID string, files []installer.File) error {
	body, err := json.Marshal(files)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO catalog_files (site, release_id, fetched_at, body) VALUES (?, ?, ?, ?)
		ON CONFLICT (site, release_id) DO UPDATE SET fetched_at = excluded.fetched_at, body = excluded.body`,
		site, releaseID, now(), string(body))
	return err
}

// LoadFiles returns the files of a release fetched from site before.
func (s *Store) LoadFiles(ctx context.Context, site, releaseID string) ([]installer.File, bool, error) {
	var body string
	err := s.db.QueryRowContext(ctx, `SELECT body FROM catalog_files WHERE site = ? AND release_id = ?`, site, releaseID).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	var files []installer.File
	if err := json.Unmarshal([]byte(body), &files); err != nil {
		return nil, false, nil
	}
	return files, true, nil
}
