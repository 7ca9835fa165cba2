package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/pyhangar/pyhangar/fetch"
	"github.com/pyhangar/pyhangar/installer"
)

func getUVCommand() command {
	return command{
		name:    "get-uv",
		summary: "get uv for PyHangar (prebuilt Python builds in seconds), or remove it",
		run: func(ctx context.Context, s *Session, args []string) error {
			fs := newFlags(s, "get-uv", "get-uv [--version V|latest] [--mirror URL] [--remove] [--json]")
			ver := fs.String("version", installer.PinnedUV, "the uv release to get, or latest")
			mirror := fs.String("mirror", "", "a mirror standing for "+installer.GitHub+" with the same paths (default: the uv_mirror setting)")
			remove := fs.Bool("remove", false, "remove the uv PyHangar got (a uv of your own is never touched)")
			asJSON := fs.Bool("json", false, "print what was installed as JSON")
			if err := parse(fs, args); err != nil {
				return err
			}
			if fs.NArg() > 0 {
				return usagef("unexpected argument %q", fs.Arg(0))
			}
			if *remove {
				if err := s.Hangar.RemoveUV(ctx); err != nil {
					return err
				}
				fmt.Fprintf(s.Stdout, "Removed PyHangar's uv (%s).\n", installer.UVDir(s.DataDir))
				return nil
			}
			if *mirror != "" {
				if _, err := fetch.CheckURL(*mirror); err != nil {
					return usagef("--mirror: %v", err)
				}
			}
			lastPhase := ""
			progress := func(e installer.Event) {
				switch {
				case e.Line != "":
					fmt.Fprintln(s.Stderr, "  "+e.Line)
				case e.Phase != lastPhase:
					fmt.Fprintln(s.Stderr, e.Phase)
					lastPhase = e.Phase
				}
			}
			start := time.Now()
			own, err := s.Hangar.GetUV(ctx, *ver, *mirror, progress)
			if err != nil {
				return err
			}
			if *asJSON {
				return writeJSON(s, own)
			}
			fmt.Fprintf(s.Stdout, "Got %s for %s in %s: %s\n", own.Reports, own.Target, time.Since(start).Round(100*time.Millisecond), own.Path)
			if path, mine := installer.UVPath(s.DataDir); mine {
				fmt.Fprintln(s.Stdout, "PyHangar uses it: no uv of yours was found.")
			} else {
				fmt.Fprintf(s.Stdout, "Your own uv (%s) is found first, and stays the one PyHangar uses.\n", path)
			}
			return nil
		},
	}
}
