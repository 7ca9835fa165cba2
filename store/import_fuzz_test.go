package store

import (
	"bytes"
	"testing"
)

// FuzzImport imports what an export from another machine could hold:
// whatever it is, the import never panics, and it keeps either every run
// of the file or none, each one a run that passes the checks.
func FuzzImport(f *testing.F) {
	good := func(runs ...exportedRun) []byte { return encode(f, runs) }
	f.Add(good(madeRun(1)))
	f.Add(good(madeRun(1), madeRun(2)))
	f.Add([]byte(`[{"result":{"path":"/x","started":"2026-01-01T00:00:00Z","thread_counts":[0]}}]`))
	f.Add([]byte(`[{"result":{"path":"/x\u001b[2J","started":"2026-01-01T00:00:00Z","thread_counts":[2]},"samples":[{"wall_ns":-1}]}]`))
	f.Add([]byte(`{"not":"a list"}`))
	f.Add([]byte(`[`))
	s, err := Open(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	f.Fuzz(func(t *testing.T, file []byte) {
		before, err := s.BenchRuns(t.Context(), 0)
		if err != nil {
			t.Fatal(err)
		}
		imported, _, err := s.ImportBenchJSON(t.Context(), bytes.NewReader(file))
		after, _ := s.BenchRuns(t.Context(), 0)
		switch {
		case err != nil && len(after) != len(before):
			t.Fatalf("a refused import kept %d runs: %v", len(after)-len(before), err)
		case err == nil && len(after) != len(before)+imported:
			t.Fatalf("imported %d, stored %d", imported, len(after)-len(before))
		}
		for _, run := range after {
			if err := checkImported(exportedRun{BenchRun: run}); err != nil {
				t.Errorf("stored a run that does not pass the checks: %v", err)
			}
		}
	})
}
