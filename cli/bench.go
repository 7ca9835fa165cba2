package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pyhangar/pyhangar/bench"
	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/hangar"
	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/store"
)

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func benchCommand() command {
	return command{
		name:    "bench",
		summary: "run the threaded sanity benchmark; history, export and import of runs",
		run: func(ctx context.Context, s *Session, args []string) error {
			if len(args) > 0 {
				switch args[0] {
				case "history":
					return benchHistory(ctx, s, args[1:])
				case "export":
					return benchExport(ctx, s, args[1:])
				case "import":
					return benchImport(ctx, s, args[1:])
				case "report":
					return benchReport(ctx, s, args[1:])
				}
			}
			return benchRun(ctx, s, args)
		},
	}
}

func benchRun(ctx context.Context, s *Session, args []string) error {
	fs := newFlags(s, "bench", "bench [--python SPEC|PATH]... [--threads N] [--budget DURATION] [--jit] [--label NAME] [--json]\n       pyhangar bench history [--json] | bench report [--format markdown|json] [--out FILE]\n       pyhangar bench export --format csv|json [--out FILE]\n       pyhangar bench import FILE")
	var pythons stringList
	fs.Var(&pythons, "python", "an interpreter to measure (repeatable); default: every free-threaded one and the GIL build of its minor version")
	threads := fs.Int("threads", 0, "the thread count N (default: the usable CPUs)")
	budget := fs.Duration("budget", bench.DefaultBudget, "how long to measure each interpreter at most; rounds stop early once the answer is steady")
	label := fs.String("label", "", "name this machine in the runs kept (a fleet report's machine); default: PYHANGAR_MACHINE_LABEL, else the machine_label setting")
	jit := fs.Bool("jit", false, "also measure each build that has the JIT with it on (PYTHON_JIT=1) against off, in paired rounds")
	asJSON := fs.Bool("json", false, "print one JSON array")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *threads < 0 {
		return usagef("--threads must be positive")
	}
	if *budget < 2*time.Second {
		return usagef("--budget must be at least 2s")
	}
	if *label != "" {
		if err := store.CheckLabel(*label); err != nil {
			return usageError{err.Error()}
		}
		s.Hangar.MachineLabel = *label
	}
	var targets []envs.Interpreter
	if len(pythons) == 0 {
		list, err := discover(ctx, s)
		if err != nil {
			return err
		}
		targets = bench.DefaultTargets(list)
		if len(targets) == 0 {
			return fmt.Errorf("no free-threaded interpreter found to benchmark; pass --python SPEC|PATH")
		}
	}
	for _, p := range pythons {
		in, err := resolvePython(ctx, s, p)
		if err != nil {
			return err
		}
		targets = append(targets, in)
	}
	last := -1
	results, _, err := s.Hangar.Bench(ctx, targets, bench.Options{MaxThreads: *threads, Budget: *budget, JIT: *jit}, func(i int, step string) {
		if i != last {
			in := targets[i]
			fmt.Fprintf(s.Stderr, "[%d/%d] %s (%s, %s)\n", i+1, len(targets), in.Path, in.Version, in.Build())
			last = i
		}
		fmt.Fprintf(s.Stderr, "  %s\n", step)
	})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(s, results)
	}
	printBenchTable(s.Stdout, results)
	return nil
}

// printBenchTable prints each interpreter's verdict, then its figures per
// workload and their median.
func printBenchTable(w io.Writer, results []bench.Result) {
	for i, r := range results {
		if i > 0 {
			fmt.Fprintln(w)
		}
		n := strconv.Itoa(r.Threads())
		build := r.Build()
		if r.FTCostPct != nil {
			build += fmt.Sprintf(", single thread %+.0f%% against the GIL build", *r.FTCostPct)
		}
		fmt.Fprintf(w, "Python %s (%s) %s\n  %s\n", r.Version, build, r.Path, r.Verdict)
		if r.PairedVerdict != "" {
			fmt.Fprintf(w, "  %s\n", r.PairedVerdict)
		}
		for _, note := range r.Notes {
			fmt.Fprintf(w, "  note: %s\n", note)
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "  WORKLOAD\t1 THREAD\tSPEEDUP @%s\tCPU/WALL\t%s PROCESSES\tEFFICIENCY\n", n, n)
		for _, wl := range bench.Workloads {
			wr, ok := r.Workloads[wl]
			if !ok {
				continue
			}
			fmt.Fprintf(tw, "  %s\t%.1f ms\t%.2f×\t%.2f\t%.2f×\t%.2f (±%.0f%%)\n", wl.Name(), wr.SingleThreadMs, wr.Speedup,
				wr.CPUWallRatio, wr.ProcessSpeedup, wr.Efficiency, 50*wr.Spread)
		}
		fmt.Fprintf(tw, "  median\t\t%.2f×\t%.2f\t%.2f×\t%.2f (±%.0f%%)\n", r.Speedup[n], r.CPUWallRatio[n], r.ProcessSpeedup[n], r.Efficiency[n], 50*r.HeadlineSpread)
		tw.Flush()
		fmt.Fprintf(w, "  start-up %.0f ms; peak memory %.0f MB on 1 thread, %.0f MB on %s; %d rounds\n", r.StartupMs, r.PeakRSSMB["1"], r.PeakRSSMB[n], n, r.Rounds)
	}
	fmt.Fprintln(w, "\nSpeedup: 1 thread's time over N threads' for the same work. Efficiency: what N threads get against what N processes get in the same rounds (1.00 = all of it).")
}

func benchHistory(ctx context.Context, s *Session, args []string) error {
	fs := newFlags(s, "bench history", "bench history [--json]")
	asJSON := fs.Bool("json", false, "print one JSON array")
	if err := parse(fs, args); err != nil {
		return err
	}
	runs, err := s.Store.BenchRuns(ctx, 0)
	if err != nil {
		return err
	}
	if *asJSON {
		if runs == nil {
			runs = []store.BenchRun{}
		}
		return writeJSON(s, runs)
	}
	if len(runs) == 0 {
		fmt.Fprintln(s.Stdout, "No benchmark runs yet. Run one with: pyhangar bench")
		return nil
	}
	tw := tabwriter.NewWriter(s.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDATE\tMACHINE\tPYTHON\tBUILD\tSPEEDUP\tEFFICIENCY\tVERDICT")
	for _, run := range runs {
		r := run.Result
		n := strconv.Itoa(r.Threads())
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s %s\t%s\t%.2f× @%s\t%.2f\t%s\n", run.ID, r.Started.Local().Format("2006-01-02 15:04"), orDash(run.Machine.Name()),
			r.Version, r.Path, r.Build(), r.Speedup[n], n, r.Efficiency[n], r.Verdict)
	}
	return tw.Flush()
}

// benchReport writes the fleet report: per machine (its label, else its
// hostname) its latest run of each interpreter, side by side.
func benchReport(ctx context.Context, s *Session, args []string) error {
	fs := newFlags(s, "bench report", "bench report [--format markdown|json] [--out FILE [--replace]]")
	format := fs.String("format", "markdown", "markdown (a table per machine) or json")
	outPath := fs.String("out", "", "write to FILE instead of stdout")
	replace := fs.Bool("replace", false, "with --out: replace FILE when it is there already")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != "markdown" && *format != "json" {
		return usagef("--format must be markdown or json")
	}
	machines, err := s.Hangar.FleetReport(ctx)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if *format == "json" {
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(machines); err != nil {
			return err
		}
	} else {
		writeFleetMarkdown(&buf, machines)
	}
	if *outPath == "" {
		_, err := s.Stdout.Write(buf.Bytes())
		return err
	}
	if err := platform.WriteFile(*outPath, buf.Bytes(), *replace); err != nil {
		return replaceHint(err)
	}
	fmt.Fprintf(s.Stderr, "Wrote the report of %d machines to %s\n", len(machines), *outPath)
	return nil
}

// writeFleetMarkdown is the fleet report as Markdown: a row per machine and
// interpreter.
func writeFleetMarkdown(w io.Writer, machines []hangar.MachineRuns) {
	runs := 0
	for _, m := range machines {
		runs += len(m.Runs)
	}
	fmt.Fprintf(w, "# Fleet report: %d machines, %d interpreters measured\n\n", len(machines), runs)
	fmt.Fprintln(w, "| Machine | Python | Build | Verdict | Speedup | Efficiency | Measured |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	cell := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ") }
	for _, m := range machines {
		for _, run := range m.Runs {
			r := run.Result
			n := strconv.Itoa(r.Threads())
			verdict := r.Verdict
			if r.PairedVerdict != "" {
				verdict += "; " + r.PairedVerdict
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %.2f× @%s | %.2f | %s |\n", cell(m.Name), cell(string(r.Version)), cell(r.Build()), cell(verdict),
				r.Speedup[n], n, r.Efficiency[n], r.Started.UTC().Format("2006-01-02 15:04"))
		}
	}
}

func benchExport(ctx context.Context, s *Session, args []string) error {
	fs := newFlags(s, "bench export", "bench export --format csv|json [--out FILE [--replace]]")
	format := fs.String("format", "", "csv (one row per run and thread count) or json (runs with their raw samples)")
	outPath := fs.String("out", "", "write to FILE instead of stdout")
	replace := fs.Bool("replace", false, "with --out: replace FILE when it is there already")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != "csv" && *format != "json" {
		return usagef("--format must be csv or json")
	}
	if *outPath == "" {
		_, err := s.Hangar.Export(ctx, s.Stdout, *format, nil)
		return err
	}
	n, err := s.Hangar.ExportFile(ctx, *outPath, *format, nil, *replace)
	if err != nil {
		return replaceHint(err)
	}
	fmt.Fprintf(s.Stderr, "Wrote %d runs to %s\n", n, *outPath)
	return nil
}

func benchImport(ctx context.Context, s *Session, args []string) error {
	fs := newFlags(s, "bench import", "bench import FILE")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("bench import takes one FILE (another machine's bench export --format json)")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	imported, skipped, err := s.Store.ImportBenchJSON(ctx, f)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	fmt.Fprintf(s.Stdout, "Imported %d runs from %s (%d were here already).\n", imported, fs.Arg(0), skipped)
	return nil
}
