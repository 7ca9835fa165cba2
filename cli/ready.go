package cli

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/pyversion"
	"github.com/pyhangar/pyhangar/wheels"
)

func readyCommand() command {
	return command{
		name:    "ready",
		summary: "check requirements against the package index: will they install as wheels on this interpreter?",
		run: func(ctx context.Context, s *Session, args []string) error {
			fs := newFlags(s, "ready", "ready --python SPEC|PATH (-r FILE | PACKAGE...) [--index-url URL] [--json]")
			python := fs.String("python", "", "the interpreter to check for (3.14t, or a path)")
			file := fs.String("r", "", "a requirements file (its -r includes and -c constraints are read too)")
			index := fs.String("index-url", "", "the package index (default: PIP_INDEX_URL, pip's own setting, or PyPI)")
			asJSON := fs.Bool("json", false, "print one JSON array, an object per package")
			if err := parse(fs, args); err != nil {
				return err
			}
			if (*file == "") == (fs.NArg() == 0) {
				return usagef("give a requirements file (-r FILE) or package names, one of the two")
			}
			in, err := resolvePython(ctx, s, *python)
			if err != nil {
				return err
			}
			var reqs []wheels.Requirement
			var src wheels.Sources
			if *file != "" {
				lines, err := envs.ReadRequirements(*file, "")
				if err != nil {
					return err
				}
				reqs, src = wheels.FromLines(lines)
			} else {
				for _, a := range fs.Args() {
					reqs = append(reqs, wheels.Requirement{Text: a})
				}
			}
			var progress func(int, string)
			if s.Interactive && !*asJSON {
				progress = func(done int, name string) { s.progressLine(fmt.Sprintf("checked %d: %s", done, name)) }
			}
			rep, err := s.Hangar.Ready(ctx, in, reqs, src, *index, progress)
			if progress != nil {
				s.progressLine("")
			}
			if err != nil {
				return err
			}
			if *asJSON {
				return writeJSON(s, rep.Results)
			}
			printReady(s.Stdout, in, rep)
			return nil
		},
	}
}

// printReady prints the report as a table, its summary, and where the
// answers came from.
func printReady(w io.Writer, in envs.Interpreter, rep wheels.Report) {
	build := pyversion.BuildName(rep.FreeThreaded)
	fmt.Fprintf(w, "Python %s (%s) %s\nIndex  %s\n\n", rep.PythonVersion, build, in.Path, rep.Index)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PACKAGE\tREQUESTED\tSTATUS\tVERSION\tWHY")
	for _, r := range rep.Results {
		name := r.Name
		if len(r.RequiredBy) > 0 {
			name = "  " + name // brought in by another
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", name, orDash(r.Requested), r.Status, orDash(r.Version), r.Reason)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%s\n", rep.Summary())
	if rep.Offline != "" {
		fmt.Fprintf(w, "The index could not be reached (%s): its answers kept from %s were used.\n", rep.Offline,
			installer.Catalog{FetchedAt: rep.OldestAnswer}.Age(time.Now()))
	}
}
