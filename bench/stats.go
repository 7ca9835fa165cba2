package bench

import (
	"math"
	"sort"
)

// Stats summarise one cell's samples.
type Stats struct {
	N      int     `json:"n"`
	Median float64 `json:"median"`
	Q1     float64 `json:"q1"`
	Q3     float64 `json:"q3"`
}

// IQR is the interquartile range.
func (s Stats) IQR() float64 { return s.Q3 - s.Q1 }

// Spread is IQR/median: how noisy the cell is.
func (s Stats) Spread() float64 {
	if s.Median == 0 {
		return 0
	}
	return s.IQR() / s.Median
}

// NoisyAbove is the spread past which a cell is marked noisy.
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
