package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/installer"
)

const (
	variantFT  = "Free-threaded"
	variantGIL = "Standard (GIL)"
)

// installTab installs interpreters from the catalog.
type installTab struct {
	c        *core
	inst     *installer.Installer
	releases []installer.Release
	chosen   int
	list     *widget.List
	info     *widget.Label
	variant  *widget.RadioGroup
	route    *widget.RadioGroup
	routeWhy *widget.Label
	target   *widget.Label
	install  *widget.Button
	cancelB  *widget.Button
	progress *widget.ProgressBar
	phase    *widget.Label
	logText  *widget.Label
	logLines []string
	cancel   context.CancelFunc
	content  fyne.CanvasObject
	// lastDialog is the dialog most recently shown (tests read it).
	lastDialog dialog.Dialog
}

func newInstallTab(c *core) *installTab {
	t := &installTab{c: c, chosen: -1}
	t.info = widget.NewLabel("Loading the catalog…")
	t.info.Wrapping = fyne.TextWrapWord
	t.list = widget.NewList(
		func() int { return len(t.releases) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			r := t.releases[i]
			l := o.(*widget.Label)
			text := "Python " + r.Version
			if r.FreeThreaded {
				text += "   — free-threaded build available"
			}
			if r.PreRelease {
				text += "   (pre-release)"
			}
			l.SetText(text + "   " + r.Date)
		},
	)
	t.list.OnSelected = func(i widget.ListItemID) {
		t.chosen = i
		if !t.releases[i].FreeThreaded {
			t.variant.SetSelected(variantGIL)
			t.variant.Disable()
		} else {
			t.variant.Enable()
		}
		t.updateTarget()
	}
	t.target = widget.NewLabel("")
	t.target.Wrapping = fyne.TextWrapWord
	t.variant = widget.NewRadioGroup([]string{variantFT, variantGIL}, func(string) { t.updateTarget() })
	t.variant.Horizontal = true
	t.variant.SetSelected(variantFT)
	t.route = widget.NewRadioGroup([]string{"uv", "python.org"}, func(string) { t.updateTarget() })
	t.route.Horizontal = true
	t.routeWhy = widget.NewLabel("")
	t.routeWhy.Wrapping = fyne.TextWrapWord
	t.routeWhy.Importance = widget.WarningImportance
	t.install = widget.NewButtonWithIcon("Install", theme.DownloadIcon(), t.start)
	t.install.Importance = widget.HighImportance
	t.cancelB = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() {
		if t.cancel != nil {
			t.cancel()
		}
	})
	c.onJobs(func() {
		if c.busy(jobInstall) {
			t.install.Disable()
		} else if t.inst != nil {
			t.install.Enable()
		}
	})
	t.cancelB.Disable()
	t.progress = widget.NewProgressBar()
	t.phase = widget.NewLabel("")
	t.logText = widget.NewLabel("")
	t.logText.TextStyle.Monospace = true
	t.logText.Wrapping = fyne.TextWrapBreak

	form := widget.NewForm(
		widget.NewFormItem("Build", t.variant),
		widget.NewFormItem("Route", container.NewVBox(t.route, t.routeWhy)),
		widget.NewFormItem("Target", t.target),
	)
	right := container.NewBorder(
		container.NewVBox(form, container.NewHBox(t.install, t.cancelB), t.progress, t.phase),
		nil, nil, nil, container.NewVScroll(t.logText))
	left := container.NewBorder(t.info, nil, nil, nil, t.list)
	split := container.NewHSplit(left, right)
	split.Offset = 0.35
	t.content = split
	t.load()
	return t
}

// load wires the installer and fetches the catalog in the background.
func (t *installTab) load() {
	mirror, _, _ := t.c.store.Setting(settingMirror)
	var cat installer.Catalog
	var offline error
	var routes map[installer.Route]string
	var in *installer.Installer
	ctx := t.c.ctx
	t.c.background(func() error {
		var err error
		in, err = installer.New(ctx, t.c.cfg.DataDir, t.c.store, mirror, nil)
		if err != nil {
			return err
		}
		routes = in.Unavailable()
		cat, offline, err = in.Site.CachedReleases(ctx, t.c.store)
		return err
	}, func(err error) {
		t.inst = in
		if in != nil {
			t.setRoutes(routes)
		}
		if err != nil {
			t.info.SetText("The catalog cannot be loaded: " + err.Error())
			return
		}
		t.releases = cat.Releases
		t.list.Refresh()
		if offline != nil {
			t.info.SetText(fmt.Sprintf("Offline: showing the catalog from %s ago (%v).", time.Since(cat.FetchedAt).Round(time.Minute), offline))
		} else {
			t.info.SetText(fmt.Sprintf("%d releases from %s, newest first.", len(cat.Releases), cat.Site))
		}
		for i, r := range t.releases {
			if r.FreeThreaded && !r.PreRelease {
				t.list.Select(i)
				break
			}
		}
	})
}

// setRoutes disables a route that cannot be used here, saying why.
func (t *installTab) setRoutes(routes map[installer.Route]string) {
	var why []string
	usable := ""
	for _, route := range installer.Routes {
		if routes[route] != "" {
			why = append(why, string(route)+": "+routes[route])
		} else if usable == "" {
			usable = string(route)
		}
	}
	if routes[installer.RouteUV] != "" && routes[installer.RoutePythonOrg] == "" {
		// RadioGroup cannot disable one option; keep the usable one only.
		t.route.Options = []string{"python.org"}
	} else if routes[installer.RoutePythonOrg] != "" && routes[installer.RouteUV] == "" {
		t.route.Options = []string{"uv"}
	}
	t.route.Refresh()
	if usable != "" {
		t.route.SetSelected(usable)
	} else {
		t.install.Disable()
	}
	t.routeWhy.SetText(strings.Join(why, "\n"))
	if len(why) == 0 {
		t.routeWhy.Hide()
	}
}

func (t *installTab) spec() (envs.Spec, bool) {
	if t.chosen < 0 || t.chosen >= len(t.releases) {
		return envs.Spec{}, false
	}
	return envs.Spec{Version: t.releases[t.chosen].Version, FreeThreaded: t.variant.Selected == variantFT}, true
}

func (t *installTab) updateTarget() {
	spec, ok := t.spec()
	if !ok {
		t.target.SetText("Choose a version.")
		return
	}
	switch t.route.Selected {
	case "uv":
		t.target.SetText(fmt.Sprintf("uv python install %s (into uv's managed Pythons)", installer.UVRequest(spec)))
	default:
		name := "cpython-" + spec.Version
		if spec.FreeThreaded {
			name += "t"
		}
		t.target.SetText(fmt.Sprintf("%s/pythons/%s", t.c.cfg.DataDir, name))
	}
}

func (t *installTab) appendLog(line string) {
	t.logLines = append(t.logLines, line)
	if len(t.logLines) > 400 {
		t.logLines = t.logLines[len(t.logLines)-400:]
	}
	t.logText.SetText(strings.Join(t.logLines, "\n"))
}

// start installs in the background with progress, a live log and Cancel.
func (t *installTab) start() {
	spec, ok := t.spec()
	if !ok || t.inst == nil || t.c.busy(jobInstall) {
		return
	}
	t.cancelB.Enable()
	t.logLines = nil
	t.appendLog("Installing " + spec.String() + " via " + t.route.Selected)
	t.progress.SetValue(0)
	inst := *t.inst
	inst.Progress = func(e installer.Event) {
		t.c.do(func() {
			if e.Line != "" {
				t.appendLog(e.Line)
				return
			}
			if e.Pct >= 0 {
				t.progress.SetValue(e.Pct / 100)
				t.phase.SetText(fmt.Sprintf("%s: %.0f%%", e.Phase, e.Pct))
			} else {
				t.phase.SetText(e.Phase + "…")
			}
		})
	}
	via := installer.Route(t.route.Selected)
	var got envs.Interpreter
	var rec installer.Record
	t.cancel = t.c.startJob(jobInstall, func(ctx context.Context) error {
		var err error
		got, rec, err = inst.Install(ctx, spec, via)
		return err
	}, func(err error) {
		t.cancel = nil
		t.cancelB.Disable()
		if err != nil {
			if errors.Is(err, context.Canceled) {
				t.phase.SetText("Cancelled; nothing was left behind.")
				return
			}
			t.phase.SetText("Failed.")
			t.showFailure(err, rec.LogPath)
			return
		}
		t.progress.SetValue(1)
		t.phase.SetText("Installed " + got.Path)
		t.c.discover(func() {
			t.c.showTab("Interpreters")
			t.c.selectInterpreter(got.Path)
		})
	})
}

// showFailure shows the one-line reason and a way to see the log.
func (t *installTab) showFailure(err error, logPath string) {
	msg := widget.NewLabel(err.Error())
	msg.Wrapping = fyne.TextWrapWord
	content := container.NewVBox(msg)
	if logPath != "" {
		content.Add(widget.NewButtonWithIcon("Show the log", theme.DocumentIcon(), func() {
			b, rerr := os.ReadFile(logPath)
			text := string(b)
			if rerr != nil {
				text = rerr.Error()
			}
			if len(text) > 200_000 {
				text = "…" + text[len(text)-200_000:]
			}
			l := widget.NewLabel(text)
			l.TextStyle.Monospace = true
			w := t.c.app.NewWindow("Install log — " + logPath)
			w.SetContent(container.NewVScroll(l))
			w.Resize(fyne.NewSize(900, 600))
			w.Show()
		}))
	}
	d := dialog.NewCustom("The install failed", "Close", content, t.c.win)
	d.Resize(fyne.NewSize(560, 200))
	t.lastDialog = d
	d.Show()
}
