package bench

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestSummarizeFixedInputs(t *testing.T) {
	cases := []struct {
		in             []float64
		median, q1, q3 float64
		spread         float64
	}{
		{[]float64{5}, 5, 5, 5, 0},
		{[]float64{1, 2, 3, 4, 5}, 3, 2, 4, 2.0 / 3},
		{[]float64{5, 1, 4, 2, 3}, 3, 2, 4, 2.0 / 3},
		{[]float64{1, 2, 3, 4}, 2.5, 1.75, 3.25, 1.5 / 2.5},
		{[]float64{100, 101, 99, 100, 100}, 100, 100, 100, 0},
		{[]float64{100, 102, 98, 130, 100}, 100, 100, 102, 0.02},
	}
	for _, c := range cases {
		s := Summarize(c.in)
		if !near(s.Median, c.median) || !near(s.Q1, c.q1) || !near(s.Q3, c.q3) || !near(s.Spread(), c.spread) || s.N != len(c.in) {
			t.Errorf("Summarize(%v) = %+v (spread %v); want median %v q1 %v q3 %v spread %v", c.in, s, s.Spread(), c.median, c.q1, c.q3, c.spread)
		}
	}
	if s := Summarize(nil); s.N != 0 || s.Median != 0 {
		t.Errorf("empty: %+v", s)
	}
	if s := Summarize([]float64{80, 90, 100, 110, 120}); s.Spread() <= NoisyAbove {
		t.Errorf("a 20%% spread should count as noisy: %v", s.Spread())
	}
}

// The interval of a paired ratio's median comes from its order statistics:
// the k-th value from each end with P(Binomial(n, ½) < k) ≤ 2.5%.
func TestPairedRatioInterval(t *testing.T) {
	for n, k := range map[int]int{5: 0, 6: 1, 8: 1, 9: 2, 10: 2, 12: 3, 20: 6} {
		if got := medianCIRank(n); got != k {
			t.Errorf("medianCIRank(%d) = %d, want %d", n, got, k)
		}
	}
	cases := []struct {
		name    string
		ratios  []float64
		clear   bool
		ratio   float64
		phrase  string
		low, hi float64
	}{
		{"faster, every pair agreeing", []float64{1.10, 1.12, 1.11, 1.13, 1.12, 1.10, 1.14, 1.12}, true, 1.12, "1.12× faster on calls", 1.10, 1.14},
		{"slower", []float64{0.90, 0.91, 0.89, 0.92, 0.90, 0.91, 0.90, 0.93, 0.91, 0.90}, true, 0.905, "1.10× slower on calls", 0.90, 0.92},
		{"below the noise floor, however steady", []float64{1.01, 1.01, 1.012, 1.009, 1.011, 1.01, 1.01, 1.01}, false, 1.01, "no clear difference on calls (1.01×)", 1.009, 1.012},
		{"an interval that takes in 1", []float64{1.2, 0.9, 1.3, 0.95, 1.1, 0.85, 1.25, 1.05}, false, 1.075, "no clear difference on calls (1.07×)", 0.85, 1.3},
		{"too few pairs", []float64{1.5, 1.5, 1.5, 1.5, 1.5}, false, 1.5, "no clear difference on calls (1.50×)", 1.5, 1.5},
		{"one stalled pair moves nothing", []float64{1.10, 1.12, 1.11, 1.13, 1.12, 1.10, 1.14, 0.2, 1.12, 1.11}, true, 1.115, "1.11× faster on calls", 1.10, 1.13},
	}
	for _, c := range cases {
		r := PairedRatio(c.ratios)
		if r.Clear != c.clear || !near(r.Ratio, c.ratio) || r.Phrase("calls") != c.phrase || !near(r.Low, c.low) || !near(r.High, c.hi) {
			t.Errorf("%s: %+v %q", c.name, r, r.Phrase("calls"))
		}
	}
	if r := PairedRatio([]float64{math.NaN(), math.Inf(1), 0, -1}); r.Pairs != 0 || r.Phrase("calls") != "calls not measured" {
		t.Errorf("no usable pairs: %+v", r)
	}
}
