package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pyhangar/pyhangar/hangar"
	"github.com/pyhangar/pyhangar/project"
	"github.com/pyhangar/pyhangar/trial"
)

const tryUsage = `try DIR [--python SPEC|PATH[::NAME=VALUE]]... [--extra NAME]... [--group NAME]...
           [--test CMD | --no-test] [--run CMD | --no-run] [--budget 60s] [--index-url URL] [--yes] [--json]
       pyhangar try history [DIR] [--json]
       pyhangar try show ID [--json]
       pyhangar try compare ID ID
       pyhangar try export ID --format json|csv|markdown [--out FILE [--replace]]
       pyhangar try pin DIR --python SPEC [--venv] [--yes] [--replace]`

func tryCommand() command {
	return command{
		name:    "try",
		summary: "try a project on other Pythons: does it install, do its tests pass, does the GIL stay off, is it faster",
		run: func(ctx context.Context, s *Session, args []string) error {
			if len(args) > 0 {
				switch args[0] {
				case "history":
					return tryHistory(ctx, s, args[1:])
				case "show":
					return tryShow(ctx, s, args[1:])
				case "compare":
					return tryCompare(ctx, s, args[1:])
				case "export":
					return tryExport(ctx, s, args[1:])
				case "pin":
					return tryPin(ctx, s, args[1:])
				}
			}
			return tryRun(ctx, s, args)
		},
	}
}

func tryRun(ctx context.Context, s *Session, args []string) error {
	fs := newFlags(s, "try", tryUsage)
	var pythons, extras, groups stringList
	fs.Var(&pythons, "python", "an interpreter to try (repeatable; the first is the baseline), with a variant after :: such as 3.14t::PYTHON_GIL=1; default: the newest GIL and free-threaded builds here")
	fs.Var(&extras, "extra", "an extra of the project's to install (repeatable)")
	fs.Var(&groups, "group", "a dependency group to install (repeatable; default: the project's test group)")
	testCmd := fs.String("test", "", "the test command (default: python -m pytest -q, or unittest, when the project has tests)")
	noTest := fs.Bool("no-test", false, "run no tests")
	runCmd := fs.String("run", "", "the command to time, such as 'python bench.py' (default: bench.py when there is one)")
	noRun := fs.Bool("no-run", false, "time nothing")
	budget := fs.Duration("budget", trial.DefaultBudget, "how long the timed rounds may take")
	indexURL := fs.String("index-url", "", "the package index (default: PIP_INDEX_URL, pip's setting, or PyPI)")
	yes := fs.Bool("yes", false, "run what the plan says without asking")
	asJSON := fs.Bool("json", false, "print the try as one JSON document")
	pos, err := interleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("try takes one DIR, the project's folder")
	}
	if *testCmd != "" && *noTest || *runCmd != "" && *noRun {
		return usagef("--test goes without --no-test, --run without --no-run")
	}
	o := hangar.TryOptions{Dir: pos[0], Pythons: pythons, Extras: extras, Budget: *budget, IndexURL: *indexURL, NoTest: *noTest, NoRun: *noRun}
	if len(groups) > 0 {
		o.Groups = groups
	}
	for flag, into := range map[string]*[]string{*testCmd: &o.Test, *runCmd: &o.Run} {
		if flag == "" {
			continue
		}
		if *into, err = project.Command(flag); err != nil {
			return usageError{err.Error()}
		}
	}
	if *budget < time.Second {
		return usagef("--budget must be at least 1s")
	}
	p, err := s.Hangar.PrepareTry(ctx, o, func(line string) { fmt.Fprintln(s.Stderr, line) })
	if err != nil {
		return err
	}
	planOut := s.Stdout
	if *asJSON {
		planOut = s.Stderr
	}
	fmt.Fprintln(planOut, "The try will:")
	for _, line := range p.Plan.Lines {
		fmt.Fprintln(planOut, "  "+line)
	}
	if !p.Agreed {
		switch {
		case *yes:
		case !s.Interactive:
			return errors.New("nothing was run: a try runs the project's code and its dependencies' build scripts; run it on a terminal to be asked, or pass --yes")
		case !confirm(s, "Run this?"):
			return errors.New("nothing was run")
		}
		if err := s.Hangar.AgreeTry(ctx, p); err != nil {
			return err
		}
	}
	names := make([]string, len(p.Options.Targets))
	for i, t := range p.Options.Targets {
		names[i] = t.Name()
	}
	tr, err := s.Hangar.RunTry(ctx, p, func(e trial.Event) {
		switch {
		case e.Target < 0 && e.Line != "" && s.Interactive:
			s.progressLine(fmt.Sprintf("timing: %s (%.0f%%)", e.Line, 100*e.Frac))
		case e.Target < 0 && e.Line != "":
			fmt.Fprintf(s.Stderr, "timing: %s (%.0f%%)\n", e.Line, 100*e.Frac)
		case e.Line == "":
			fmt.Fprintf(s.Stderr, "[%s] %s\n", names[e.Target], e.Step)
		default:
			fmt.Fprintf(s.Stderr, "  %s\n", e.Line)
		}
	})
	if s.Interactive && tr.Rounds > 0 {
		s.progressLine("") // the rounds' line goes
	}
	if err != nil && tr.ID == 0 {
		return err
	}
	if *asJSON {
		if werr := writeJSON(s, tr); werr != nil {
			return werr
		}
		return err
	}
	printTry(s.Stdout, tr)
	return err
}

// printTry prints the answer in words, then the table.
func printTry(w io.Writer, tr trial.Try) {
	fmt.Fprintf(w, "\nTry #%d of %s (%s): %s\n", tr.ID, tr.Project.Name, tr.Project.Dir, tr.Status)
	for _, r := range tr.Targets {
		fmt.Fprintln(w, "  "+r.Answer)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	against := "AGAINST"
	if tried := tr.Tried(); len(tried) > 0 {
		against = "AGAINST " + tr.Targets[tried[0]].Name()
	}
	fmt.Fprintf(tw, "PYTHON\tINSTALLS\tTESTS\tGIL\tTIME\t%s\tPEAK MEMORY\n", against)
	for _, r := range tr.Targets {
		c := r.Cells()
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Name(), c.Installs, c.Tests, c.GIL, c.Time, c.Against, c.Memory)
	}
	tw.Flush()
	if tr.Rounds > 0 {
		fmt.Fprintf(w, "\nTime: the median wall time of `%s` over %d rounds, each target once per round in a turning order; against the baseline, the ratio of the paired rounds with its 95%% interval.\n",
			project.CommandLine(tr.Run), tr.Rounds)
	}
	for _, r := range tr.Targets {
		if t := r.Tests; t != nil && !t.OK() && t.Tail != "" {
			fmt.Fprintf(w, "\n%s: the tests' last lines:\n%s\n", r.Name(), indent(t.Tail))
		}
	}
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

func tryHistory(ctx context.Context, s *Session, args []string) error {
	fs := newFlags(s, "try history", "try history [DIR] [--json]")
	asJSON := fs.Bool("json", false, "print one JSON array")
	pos, err := interleaved(fs, args)
	if err != nil {
		return err
	}
	dir := ""
	if len(pos) > 1 {
		return usagef("try history takes at most one DIR")
	}
	if len(pos) == 1 {
		if dir, err = filepath.Abs(pos[0]); err != nil {
			return err
		}
	}
	if err := s.Hangar.SweepTries(ctx); err != nil {
		return err
	}
	rows, err := s.Store.Tries(ctx, dir)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(s, rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(s.Stdout, "No tries yet. Try a project with: pyhangar try DIR")
		return nil
	}
	for _, r := range rows {
		fmt.Fprintf(s.Stdout, "#%d  %s  %s  %s (%s)\n", r.ID, r.Started.Local().Format("2006-01-02 15:04"), r.Status, r.ProjectName, r.ProjectDir)
		for _, a := range r.Answers {
			fmt.Fprintln(s.Stdout, "    "+a)
		}
	}
	return nil
}

func tryID(arg string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(arg, "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, usagef("%q is not a try's number (see pyhangar try history)", arg)
	}
	return id, nil
}

func tryShow(ctx context.Context, s *Session, args []string) error {
	fs := newFlags(s, "try show", "try show ID [--json]")
	asJSON := fs.Bool("json", false, "print the try as one JSON document")
	pos, err := interleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("try show takes one ID")
	}
	id, err := tryID(pos[0])
	if err != nil {
		return err
	}
	tr, err := s.Store.Try(ctx, id)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(s, tr)
	}
	printTry(s.Stdout, tr)
	return nil
}

// tryCompare puts two tries side by side: each target's answer in the one
// and in the other.
func tryCompare(ctx context.Context, s *Session, args []string) error {
	fs := newFlags(s, "try compare", "try compare ID ID")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usagef("try compare takes two IDs")
	}
	var tries [2]trial.Try
	for i := range tries {
		id, err := tryID(fs.Arg(i))
		if err != nil {
			return err
		}
		if tries[i], err = s.Store.Try(ctx, id); err != nil {
			return err
		}
	}
	a, b := tries[0], tries[1]
	fmt.Fprintf(s.Stdout, "#%d %s (%s)  against  #%d %s (%s)\n\n", a.ID, a.Project.Name, a.Started.Local().Format("2006-01-02 15:04"),
		b.ID, b.Project.Name, b.Started.Local().Format("2006-01-02 15:04"))
	tw := tabwriter.NewWriter(s.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "PYTHON\tTESTS #%d\tTESTS #%d\tTIME #%d\tTIME #%d\tAGAINST #%d\tAGAINST #%d\n", a.ID, b.ID, a.ID, b.ID, a.ID, b.ID)
	for _, name := range targetNames(a, b) {
		ca, cb := cellsOf(a, name), cellsOf(b, name)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, ca.Tests, cb.Tests, ca.Time, cb.Time, ca.Against, cb.Against)
	}
	return tw.Flush()
}

// targetNames are the targets of both tries, each once, in order.
func targetNames(tries ...trial.Try) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range tries {
		for _, r := range t.Targets {
			if n := r.Name(); !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}

func cellsOf(t trial.Try, name string) trial.Cells {
	for _, r := range t.Targets {
		if r.Name() == name {
			return r.Cells()
		}
	}
	return trial.Cells{Installs: "—", Tests: "—", GIL: "—", Time: "—", Against: "—", Memory: "—"}
}

func tryExport(ctx context.Context, s *Session, args []string) error {
	fs := newFlags(s, "try export", "try export ID --format json|csv|markdown [--out FILE [--replace]]")
	format := fs.String("format", "", "json (the whole try, its timed runs included), csv (a row per target) or markdown (a table for a pull request)")
	outPath := fs.String("out", "", "write to FILE instead of stdout")
	replace := fs.Bool("replace", false, "with --out: replace FILE when it is there already")
	pos, err := interleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("try export takes one ID")
	}
	if !slices.Contains(trial.Formats, *format) {
		return usagef("--format must be json, csv or markdown")
	}
	id, err := tryID(pos[0])
	if err != nil {
		return err
	}
	if *outPath == "" {
		tr, err := s.Store.Try(ctx, id)
		if err != nil {
			return err
		}
		return tr.Export(s.Stdout, *format)
	}
	if err := s.Hangar.ExportTry(ctx, id, *outPath, *format, *replace); err != nil {
		return replaceHint(err)
	}
	fmt.Fprintf(s.Stderr, "Wrote try #%d to %s\n", id, *outPath)
	return nil
}

// tryPin writes .python-version for the project (and, with --venv, makes
// its .venv), after showing the file and its new content and asking.
func tryPin(ctx context.Context, s *Session, args []string) error {
	fs := newFlags(s, "try pin", "try pin DIR --python SPEC [--venv] [--yes] [--replace]")
	python := fs.String("python", "", "the interpreter to use for the project: a spec such as 3.14t")
	venv := fs.Bool("venv", false, "also make the project's .venv from it")
	yes := fs.Bool("yes", false, "write without asking")
	replace := fs.Bool("replace", false, "replace a .python-version that is there already")
	pos, err := interleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *python == "" {
		return usagef("try pin takes one DIR and --python SPEC")
	}
	pin, err := s.Hangar.PlanPin(ctx, pos[0], *python, *venv)
	if err != nil {
		return err
	}
	for _, line := range pin.Lines() {
		fmt.Fprintln(s.Stdout, line)
	}
	if pin.Existing != "" && !*replace {
		return fmt.Errorf("%s is there already (it says %q); nothing was written; pass --replace to replace it", pin.File, pin.Existing)
	}
	switch {
	case *yes:
	case !s.Interactive:
		return errors.New("nothing was written: run it on a terminal to be asked, or pass --yes")
	case !confirm(s, "Write it?"):
		return errors.New("nothing was written")
	}
	if err := s.Hangar.Pin(ctx, pin, func(line string) { fmt.Fprintln(s.Stderr, "  "+line) }); err != nil {
		return err
	}
	fmt.Fprintf(s.Stdout, "Wrote %s.\n", pin.File)
	if pin.Venv != "" {
		fmt.Fprintf(s.Stdout, "Made %s from %s.\n", pin.Venv, pin.Python.Path)
	}
	return nil
}
