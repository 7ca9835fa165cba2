package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pyhangar/pyhangar/internal/testenv"
	"github.com/pyhangar/pyhangar/store"
)

func TestBenchJSONHistoryAndExport(t *testing.T) {
	py := testenv.GIL(t, "3.13")
	data := t.TempDir()
	r := run(t, nil, "--data-dir", data, "bench", "--python", py, "--threads", "2", "--json")
	if r.code != 0 {
		t.Fatalf("bench: %d %s", r.code, r.stderr)
	}
	var results []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &results); err != nil || len(results) != 1 {
		t.Fatalf("stdout: %v\n%s", err, r.stdout)
	}
	for _, f := range []string{"path", "version", "free_threaded", "gil_enabled_start", "gil_enabled_end", "startup_ms", "single_thread_ms",
		"speedup", "cpu_wall_ratio", "process_speedup", "efficiency", "peak_rss_mb", "noisy", "verdict"} {
		if _, ok := results[0][f]; !ok {
			t.Errorf("bench --json lacks %s", f)
		}
	}
	if sp, ok := results[0]["speedup"].(map[string]any); !ok || sp["2"] == nil {
		t.Errorf("speedup should be keyed by thread count: %v", results[0]["speedup"])
	}
	if !strings.Contains(r.stderr, "calibrating") {
		t.Errorf("no progress on stderr: %q", r.stderr)
	}

	r = run(t, nil, "--data-dir", data, "bench", "history")
	if r.code != 0 || !strings.Contains(r.stdout, "GIL build") {
		t.Errorf("history: %d %s", r.code, r.stdout)
	}
	out := filepath.Join(t.TempDir(), "runs.csv")
	if r = run(t, nil, "--data-dir", data, "bench", "export", "--format", "csv", "--out", out); r.code != 0 {
		t.Fatalf("export csv: %d %s", r.code, r.stderr)
	}
	f, _ := os.Open(out)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != 3 || rows[0][0] != "run_id" || rows[2][10] != "2" {
		t.Errorf("csv: %v %v", rows, err)
	}
	r = run(t, nil, "--data-dir", data, "bench", "export", "--format", "json")
	var exported []struct {
		ID      int64
		Samples []map[string]any
	}
	if err := json.Unmarshal([]byte(r.stdout), &exported); err != nil || len(exported) != 1 || len(exported[0].Samples) < 30 {
		t.Errorf("json export: %v, %d runs", err, len(exported))
	}
	if r := run(t, nil, "--data-dir", data, "bench", "export", "--format", "xml"); r.code != 2 {
		t.Errorf("bad format: code %d", r.code)
	}
}

// A run killed while its thread cells are under way stores nothing.
func TestBenchKilledHalfWayLeavesNothing(t *testing.T) {
	py := testenv.GIL(t, "3.13")
	data := t.TempDir()
	c := startChild(t, nil, "--data-dir", data, "bench", "--python", py)
	c.waitStderr(t, "threads [", 2*time.Minute)
	// The workload process of the thread cells runs (its plan names them).
	deadline := time.Now().Add(time.Minute)
	for len(testenv.ProcessesWith(`"cells"`)) == 0 {
		if time.Now().After(deadline) || !c.alive() {
			t.Fatalf("the thread cells never ran (child alive %v):\n%s", c.alive(), c.Stderr())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !c.alive() {
		t.Fatal("the run ended before it could be killed")
	}
	c.cmd.Process.Kill()
	c.wait(t, 10*time.Second)
	st, err := store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	runs, err := st.BenchRuns(0)
	if err != nil || len(runs) != 0 {
		t.Fatalf("a killed run left %d runs behind (%v)", len(runs), err)
	}
}
