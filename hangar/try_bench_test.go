package hangar_test

import (
	"testing"
	"time"

	"github.com/pyhangar/pyhangar/hangar"
	"github.com/pyhangar/pyhangar/internal/testenv"
	"github.com/pyhangar/pyhangar/project"
	"github.com/pyhangar/pyhangar/store"
)

// BenchmarkTryOverhead is PyHangar's own time per target on a try whose
// venvs are reused (the readiness check from the index cache, the venv
// checks, the GIL scan, the plan and the records), beyond the project's
// commands themselves: the tests' and the timed runs' wall time is taken
// off. Goal: 300 ms.
func BenchmarkTryOverhead(b *testing.B) {
	dir := testenv.Project(b)
	index := testenv.TinyIndex(b)
	data := b.TempDir()
	st, err := store.Open(data)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	h := hangar.New(data, st)
	o := hangar.TryOptions{Dir: dir, Pythons: []string{testenv.GIL(b, "3.13"), testenv.FreeThreaded(b)["3.14"]}, IndexURL: index.URL,
		Run: []string{project.Python, "-c", "pass"}, Budget: time.Second}
	try := func() (time.Duration, time.Duration) {
		start := time.Now()
		p, err := h.PrepareTry(b.Context(), o, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := h.AgreeTry(b.Context(), p); err != nil {
			b.Fatal(err)
		}
		tr, err := h.RunTry(b.Context(), p, nil)
		if err != nil {
			b.Fatal(err)
		}
		var commands time.Duration
		for _, r := range tr.Targets {
			if r.Tests != nil {
				commands += time.Duration(r.Tests.Seconds * float64(time.Second))
			}
		}
		for _, s := range tr.Samples {
			commands += time.Duration(s.WallNs)
		}
		return time.Since(start), commands
	}
	try() // makes the venvs
	var overhead time.Duration
	for b.Loop() {
		total, commands := try()
		overhead += total - commands
	}
	b.ReportMetric(float64(overhead.Milliseconds())/float64(b.N)/2, "overhead-ms/target")
}
