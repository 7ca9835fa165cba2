package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pyhangar/pyhangar/bench"
	"github.com/pyhangar/pyhangar/platform"
)

// madeRun is a plausible run of another machine, with samples.
func madeRun(i int) exportedRun {
	started := time.Date(2026, 11, 1, 10, 0, i, 0, time.UTC)
	r := bench.Result{Path: fmt.Sprintf("/opt/python%d/bin/python3.14t", i), Version: "3.14.7", FreeThreaded: true, ThreadCounts: []int{1, 2},
		Started: started, Finished: started.Add(9 * time.Second), Speedup: map[string]float64{"2": 1.9}, Efficiency: map[string]float64{"2": 0.98},
		Workloads: map[bench.Workload]bench.WorkloadResult{bench.Float: {Speedup: 1.9, Efficiency: 0.98}}, Rounds: 12, Verdict: "parallel threads: yes"}
	var samples []bench.Sample
	for k := range 40 {
		samples = append(samples, bench.Sample{Workload: bench.Float, Threads: 2, Mode: bench.ModeThread, Repeat: k, WallNs: 4e7, CPUNs: 8e7})
	}
	return exportedRun{BenchRun: BenchRun{Result: r, Machine: platform.Machine{Hostname: "lab-2", CPUModel: "x86", LogicalCores: 2}}, Samples: samples}
}

func encode(t testing.TB, runs []exportedRun) []byte {
	b, err := json.Marshal(runs)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// An import refuses a run whose values cannot be, naming the run and the
// field, and then imports nothing; a good file imports once.
func TestImportIsCheckedAndWhole(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range []struct {
		field string
		spoil func(*exportedRun)
	}{
		{"thread_counts", func(r *exportedRun) { r.Result.ThreadCounts = []int{0} }},
		{"samples[3]", func(r *exportedRun) { r.Samples[3].WallNs = -5 }},
		{"machine.hostname", func(r *exportedRun) { r.Machine.Hostname = "evil\x1b]0;pwned\x07" }},
		{"workloads", func(r *exportedRun) { r.Result.Workloads["rm -rf"] = bench.WorkloadResult{} }},
		{"started", func(r *exportedRun) { r.Result.Started = time.Time{} }},
		{"speedup.2", func(r *exportedRun) { r.Result.Speedup["2"] = -1 }},
	} {
		bad := madeRun(2)
		c.spoil(&bad)
		_, _, err := s.ImportBenchJSON(t.Context(), bytes.NewReader(encode(t, []exportedRun{madeRun(1), bad})))
		if err == nil || !strings.Contains(err.Error(), "run 2 of the export: "+c.field) || !strings.Contains(err.Error(), "nothing was imported") {
			t.Errorf("%s: %v", c.field, err)
		}
		if runs, _ := s.BenchRuns(t.Context(), 0); len(runs) != 0 {
			t.Fatalf("%s: a refused import kept %d runs", c.field, len(runs))
		}
	}
	good := encode(t, []exportedRun{madeRun(1), madeRun(2)})
	if n, skipped, err := s.ImportBenchJSON(t.Context(), bytes.NewReader(good)); err != nil || n != 2 || skipped != 0 {
		t.Fatalf("good: %d %d %v", n, skipped, err)
	}
	if n, skipped, err := s.ImportBenchJSON(t.Context(), bytes.NewReader(good)); err != nil || n != 0 || skipped != 2 {
		t.Errorf("again: %d %d %v", n, skipped, err)
	}
	if _, _, err := s.ImportBenchJSON(t.Context(), strings.NewReader(`[{"result": {}}`)); err == nil {
		t.Error("a cut file imported")
	}
}

// BenchmarkImportMemory imports a 40 MB export from disk and reports
// the peak heap the import took, against the file's size: it reads a run
// at a time.
func BenchmarkImportMemory(b *testing.B) {
	// Nothing of the file is in memory (it is written a run at a time), so
	// the heap measured is the import's own.
	path := filepath.Join(b.TempDir(), "export.json")
	func() {
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		f.WriteString("[")
		for i := range 8000 {
			if i > 0 {
				f.WriteString(",")
			}
			f.Write(encode(b, []exportedRun{madeRun(i)})[1:]) // one run, without the list's [
			f.Seek(-1, io.SeekCurrent)                        // and without its ]
		}
		f.WriteString("]")
	}()
	fi, _ := os.Stat(path)
	for range b.N {
		s, err := Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)
		peak := base.HeapInuse
		stop, done := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(done)
			var m runtime.MemStats
			for {
				select {
				case <-stop:
					return
				case <-time.After(5 * time.Millisecond):
					runtime.ReadMemStats(&m)
					peak = max(peak, m.HeapInuse)
				}
			}
		}()
		if _, _, err := s.ImportBenchJSON(b.Context(), f); err != nil {
			b.Fatal(err)
		}
		close(stop)
		<-done
		f.Close()
		s.Close()
		b.ReportMetric(float64(fi.Size())/(1<<20), "file-MiB")
		b.ReportMetric(float64(peak-base.HeapInuse)/(1<<20), "peak-heap-MiB")
	}
}
