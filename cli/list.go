package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/platform"
)

func listCommand() command {
	return command{
		name:    "list",
		summary: "find and identify every Python interpreter on this machine",
		run: func(ctx context.Context, s *Session, args []string) error {
			fs := newFlags(s, "list", "list [--json] [--refresh]")
			asJSON := fs.Bool("json", false, "print one JSON array")
			refresh := fs.Bool("refresh", false, "probe every interpreter again instead of using the cache")
			if err := parse(fs, args); err != nil {
				return err
			}
			if fs.NArg() > 0 {
				return usagef("unexpected argument %q", fs.Arg(0))
			}
			list, err := s.Hangar.Discover(ctx, *refresh, nil)
			if err != nil {
				return err
			}
			if *asJSON {
				return writeJSON(s, list)
			}
			printInterpreters(s.Stdout, list, true)
			return nil
		},
	}
}

// printInterpreters prints the readable table; free-threaded rows are marked
// with a star.
func printInterpreters(w io.Writer, list []envs.Interpreter, probed bool) {
	if len(list) == 0 {
		fmt.Fprintln(w, "No Python interpreters found.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if probed {
		fmt.Fprintln(tw, "  VERSION\tBUILD\tGIL\tJIT\tSOURCE\tARCH\tPATH")
	} else {
		fmt.Fprintln(tw, "  VERSION\tBUILD\tSOURCE\tARCH\tPATH")
	}
	ft, guessed, jitOff := 0, 0, 0
	for _, in := range list {
		mark := " "
		if in.FreeThreaded {
			mark = "*"
			ft++
		}
		version := in.Version
		switch {
		case version == "":
			version = "?"
		case !probed && in.VersionSource == platform.FromName:
			version += " (by name)"
			guessed++
		}
		build := in.Build()
		if in.Status == envs.StatusBroken {
			build = "broken: " + in.Error
		}
		path := in.Path
		if in.IsVenv {
			path += " (venv)"
		}
		if probed {
			gil := "-"
			if in.GILEnabled != nil {
				gil = map[bool]string{true: "on", false: "off"}[*in.GILEnabled]
			}
			jit := "-"
			if in.HasJIT() {
				jit = "off"
				if in.JITEnabled != nil && *in.JITEnabled {
					jit = "on"
				} else {
					jitOff++
				}
			}
			fmt.Fprintf(tw, "%s %s\t%s\t%s\t%s\t%s\t%s\t%s\n", mark, version, build, gil, jit, in.Source, orDash(in.Arch), path)
		} else {
			fmt.Fprintf(tw, "%s %s\t%s\t%s\t%s\t%s\n", mark, version, build, in.Source, orDash(in.Arch), path)
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d interpreters, %d free-threaded (marked *).\n", len(list), ft)
	if jitOff > 0 {
		fmt.Fprintf(w, "%d have the experimental JIT, off: PYTHON_JIT=1 turns it on, and pyhangar bench --jit measures whether it helps.\n", jitOff)
	}
	if guessed > 0 {
		fmt.Fprintf(w, "%d versions come only from a file or directory name (no file on the disk states them).\n", guessed)
	}
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
