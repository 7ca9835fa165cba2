package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/pyhangar/pyhangar/envs"
)

// The settings, by key.
const (
	// SettingMirror is a mirror's base URL standing for python.org.
	SettingMirror = "mirror"
	// SettingProbeTimeout is the probe timeout, in seconds.
	SettingProbeTimeout = "probe_timeout_seconds"
	// SettingUV is the path of the uv PyHangar got for itself (get-uv),
	// and SettingUVVersion what that uv said its version is.
	SettingUV        = "uv_path"
	SettingUVVersion = "uv_version"
	// SettingMachineLabel names this machine in benchmark runs and fleet
	// reports (an inventory's name for it).
	SettingMachineLabel = "machine_label"
	// SettingUVMirror is a mirror's base URL standing for github.com,
	// where get-uv fetches uv's releases.
	SettingUVMirror = "uv_mirror"
)

// Mirror is the mirror setting, or "" for python.org itself.
func (s *Store) Mirror(ctx context.Context) string {
	v, _, _ := s.Setting(ctx, SettingMirror)
	return v
}

// ProbeTimeout is the probe timeout setting, or the default.
func (s *Store) ProbeTimeout(ctx context.Context) time.Duration {
	if v, ok, _ := s.Setting(ctx, SettingProbeTimeout); ok {
		if secs, err := strconv.ParseFloat(v, 64); err == nil && secs > 0 {
			return time.Duration(secs * float64(time.Second))
		}
	}
	return envs.DefaultProbeTimeout
}

// Setting returns a setting's value and whether it is set.
func (s *Store) Setting(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := s.db.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("reading setting %s: %w", key, err)
	}
	return v, true, nil
}

// SetSetting stores a setting's value.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		key, value, now())
	if err != nil {
		return fmt.Errorf("saving setting %s: %w", key, err)
	}
	return nil
}

// Settings returns every stored setting.
func (s *Store) Settings(ctx context.Context) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT key, value FROM settings")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// DeleteSetting forgets a setting.
func (s *Store) DeleteSetting(ctx context.Context, key string) error {
	_, err := s.db.ExecContext(ctx, "DELETE FROM settings WHERE key = ?", key)
	return err
}
