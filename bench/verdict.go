package bench

import (
	"fmt"
	"sort"
	"strings"
)

// Verdict thresholds, on efficiency (what N threads get against what N
// processes get in the same rounds).
const (
	parallelAt  = 0.8 // at least this: threads run in parallel
	partlyAt    = 0.5 // at least this: partly
	busyCeiling = 1.2 // N processes under this many times one: the machine is busy
)

// Answer is the kind of verdict the run's figures give, for N threads.
// It is worked out from the stored figures, so a run read back from the
// store or an export gives the same answer.
func (r Result) Answer() Answer {
	key := fmt.Sprint(r.Threads())
	eff, ceiling := r.Efficiency[key], r.ProcessSpeedup[key]
	switch {
	case !r.FreeThreaded:
		return AnswerGILBuild
	case r.GILEnabledEnd != nil && *r.GILEnabledEnd && (r.GILEnabledStart == nil || !*r.GILEnabledStart):
		return AnswerGILCameBack
	case r.GILEnabledStart != nil && *r.GILEnabledStart:
		return AnswerGILOn
	case ceiling < busyCeiling:
		return AnswerBusy
	case r.Noisy:
		return AnswerNoisy
	case eff >= parallelAt:
		return AnswerParallel
	case eff >= partlyAt:
		return AnswerPartly
	}
	return AnswerSerial
}

// verdict says in plain words what the figures mean, for N threads.
func verdict(r *Result) string {
	n := r.Threads()
	key := fmt.Sprint(n)
	ratio, eff, ceiling, speedup := r.CPUWallRatio[key], r.Efficiency[key], r.ProcessSpeedup[key], r.Speedup[key]
	var v string
	switch a := r.Answer(); a {
	case AnswerGILBuild:
		return fmt.Sprintf("GIL build: threads take turns (%.2f× on %d threads, CPU/wall %.2f)", speedup, n, ratio)
	case AnswerGILCameBack:
		return "free-threaded build, but the GIL came back during the run"
	case AnswerGILOn:
		return fmt.Sprintf("free-threaded build running with the GIL on: threads take turns (CPU/wall %.2f)", ratio)
	case AnswerBusy:
		return fmt.Sprintf("cannot tell: %d processes ran only %.2f× faster than one, so the machine is busy; run again on a quieter machine", n, ceiling)
	case AnswerNoisy:
		return fmt.Sprintf("cannot tell: the rounds disagreed by ±%.0f%% (the machine was busy); run again on a quieter machine", 50*r.HeadlineSpread)
	default:
		word := map[Answer]string{AnswerParallel: "yes", AnswerPartly: "partly", AnswerSerial: "no"}[a]
		v = fmt.Sprintf("parallel threads: %s — %.2f× on %d threads, %.0f%% of what %d processes get", word, speedup, n, 100*eff, n)
	}
	if lag := laggards(r); lag != "" {
		v += "; " + lag
	}
	if cause := slowdownCause(r); cause != "" {
		v += "; " + cause
	}
	return v
}

// laggards names the workloads that do not scale while the others do:
// "float arithmetic: 1.1×; the others 1.9×".
func laggards(r *Result) string {
	var slow, fast []Workload
	var slowX, fastX []float64
	for _, w := range Workloads {
		wr, ok := r.Workloads[w]
		if !ok {
			continue
		}
		if wr.Efficiency < partlyAt+0.1 {
			slow = append(slow, w)
			slowX = append(slowX, wr.Speedup)
		} else if wr.Efficiency >= parallelAt {
			fast = append(fast, w)
			fastX = append(fastX, wr.Speedup)
		}
	}
	if len(slow) == 0 || len(fast) == 0 {
		return ""
	}
	var parts []string
	for i, w := range slow {
		parts = append(parts, fmt.Sprintf("%s: %.1f×", w.Name(), slowX[i]))
	}
	others := "the others"
	if len(fast) == 1 {
		others = fast[0].Name()
	}
	return fmt.Sprintf("%s; %s %.1f×", strings.Join(parts, ", "), others, Summarize(fastX).Median)
}

// slowdownCause says why threads that keep the cores busy still do not
// speed up: contention inside the interpreter (processes reach the
// ceiling meanwhile, so the cores were there) or a busy machine (the
// ceiling fell too).
func slowdownCause(r *Result) string {
	n := float64(r.Threads())
	type hit struct {
		name Workload
		wr   WorkloadResult
	}
	var busy, contended []hit
	for _, w := range Workloads {
		wr, ok := r.Workloads[w]
		if !ok || wr.CPUWallRatio < 0.8*n || wr.Speedup >= 0.8*n {
			continue
		}
		if wr.ProcessSpeedup < 0.8*n {
			busy = append(busy, hit{w, wr})
		} else {
			contended = append(contended, hit{w, wr})
		}
	}
	sort.Slice(contended, func(i, j int) bool { return contended[i].wr.Speedup < contended[j].wr.Speedup })
	switch {
	case len(contended) > 0:
		h := contended[0]
		return fmt.Sprintf("contention inside the interpreter: in %s the threads keep %.1f cores busy yet go %.2f× while %0.f processes go %.2f×",
			h.name.Name(), h.wr.CPUWallRatio, h.wr.Speedup, n, h.wr.ProcessSpeedup)
	case len(busy) > 0:
		return fmt.Sprintf("the machine was busy: %0.f processes got only %.2f× too", n, busy[0].wr.ProcessSpeedup)
	}
	return ""
}
