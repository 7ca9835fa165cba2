package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pyhangar/pyhangar/bench"
	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/internal/testenv"
	"github.com/pyhangar/pyhangar/store"
)

func TestBenchJSONHistoryAndExportImport(t *testing.T) {
	py := testenv.GIL(t, "3.13")
	data := t.TempDir()
	r := run(t, nil, "--data-dir", data, "bench", "--python", py, "--threads", "2", "--budget", "4s", "--json")
	if r.code != 0 {
		t.Fatalf("bench: %d %s", r.code, r.stderr)
	}
	var results []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &results); err != nil || len(results) != 1 {
		t.Fatalf("stdout: %v\n%s", err, r.stdout)
	}
	for _, f := range []string{"path", "version", "free_threaded", "gil_enabled_start", "gil_enabled_end", "startup_ms", "single_thread_ms",
		"speedup", "cpu_wall_ratio", "process_speedup", "efficiency", "peak_rss_mb", "noisy", "verdict", "workloads", "rounds", "headline_spread"} {
		if _, ok := results[0][f]; !ok {
			t.Errorf("bench --json lacks %s", f)
		}
	}
	if sp, ok := results[0]["speedup"].(map[string]any); !ok || sp["2"] == nil {
		t.Errorf("speedup should be keyed by thread count: %v", results[0]["speedup"])
	}
	workloads, _ := results[0]["workloads"].(map[string]any)
	for _, w := range []string{"float", "calls", "alloc", "generator"} {
		wr, _ := workloads[w].(map[string]any)
		for _, f := range []string{"speedup", "cpu_wall_ratio", "process_speedup", "efficiency", "single_thread_ms", "spread"} {
			if _, ok := wr[f]; !ok {
				t.Errorf("workloads.%s lacks %s: %v", w, f, wr)
			}
		}
	}
	if !strings.Contains(r.stderr, "calibrating") || !strings.Contains(r.stderr, "round 5") {
		t.Errorf("no progress on stderr: %q", r.stderr)
	}
	// The readable table: the verdict, then a row per workload.
	r = run(t, nil, "--data-dir", t.TempDir(), "bench", "--python", py, "--budget", "3s")
	for _, want := range []string{"GIL build: threads take turns", "float arithmetic", "function calls", "allocation", "generators", "median", "EFFICIENCY"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the table lacks %q:\n%s", want, r.stdout)
		}
	}

	hostname, _ := os.Hostname()
	r = run(t, nil, "--data-dir", data, "bench", "history")
	if r.code != 0 || !strings.Contains(r.stdout, "GIL build") || !strings.Contains(r.stdout, "MACHINE") || !strings.Contains(r.stdout, hostname) {
		t.Errorf("history: %d %s", r.code, r.stdout)
	}
	out := filepath.Join(t.TempDir(), "runs.csv")
	if r = run(t, nil, "--data-dir", data, "bench", "export", "--format", "csv", "--out", out); r.code != 0 {
		t.Fatalf("export csv: %d %s", r.code, r.stderr)
	}
	f, _ := os.Open(out)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != 6 || rows[0][0] != "run_id" || rows[1][7] != "float" || rows[5][7] != "median" || rows[1][8] != "2" || rows[1][2] != hostname {
		t.Errorf("csv: %v %v", rows, err)
	}
	exportFile := filepath.Join(t.TempDir(), "this-machine.json")
	if r = run(t, nil, "--data-dir", data, "bench", "export", "--format", "json", "--out", exportFile); r.code != 0 {
		t.Fatalf("export json: %s", r.stderr)
	}
	var exported []struct {
		ID      int64
		Machine map[string]any
		Samples []map[string]any
	}
	if err := json.Unmarshal([]byte(mustRead(t, exportFile)), &exported); err != nil || len(exported) != 1 || len(exported[0].Samples) < 60 || exported[0].Machine["hostname"] != hostname {
		t.Errorf("json export: %v, %+v", err, exported)
	}
	if r := run(t, nil, "--data-dir", data, "bench", "export", "--format", "xml"); r.code != 2 {
		t.Errorf("bad format: code %d", r.code)
	}

	// Another machine imports it: the run, its machine and its samples
	// arrive once, however often the file is imported.
	other := t.TempDir()
	for i, want := range []string{"Imported 1 runs", "Imported 0 runs"} {
		r = run(t, nil, "--data-dir", other, "bench", "import", exportFile)
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("import %d: %d %s %s", i+1, r.code, r.stdout, r.stderr)
		}
	}
	st, _ := store.Open(other)
	runs, _ := st.BenchRuns(t.Context(), 0)
	var samples int
	if len(runs) == 1 {
		got, _ := st.BenchSamples(t.Context(), runs[0].ID)
		samples = len(got)
	}
	st.Close()
	if len(runs) != 1 || runs[0].Machine.Hostname != hostname || samples != len(exported[0].Samples) || runs[0].Result.Verdict != results[0]["verdict"] {
		t.Errorf("imported: %+v with %d samples", runs, samples)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"not": "an export"}`), 0o644)
	if r := run(t, nil, "--data-dir", other, "bench", "import", bad); r.code != 1 || !strings.Contains(r.stderr, "not a PyHangar benchmark export") {
		t.Errorf("importing garbage: %d %s", r.code, r.stderr)
	}
}

// From the command line too, the peak memory is the interpreter's own: one
// that holds 200 MB reads about 200 MB.
func TestBenchPeakMemoryFromTheCLI(t *testing.T) {
	heavy := testenv.HeavyInterpreter(t, testenv.FreeThreaded(t)["3.14"], 200)
	c := startChild(t, nil, "--data-dir", t.TempDir(), "bench", "--python", heavy, "--budget", "3s", "--json")
	if code := c.wait(t, 2*time.Minute); code != 0 {
		t.Fatalf("bench: %d %s", code, c.Stderr())
	}
	var results []struct {
		PeakRSSMB map[string]float64 `json:"peak_rss_mb"`
	}
	c.mu.Lock()
	err := json.Unmarshal(c.stdout.Bytes(), &results)
	c.mu.Unlock()
	if err != nil || len(results) != 1 {
		t.Fatalf("%v", err)
	}
	for k, mb := range results[0].PeakRSSMB {
		if mb < 200 || mb > 250 {
			t.Errorf("%s threads: peak %v MB, want about 200 MB and the interpreter's own", k, mb)
		}
	}
}

func mustRead(t *testing.T, p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A run killed while its rounds are under way stores nothing.
func TestBenchKilledHalfWayLeavesNothing(t *testing.T) {
	py := testenv.GIL(t, "3.13")
	data := t.TempDir()
	c := startChild(t, nil, "--data-dir", data, "bench", "--python", py)
	// Killed once the rounds are under way: the round report comes after
	// a round is measured, and the benchmark processes still run.
	c.waitStderr(t, "round 2:", 2*time.Minute)
	if !c.alive() || len(testenv.ProcessesWith(t, py)) == 0 {
		t.Fatalf("the run was not under way (alive %v):\n%s", c.alive(), c.Stderr())
	}
	c.cmd.Process.Kill()
	c.wait(t, 10*time.Second)
	st, err := store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	runs, err := st.BenchRuns(t.Context(), 0)
	if err != nil || len(runs) != 0 {
		t.Fatalf("a killed run left %d runs behind (%v)", len(runs), err)
	}
}

// bench --jit measures a build with the JIT with it off and on, paired,
// and says per workload how the JIT did; a build without the JIT is
// measured as usual and its result says so. Both runs of the JIT build
// are stored, exported with their variant and ratios, and imported as
// two runs.
func TestBenchJITOffAgainstOn(t *testing.T) {
	jit, gil := testenv.JIT(t), testenv.GIL(t, "3.13")
	data := t.TempDir()
	r := run(t, nil, "--data-dir", data, "bench", "--jit", "--python", jit, "--python", gil, "--threads", "2", "--budget", "2s", "--json")
	if r.code != 0 {
		t.Fatalf("bench --jit: %d %s", r.code, r.stderr)
	}
	var results []bench.Result
	if err := json.Unmarshal([]byte(r.stdout), &results); err != nil || len(results) != 3 {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	off, on, plain := results[0], results[1], results[2]
	if off.Variant != envs.JITOff || on.Variant != envs.JITOn || plain.Variant != "" || len(on.Paired) != 4 || off.Paired != nil {
		t.Errorf("variants %q %q %q, paired %v", off.Variant, on.Variant, plain.Variant, on.Paired)
	}
	if len(plain.Notes) != 1 || !strings.Contains(plain.Notes[0], "this build has no JIT") || plain.Paired != nil {
		t.Errorf("the build without the JIT: notes %q", plain.Notes)
	}
	if !strings.Contains(r.stderr, "JIT on: calibrating") {
		t.Errorf("no progress of the JIT's side: %s", r.stderr)
	}
	// The table says it in words.
	r = run(t, nil, "--data-dir", data, "bench", "history")
	if !strings.Contains(r.stdout, "GIL, JIT on") || !strings.Contains(r.stdout, "GIL, JIT off") {
		t.Errorf("history:\n%s", r.stdout)
	}
	rows, err := csv.NewReader(strings.NewReader(run(t, nil, "--data-dir", data, "bench", "export", "--format", "csv").stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	paired := 0
	for _, row := range rows[1:] {
		if row[col["variant"]] == "PYTHON_JIT=1" && row[col["workload"]] != "median" {
			if row[col["baseline"]] != "PYTHON_JIT=0" || row[col["paired_ratio"]] == "" || row[col["paired_clear"]] == "" {
				t.Errorf("csv row: %v", row)
			}
			paired++
		}
	}
	if paired != 4 {
		t.Errorf("%d workload rows of the JIT on run with ratios:\n%v", paired, rows)
	}
	exportFile := filepath.Join(t.TempDir(), "jit.json")
	if r = run(t, nil, "--data-dir", data, "bench", "export", "--format", "json", "--out", exportFile); r.code != 0 {
		t.Fatal(r.stderr)
	}
	other := t.TempDir()
	if r = run(t, nil, "--data-dir", other, "bench", "import", exportFile); r.code != 0 || !strings.Contains(r.stdout, "Imported 3 runs") {
		t.Fatalf("import: %s %s", r.stdout, r.stderr)
	}
	st, _ := store.Open(other)
	runs, _ := st.BenchRuns(t.Context(), 0)
	st.Close()
	got := map[envs.Variant]bench.Result{}
	for _, run := range runs {
		got[run.Result.Variant] = run.Result
	}
	if len(got) != 3 || got[envs.JITOn].PairedVerdict != on.PairedVerdict || got[envs.JITOn].Paired[bench.Calls] != on.Paired[bench.Calls] {
		t.Errorf("imported: %+v", got)
	}
}

// Two machines that look alike (this one, twice) stay apart by their
// labels, from --label and from PYHANGAR_MACHINE_LABEL; imported into one
// store, the fleet report names each with its run, and importing the same
// files again changes nothing.
func TestBenchLabelsAndTheFleetReport(t *testing.T) {
	py := testenv.GIL(t, "3.13")
	fleet := t.TempDir()
	for _, side := range []struct {
		label string
		env   map[string]string
		args  []string
	}{
		{"build-1", nil, []string{"--label", "build-1"}},
		{"build-2", map[string]string{"PYHANGAR_MACHINE_LABEL": "build-2"}, nil},
	} {
		data := t.TempDir()
		args := append([]string{"--data-dir", data, "bench", "--python", py, "--threads", "2", "--budget", "2s"}, side.args...)
		if r := run(t, side.env, args...); r.code != 0 {
			t.Fatalf("bench as %s: %d %s", side.label, r.code, r.stderr)
		}
		if r := run(t, nil, "--data-dir", data, "bench", "history"); !strings.Contains(r.stdout, side.label) {
			t.Errorf("history on %s does not name it:\n%s", side.label, r.stdout)
		}
		file := filepath.Join(t.TempDir(), side.label+".json")
		if r := run(t, nil, "--data-dir", data, "bench", "export", "--format", "json", "--out", file); r.code != 0 {
			t.Fatalf("export: %s", r.stderr)
		}
		for i, want := range []string{"Imported 1 runs", "Imported 0 runs"} {
			if r := run(t, nil, "--data-dir", fleet, "bench", "import", file); !strings.Contains(r.stdout, want) {
				t.Errorf("import %d of %s: %d %s %s", i+1, side.label, r.code, r.stdout, r.stderr)
			}
		}
	}
	r := run(t, nil, "--data-dir", fleet, "bench", "report", "--format", "json")
	var machines []struct {
		Name    string
		Machine struct{ Hostname, Label string }
		Runs    []struct{ Result struct{ Path string } }
	}
	if err := json.Unmarshal([]byte(r.stdout), &machines); err != nil || len(machines) != 2 {
		t.Fatalf("report: %v %s %s", err, r.stdout, r.stderr)
	}
	for i, m := range machines {
		want := fmt.Sprintf("build-%d", i+1)
		if m.Name != want || m.Machine.Label != want || m.Machine.Hostname == "" || len(m.Runs) != 1 || m.Runs[0].Result.Path != py {
			t.Errorf("machine %d: %+v", i, m)
		}
	}
	out := filepath.Join(t.TempDir(), "fleet.md")
	if r := run(t, nil, "--data-dir", fleet, "bench", "report", "--out", out); r.code != 0 || !strings.Contains(r.stderr, "2 machines") {
		t.Fatalf("report --out: %d %s", r.code, r.stderr)
	}
	md := mustRead(t, out)
	for _, want := range []string{"# Fleet report: 2 machines, 2 interpreters measured", "| build-1 | 3.13", "| build-2 | 3.13", "GIL build"} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown report lacks %q:\n%s", want, md)
		}
	}
	if r := run(t, nil, "--data-dir", fleet, "bench", "report", "--out", out); r.code == 0 || !strings.Contains(r.stderr, out) {
		t.Errorf("the report replaced %s unasked: %d %s", out, r.code, r.stderr)
	}
	if r := run(t, nil, "--data-dir", fleet, "bench", "--label", "bad\nlabel", "--python", py); r.code != 2 {
		t.Errorf("a label with a line break: %d %s", r.code, r.stderr)
	}
}
