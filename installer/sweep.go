package installer

import (
	"context"
	"path/filepath"
	"runtime"
	"time"

	"github.com/pyhangar/pyhangar/platform"
)

// Sweep finds install attempts left "running" by a process that is gone
// (killed, or its last database write failed): their lock is free. It
// removes what they left in build/, downloads/ and pythons/ and marks them
// interrupted, so the next install starts clean. Attempts whose process
// still runs hold their lock and are left alone.
func Sweep(ctx context.Context, dataDir string, records Records) ([]Record, error) {
	return sweep(ctx, dataDir, records, runtime.GOOS)
}

// sweep is Sweep for the installs of goos.
func sweep(ctx context.Context, dataDir string, records Records, goos string) ([]Record, error) {
	recs, err := records.Installs(ctx)
	if err != nil {
		return nil, err
	}
	owned := map[string]bool{} // targets a successful install owns
	for _, r := range recs {
		if r.Status == StatusOK {
			owned[r.Target] = true
		}
	}
	var swept []Record
	for _, r := range recs {
		if r.Status != StatusRunning {
			continue
		}
		if r.Target != "" {
			lock, err := platform.TryLock(lockPath(dataDir, r.Target))
			if err != nil {
				continue // its process still runs
			}
			platform.DeleteMade(downloadDir(dataDir, r.Target), workArea(dataDir))
			builds, _ := filepath.Glob(filepath.Join(dataDir, "build", r.Target+"-*"))
			for _, b := range builds {
				platform.DeleteMade(b, workArea(dataDir))
			}
			if !owned[r.Target] && r.Method == RoutePythonOrg && goos != "darwin" {
				platform.DeleteMade(filepath.Join(dataDir, "pythons", r.Target), builtPrefix(dataDir))
			}
			lock.Unlock()
		}
		r.Status, r.Finished = StatusInterrupted, time.Now().UTC()
		if r.Error == "" {
			r.Error = "interrupted: its process ended before the install finished"
		}
		if err := records.FinishInstall(ctx, r); err != nil {
			return swept, err
		}
		swept = append(swept, r)
	}
	return swept, nil
}
