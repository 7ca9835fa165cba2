package ui

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/pyhangar/pyhangar/internal/testenv"
)

// The window shows which builds have the JIT and whether it is on, and its
// Benchmarks tab measures a build with the JIT with it off and on when
// told: two runs side by side, the second saying how the JIT did.
func TestJITIsShownAndMeasured(t *testing.T) {
	jit, gil := testenv.JIT(t), testenv.GIL(t, "3.13")
	win, _, _ := newWindowOn(t, []string{filepath.Dir(jit), filepath.Dir(gil)})
	win.Tabs.SelectIndex(tabInterpreters)
	tab := win.interpreters
	for _, row := range tableRows(tab.table) {
		want := "—"
		if strings.HasPrefix(jit, strings.TrimSuffix(row["Path"], "…")) { // a long path is cut to its column
			want = "off"
		}
		if row["JIT"] != want {
			t.Errorf("%s: JIT %q, want %q", row["Path"], row["JIT"], want)
		}
	}
	tab.selectPath(jit)
	if !strings.Contains(tab.details.Text, "experimental JIT built in, off (PYTHON_JIT=1 turns it on)") {
		t.Errorf("details:\n%s", tab.details.Text)
	}

	win.Tabs.SelectIndex(tabBenchmarks)
	b := win.benchmarks
	var ticks []string
	for _, opt := range b.checks.Options {
		if strings.HasSuffix(opt, "  "+jit) || strings.HasSuffix(opt, "  "+gil) {
			ticks = append(ticks, opt)
		}
	}
	if len(ticks) != 2 {
		t.Fatalf("offered: %v", b.checks.Options)
	}
	b.checks.SetSelected(ticks)
	test.Tap(b.jit)
	test.Tap(b.run)
	waitIdle(win)
	verdicts := screenText(b.verdicts)
	for _, want := range []string{"3.14.7 JIT off: GIL build", "3.14.7 JIT on: GIL build", "3.14.7, JIT on against JIT off: ",
		"3.13.5: this build has no JIT"} {
		if !strings.Contains(verdicts, want) {
			t.Errorf("the verdicts lack %q:\n%s", want, verdicts)
		}
	}
	paired := 0
	for _, row := range tableRows(b.table) {
		switch {
		case row["Build"] == "GIL, JIT on" && row["Workload"] == "median of 4":
			if row["Paired"] != "vs JIT off" {
				t.Errorf("the JIT on run's headline: %v", row)
			}
		case row["Build"] == "GIL, JIT on":
			if !strings.Contains(row["Paired"], "×") {
				t.Errorf("a workload of the JIT on run: %v", row)
			}
			paired++
		case row["Paired"] != "":
			t.Errorf("a run without a baseline shows %q", row["Paired"])
		}
	}
	if paired != 4 {
		t.Errorf("%d workload rows of the JIT on run", paired)
	}
}

// The Install tab offers the JIT for the source route's GIL builds of 3.13
// and 3.14, and says why not for the free-threaded build.
func TestInstallTabOffersTheJITWhereItCanBeBuilt(t *testing.T) {
	org := testenv.StartPythonOrg(t, testenv.StandInRelease{ID: 1002, Version: "3.14.7"}, testenv.StandInRelease{ID: 900, Version: "3.12.10"})
	win, _, _ := newInstallWindow(t, org.URL)
	in := win.install
	pick := func(version string) {
		for i, r := range in.releases {
			if string(r.Version) == version {
				in.list.Select(i)
				return
			}
		}
		t.Fatalf("no %s in %v", version, in.releases)
	}
	pick("3.14.7")
	in.route.SetSelected("python.org")
	in.variant.SetSelected(variantFT)
	if !in.jit.Disabled() || !strings.Contains(in.jitWhy.Text, "free-threaded builds of 3.13 and 3.14 do not support the JIT") {
		t.Errorf("free-threaded: disabled %v, %q", in.jit.Disabled(), in.jitWhy.Text)
	}
	in.variant.SetSelected(variantGIL)
	if in.jit.Disabled() || !strings.Contains(in.jitWhy.Text, "needs LLVM 19") {
		t.Errorf("GIL 3.14.7: disabled %v, %q", in.jit.Disabled(), in.jitWhy.Text)
	}
	test.Tap(in.jit)
	pick("3.12.10")
	if !in.jit.Disabled() || in.jit.Checked || !strings.Contains(in.jitWhy.Text, "the JIT starts with Python 3.13") {
		t.Errorf("3.12: disabled %v, checked %v, %q", in.jit.Disabled(), in.jit.Checked, in.jitWhy.Text)
	}
}
