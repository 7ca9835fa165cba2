package bench

import (
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

// roundCells are one workload's three cells of one round.
type roundCells struct {
	one, threads, procs Sample
	complete            int // how many of the three are there
}

// ratios are the ratios one round gives for one workload.
type ratios struct {
	speedup, ceiling, efficiency, cpuWall float64
}

func (c roundCells) ratios() (ratios, bool) {
	if c.complete != 3 || c.one.WallNs <= 0 || c.threads.WallNs <= 0 || c.procs.WallNs <= 0 {
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
			c.one = s
		case s.Mode == ModeThread:
			c.threads = s
		default:
			c.procs = s
		}
		c.complete++
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
