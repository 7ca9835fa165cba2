package trial

import (
	"fmt"
	"path"
	"strings"
)

// answer writes each target's line of words.
func (tr *Try) answer() {
	for i := range tr.Targets {
		tr.Targets[i].Answer = tr.Targets[i].words(tr.Run)
	}
}

// words is a target's answer in one line: "3.14.7t: installs (1 package
// built from source: foo), 212 tests pass, the GIL is turned back on by
// bar._speedups, bench.py 1.70× faster than 3.13.5 (1.60–1.80), peak
// memory 1.30×".
func (r TargetResult) words(run []string) string {
	if r.Skipped != "" {
		return r.Name() + ": not tried: " + r.Skipped
	}
	var parts []string
	switch rd, v := r.Readiness, r.Venv; {
	case v != nil && v.Error != "":
		parts = append(parts, "does not install: "+firstLine(v.Error))
	case rd != nil && len(rd.WillNot) > 0:
		parts = append(parts, "may not install: "+strings.Join(rd.WillNot, ", "))
	case rd != nil && len(rd.FromSource) > 0:
		parts = append(parts, fmt.Sprintf("installs (%s built from source: %s)", plural(len(rd.FromSource), "package"), strings.Join(rd.FromSource, ", ")))
	case v != nil:
		parts = append(parts, "installs")
	}
	if t := r.Tests; t != nil {
		parts = append(parts, t.words())
	}
	if g := r.GIL; g != nil && r.Python.FreeThreaded {
		switch {
		case g.Error != "":
			parts = append(parts, "the GIL scan failed: "+firstLine(g.Error))
		case !g.Scanned:
			parts = append(parts, g.Note)
		case len(g.TurnedOn) > 0:
			parts = append(parts, "the GIL is turned back on by "+strings.Join(g.TurnedOn, ", "))
		case g.OnAtEnd:
			parts = append(parts, "the GIL is back on once everything is imported")
		default:
			parts = append(parts, "the GIL stays off")
		}
	}
	if t := r.Timing; t != nil {
		parts = append(parts, t.words(commandName(run)))
	}
	if len(parts) == 0 {
		return r.Name() + ": nothing was run"
	}
	return r.Name() + ": " + strings.Join(parts, ", ")
}

func (t TestResult) words() string {
	switch {
	case t.Error != "":
		return "the tests did not run: " + firstLine(t.Error)
	case t.Interrupted != "":
		s := "the tests stop before they run: " + t.Interrupted
		if len(t.Failing) > 0 {
			s += " (" + strings.Join(firstOf(t.Failing, 3), ", ") + ")"
		}
		return s
	case t.Summarized && t.Failed+t.Errors > 0:
		total := t.Passed + t.Failed + t.Errors
		s := fmt.Sprintf("%d of %d tests fail", t.Failed+t.Errors, total)
		if len(t.Failing) > 0 {
			s += " (" + strings.Join(firstOf(t.Failing, 3), ", ") + ")"
		}
		return s
	case t.Summarized && t.Exit != 0:
		return fmt.Sprintf("%s pass but the test run exits with status %d", plural(t.Passed, "test"), t.Exit)
	case t.Summarized:
		return plural(t.Passed, "test") + " pass"
	case t.Exit == 0:
		return "the tests pass"
	}
	return fmt.Sprintf("the tests fail (exit status %d)", t.Exit)
}

func (t TimingResult) words(cmd string) string {
	switch {
	case t.Error != "":
		return cmd + " does not run: " + firstLine(t.Error)
	case t.Runs == 0:
		return cmd + " was not timed"
	}
	var s string
	if c := t.Against; c == nil {
		s = fmt.Sprintf("%s %s, peak memory %.0f MB", cmd, ms(t.MedianMs), t.PeakMB)
	} else {
		s = cmd + " " + c.Time.Than(c.Baseline)
		if c.Memory > 0 {
			s += fmt.Sprintf(", peak memory %.2f×", c.Memory)
		}
	}
	if t.Noisy {
		s += fmt.Sprintf(" (noisy: its runs disagreed by ±%.0f%%)", 50*t.Spread)
	}
	if t.Failed > 0 {
		s += fmt.Sprintf(" (%s exited with an error)", plural(t.Failed, "run"))
	}
	return s
}

// commandName is how a run command is named in words: its script
// ("bench.py"), its module ("-m myapp.bench"), else the command.
func commandName(argv []string) string {
	for i, a := range argv {
		if i == 0 {
			continue
		}
		if a == "-m" && i+1 < len(argv) {
			return "-m " + argv[i+1]
		}
		if strings.HasSuffix(a, ".py") {
			return path.Base(a)
		}
	}
	if len(argv) > 0 {
		return path.Base(argv[0])
	}
	return "the run command"
}

func ms(v float64) string {
	if v >= 1000 {
		return fmt.Sprintf("%.2f s", v/1000)
	}
	return fmt.Sprintf("%.0f ms", v)
}

// firstOf is the first n names, and "…" for the rest.
func firstOf(names []string, n int) []string {
	if len(names) > n {
		return append(names[:n:n], "…")
	}
	return names
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
