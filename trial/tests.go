package trial

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/project"
)

// TestResult is one run of the project's tests.
type TestResult struct {
	Command []string `json:"command"`
	Exit    int      `json:"exit"`
	// Summarized says the runner's summary was read (pytest's, unittest's);
	// the counts are then its.
	Summarized bool     `json:"summarized"`
	Passed     int      `json:"passed"`
	Failed     int      `json:"failed"`
	Errors     int      `json:"errors"`
	Skipped    int      `json:"skipped"`
	Seconds    float64  `json:"seconds"`
	Failing    []string `json:"failing"` // the failing tests' names
	// Interrupted is why the runner stopped before running the tests
	// (pytest: "1 error during collection").
	Interrupted string `json:"interrupted,omitempty"`
	Tail        string `json:"tail"` // the output's last lines
	Error       string `json:"error,omitempty"`
}

// OK says the tests ran and passed.
func (r TestResult) OK() bool { return r.Error == "" && r.Exit == 0 }

// testTimeout bounds a test run.
var testTimeout = 30 * time.Minute

// runTests runs the test command in the project's folder with the venv's
// python, through the launcher.
func runTests(ctx context.Context, opt Options, l *launcher, t Target, v *VenvResult, say func(string)) *TestResult {
	out := &TestResult{Command: opt.Test, Failing: []string{}}
	var lines []string
	res, err := l.run(ctx, command{argv: commandFor(opt.Test, v), dir: opt.Project.Dir, env: commandEnv(v, t.Variant), limit: testTimeout,
		tail: 64 << 10, onLine: func(line string) {
			lines = append(lines, line)
			if len(lines) > 4000 {
				lines = append(lines[:0], lines[len(lines)-2000:]...)
			}
			say(line)
		}})
	out.Seconds = float64(res.WallNs) / 1e9
	switch {
	case ctx.Err() != nil:
		out.Error = "cancelled"
		return out
	case err != nil:
		out.Error = err.Error()
		return out
	}
	out.Exit = res.Exit
	out.Tail = tail(lines, 30)
	summarize(out, lines)
	return out
}

// commandFor is argv with "python" standing for the venv's python.
func commandFor(argv []string, v *VenvResult) []string {
	out := append([]string{}, argv...)
	if len(out) > 0 && (out[0] == project.Python || out[0] == "python3") {
		out[0] = v.Python
	}
	return out
}

// commandEnv is the environment the project's commands run in: as if the
// venv were activated, without PyHangar's own Python settings, with the
// variant's, and writing no bytecode into the project.
func commandEnv(v *VenvResult, variant envs.Variant) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "PYTHON") || name == "VIRTUAL_ENV" || name == "PATH" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "VIRTUAL_ENV="+v.Path, "PATH="+filepath.Dir(v.Python)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"PYTHONDONTWRITEBYTECODE=1")
	return append(env, variant.Env()...)
}

func tail(lines []string, n int) string {
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

var (
	// pytest's last line: "3 failed, 209 passed, 1 skipped in 4.12s",
	// between = signs without -q.
	pytestSummary = regexp.MustCompile(`^=*\s*((?:\d+ (?:passed|failed|errors?|skipped|xfailed|xpassed|warnings?|deselected)(?:, )?)+) in [\d.]+s`)
	pytestCount   = regexp.MustCompile(`(\d+) (passed|failed|errors?|skipped|xfailed|xpassed)`)
	pytestFailing = regexp.MustCompile(`^(?:FAILED|ERROR) (\S+)`)
	pytestStopped = regexp.MustCompile(`^!+ Interrupted: (.*?) !+$`)
	// unittest's: "Ran 12 tests in 0.004s", then "OK (skipped=1)" or
	// "FAILED (failures=1, errors=2)".
	unittestRan     = regexp.MustCompile(`^Ran (\d+) tests? in [\d.]+s`)
	unittestOutcome = regexp.MustCompile(`^(OK|FAILED)(?: \((.*)\))?$`)
	unittestFailing = regexp.MustCompile(`^(?:FAIL|ERROR): (\S+) \(([^)]+)\)`)
)

// summarize reads pytest's or unittest's summary from the output.
func summarize(r *TestResult, lines []string) {
	for i := len(lines) - 1; i >= 0; i-- {
		if m := pytestSummary.FindStringSubmatch(strings.TrimSpace(lines[i])); m != nil {
			for _, c := range pytestCount.FindAllStringSubmatch(m[1], -1) {
				n, _ := strconv.Atoi(c[1])
				switch c[2] {
				case "passed", "xpassed":
					r.Passed += n
				case "failed":
					r.Failed += n
				case "error", "errors":
					r.Errors += n
				case "skipped", "xfailed":
					r.Skipped += n
				}
			}
			r.Summarized = true
			for _, l := range lines {
				if f := pytestFailing.FindStringSubmatch(l); f != nil {
					r.Failing = append(r.Failing, f[1])
				}
				if f := pytestStopped.FindStringSubmatch(strings.TrimSpace(l)); f != nil {
					r.Interrupted = f[1]
				}
			}
			return
		}
	}
	for i, l := range lines {
		m := unittestRan.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil {
			continue
		}
		ran, _ := strconv.Atoi(m[1])
		for _, next := range lines[i+1:] {
			o := unittestOutcome.FindStringSubmatch(strings.TrimSpace(next))
			if o == nil {
				continue
			}
			for _, part := range strings.Split(o[2], ",") {
				k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
				n, _ := strconv.Atoi(v)
				switch k {
				case "failures":
					r.Failed += n
				case "errors":
					r.Errors += n
				case "skipped", "expected failures":
					r.Skipped += n
				}
			}
			r.Passed = max(0, ran-r.Failed-r.Errors-r.Skipped)
			r.Summarized = true
			break
		}
		for _, l := range lines {
			if f := unittestFailing.FindStringSubmatch(l); f != nil {
				r.Failing = append(r.Failing, f[2])
			}
		}
		return
	}
}
