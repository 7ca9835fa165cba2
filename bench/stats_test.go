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
