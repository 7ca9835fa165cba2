package wheels_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/pyhangar/pyhangar/internal/testenv"
	"github.com/pyhangar/pyhangar/store"
	"github.com/pyhangar/pyhangar/wheels"
)

// BenchmarkReady100 checks a 100-requirement file for the free-threaded
// 3.14 against the stand-in index: a mix of free-threaded wheels, pure
// wheels, GIL-only wheels and sdists, a third of them with a dependency
// on another. cold: an empty cache each time; warm: the answers kept and
// still fresh (the index says max-age=600, as PyPI does); revalidate: kept
// but stale, each asked again with its ETag. Reports the HTTP requests per
// check.
func BenchmarkReady100(b *testing.B) {
	var projects []testenv.IndexProject
	var reqs []wheels.Requirement
	for i := range 100 {
		name := fmt.Sprintf("pkg%03d", i)
		var deps []string
		if i%3 == 0 && i+1 < 100 {
			deps = append(deps, fmt.Sprintf("pkg%03d>=1", i+1))
		}
		var files []testenv.IndexFile
		for _, v := range []string{"1.0", "1.1", "2.0"} {
			switch i % 4 {
			case 0:
				files = append(files, testenv.Wheel(fmt.Sprintf("%s-%s-cp314-cp314t-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", name, v), deps...),
					testenv.Wheel(fmt.Sprintf("%s-%s-cp313-cp313-manylinux_2_17_x86_64.whl", name, v), deps...))
			case 1:
				files = append(files, testenv.Wheel(fmt.Sprintf("%s-%s-py3-none-any.whl", name, v), deps...))
			case 2:
				files = append(files, testenv.Wheel(fmt.Sprintf("%s-%s-cp314-cp314-win_amd64.whl", name, v), deps...))
			case 3:
				files = append(files, testenv.Sdist(name, v, deps...))
			}
		}
		projects = append(projects, testenv.IndexProject{Name: name, Files: files})
		reqs = append(reqs, wheels.Requirement{Text: name + ">=1"})
	}
	ix := testenv.StartPackageIndex(b, projects...)
	python := testenv.FreeThreaded(b)["3.14"]
	run := func(b *testing.B, st *store.Store) int64 {
		rep, err := (&wheels.Checker{Python: python, IndexURL: ix.URL, Cache: st}).Check(context.Background(), reqs)
		if err != nil || len(rep.Results) != 100 {
			b.Fatalf("%d results, %v", len(rep.Results), err)
		}
		return rep.Requests
	}
	open := func(b *testing.B) *store.Store {
		st, err := store.Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		return st
	}
	for _, mode := range []string{"cold", "warm", "revalidate"} {
		b.Run(mode, func(b *testing.B) {
			ix.MaxAge = 600
			if mode == "revalidate" {
				ix.MaxAge = 0
			}
			st := open(b)
			if mode != "cold" {
				run(b, st) // fills the cache
			}
			var requests int64
			b.ResetTimer()
			for range b.N {
				if mode == "cold" {
					b.StopTimer()
					st = open(b)
					b.StartTimer()
				}
				requests += run(b, st)
			}
			b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/check")
		})
	}
}
