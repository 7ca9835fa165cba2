package bench_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pyhangar/pyhangar/bench"
	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/internal/testenv"
	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/store"
)

func runBench(t *testing.T, in envs.Interpreter, extra ...string) bench.Result {
	t.Helper()
	r, err := bench.Run(context.Background(), in, bench.Options{MaxThreads: 2, Budget: 6 * time.Second, ExtraArgs: extra})
	if err != nil {
		t.Fatalf("%s: %v", in.Path, err)
	}
	t.Logf("%s %v: %d rounds, efficiency %v (spread %.3f), speedup %v, ceiling %v, CPU/wall %v; %s",
		in.Version, extra, r.Rounds, r.Efficiency, r.HeadlineSpread, r.Speedup, r.ProcessSpeedup, r.CPUWallRatio, r.Verdict)
	return r
}

// A GIL build's threads take turns: the CPU time its threads use never
// exceeds the wall time by much, however busy the machine.
func TestGILBuildsTakeTurns(t *testing.T) {
	pythons := testenv.GILBuilds(t)
	if old, ok := testenv.Older(t, "3.8", "the oldest supported Python, 3.8, takes turns too"); ok {
		pythons["3.8"] = old
	}
	for v, p := range pythons {
		r := runBench(t, testenv.Interp(t, p))
		if r.CPUWallRatio["2"] > 1.2 {
			t.Errorf("%s: CPU/wall at 2 threads = %v, want ≤ 1.2 for a GIL build", v, r.CPUWallRatio["2"])
		}
		if r.FreeThreaded || r.Answer() != bench.AnswerGILBuild {
			t.Errorf("%s: verdict %q", v, r.Verdict)
		}
		if len(r.Workloads) != 4 || len(r.SingleThreadMs) != 4 || r.StartupMs <= 0 || r.Rounds < 5 {
			t.Errorf("%s: workloads %v single %v startup %v rounds %d", v, r.Workloads, r.SingleThreadMs, r.StartupMs, r.Rounds)
		}
	}
}

// A free-threaded build keeps the GIL off, and its threads get close to
// what processes get in the same rounds; run with -X gil=1, the same build
// takes turns. When the machine is too busy for processes to run in
// parallel either, the verdict says it cannot tell, and that is all it
// may say.
func TestFreeThreadedBuildsRunInParallel(t *testing.T) {
	for minor, p := range testenv.FreeThreaded(t) {
		in := testenv.Interp(t, p)
		r := runBench(t, in)
		if r.GILEnabledStart == nil || *r.GILEnabledStart || r.GILEnabledEnd == nil || *r.GILEnabledEnd {
			t.Errorf("%s: the GIL must stay off: start %v end %v", minor, r.GILEnabledStart, r.GILEnabledEnd)
		}
		switch {
		case r.Answer() == bench.AnswerBusy || r.Answer() == bench.AnswerNoisy:
			t.Logf("%s: the machine was too busy to judge: %s", minor, r.Verdict)
		case r.Answer() != bench.AnswerParallel || r.Efficiency["2"] < 0.8:
			t.Errorf("%s: verdict %q (efficiency %v); threads should get what processes get", minor, r.Verdict, r.Efficiency["2"])
		}
		ctl := runBench(t, in, "-X", "gil=1")
		if ctl.CPUWallRatio["2"] > 1.2 || ctl.GILEnabledStart == nil || !*ctl.GILEnabledStart || ctl.Answer() != bench.AnswerGILOn {
			t.Errorf("%s -X gil=1: ratio %v, gil at start %v, verdict %q; want a GIL build's behaviour", minor, ctl.CPUWallRatio["2"], ctl.GILEnabledStart, ctl.Verdict)
		}
	}
}

func TestUnsupportedInterpreters(t *testing.T) {
	for _, v := range []string{"2.7", "3.6", "3.7"} {
		p, ok := testenv.Older(t, v, "Python "+v+" is refused as not supported")
		if !ok {
			continue
		}
		_, err := bench.Run(context.Background(), testenv.Interp(t, p), bench.Options{})
		if err == nil || !strings.Contains(err.Error(), "not supported") {
			t.Errorf("%s: err = %v", v, err)
		}
	}
	_, err := bench.Run(context.Background(), testenv.Interp(t, testenv.GIL(t, "3.13")), bench.Options{ExtraArgs: []string{"-X", "gil=0"}})
	if err == nil || !strings.Contains(err.Error(), "only for free-threaded") {
		t.Errorf("-X gil on a GIL build: err = %v", err)
	}
}

func TestResultsRoundTripThroughTheStore(t *testing.T) {
	r := runBench(t, testenv.Interp(t, testenv.GIL(t, "3.13")))
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m := platform.MachineFacts()
	id, err := st.SaveBenchRun(t.Context(), m, r)
	if err != nil {
		t.Fatal(err)
	}
	runs, err := st.BenchRuns(t.Context(), 0)
	if err != nil || len(runs) != 1 || runs[0].ID != id {
		t.Fatalf("runs = %+v, %v", runs, err)
	}
	got := runs[0].Result
	if got.Verdict != r.Verdict || got.CPUWallRatio["2"] != r.CPUWallRatio["2"] || got.Workloads["float"] != r.Workloads["float"] ||
		got.BinarySHA256 != r.BinarySHA256 || !got.Started.Equal(r.Started) {
		t.Errorf("summary changed on the way: %+v vs %+v", got, r)
	}
	if runs[0].Machine.LogicalCores != m.LogicalCores || runs[0].Machine.CPUModel != m.CPUModel {
		t.Errorf("machine: %+v vs %+v", runs[0].Machine, m)
	}
	samples, err := st.BenchSamples(t.Context(), id)
	if err != nil || len(samples) != len(r.Samples) || len(samples) < r.Rounds*3*len(bench.Workloads) {
		t.Fatalf("samples: %d stored, %d taken, %v", len(samples), len(r.Samples), err)
	}
	for i := range samples {
		if samples[i] != r.Samples[i] {
			t.Fatalf("sample %d: %+v vs %+v", i, samples[i], r.Samples[i])
		}
	}
}

// Cancelled during its rounds, a run returns the cancellation and nothing
// else, and its processes are gone.
func TestCancelledRunReturnsNothing(t *testing.T) {
	// A path of this test's own, so its processes can be told apart.
	py := filepath.Join(t.TempDir(), "python3.13")
	os.Symlink(testenv.GIL(t, "3.13"), py)
	ctx, cancel := context.WithCancel(context.Background())
	var steps []string
	r, err := bench.Run(ctx, testenv.Interp(t, py), bench.Options{Progress: func(s string) {
		steps = append(steps, s)
		if strings.HasPrefix(s, "round 2") {
			if n := len(testenv.ProcessesWith(t, py)); n != 3 {
				t.Errorf("%d benchmark processes run during round 2, want 3", n)
			}
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || r.Verdict != "" || r.Samples != nil {
		t.Fatalf("a cancelled run: err %v, result %+v", err, r)
	}
	if !strings.HasPrefix(steps[len(steps)-1], "round 2") {
		t.Errorf("the run went on after the cancel: %v", steps)
	}
	if left := testenv.ProcessesWith(t, py); len(left) > 0 {
		t.Errorf("processes left: %v", left)
	}
}

// The peak memory is the interpreter's own, not PyHangar's: a bare
// interpreter reads well under 50 MB, and one that holds 200 MB reads
// about 200 MB more, while PyHangar itself is bigger than both (as the
// window is): Linux folds a parent's size into what wait4 reports for a
// child started with vfork, so that figure would read PyHangar's size.
func TestPeakMemoryIsTheInterpreters(t *testing.T) {
	base := testenv.FreeThreaded(t)["3.14"]
	heavy := testenv.HeavyInterpreter(t, base, 200)
	ballast := make([]byte, 300<<20)
	for i := 0; i < len(ballast); i += 4096 {
		ballast[i] = 1
	}
	bare := runBench(t, testenv.Interp(t, base))
	big := runBench(t, testenv.Interp(t, heavy))
	runtime.KeepAlive(ballast)
	for _, k := range []string{"1", "2"} {
		if b := bare.PeakRSSMB[k]; b <= 0 || b >= 50 {
			t.Errorf("bare interpreter, %s threads: %v MB", k, b)
		}
		if d := big.PeakRSSMB[k] - bare.PeakRSSMB[k]; d < 195 || d > 230 {
			t.Errorf("with 200 MB held, %s threads: %v MB against %v MB bare", k, big.PeakRSSMB[k], bare.PeakRSSMB[k])
		}
	}
}

// An interpreter whose workload processes misbehave costs a bounded time
// and leaves nothing running: one that hangs after its first answer is
// given up on, one whose child holds the pipes is closed at once, a flood
// on stderr is cut to its tail, and garbage or impossible numbers are
// refused, naming what was printed.
func TestMisbehavingWorkloadProcesses(t *testing.T) {
	real := testenv.FreeThreaded(t)["3.14"]
	for _, c := range []struct {
		mode string
		want string // "" : the run completes
	}{
		{"hang-after-first", "no answer"},
		{"orphan", ""},
		{"flood-stderr", ""},
		{"garbage", `"Traceback? \x1b[31mno JSON here"`},
		{"out-of-range", "not a count to run"},
	} {
		t.Run(c.mode, func(t *testing.T) {
			py := testenv.Misbehaving(t, real, c.mode)
			in := testenv.Interp(t, py)
			start := time.Now()
			r, err := bench.Run(t.Context(), in, bench.Options{MaxThreads: 2, Budget: 2 * time.Second})
			took := time.Since(start)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("after %v: %v", took, err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("after %v: %v; want an error with %q", took, err, c.want)
			case c.want != "" && strings.Count(err.Error(), c.want) != 1:
				t.Errorf("the error says it more than once: %v", err)
			case c.want == "" && r.Rounds < 5:
				t.Errorf("%d rounds", r.Rounds)
			}
			t.Logf("%s: %v after %v", c.mode, err, took.Round(time.Millisecond))
			if left := testenv.ProcessesWith(t, filepath.Dir(py)); len(left) > 0 {
				t.Errorf("left running: %v", left)
			}
			if left := testenv.ProcessesWith(t, "sleep 600"); len(left) > 0 {
				t.Errorf("the orphan is left running: %v", left)
			}
		})
	}
}

// A build with the JIT is measured with it off and on, each in its own
// processes, in rounds back to back: the JIT is off in the one and on in
// the other, both do the same work in the same rounds, and the second
// says per workload how its single thread went against the first's.
func TestJITOffAndOnInPairedRounds(t *testing.T) {
	in := testenv.Interp(t, testenv.JIT(t))
	rs, err := bench.RunPaired(t.Context(), in, bench.Options{MaxThreads: 2, Budget: 3 * time.Second}, envs.JITOff, envs.JITOn)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 {
		t.Fatalf("%d results", len(rs))
	}
	off, on := rs[0], rs[1]
	if off.Variant != envs.JITOff || off.JITEnabled == nil || *off.JITEnabled || off.Paired != nil {
		t.Errorf("JIT off: variant %q, JIT on in its processes %v, paired %v", off.Variant, off.JITEnabled, off.Paired)
	}
	if on.Variant != envs.JITOn || on.JITEnabled == nil || !*on.JITEnabled || on.Baseline != envs.JITOff {
		t.Errorf("JIT on: variant %q, JIT on in its processes %v, against %q", on.Variant, on.JITEnabled, on.Baseline)
	}
	if off.Rounds != on.Rounds || off.Rounds < 8 || !off.Started.Equal(on.Started) {
		t.Errorf("rounds %d and %d (want the same, at least 8), started %v and %v", off.Rounds, on.Rounds, off.Started, on.Started)
	}
	for _, w := range bench.Workloads {
		p, ok := on.Paired[w]
		if !ok || p.Pairs != on.Rounds || p.Ratio <= 0 || p.Low > p.Ratio || p.High < p.Ratio {
			t.Errorf("%s: %+v", w, p)
		}
		if !strings.Contains(on.PairedVerdict, w.Name()) {
			t.Errorf("the verdict leaves out %s: %s", w.Name(), on.PairedVerdict)
		}
	}
	if !strings.HasPrefix(on.PairedVerdict, string(in.Version)+", JIT on against JIT off: ") {
		t.Errorf("verdict: %s", on.PairedVerdict)
	}
	t.Log(on.PairedVerdict)
	// A build without the JIT is refused the JIT's variant, saying why.
	_, err = bench.RunPaired(t.Context(), testenv.Interp(t, testenv.GIL(t, "3.13")), bench.Options{}, envs.JITOff, envs.JITOn)
	if err == nil || !strings.Contains(err.Error(), "has no JIT") {
		t.Errorf("JIT on a build without it: %v", err)
	}
}
