package bench

import (
	"fmt"
	"math"
	"sort"
	"strconv"
)

// Stats summarise a set of values.
type Stats struct {
	N      int     `json:"n"`
	Median float64 `json:"median"`
	Q1     float64 `json:"q1"`
	Q3     float64 `json:"q3"`
}

// IQR is the interquartile range.
func (s Stats) IQR() float64 { return s.Q3 - s.Q1 }

// Spread is IQR/median: how much the values vary.
func (s Stats) Spread() float64 {
	if s.Median == 0 {
		return 0
	}
	return s.IQR() / s.Median
}

// NoisyAbove is the spread of the headline past which a run is noisy: its
// quartiles more than ±5% from its median.
const NoisyAbove = 0.10

// Summarize computes the median and quartiles (linear interpolation between
// order statistics, as numpy's default) of xs.
func Summarize(xs []float64) Stats {
	if len(xs) == 0 {
		return Stats{}
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return Stats{N: len(s), Median: quantile(s, 0.5), Q1: quantile(s, 0.25), Q3: quantile(s, 0.75)}
}

func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	frac := pos - float64(lo)
	return sorted[lo] + (sorted[hi]-sorted[lo])*frac
}

// roundCells are one workload's cells of one round: 1 thread (the mean
// of its cells, when a paired run takes two), N threads, N processes.
type roundCells struct {
	one, threads, procs Sample
	ones                int // 1-thread cells in one
	hasThreads, hasProc bool
}

// ratios are the ratios one round gives for one workload.
type ratios struct {
	speedup, ceiling, efficiency, cpuWall float64
}

func (c roundCells) ratios() (ratios, bool) {
	if c.ones == 0 || !c.hasThreads || !c.hasProc || c.one.WallNs <= 0 || c.threads.WallNs <= 0 || c.procs.WallNs <= 0 {
		return ratios{}, false
	}
	return ratios{
		speedup:    float64(c.one.WallNs) / float64(c.threads.WallNs),
		ceiling:    float64(c.one.WallNs) / float64(c.procs.WallNs),
		efficiency: float64(c.procs.WallNs) / float64(c.threads.WallNs),
		cpuWall:    float64(c.threads.CPUNs) / float64(c.threads.WallNs),
	}, true
}

// byRound sorts a run's samples into rounds and workloads.
func byRound(samples []Sample) map[int]map[Workload]*roundCells {
	out := map[int]map[Workload]*roundCells{}
	for _, s := range samples {
		if s.WallNs <= 0 {
			continue // memory samples
		}
		if out[s.Repeat] == nil {
			out[s.Repeat] = map[Workload]*roundCells{}
		}
		c := out[s.Repeat][s.Workload]
		if c == nil {
			c = &roundCells{}
			out[s.Repeat][s.Workload] = c
		}
		switch {
		case s.Mode == ModeThread && s.Threads == 1:
			// The mean of the round's 1-thread cells.
			n := int64(c.ones)
			c.one.WallNs = (c.one.WallNs*n + s.WallNs) / (n + 1)
			c.one.CPUNs = (c.one.CPUNs*n + s.CPUNs) / (n + 1)
			c.one.Threads, c.one.Mode = s.Threads, s.Mode
			c.ones++
		case s.Mode == ModeThread:
			c.threads, c.hasThreads = s, true
		default:
			c.procs, c.hasProc = s, true
		}
	}
	return out
}

// headlines are the per-round headline efficiency: the median of the
// round's workloads.
func headlines(rounds map[int]map[Workload]*roundCells) []float64 {
	var out []float64
	for _, ws := range rounds {
		var effs []float64
		for _, c := range ws {
			if r, ok := c.ratios(); ok {
				effs = append(effs, r.efficiency)
			}
		}
		if len(effs) > 0 {
			out = append(out, Summarize(effs).Median)
		}
	}
	return out
}

// headlineSpread is the spread of the per-round headline so far.
func headlineSpread(samples []Sample) float64 {
	return Summarize(headlines(byRound(samples))).Spread()
}

// summarize turns the samples into the figures and the verdict: per
// workload the medians of its per-round ratios, and as headline the
// median over the workloads.
func summarize(r *Result, iters map[Workload]int64) {
	rounds := byRound(r.Samples)
	r.Rounds = len(rounds)
	r.Repeats = r.Rounds
	per := map[Workload][]ratios{}
	ones := map[Workload][]float64{}
	for _, ws := range rounds {
		for w, c := range ws {
			if rt, ok := c.ratios(); ok {
				per[w] = append(per[w], rt)
				ones[w] = append(ones[w], float64(c.one.WallNs))
			}
		}
	}
	r.Workloads = map[Workload]WorkloadResult{}
	r.SingleThreadMs = map[Workload]float64{}
	var speedups, ceilings, effs, cpuWalls []float64
	for _, w := range Workloads {
		rs := per[w]
		if len(rs) == 0 {
			continue
		}
		pick := func(f func(ratios) float64) Stats {
			xs := make([]float64, len(rs))
			for i, x := range rs {
				xs[i] = f(x)
			}
			return Summarize(xs)
		}
		eff := pick(func(x ratios) float64 { return x.efficiency })
		wr := WorkloadResult{
			Speedup:        round(pick(func(x ratios) float64 { return x.speedup }).Median, 2),
			ProcessSpeedup: round(pick(func(x ratios) float64 { return x.ceiling }).Median, 2),
			Efficiency:     round(eff.Median, 2),
			CPUWallRatio:   round(pick(func(x ratios) float64 { return x.cpuWall }).Median, 2),
			Spread:         round(eff.Spread(), 3),
		}
		if n := iters[w]; n > 0 {
			wr.SingleThreadMs = round(Summarize(ones[w]).Median/1e6*referenceN[w]/float64(n), 2)
		}
		r.Workloads[w] = wr
		r.SingleThreadMs[w] = wr.SingleThreadMs
		speedups = append(speedups, wr.Speedup)
		ceilings = append(ceilings, wr.ProcessSpeedup)
		effs = append(effs, wr.Efficiency)
		cpuWalls = append(cpuWalls, wr.CPUWallRatio)
	}
	n := strconv.Itoa(r.Threads())
	r.Speedup = map[string]float64{n: round(Summarize(speedups).Median, 2)}
	r.ProcessSpeedup = map[string]float64{n: round(Summarize(ceilings).Median, 2)}
	r.Efficiency = map[string]float64{n: round(Summarize(effs).Median, 2)}
	r.CPUWallRatio = map[string]float64{n: round(Summarize(cpuWalls).Median, 2)}
	r.HeadlineSpread = round(Summarize(headlines(rounds)).Spread(), 3)
	r.Noisy = r.HeadlineSpread > NoisyAbove
	r.Verdict = verdict(r)
}

// Ratio compares two ways of running the same work, measured in pairs:
// the median of the per-pair ratios (the baseline's time over the other's,
// so above 1 the other is faster), with a 95% confidence interval for that
// median taken from the order statistics (it needs no assumption about how
// the times are spread, and one stalled pair cannot move it).
type Ratio struct {
	Ratio float64 `json:"ratio"`
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
	Pairs int     `json:"pairs"`
	// Clear says the whole interval is past the noise floor, on one side:
	// the difference is real on this machine, and more than noise.
	Clear bool `json:"clear"`
}

// NoiseFloor is the smallest difference called clear, however many pairs
// agree on it: 2%, below which a shared machine's drift and the cache's
// luck decide.
const NoiseFloor = 0.02

// PairedRatio summarises per-pair ratios (baseline time over the other's).
func PairedRatio(ratios []float64) Ratio {
	var xs []float64
	for _, x := range ratios {
		if x > 0 && !math.IsInf(x, 0) && !math.IsNaN(x) {
			xs = append(xs, x)
		}
	}
	if len(xs) == 0 {
		return Ratio{}
	}
	sort.Float64s(xs)
	out := Ratio{Ratio: quantile(xs, 0.5), Pairs: len(xs), Low: xs[0], High: xs[len(xs)-1]}
	k := medianCIRank(len(xs))
	if k == 0 {
		return roundRatio(out) // too few pairs for a 95% interval: never clear
	}
	out.Low, out.High = xs[k-1], xs[len(xs)-k]
	out.Clear = out.Low > 1+NoiseFloor || out.High < 1/(1+NoiseFloor)
	return roundRatio(out)
}

func roundRatio(r Ratio) Ratio {
	r.Ratio, r.Low, r.High = round(r.Ratio, 3), round(r.Low, 3), round(r.High, 3)
	return r
}

// medianCIRank is the rank k (from 1) for which the k-th smallest and the
// k-th largest of n values bound the median with at least 95% confidence
// (P(Binomial(n, ½) < k) ≤ 2.5%); 0 when n is too small for one (below 6).
func medianCIRank(n int) int {
	k, cdf := 0, 0.0
	logHalfN := float64(n) * math.Log(0.5)
	for i := 0; i <= n; i++ {
		lg, _ := math.Lgamma(float64(n + 1))
		li, _ := math.Lgamma(float64(i + 1))
		lr, _ := math.Lgamma(float64(n - i + 1))
		cdf += math.Exp(lg - li - lr + logHalfN) // P(B = i)
		if cdf > 0.025 {
			break
		}
		k = i + 1
	}
	if 2*k > n {
		return 0
	}
	return k
}

// Phrase says the comparison for the other side, on what was measured:
// "1.12× faster on function calls", "1.08× slower on allocation", "no
// clear difference on float arithmetic (1.01×)".
func (r Ratio) Phrase(what string) string {
	switch {
	case r.Pairs == 0:
		return what + " not measured"
	case !r.Clear:
		return fmt.Sprintf("no clear difference on %s (%.2f×)", what, r.Ratio)
	case r.Ratio >= 1:
		return fmt.Sprintf("%.2f× faster on %s", r.Ratio, what)
	}
	return fmt.Sprintf("%.2f× slower on %s", 1/r.Ratio, what)
}

// Than says the comparison against what it was paired with, named, with
// the interval as the speed-up it gives: "1.70× faster than 3.13.5
// (1.60–1.80)", "1.25× slower than 3.13.5 (1.20–1.30)", "no clear
// difference from 3.13.5 (0.99×, 0.97–1.02)".
func (r Ratio) Than(name string) string {
	head, word, detail := r.words()
	if name == "" {
		return head + detail
	}
	return head + " " + word + " " + name + detail
}

// words are Than's parts: the head, the word before the other's name and
// the interval.
func (r Ratio) words() (head, word, detail string) {
	switch {
	case r.Pairs == 0:
		return "not compared", "with", ""
	case r.Pairs < 6:
		return fmt.Sprintf("%.2f×", r.Ratio), "against", " (too few rounds for an interval)"
	case !r.Clear:
		return "no clear difference", "from", fmt.Sprintf(" (%.2f×, %.2f–%.2f)", r.Ratio, r.Low, r.High)
	case r.Ratio >= 1:
		return fmt.Sprintf("%.2f× faster", r.Ratio), "than", fmt.Sprintf(" (%.2f–%.2f)", r.Low, r.High)
	}
	return fmt.Sprintf("%.2f× slower", 1/r.Ratio), "than", fmt.Sprintf(" (%.2f–%.2f)", 1/r.High, 1/r.Low)
}
