package trial

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Formats a try is exported in.
var Formats = []string{"json", "csv", "markdown"}

// Export writes the try as json (whole, with its timed runs), csv (a row
// per target) or markdown (a table to paste into a pull request).
func (t Try) Export(w io.Writer, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(t)
	case "csv":
		return t.csv(w)
	case "markdown":
		_, err := io.WriteString(w, t.Markdown())
		return err
	}
	return fmt.Errorf("no export format %q (json, csv or markdown)", format)
}

// Cells are a target's figures as the table shows them.
type Cells struct {
	Installs, Tests, GIL, Time, Against, Memory string
}

// Cells says a target's steps in the table's short words.
func (r TargetResult) Cells() Cells {
	var c Cells
	if r.Skipped != "" {
		return Cells{Installs: "not tried", Tests: "—", GIL: "—", Time: "—", Against: "—", Memory: "—"}
	}
	switch rd, v := r.Readiness, r.Venv; {
	case v != nil && v.Error != "":
		c.Installs = "no"
	case rd != nil && len(rd.WillNot) > 0:
		c.Installs = "not all: " + strings.Join(rd.WillNot, ", ")
	case rd != nil && len(rd.FromSource) > 0:
		c.Installs = fmt.Sprintf("yes (%d from source)", len(rd.FromSource))
	case v != nil:
		c.Installs = "yes"
	default:
		c.Installs = "—"
	}
	c.Tests = "—"
	if t := r.Tests; t != nil {
		switch {
		case t.Error != "":
			c.Tests = "did not run"
		case t.Interrupted != "":
			c.Tests = "stopped: " + t.Interrupted
		case t.Summarized && t.Failed+t.Errors > 0:
			c.Tests = fmt.Sprintf("%d of %d fail", t.Failed+t.Errors, t.Passed+t.Failed+t.Errors)
		case t.Summarized:
			c.Tests = fmt.Sprintf("%d pass", t.Passed)
		case t.Exit == 0:
			c.Tests = "pass"
		default:
			c.Tests = fmt.Sprintf("fail (exit %d)", t.Exit)
		}
	}
	c.GIL = "—"
	if g := r.GIL; g != nil && r.Python.FreeThreaded {
		switch {
		case g.Error != "":
			c.GIL = "scan failed"
		case !g.Scanned && g.OnAtEnd:
			c.GIL = "on"
		case !g.Scanned:
			c.GIL = "off"
		case len(g.TurnedOn) > 0:
			c.GIL = "back on: " + strings.Join(g.TurnedOn, ", ")
		case g.OnAtEnd:
			c.GIL = "back on"
		default:
			c.GIL = "stays off"
		}
	}
	c.Time, c.Against, c.Memory = "—", "—", "—"
	if t := r.Timing; t != nil && t.Runs > 0 {
		c.Time = ms(t.MedianMs)
		if t.Noisy {
			c.Time += fmt.Sprintf(" (±%.0f%%)", 50*t.Spread)
		}
		c.Memory = fmt.Sprintf("%.0f MB", t.PeakMB)
		c.Against = "baseline"
		if a := t.Against; a != nil {
			c.Against = a.Time.Than("") // the column names the baseline
			if a.Memory > 0 {
				c.Memory += fmt.Sprintf(" (%.2f×)", a.Memory)
			}
		}
	}
	return c
}

// Markdown is the try as a table, then each target's answer.
func (t Try) Markdown() string {
	var b strings.Builder
	tried := len(t.Tried())
	fmt.Fprintf(&b, "### %s on %s (PyHangar try #%d, %s)\n\n", t.Project.Name, plural(tried, "Python"), t.ID, t.Started.Format("2006-01-02"))
	cmd := "run"
	if t.Run != nil {
		cmd = "`" + commandName(t.Run) + "`"
	}
	baseline := "baseline"
	if tr := t.Tried(); len(tr) > 0 {
		baseline = "vs " + t.Targets[tr[0]].Name()
	}
	fmt.Fprintf(&b, "| Python | Installs | Tests | GIL | %s | %s | Peak memory |\n|---|---|---|---|---|---|---|\n", cmd, baseline)
	for _, r := range t.Targets {
		c := r.Cells()
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", md(r.Name()), md(c.Installs), md(c.Tests), md(c.GIL), md(c.Time), md(c.Against), md(c.Memory))
	}
	b.WriteString("\n")
	for _, r := range t.Targets {
		fmt.Fprintf(&b, "- %s\n", md(r.Answer))
	}
	return b.String()
}

// md keeps a cell's text from breaking the table.
func md(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ") }

func (t Try) csv(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"try_id", "started", "project", "target", "python", "version", "free_threaded", "variant", "skipped",
		"installs", "from_source", "tests_passed", "tests_failed", "tests_errors", "gil", "gil_turned_on",
		"median_ms", "spread", "cpu_wall", "peak_mb", "ratio", "ratio_low", "ratio_high", "clear", "memory_ratio", "answer"})
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	for _, r := range t.Targets {
		c := r.Cells()
		row := []string{strconv.FormatInt(t.ID, 10), t.Started.Format("2006-01-02T15:04:05Z"), t.Project.Name, r.Name(), r.Python.Path,
			string(r.Python.Version), strconv.FormatBool(r.Python.FreeThreaded), string(r.Variant), r.Skipped, c.Installs}
		fromSource, passed, failed, errs, turned := "", "", "", "", ""
		if rd := r.Readiness; rd != nil {
			fromSource = strings.Join(rd.FromSource, " ")
		}
		if ts := r.Tests; ts != nil && ts.Summarized {
			passed, failed, errs = strconv.Itoa(ts.Passed), strconv.Itoa(ts.Failed), strconv.Itoa(ts.Errors)
		}
		if g := r.GIL; g != nil {
			turned = strings.Join(g.TurnedOn, " ")
		}
		row = append(row, fromSource, passed, failed, errs, c.GIL, turned)
		timing := make([]string, 9)
		if tm := r.Timing; tm != nil && tm.Runs > 0 {
			timing[0], timing[1], timing[2], timing[3] = f(tm.MedianMs), f(tm.Spread), f(tm.CPUWall), f(tm.PeakMB)
			if a := tm.Against; a != nil {
				timing[4], timing[5], timing[6], timing[7], timing[8] = f(a.Time.Ratio), f(a.Time.Low), f(a.Time.High), strconv.FormatBool(a.Time.Clear), f(a.Memory)
			}
		}
		cw.Write(append(append(row, timing...), r.Answer))
	}
	cw.Flush()
	return cw.Error()
}
