package bench

import (
	"strings"
	"testing"
)

// cell is one round's figures for one workload, in ms: 1 thread, N threads,
// N processes, and the CPU time of the N-thread cell.
type cell struct{ one, threads, procs, cpu float64 }

// recorded builds the samples of a run at 2 threads: rounds of cells per
// workload.
func recorded(rounds []map[Workload]cell) []Sample {
	var out []Sample
	ms := func(x float64) int64 { return int64(x * 1e6) }
	for r, ws := range rounds {
		for _, w := range Workloads {
			c, ok := ws[w]
			if !ok {
				c = ws["*"]
			}
			out = append(out,
				Sample{Workload: w, Threads: 1, Mode: ModeThread, Repeat: r, WallNs: ms(c.one), CPUNs: ms(c.one)},
				Sample{Workload: w, Threads: 2, Mode: ModeThread, Repeat: r, WallNs: ms(c.threads), CPUNs: ms(c.cpu)},
				Sample{Workload: w, Threads: 2, Mode: ModeProcess, Repeat: r, WallNs: ms(c.procs), CPUNs: ms(2 * c.procs)})
		}
	}
	return out
}

// steady makes n rounds of the same cells.
func steady(n int, ws map[Workload]cell) []map[Workload]cell {
	out := make([]map[Workload]cell, n)
	for i := range out {
		out[i] = ws
	}
	return out
}

var (
	parallel  = cell{one: 40, threads: 21, procs: 20.5, cpu: 41.5}
	takesTurn = cell{one: 40, threads: 40, procs: 20.5, cpu: 40}
	iters     = map[Workload]int64{"float": 1e6, "calls": 1e6, "alloc": 3e5, "generator": 1e6}
)

func judge(ft bool, start, end *bool, rounds []map[Workload]cell) Result {
	r := Result{FreeThreaded: ft, GILEnabledStart: start, GILEnabledEnd: end, ThreadCounts: []int{1, 2}, Samples: recorded(rounds)}
	summarize(&r, iters)
	return r
}

func TestVerdictOnRecordedRuns(t *testing.T) {
	off, on := false, true
	// A slow spell: for three rounds one core runs at half speed. The
	// single-thread cell of those rounds is slow; so, in the same moment,
	// are the thread and process cells that follow it.
	spell := steady(15, map[Workload]cell{"*": parallel})
	for r := 4; r < 7; r++ {
		spell[r] = map[Workload]cell{"*": {one: 80, threads: 30, procs: 29, cpu: 58}}
	}
	// The same spell in the single-thread cells alone (the machine got
	// quiet right after): the speedups of those rounds jump, efficiency
	// does not move.
	oneCell := steady(15, map[Workload]cell{"*": parallel})
	for r := 2; r < 5; r++ {
		oneCell[r] = map[Workload]cell{"*": {one: 80, threads: 21, procs: 20.5, cpu: 41.5}}
	}
	// A drop of the ceiling: for two rounds the processes were disturbed.
	drop := steady(15, map[Workload]cell{"*": parallel})
	for r := 9; r < 11; r++ {
		drop[r] = map[Workload]cell{"*": {one: 40, threads: 21, procs: 38, cpu: 41.5}}
	}
	// One workload does not scale while the others do.
	lagging := steady(15, map[Workload]cell{"*": parallel, "float": {one: 40, threads: 36, procs: 20.5, cpu: 72}})
	// Two busy cores all through: processes cannot run in parallel either.
	busy := steady(15, map[Workload]cell{"*": {one: 40, threads: 38, procs: 37, cpu: 40}})
	// Rounds that disagree all through.
	var wild []map[Workload]cell
	for r := 0; r < 15; r++ {
		wild = append(wild, map[Workload]cell{"*": {one: 40, threads: 21 + float64(r%5)*6, procs: 20.5, cpu: 41.5}})
	}

	cases := []struct {
		name   string
		r      Result
		answer Answer
		want   string
		noisy  bool
		effAt2 float64
	}{
		{"parallel", judge(true, &off, &off, steady(12, map[Workload]cell{"*": parallel})), AnswerParallel, "parallel threads: yes — 1.90× on 2 threads, 98% of what 2 processes get", false, 0.98},
		{"slow spell", judge(true, &off, &off, spell), AnswerParallel, "parallel threads: yes", false, 0.98},
		{"slow spell in one cell", judge(true, &off, &off, oneCell), AnswerParallel, "parallel threads: yes", false, 0.98},
		{"ceiling drop", judge(true, &off, &off, drop), AnswerParallel, "parallel threads: yes", false, 0.98},
		{"one workload lags", judge(true, &off, &off, lagging), AnswerParallel, "float arithmetic: 1.1×; the others 1.9×", false, 0.98},
		{"GIL build", judge(false, nil, nil, steady(12, map[Workload]cell{"*": takesTurn})), AnswerGILBuild, "GIL build: threads take turns", false, 0.51},
		{"GIL on", judge(true, &on, &on, steady(12, map[Workload]cell{"*": takesTurn})), AnswerGILOn, "running with the GIL on", false, 0.51},
		{"GIL came back", judge(true, &off, &on, steady(12, map[Workload]cell{"*": takesTurn})), AnswerGILCameBack, "the GIL came back", false, 0.51},
		{"busy machine", judge(true, &off, &off, busy), AnswerBusy, "cannot tell: 2 processes ran only 1.08× faster than one", false, 0.97},
		{"wild rounds", judge(true, &off, &off, wild), AnswerNoisy, "cannot tell: the rounds disagreed", true, 0.62},
	}
	for _, c := range cases {
		if c.r.Answer() != c.answer || !strings.Contains(c.r.Verdict, c.want) || c.r.Noisy != c.noisy || c.r.Efficiency["2"] != c.effAt2 {
			t.Errorf("%s: %s: verdict %q, noisy %v (spread %v), efficiency %v; want %s, %q, noisy %v, efficiency %v",
				c.name, c.r.Answer(), c.r.Verdict, c.r.Noisy, c.r.HeadlineSpread, c.r.Efficiency["2"], c.answer, c.want, c.noisy, c.effAt2)
		}
	}
	// The one cell's spell shows in the speedup's spread but not in the
	// headline's.
	if r := judge(true, &off, &off, oneCell); r.Speedup["2"] != 1.9 || r.HeadlineSpread > 0.02 {
		t.Errorf("slow spell in one cell: speedup %v spread %v", r.Speedup["2"], r.HeadlineSpread)
	}
	// Per workload, in the figures too.
	r := judge(true, &off, &off, lagging)
	if f := r.Workloads["float"]; f.Speedup != 1.11 || f.Efficiency != 0.57 || f.CPUWallRatio != 2 || r.Workloads["calls"].Efficiency != 0.98 {
		t.Errorf("per workload: %+v", r.Workloads)
	}
	if r.SingleThreadMs["float"] != 40 || r.SingleThreadMs["alloc"] != 40 {
		t.Errorf("single-thread ms for the reference work: %v", r.SingleThreadMs)
	}
}

// Threads that keep both cores busy and still do not go faster: with the
// processes at the ceiling in the same rounds, it is contention inside the
// interpreter; with the processes slowed too, a busy machine.
func TestVerdictSaysWhyBusyThreadsAreSlow(t *testing.T) {
	off := false
	contended := judge(true, &off, &off, steady(12, map[Workload]cell{"*": parallel, "alloc": {one: 40, threads: 34, procs: 20.5, cpu: 67}}))
	if !strings.Contains(contended.Verdict, "contention inside the interpreter: in allocation the threads keep 2.0 cores busy yet go 1.18× while 2 processes go 1.95×") {
		t.Errorf("contention: %q", contended.Verdict)
	}
	busy := judge(true, &off, &off, steady(12, map[Workload]cell{"*": {one: 40, threads: 33, procs: 27, cpu: 64}}))
	if !strings.Contains(busy.Verdict, "82% of what 2 processes get") || !strings.Contains(busy.Verdict, "the machine was busy: 2 processes got only 1.48× too") {
		t.Errorf("busy: %q", busy.Verdict)
	}
}
