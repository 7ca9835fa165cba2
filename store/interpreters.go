package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pyhangar/pyhangar/envs"
)

// GetProbe returns the cached probe result for a file, if the file and the
// probe script are unchanged since it was stored.
func (s *Store) GetProbe(ctx context.Context, k envs.CacheKey) (envs.ProbeResult, bool, error) {
	var raw string
	err := s.db.QueryRowContext(ctx, `SELECT identity FROM interpreter_cache
		WHERE path = ? AND size = ? AND mtime_ns = ? AND ctime_ns = ? AND probe_hash = ?`,
		k.Path, k.Size, k.MtimeNs, k.CtimeNs, k.ProbeHash).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return envs.ProbeResult{}, false, nil
	}
	if err != nil {
		return envs.ProbeResult{}, false, fmt.Errorf("reading the interpreter cache: %w", err)
	}
	var r envs.ProbeResult
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		return envs.ProbeResult{}, false, nil // unreadable entry: probe again
	}
	return r, true, nil
}

// PutProbe stores a probe result for a file, replacing an older one.
func (s *Store) PutProbe(ctx context.Context, k envs.CacheKey, r envs.ProbeResult) error {
	raw, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO interpreter_cache (path, size, mtime_ns, ctime_ns, probe_hash, identity, probed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,
			ctime_ns = excluded.ctime_ns, probe_hash = excluded.probe_hash,
			identity = excluded.identity, probed_at = excluded.probed_at`,
		k.Path, k.Size, k.MtimeNs, k.CtimeNs, k.ProbeHash, string(raw), now())
	if err != nil {
		return fmt.Errorf("writing the interpreter cache: %w", err)
	}
	return nil
}
