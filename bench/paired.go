package bench

import (
	"fmt"
	"strings"
)

// pair fills in other's single-thread times against base's, paired round
// by round: both sides did the same work in each round, one after the
// other.
func pair(base, other *Result) {
	other.Baseline = base.Variant
	other.Paired = pairedRatios(base.Samples, other.Samples)
	other.PairedVerdict = pairedVerdict(*other)
}

// pairedRatios are, per workload, the base's 1-thread time over the
// other's, round by round.
func pairedRatios(base, other []Sample) map[Workload]Ratio {
	a, b := byRound(base), byRound(other)
	per := map[Workload][]float64{}
	for rnd, ws := range a {
		for w, c := range ws {
			if d, ok := b[rnd][w]; ok && c.one.WallNs > 0 && d.one.WallNs > 0 {
				per[w] = append(per[w], float64(c.one.WallNs)/float64(d.one.WallNs))
			}
		}
	}
	out := map[Workload]Ratio{}
	for _, w := range Workloads {
		if len(per[w]) > 0 {
			out[w] = PairedRatio(per[w])
		}
	}
	return out
}

// pairedSteady says every workload's interval is within ±3% so far: a
// paired run may stop early.
func pairedSteady(base, other []Sample) bool {
	rs := pairedRatios(base, other)
	for _, w := range Workloads {
		r, ok := rs[w]
		if !ok || r.Pairs < 6 || r.High/r.Low > 1.06 {
			return false
		}
	}
	return true
}

// pairedVerdict says per workload how the variant did against its
// baseline: "3.14.7, JIT on against JIT off: no clear difference on float
// arithmetic (1.01×), 1.12× faster on function calls, …".
func pairedVerdict(r Result) string {
	var parts []string
	for _, w := range Workloads {
		if p, ok := r.Paired[w]; ok {
			parts = append(parts, p.Phrase(w.Name()))
		}
	}
	base := r.Baseline.Words()
	if base == "" {
		base = "as it is"
	}
	return fmt.Sprintf("%s, %s against %s: %s", r.Version, r.Variant.Words(), base, strings.Join(parts, ", "))
}

// pairedDecided says every workload's comparison has an answer the next
// rounds would not change: its whole interval past the noise floor on one
// side, or within it.
func pairedDecided(base, other []Sample) bool {
	rs := pairedRatios(base, other)
	for _, w := range Workloads {
		r, ok := rs[w]
		inside := r.Low > 1/(1+NoiseFloor) && r.High < 1+NoiseFloor
		if !ok || r.Pairs < 6 || !r.Clear && !inside {
			return false
		}
	}
	return true
}
