package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/pyhangar/pyhangar/profile"
)

func profileCommand() command {
	return command{
		name:    "profile",
		summary: "set this machine up from a team profile, or export one",
		run: func(ctx context.Context, s *Session, args []string) error {
			if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
				fmt.Fprintln(s.Stdout, "Usage: pyhangar profile apply FILE [--dry-run] [--yes] [--mirror URL] [--bench-out FILE [--replace]]\n       pyhangar profile export FILE [--name NAME] [--replace]")
				if len(args) == 0 {
					return usagef("a profile subcommand is required")
				}
				return errHelp
			}
			switch args[0] {
			case "apply":
				return profileApply(ctx, s, args[1:])
			case "export":
				return profileExport(ctx, s, args[1:])
			}
			return usagef("unknown profile subcommand %q (apply, export)", args[0])
		},
	}
}

// profileMachine wires a profile to this machine's PyHangar.
func profileMachine(ctx context.Context, s *Session, mirror, benchOut string, replace bool, progress func(int, profile.Step, string)) (profile.Machine, error) {
	m, err := s.Hangar.ProfileMachine(ctx, mirror, benchOut, replace)
	if err != nil {
		return m, usageError{err.Error()}
	}
	m.Progress = progress
	return m, nil
}

// printPlan prints each step, and under it what it will run, install,
// delete or fetch.
func printPlan(w io.Writer, steps []profile.Step) {
	for _, st := range steps {
		fmt.Fprintf(w, "  %s: %s", st.What, st.State)
		if st.Detail != "" {
			fmt.Fprintf(w, " (%s)", st.Detail)
		}
		fmt.Fprintln(w)
		for _, n := range st.Notes {
			fmt.Fprintf(w, "      - %s\n", n)
		}
	}
}

// confirm asks a yes/no question on the terminal; anything but yes is no.
func confirm(s *Session, question string) bool {
	fmt.Fprintf(s.Stderr, "%s [y/N] ", question)
	line, _ := bufio.NewReader(s.Stdin).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true
	}
	return false
}

// profileResult is profile apply --json's document.
type profileResult struct {
	Profile string         `json:"profile"`
	File    string         `json:"file"`
	DryRun  bool           `json:"dry_run"`
	Changed bool           `json:"changed"`
	Plan    []profile.Step `json:"plan"`
	Result  []profile.Step `json:"result"`
	Error   string         `json:"error,omitempty"`
}

// consents reads --accept: plain (the plan's plain steps), paths, indexes.
func consents(list []string) (plain bool, kinds []profile.Consent, err error) {
	for _, item := range list {
		for _, k := range strings.Split(item, ",") {
			switch k = strings.TrimSpace(k); profile.Consent(k) {
			case "plain":
				plain = true
			case profile.ConsentPath, profile.ConsentIndex:
				kinds = append(kinds, profile.Consent(k))
			default:
				return false, nil, usagef("--accept takes plain, paths and indexes, not %q", k)
			}
		}
	}
	return plain, kinds, nil
}

func profileApply(ctx context.Context, s *Session, args []string) error {
	fs := newFlags(s, "profile apply", "profile apply FILE [--dry-run] [--yes | --accept plain[,paths][,indexes]] [--mirror URL] [--bench-out FILE [--replace]] [--json]")
	dry := fs.Bool("dry-run", false, "show the plan and change nothing")
	yes := fs.Bool("yes", false, "apply without asking (read the plan first: --dry-run shows it)")
	var accept stringList
	fs.Var(&accept, "accept", "apply without asking what is accepted: plain (installs by the default routes, venvs from the default index, the benchmark), "+
		"paths (running interpreters the profile names by path), indexes (installing from elsewhere than the default index); a plan with more is refused, listing it")
	mirror := fs.String("mirror", "", "a python.org mirror for installs")
	benchOut := fs.String("bench-out", "", "with [bench] after_setup: write this machine's benchmark runs to FILE (bench export's JSON), for the team to compare")
	replace := fs.Bool("replace", false, "with --bench-out: replace FILE when it is there already")
	asJSON := fs.Bool("json", false, "print the plan and the result as one JSON document")
	pos, err := interleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("profile apply takes one FILE")
	}
	plain, kinds, err := consents(accept)
	if err != nil {
		return err
	}
	if *yes {
		plain, kinds = true, []profile.Consent{profile.ConsentPath, profile.ConsentIndex}
	}
	p, err := profile.Load(pos[0])
	if err != nil {
		return err
	}
	out := profileResult{Profile: p.Name, File: p.Path, DryRun: *dry, Plan: []profile.Step{}, Result: []profile.Step{}}
	// With --json the document is written however it ends.
	finish := func(err error) error {
		if *asJSON {
			if err != nil {
				out.Error = err.Error()
			}
			if werr := writeJSON(s, out); werr != nil {
				return werr
			}
		}
		return err
	}
	text := s.Stdout
	if *asJSON {
		text = io.Discard
	}
	last := -1
	m, err := profileMachine(ctx, s, *mirror, *benchOut, *replace, func(i int, st profile.Step, line string) {
		switch {
		case line != "":
			fmt.Fprintf(s.Stderr, "    %s\n", line)
		case i != last || st.State == profile.Done || st.State == profile.Failed:
			fmt.Fprintf(s.Stderr, "[%d] %s: %s\n", i+1, st.What, st.State)
			last = i
		}
	})
	if err != nil {
		return finish(err)
	}
	plan, err := p.Plan(ctx, m)
	if err != nil {
		return finish(err)
	}
	out.Plan = plan
	fmt.Fprintf(text, "Profile %s (%s):\n", orDash(p.Name), p.Path)
	printPlan(text, plan)
	todo := 0
	for _, st := range plan {
		switch st.State {
		case profile.Refused:
			return finish(fmt.Errorf("%s is refused: %s; nothing was changed", st.What, strings.Join(st.Notes, "; ")))
		case profile.Present:
		default:
			todo++
		}
	}
	if todo == 0 {
		fmt.Fprintln(text, "Nothing to do: this machine already matches the profile.")
		return finish(nil)
	}
	if *dry {
		fmt.Fprintf(text, "%d steps to do (dry run: nothing changed).\n", todo)
		return finish(nil)
	}
	// A profile comes from someone else's repository: what it runs and
	// installs happens only with the user's yes, and what runs or fetches
	// what its author chose only when accepted by name.
	switch {
	case plain:
		if missing := profile.Unaccepted(plan, kinds); len(missing) > 0 {
			return finish(fmt.Errorf("nothing was applied: %s", strings.Join(missing, "; ")))
		}
	case len(kinds) > 0:
		return usagef("--accept %s goes with --accept plain (the plan's plain steps)", kinds[0])
	case !s.Interactive:
		return finish(fmt.Errorf("nothing was applied: a profile's plan runs and installs what it lists, so PyHangar asks first; " +
			"run this in a terminal to answer, or pass --yes once you have read the plan"))
	case !confirm(s, fmt.Sprintf("Apply these %d steps?", todo)):
		return finish(fmt.Errorf("nothing was applied (not confirmed)"))
	}
	steps, err := p.Apply(ctx, m)
	out.Result = steps
	for _, st := range steps {
		out.Changed = out.Changed || st.State == profile.Done
	}
	fmt.Fprintln(text, "Result:")
	printPlan(text, steps)
	if err != nil {
		return finish(fmt.Errorf("%v; what finished is kept, and applying again continues from here", err))
	}
	fmt.Fprintln(text, "The machine now matches the profile.")
	return finish(nil)
}

func profileExport(ctx context.Context, s *Session, args []string) error {
	fs := newFlags(s, "profile export", "profile export FILE [--name NAME] [--replace]")
	name := fs.String("name", "", "the profile's name (default: the file's name)")
	replace := fs.Bool("replace", false, "replace the profile and the requirements files beside it when they are there already")
	pos, err := interleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("profile export takes one FILE")
	}
	if *name == "" {
		*name = strings.TrimSuffix(filepath.Base(pos[0]), filepath.Ext(pos[0]))
	}
	records, err := s.Store.Installs(ctx)
	if err != nil {
		return err
	}
	venvs, err := s.Store.Venvs(ctx)
	if err != nil {
		return err
	}
	p, err := profile.Export(ctx, pos[0], *name, records, venvs, func(string) bool { return *replace })
	if err != nil {
		return replaceHint(err)
	}
	fmt.Fprintf(s.Stdout, "Wrote %s: %d interpreters, %d venvs.\n", p.Path, len(p.Python), len(p.Venv))
	return nil
}

func doctorCommand() command {
	return command{
		name:    "doctor",
		summary: "explain what is wrong with this machine's Pythons, and how to fix it",
		run: func(ctx context.Context, s *Session, args []string) error {
			fs := newFlags(s, "doctor", "doctor [--json]")
			asJSON := fs.Bool("json", false, "print one JSON array")
			if err := parse(fs, args); err != nil {
				return err
			}
			findings, err := examine(ctx, s)
			if err != nil {
				return err
			}
			if *asJSON {
				return writeJSON(s, findings)
			}
			for _, f := range findings {
				fmt.Fprintf(s.Stdout, "%-5s %s\n", f.Severity, f.Message)
				if f.Fix != "" {
					fmt.Fprintf(s.Stdout, "      fix: %s\n", f.Fix)
				}
			}
			return nil
		},
	}
}
