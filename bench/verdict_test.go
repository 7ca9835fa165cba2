package bench

import (
	"fmt"
	"strings"
	"testing"
)

// samplesFor builds 5 thread samples per cell and process samples for 2.
func samplesFor(t1, t2, p2 int64, ratio2 float64) []Sample {
	var out []Sample
	for rep := 0; rep < 5; rep++ {
		for _, w := range Workloads {
			out = append(out, Sample{Workload: w, Threads: 1, Mode: "thread", Repeat: rep, WallNs: 100e6, CPUNs: 100e6})
		}
		out = append(out, Sample{Workload: "mixed", Threads: 1, Mode: "thread", Repeat: rep, WallNs: t1, CPUNs: t1})
		out = append(out, Sample{Workload: "mixed", Threads: 2, Mode: "thread", Repeat: rep, WallNs: t2, CPUNs: int64(float64(t2) * ratio2)})
		out = append(out, Sample{Workload: "mixed", Threads: 2, Mode: "process", Repeat: rep, WallNs: p2, CPUNs: 2 * p2})
	}
	return out
}

func TestSummaryAndVerdictOnFixedInputs(t *testing.T) {
	off, on := false, true
	ns := map[string]int64{"float": 1e6, "calls": 1e6, "alloc": 3e5, "generator": 1e6}
	cases := []struct {
		name  string
		ft    bool
		start *bool
		end   *bool
		s     []Sample
		want  string
		eff   float64
		ratio float64
	}{
		{"free-threaded, parallel", true, &off, &off, samplesFor(200e6, 105e6, 100e6, 1.9), "parallel threads: yes — 0.95", 0.95, 1.9},
		{"free-threaded, partly", true, &off, &off, samplesFor(200e6, 150e6, 100e6, 1.5), "parallel threads: partly", 0.67, 1.5},
		{"GIL build", false, nil, nil, samplesFor(200e6, 205e6, 100e6, 1.0), "GIL build: threads take turns", 0.49, 1.0},
		{"GIL came back", true, &off, &on, samplesFor(200e6, 200e6, 100e6, 1.0), "the GIL came back", 0.5, 1.0},
		{"busy machine", true, &off, &off, samplesFor(200e6, 190e6, 190e6, 1.1), "cannot tell", 1, 1.1},
	}
	for _, c := range cases {
		r := Result{FreeThreaded: c.ft, GILEnabledStart: c.start, GILEnabledEnd: c.end, ThreadCounts: []int{1, 2}, Repeats: 5, Samples: c.s}
		summarize(&r, ns)
		if !strings.Contains(r.Verdict, c.want) || r.Efficiency["2"] != c.eff || r.CPUWallRatio["2"] != c.ratio || r.Noisy {
			t.Errorf("%s: verdict %q efficiency %v ratio %v noisy %v", c.name, r.Verdict, r.Efficiency["2"], r.CPUWallRatio["2"], r.Noisy)
		}
		if r.SingleThreadMs["float"] != 100 || r.SingleThreadMs["alloc"] != 100 {
			t.Errorf("%s: single-thread ms for the reference work: %v", c.name, r.SingleThreadMs)
		}
	}
	// A noisy cell, re-run: the second set replaces the first.
	s := samplesFor(200e6, 105e6, 100e6, 1.9)
	for i := range s {
		if s[i].Mode == "thread" && s[i].Workload == "mixed" && s[i].Threads == 2 && s[i].Repeat%2 == 0 {
			s[i].WallNs *= 2
		}
	}
	r := Result{FreeThreaded: true, GILEnabledStart: &off, GILEnabledEnd: &off, ThreadCounts: []int{1, 2}, Repeats: 5, Samples: s}
	summarize(&r, ns)
	if !r.Noisy || !strings.Contains(r.Verdict, "noisy") {
		t.Errorf("noisy cell not reported: %+v", r)
	}
	for rep := 5; rep < 10; rep++ {
		r.Samples = append(r.Samples, Sample{Workload: "mixed", Threads: 2, Mode: "thread", Repeat: rep, WallNs: 105e6, CPUNs: 199e6})
	}
	summarize(&r, ns)
	if r.Noisy || r.Speedup["2"] != 1.9 {
		t.Errorf("after the re-run: noisy %v speedup %v", r.Noisy, r.Speedup["2"])
	}
}

func TestThreadCounts(t *testing.T) {
	for max, want := range map[int]string{1: "[1]", 2: "[1 2]", 4: "[1 2 4]", 6: "[1 2 4 6]", 8: "[1 2 4 8]"} {
		if got := fmt.Sprint(ThreadCounts(max)); got != want {
			t.Errorf("ThreadCounts(%d) = %s, want %s", max, got, want)
		}
	}
}

// A process ceiling below the threads' own speedup means the ceiling run
// was disturbed: it is re-measured, and if it stays so, the run is noisy.
func TestImplausibleCeilingIsDoubted(t *testing.T) {
	off := false
	ns := map[string]int64{"float": 1e6, "calls": 1e6, "alloc": 3e5, "generator": 1e6}
	s := samplesFor(200e6, 100e6, 200e6, 2.0) // threads 2×, processes 1×
	if got := doubtfulCeilings(s, []int{2}, 5); len(got) != 1 || got[0] != 2 {
		t.Fatalf("doubtful: %v", got)
	}
	r := Result{FreeThreaded: true, GILEnabledStart: &off, GILEnabledEnd: &off, ThreadCounts: []int{1, 2}, Repeats: 5, Samples: s}
	summarize(&r, ns)
	if !r.Noisy || !strings.Contains(r.Verdict, "noisy") {
		t.Errorf("an efficiency of %v must be flagged: %+v", r.Efficiency["2"], r)
	}
	// The re-measured ceiling replaces the first.
	for rep := 5; rep < 10; rep++ {
		r.Samples = append(r.Samples, Sample{Workload: "mixed", Threads: 2, Mode: "process", Repeat: rep, WallNs: 102e6, CPUNs: 204e6})
	}
	if got := doubtfulCeilings(r.Samples, []int{2}, 5); len(got) != 0 {
		t.Errorf("after the re-run: %v", got)
	}
	summarize(&r, ns)
	if r.Noisy || r.Efficiency["2"] != 1.02 {
		t.Errorf("after the re-run: noisy %v efficiency %v", r.Noisy, r.Efficiency["2"])
	}
}
