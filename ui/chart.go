package ui

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/bench"
)

// barChart draws each benchmark run as a row of two bars, each on its own
// scale: the thread speedup (an axis from 0 to N×, with 1×, one thread,
// and N×, the ideal, marked) and the efficiency against N processes (0 to
// 120%, with 100% marked). A legend stays on top; colours come from the
// theme, so the chart reads in light and dark; a bar is never thinner than
// a line of text, and with many runs the chart grows taller (it sits in a
// scroll).
type barChart struct {
	widget.BaseWidget
	results []bench.Result
	names   []string // each result's name in the chart, in order
}

func newBarChart() *barChart {
	c := &barChart{}
	c.ExtendBaseWidget(c)
	return c
}

func (c *barChart) set(rs []bench.Result, names []string) {
	c.results, c.names = rs, names
	c.Refresh()
}

// Geometry.
const (
	chartLabelW  = 170 // the run's name, at least
	chartRowH    = 34  // per run: two bars and a gap
	chartBarH    = 13
	chartLegendH = 44 // legend and scale labels
	chartGap     = 24 // between the two panels
	chartValueW  = 56 // room for a bar's figure
)

func (c *barChart) CreateRenderer() fyne.WidgetRenderer {
	r := &chartRenderer{chart: c}
	r.Refresh()
	return r
}

// chartRow is one run's objects.
type chartRow struct {
	name             *canvas.Text
	speedup, eff     *canvas.Rectangle
	speedupV, effV   *canvas.Text
	speedupX, effPct float64
}

type chartRenderer struct {
	chart   *barChart
	n       float64 // thread count of the speedup scale
	legend  []fyne.CanvasObject
	axes    []*canvas.Line
	ticks   []*canvas.Text
	rows    []chartRow
	empty   *canvas.Text
	objects []fyne.CanvasObject
}

func chartText(s string, size float32) *canvas.Text {
	t := canvas.NewText(s, theme.Color(theme.ColorNameForeground))
	t.TextSize = size
	return t
}

func (r *chartRenderer) Refresh() {
	fg := theme.Color(theme.ColorNameForeground)
	speedC, effC := theme.Color(theme.ColorNamePrimary), theme.Color(theme.ColorNameWarning)
	small := theme.CaptionTextSize()
	r.objects, r.rows, r.axes, r.ticks = nil, nil, nil, nil
	r.n = 2
	for _, res := range r.chart.results {
		r.n = max(r.n, float64(res.Threads()))
	}
	if len(r.chart.results) == 0 {
		r.empty = chartText("Run a benchmark, or tick earlier runs, to compare them here.", theme.TextSize())
		r.objects = []fyne.CanvasObject{r.empty}
		return
	}
	r.empty = nil
	swatch := func(c color.Color) *canvas.Rectangle {
		s := canvas.NewRectangle(c)
		s.SetMinSize(fyne.NewSize(12, 12))
		return s
	}
	r.legend = []fyne.CanvasObject{
		swatch(speedC), chartText(fmt.Sprintf("speedup on %.0f threads (1× = one thread; %.0f× = ideal)", r.n, r.n), small),
		swatch(effC), chartText(fmt.Sprintf("efficiency: share of what %.0f processes get (100%% = as good)", r.n), small),
	}
	r.objects = append(r.objects, r.legend...)
	// Axes: speedup 0, 1×, N×; efficiency 0, 100%.
	for range 5 {
		l := canvas.NewLine(fg)
		l.StrokeWidth = 1
		r.axes = append(r.axes, l)
		r.objects = append(r.objects, l)
	}
	for _, s := range []string{"0", "1×", fmt.Sprintf("%.0f×", r.n), "0", "100%"} {
		t := chartText(s, small)
		r.ticks = append(r.ticks, t)
		r.objects = append(r.objects, t)
	}
	r.axes[1].StrokeColor = withAlpha(fg, 0x90)
	r.axes[2].StrokeColor = withAlpha(fg, 0x90)
	r.axes[4].StrokeColor = withAlpha(fg, 0x90)
	for i, res := range r.chart.results {
		k := fmt.Sprint(res.Threads())
		name := r.chart.names[i] + "  " + res.Started.Local().Format("Jan 2 15:04")
		if len(res.Paired) > 0 { // a variant: how one thread went against its baseline
			var xs []float64
			for _, p := range res.Paired {
				xs = append(xs, p.Ratio)
			}
			name += fmt.Sprintf("  (1 thread %.2f× vs %s)", bench.Summarize(xs).Median, res.Baseline.Words())
		}
		row := chartRow{
			name:     chartText(name, theme.TextSize()),
			speedup:  canvas.NewRectangle(speedC),
			eff:      canvas.NewRectangle(effC),
			speedupV: chartText(fmt.Sprintf("%.2f×", res.Speedup[k]), small),
			effV:     chartText(fmt.Sprintf("%.0f%%", 100*res.Efficiency[k]), small),
			speedupX: res.Speedup[k],
			effPct:   res.Efficiency[k],
		}
		r.rows = append(r.rows, row)
		r.objects = append(r.objects, row.name, row.speedup, row.eff, row.speedupV, row.effV)
	}
	r.Layout(r.chart.Size())
	canvas.Refresh(r.chart)
}

func withAlpha(c color.Color, a uint8) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}

func (r *chartRenderer) Layout(size fyne.Size) {
	if r.empty != nil {
		r.empty.Move(fyne.NewPos(theme.Padding(), theme.Padding()))
		return
	}
	pad := theme.Padding()
	// Legend: two entries on one line.
	x := pad
	for i := 0; i < len(r.legend); i += 2 {
		sw, txt := r.legend[i], r.legend[i+1].(*canvas.Text)
		sw.Resize(fyne.NewSize(12, 12))
		sw.Move(fyne.NewPos(x, pad+3))
		txt.Move(fyne.NewPos(x+16, pad))
		x += 16 + txt.MinSize().Width + 2*chartGap
	}
	labelW := r.labelW()
	panelW := max((size.Width-labelW-chartGap-2*chartValueW)/2, 40)
	left := labelW
	right := left + panelW + chartValueW + chartGap
	top := float32(chartLegendH)
	bottom := max(size.Height, top+float32(len(r.rows))*chartRowH)
	tickY := top - theme.CaptionTextSize() - 4
	speedX := func(v float64) float32 { return float32(min(v, r.n*1.05) / r.n * float64(panelW)) }
	effX := func(v float64) float32 { return float32(min(v, 1.2) / 1.2 * float64(panelW)) }
	for i, x := range []float32{left, left + speedX(1), left + speedX(r.n), right, right + effX(1)} {
		r.axes[i].Position1 = fyne.NewPos(x, top)
		r.axes[i].Position2 = fyne.NewPos(x, bottom)
		t := r.ticks[i]
		t.Move(fyne.NewPos(x-t.MinSize().Width/2, tickY))
	}
	for i, row := range r.rows {
		y := top + float32(i)*chartRowH + 3
		row.name.Move(fyne.NewPos(pad, y+chartBarH-row.name.MinSize().Height/2+2))
		sw := max(speedX(row.speedupX), 2)
		ew := max(effX(row.effPct), 2)
		row.speedup.Resize(fyne.NewSize(sw, chartBarH))
		row.speedup.Move(fyne.NewPos(left, y))
		row.eff.Resize(fyne.NewSize(ew, chartBarH))
		row.eff.Move(fyne.NewPos(right, y))
		row.speedupV.Move(fyne.NewPos(left+sw+4, y))
		row.effV.Move(fyne.NewPos(right+ew+4, y))
	}
}

// labelW is the room for the runs' names: the widest, at least
// chartLabelW.
func (r *chartRenderer) labelW() float32 {
	w := float32(chartLabelW)
	for _, row := range r.rows {
		w = max(w, row.name.MinSize().Width+3*theme.Padding())
	}
	return w
}

func (r *chartRenderer) MinSize() fyne.Size {
	return fyne.NewSize(r.labelW()+2*(120+chartValueW)+chartGap, chartLegendH+float32(max(len(r.rows), 1))*chartRowH)
}

func (r *chartRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *chartRenderer) Destroy()                     {}
