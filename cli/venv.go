package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/hangar"
	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/pyversion"
)

const venvUsage = `venv create NAME --python SPEC|PATH [--path DIR] [--requirements FILE] [--via venv|uv] [--recreate]
       pyhangar venv list [--json]
       pyhangar venv add PATH [--name NAME]
       pyhangar venv rm NAME|PATH
       pyhangar venv check NAME|PATH [--json] [--gil-scan] [--modules a,b,c]`

func venvCommand() command {
	return command{
		name:    "venv",
		summary: "create, list, register, check and delete virtual environments",
		run: func(ctx context.Context, s *Session, args []string) error {
			if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
				fmt.Fprintf(s.Stdout, "Usage: pyhangar %s\n", venvUsage)
				if len(args) == 0 {
					return usagef("a venv subcommand is required")
				}
				return errHelp
			}
			sub, rest := args[0], args[1:]
			switch sub {
			case "create":
				return venvCreate(ctx, s, rest)
			case "list":
				return venvList(ctx, s, rest)
			case "add":
				return venvAdd(ctx, s, rest)
			case "rm":
				return venvRemove(ctx, s, rest)
			case "check":
				return venvCheck(ctx, s, rest)
			}
			return usagef("unknown venv subcommand %q (create, list, add, rm, check)", sub)
		},
	}
}

// interleaved parses flags that may come before or after the positional
// arguments (NAME --python 3.13t) and returns the positional ones.
func interleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := parse(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

func venvCreate(ctx context.Context, s *Session, args []string) error {
	fs := newFlags(s, "venv create", "venv create NAME --python SPEC|PATH [--path DIR] [--requirements FILE] [--via venv|uv] [--recreate]")
	python := fs.String("python", "", "the interpreter: a spec such as 3.13t or 3.12, or a path")
	path := fs.String("path", "", "where to make it (default: <data-dir>/venvs/NAME)")
	reqs := fs.String("requirements", "", "a requirements file to install into it")
	via := fs.String("via", "venv", "the tool that makes it: venv or uv")
	recreate := fs.Bool("recreate", false, "replace an existing venv of the same name that PyHangar made")
	asJSON := fs.Bool("json", false, "print the new venv's check as JSON")
	pos, err := interleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("venv create takes one NAME")
	}
	name := pos[0]
	if err := envs.ValidateName(name); err != nil {
		return usageError{err.Error()}
	}
	if *via != "venv" && *via != "uv" {
		return usagef("--via must be venv or uv")
	}
	uv := ""
	if *via == "uv" {
		if uv, _ = installer.UVPath(s.DataDir); uv == "" {
			return fmt.Errorf("uv is not installed (looked on PATH, ~/.local/bin, ~/.cargo/bin and in the data dir); get it with 'pyhangar get-uv', or use --via venv")
		}
	}
	base, err := resolvePython(ctx, s, *python)
	if err != nil {
		return err
	}
	fmt.Fprintf(s.Stderr, "Creating venv %s from %s (Python %s, %s)...\n", name, base.Path, base.Version, base.Build())
	v, check, err := envs.CreateVenv(ctx, s.Store, filepath.Join(s.DataDir, "venvs"), envs.VenvRequest{
		Name: name, Dir: *path, Base: base, Via: envs.VenvTool(*via), UV: uv, Recreate: *recreate, Requirements: *reqs,
		Progress: func(line string) { fmt.Fprintln(s.Stderr, "  "+line) },
	})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(s, check)
	}
	fmt.Fprintf(s.Stdout, "Created venv %s at %s (Python %s, %s, status %s).\nActivate: %s\n",
		name, v.Path, check.Version, pyversion.BuildName(check.FreeThreaded), check.Status, check.Activate[shellName()])
	if check.Status != envs.StatusOK {
		return fmt.Errorf("the new venv checks broken: %s", strings.Join(check.Problems, "; "))
	}
	return nil
}

// shellName is the user's shell for the activation hint.
func shellName() string {
	if runtime.GOOS == "windows" {
		return "powershell"
	}
	switch filepath.Base(os.Getenv("SHELL")) {
	case "fish":
		return "fish"
	case "zsh":
		return "zsh"
	}
	return "bash"
}

func venvList(ctx context.Context, s *Session, args []string) error {
	fs := newFlags(s, "venv list", "venv list [--json]")
	asJSON := fs.Bool("json", false, "print one JSON array")
	if err := parse(fs, args); err != nil {
		return err
	}
	found, err := discover(ctx, s)
	if err != nil {
		return err
	}
	entries, err := envs.ListVenvs(ctx, s.Store, found)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(s, entries)
	}
	if len(entries) == 0 {
		fmt.Fprintln(s.Stdout, "No venvs yet. Make one with: pyhangar venv create NAME --python 3.13t")
		return nil
	}
	tw := tabwriter.NewWriter(s.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPYTHON\tBUILD\tSTATUS\tSIZE\tORIGIN\tPATH")
	for _, e := range entries {
		build := pyversion.BuildName(e.FreeThreaded)
		status := e.Status
		if len(e.Problems) > 0 {
			status += envs.Status(": " + e.Problems[0])
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Name, orDash(e.BaseVersion.String()), build, status, hangar.HumanSize(e.SizeBytes), e.Origin, e.Path)
	}
	return tw.Flush()
}

func venvAdd(ctx context.Context, s *Session, args []string) error {
	fs := newFlags(s, "venv add", "venv add PATH [--name NAME]")
	name := fs.String("name", "", "the name to list it under (default: the directory's name)")
	pos, err := interleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("venv add takes one PATH")
	}
	uv, _ := installer.UVPath(s.DataDir)
	v, check, err := envs.RegisterVenv(ctx, s.Store, pos[0], *name, uv)
	if err != nil {
		return err
	}
	fmt.Fprintf(s.Stdout, "Registered %s as %s (status %s).\n", v.Path, v.Name, check.Status)
	if foreign := envs.Foreign(v.Path); len(foreign) > 0 {
		fmt.Fprintf(s.Stdout, "Note: it holds more than a venv (%s); PyHangar checks it but will never delete it.\n", strings.Join(foreign, ", "))
	}
	return nil
}

func venvRemove(ctx context.Context, s *Session, args []string) error {
	fs := newFlags(s, "venv rm", "venv rm NAME|PATH")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("venv rm takes one NAME or PATH")
	}
	v, err := envs.DeleteVenv(ctx, s.Store, fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(s.Stdout, "Deleted the venv %s (%s).\n", v.Name, v.Path)
	return nil
}

func venvCheck(ctx context.Context, s *Session, args []string) error {
	fs := newFlags(s, "venv check", "venv check NAME|PATH [--json] [--gil-scan] [--modules a,b,c]")
	asJSON := fs.Bool("json", false, "print one JSON document")
	gilScan := fs.Bool("gil-scan", false, "import each installed module and report the ones that turn the GIL back on")
	modules := fs.String("modules", "", "with --gil-scan: only these modules (comma-separated)")
	pos, err := interleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("venv check takes one NAME or PATH")
	}
	v, known, err := envs.FindVenv(ctx, s.Store, pos[0])
	if err != nil {
		return err
	}
	if !known && !envs.IsVenvDir(v.Path) {
		return fmt.Errorf("%s is not a venv PyHangar knows, and %s has no pyvenv.cfg", pos[0], v.Path)
	}
	uv, _ := installer.UVPath(s.DataDir)
	check := envs.Check(ctx, v.Path, v.Name, uv)
	if *gilScan && check.Status == envs.StatusOK {
		var mods []string
		if *modules != "" {
			mods = strings.Split(*modules, ",")
		}
		results, err := envs.ScanGIL(ctx, check.Python, mods, func(done, total int, m string) {
			fmt.Fprintf(s.Stderr, "GIL scan %d/%d: %s\n", done, total, m)
		})
		if err != nil {
			return err
		}
		check.GILScan = results
	}
	if known {
		if err := s.Store.SaveVenvCheck(ctx, v.ID, check); err != nil {
			return err
		}
	}
	if *asJSON {
		if err := writeJSON(s, check); err != nil {
			return err
		}
	} else {
		printCheck(s, check)
	}
	if check.Status != envs.StatusOK {
		return fmt.Errorf("%s is broken: %s", check.Path, strings.Join(check.Problems, "; "))
	}
	return nil
}

func printCheck(s *Session, c envs.CheckResult) {
	build := pyversion.BuildName(c.FreeThreaded)
	fmt.Fprintf(s.Stdout, "Venv    %s (%s)\nPython  %s %s (%s)\nBase    %s\nPip     %s\nSize    %s\nStatus  %s\n",
		c.Name, c.Path, c.Python, orDash(c.Version.String()), build, orDash(c.Base), orDash(c.Pip), hangar.HumanSize(c.SizeBytes), c.Status)
	for _, p := range c.Problems {
		fmt.Fprintf(s.Stdout, "  problem: %s\n", p)
	}
	if c.GILScan != nil {
		enabling := 0
		for _, m := range c.GILScan {
			switch {
			case m.EnablesGIL:
				enabling++
				fmt.Fprintf(s.Stdout, "  GIL back on: %s\n", m.Module)
			case m.Error != "":
				fmt.Fprintf(s.Stdout, "  import failed: %s: %s\n", m.Module, m.Error)
			}
		}
		fmt.Fprintf(s.Stdout, "GIL scan: %d modules, %d turn the GIL back on.\n", len(c.GILScan), enabling)
	}
}
