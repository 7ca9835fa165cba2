package trial

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/pyhangar/pyhangar/envs"
)

// recorded builds a try of two targets from wall times by round (ms).
func recorded(base, other []float64) *Try {
	tr := &Try{Rounds: len(base), Targets: []TargetResult{
		{Target: Target{Python: envs.Interpreter{Identity: envs.Identity{Version: "3.13.5"}}}, Timing: &TimingResult{}},
		{Target: Target{Python: envs.Interpreter{Identity: envs.Identity{Version: "3.14.7", FreeThreaded: true}}}, Timing: &TimingResult{}},
	}}
	for r := range base {
		for i, ms := range []float64{base[r], other[r]} {
			tr.Samples = append(tr.Samples, Sample{Target: i, Round: r, WallNs: int64(ms * 1e6), CPUNs: int64(ms * 1e6), PeakRSS: 20 << 20})
		}
	}
	tr.figures([]int{0, 1})
	return tr
}

// noisy is n wall times around ms, each off by up to ±spread.
func noisy(rng *rand.Rand, n int, ms, spread float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = ms * (1 + spread*(2*rng.Float64()-1))
	}
	return out
}

// The statistics on recorded sample sets, as words: the same interpreter
// twice reads no clear difference; a true 2× reads 2× faster with an
// interval about it; a slow spell that hits both sides of some rounds
// moves neither the ratio nor its verdict; a difference under the noise
// floor is no clear difference however steady.
func TestTimingWordsOnRecordedSamples(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	cases := []struct {
		name        string
		base, other []float64
		want        string
	}{
		{"A/A", noisy(rng, 20, 200, 0.03), noisy(rng, 20, 200, 0.03), "bench.py no clear difference from 3.13.5 ("},
		{"a true 2×", noisy(rng, 20, 200, 0.03), noisy(rng, 20, 100, 0.03), "bench.py 2.0"},
		{"under the noise floor", noisy(rng, 20, 200, 0.002), noisy(rng, 20, 198, 0.002), "bench.py no clear difference from 3.13.5 (1.01×"},
	}
	// A slow spell: rounds 6 to 12 take 1.6 times as long on both sides,
	// and the free-threaded build is 1.25× faster throughout.
	base, other := noisy(rng, 20, 200, 0.01), noisy(rng, 20, 160, 0.01)
	for r := 6; r <= 12; r++ {
		base[r] *= 1.6
		other[r] *= 1.6
	}
	cases = append(cases, struct {
		name        string
		base, other []float64
		want        string
	}{"a slow spell", base, other, "bench.py 1.25× faster than 3.13.5 (1.2"})
	for _, c := range cases {
		tr := recorded(c.base, c.other)
		got := tr.Targets[1].Timing.words("bench.py")
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: %q, want it to start %q", c.name, got, c.want)
		}
		if c.name == "a true 2×" && !strings.Contains(got, "× faster than 3.13.5 (1.9") {
			t.Errorf("%s: the interval is not about 2×: %q", c.name, got)
		}
		if c.name == "a slow spell" {
			if !tr.Targets[0].Timing.Noisy || !strings.Contains(got, "(noisy: its runs disagreed by") {
				t.Errorf("%s: the spell should show as noise in the runs themselves: %q", c.name, got)
			}
		}
		t.Logf("%s: %s", c.name, got)
	}
}
