package cli

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/installer"
)

// newInstaller wires an installer to the session's store.
func newInstaller(ctx context.Context, s *Session, mirror string, progress func(installer.Event)) (*installer.Installer, error) {
	in, err := s.Hangar.Installer(ctx, mirror, progress)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	return in, nil
}

func availableCommand() command {
	return command{
		name:    "available",
		summary: "list the CPython releases that can be installed",
		run: func(ctx context.Context, s *Session, args []string) error {
			fs := newFlags(s, "available", "available [--mirror URL] [--json]")
			mirror := fs.String("mirror", "", "a python.org mirror (same paths); plain http only on this machine")
			asJSON := fs.Bool("json", false, "print one JSON document")
			if err := parse(fs, args); err != nil {
				return err
			}
			in, err := newInstaller(ctx, s, *mirror, nil)
			if err != nil {
				return err
			}
			cat, offline, err := in.Site.CachedReleases(ctx, s.Store)
			if err != nil {
				return fmt.Errorf("%v (no catalog was fetched before; pass --mirror URL to use a mirror)", err)
			}
			if offline != nil {
				fmt.Fprintf(s.Stderr, "offline (%v); showing the catalog fetched %s\n", offline, cat.Age(time.Now()))
			}
			routes := in.Unavailable()
			var uvDownloads []installer.UVDownload
			if in.UV != nil {
				if uvDownloads, err = in.UV.Downloads(ctx); err != nil {
					fmt.Fprintf(s.Stderr, "uv: %v\n", err)
				}
			}
			// On Windows, the install manager's signed feed lists the
			// runtimes by tag (3.14t-64 is free-threaded 3.14, 64-bit).
			var feed []installer.WindowsFeedEntry
			if runtime.GOOS == "windows" && offline == nil {
				if feed, err = in.Site.WindowsFeed(ctx); err != nil {
					fmt.Fprintf(s.Stderr, "Windows feed: %v\n", err)
				}
			}
			if *asJSON {
				return writeJSON(s, map[string]any{"site": cat.Site, "fetched_at": cat.FetchedAt, "offline": offline != nil,
					"releases": cat.Releases, "routes": routes, "uv": uvDownloads, "windows_feed": feed})
			}
			tw := tabwriter.NewWriter(s.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "VERSION\tFREE-THREADED\tRELEASED\tSPEC")
			for _, r := range cat.Releases {
				ft, spec := "-", r.Version
				if r.FreeThreaded {
					ft, spec = "yes", r.Version+"t"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Version, ft, r.Date, spec)
			}
			tw.Flush()
			if len(uvDownloads) > 0 {
				fmt.Fprintln(s.Stdout, "\nuv can install:")
				for _, d := range uvDownloads {
					ft := ""
					if d.Variant == "freethreaded" {
						ft = "  (free-threaded)"
					}
					fmt.Fprintf(s.Stdout, "  %s%s\n", d.Key, ft)
				}
			}
			for _, route := range installer.Routes {
				if why := routes[route]; why != "" {
					fmt.Fprintf(s.Stdout, "\n%s route unavailable: %s\n", route, why)
				}
			}
			return nil
		},
	}
}

func installCommand() command {
	return command{
		name:    "install",
		summary: "install a CPython build (3.13t, 3.14.7t, 3.14) through uv or python.org",
		run: func(ctx context.Context, s *Session, args []string) error {
			fs := newFlags(s, "install", "install SPEC [--via uv|python.org] [--mirror URL] [--optimize] [--jit] [--wait] [--if-missing [--dry-run]] [--json]\n       pyhangar install [SPEC] --from FILE [--sha256 HEX] [--jit]")
			via := fs.String("via", "", "uv or python.org (default: uv when installed, else python.org)")
			mirror := fs.String("mirror", "", "a python.org mirror (same paths); plain http only on this machine")
			optimize := fs.Bool("optimize", false, "source builds: ./configure --enable-optimizations (slower build, faster Python)")
			jit := fs.Bool("jit", false, "source builds of 3.13 and 3.14 with the GIL: build in the experimental JIT, off until PYTHON_JIT=1 (needs LLVM 18 for 3.13, 19 for 3.14)")
			wait := fs.Bool("wait", false, "when another process is installing the same build, wait for it instead of failing")
			from := fs.String("from", "", "install from a python.org file fetched elsewhere (the source tarball on Linux, the installer on Windows, the package on macOS)")
			sha := fs.String("sha256", "", "with --from: the file's SHA-256, when the catalog on record does not know the file")
			ifMissing := fs.Bool("if-missing", false, "install only when no interpreter here matches SPEC (with --json: {\"changed\": …, \"interpreter\": …})")
			dry := fs.Bool("dry-run", false, "with --if-missing: say whether it would install, and install nothing")
			asJSON := fs.Bool("json", false, "print the new interpreter as JSON")
			pos, err := interleaved(fs, args)
			if err != nil {
				return err
			}
			if len(pos) > 1 || (len(pos) == 0 && *from == "") {
				return usagef("install takes one SPEC, such as 3.13t, 3.14.7t or 3.14")
			}
			if *sha != "" && *from == "" {
				return usagef("--sha256 goes with --from FILE")
			}
			var spec envs.Spec
			if len(pos) == 1 {
				if spec, err = envs.ParseSpec(pos[0]); err != nil {
					return usageError{err.Error()}
				}
			}
			if *via != "" && *via != "uv" && *via != "python.org" {
				return usagef("--via must be uv or python.org")
			}
			if (*ifMissing || *dry) && (*from != "" || len(pos) != 1) {
				return usagef("--if-missing and --dry-run go with one SPEC, not --from")
			}
			if *dry && !*ifMissing {
				return usagef("--dry-run goes with --if-missing")
			}
			// installed answers --if-missing: the interpreter and whether
			// it was installed now.
			installed := func(in *envs.Interpreter, changed bool) error {
				if *asJSON {
					return writeJSON(s, map[string]any{"changed": changed, "interpreter": in})
				}
				switch {
				case in == nil:
					fmt.Fprintf(s.Stdout, "Python %s is not here: it would be installed.\n", spec)
				case changed:
					fmt.Fprintf(s.Stdout, "Installed Python %s (%s) at %s\n", in.Version, in.Build(), in.Path)
				default:
					fmt.Fprintf(s.Stdout, "Python %s is here already: %s (%s)\n", spec, in.Path, in.Build())
				}
				return nil
			}
			if *ifMissing {
				list, err := discover(ctx, s)
				if err != nil {
					return err
				}
				var found []envs.Interpreter
				for _, in := range list {
					if !in.IsVenv {
						found = append(found, in)
					}
				}
				if in, ok := envs.Find(found, spec); ok {
					return installed(&in, false)
				}
				if *dry {
					return installed(nil, true)
				}
			}
			lastPhase, lastPct := "", -10.0
			in, err := newInstaller(ctx, s, *mirror, func(e installer.Event) {
				switch {
				case e.Line != "":
					fmt.Fprintln(s.Stderr, "  "+e.Line)
				case e.Phase != lastPhase || (e.Pct >= 0 && e.Pct-lastPct >= 10) || e.Pct == 100:
					if e.Pct >= 0 {
						fmt.Fprintf(s.Stderr, "%s %3.0f%%\n", e.Phase, e.Pct)
					} else {
						fmt.Fprintln(s.Stderr, e.Phase)
					}
					lastPhase, lastPct = e.Phase, e.Pct
				}
			})
			if err != nil {
				return err
			}
			in.Optimize, in.Wait, in.JIT = *optimize, *wait, *jit
			start := time.Now()
			var interp envs.Interpreter
			var rec installer.Record
			if *from != "" {
				var asked *envs.Spec
				if len(pos) == 1 {
					asked = &spec
				}
				interp, rec, err = in.InstallFrom(ctx, *from, asked, *sha)
			} else {
				interp, rec, err = in.Install(ctx, spec, installer.Route(*via))
			}
			if err != nil {
				if rec.LogPath != "" {
					return fmt.Errorf("%v (log: %s)", err, rec.LogPath)
				}
				return err
			}
			fmt.Fprintf(s.Stderr, "installed in %s\n", time.Since(start).Round(time.Second))
			if *ifMissing {
				return installed(&interp, true)
			}
			if *asJSON {
				return writeJSON(s, interp)
			}
			build := interp.Build()
			if interp.HasJIT() {
				build += ", JIT " + interp.JITWords()
			}
			fmt.Fprintf(s.Stdout, "Installed Python %s (%s) at %s\n", interp.Version, build, interp.Path)
			return nil
		},
	}
}

func uninstallCommand() command {
	return command{
		name:    "uninstall",
		summary: "remove an interpreter PyHangar installed",
		run: func(ctx context.Context, s *Session, args []string) error {
			fs := newFlags(s, "uninstall", "uninstall SPEC|PATH")
			if err := parse(fs, args); err != nil {
				return err
			}
			if fs.NArg() != 1 {
				return usagef("uninstall takes one SPEC or PATH")
			}
			in, err := newInstaller(ctx, s, "", func(e installer.Event) {
				if e.Line != "" {
					fmt.Fprintln(s.Stderr, e.Line)
				}
			})
			if err != nil {
				return err
			}
			rec, err := in.Uninstall(ctx, fs.Arg(0))
			if err != nil {
				return err
			}
			fmt.Fprintf(s.Stdout, "Removed %s (%s).\n", rec.Path, strings.TrimSpace(rec.Spec))
			return nil
		},
	}
}
