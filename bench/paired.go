package bench

import (
	"fmt"
	"strings"
)

// pair fills in other's single-thread times against base's, paired round
// by round: both sides did the same work in each round, one after the
// other.
func pair(base, other *Result) {
	a, b := byRound(base.Samples), byRound(other.Samples)
	per := map[Workload][]float64{}
	for rnd, ws := range a {
		for w, c := range ws {
			if d, ok := b[rnd][w]; ok && c.one.WallNs > 0 && d.one.WallNs > 0 {
				per[w] = append(per[w], float64(c.one.WallNs)/float64(d.one.WallNs))
			}
		}
	}
	other.Baseline = base.Variant
	other.Paired = map[Workload]Ratio{}
	for _, w := range Workloads {
		if len(per[w]) > 0 {
			other.Paired[w] = PairedRatio(per[w])
		}
	}
	other.PairedVerdict = pairedVerdict(*other)
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
