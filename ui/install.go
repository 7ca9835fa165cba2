package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/store"
)

const (
	variantFT  = "Free-threaded"
	variantGIL = "Standard (GIL)"
)

// installTab installs interpreters from the catalog, gets uv, and installs
// from a file fetched elsewhere.
type installTab struct {
	c        *core
	inst     *installer.Installer
	records  []installer.Record
	releases []installer.Release
	chosen   int

	// The catalog's state: a line while it loads or when it is shown, a
	// headline with Retry, "Use a mirror…" and the raw error when it
	// cannot be had.
	info     *widget.Label
	offline  *fyne.Container
	headline *widget.Label
	rawErr   error
	list     *widget.List

	variant  *widget.RadioGroup
	route    *widget.RadioGroup
	routeWhy *widget.Label
	jit      *widget.Check
	jitWhy   *widget.Label
	getUV    *widget.Button
	target   *widget.Label
	install  *widget.Button
	fromFile *widget.Button
	job      *jobView
	log      *logView
	content  fyne.CanvasObject
}

func newInstallTab(c *core) *installTab {
	t := &installTab{c: c, chosen: -1}
	t.info = widget.NewLabel("Loading the catalog…")
	t.info.Wrapping = fyne.TextWrapWord
	t.headline = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.headline.Wrapping = fyne.TextWrapWord
	retry := widget.NewButtonWithIcon("Retry", theme.ViewRefreshIcon(), t.load)
	retry.Importance = widget.HighImportance
	useMirror := widget.NewButton("Use a mirror…", t.askMirror)
	details := widget.NewButton("Details…", func() {
		if t.rawErr != nil {
			c.showDetails("Why the catalog cannot be loaded", t.rawErr)
		}
	})
	t.offline = container.NewVBox(t.headline, container.NewHBox(retry, useMirror, details))
	t.offline.Hide()
	t.list = widget.NewList(
		func() int { return len(t.releases) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			r := t.releases[i]
			text := "Python " + r.Version
			if r.FreeThreaded {
				text += "   — free-threaded build available"
			}
			if r.PreRelease {
				text += "   (pre-release)"
			}
			o.(*widget.Label).SetText(text.String() + "   " + r.Date)
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
		t.update()
	}
	t.target = widget.NewLabel("")
	t.target.Wrapping = fyne.TextWrapWord
	t.variant = widget.NewRadioGroup([]string{variantFT, variantGIL}, func(string) { t.update() })
	t.variant.Horizontal = true
	t.variant.SetSelected(variantFT)
	t.route = widget.NewRadioGroup(nil, func(string) { t.update() })
	t.route.Horizontal = true
	t.routeWhy = widget.NewLabel("")
	t.routeWhy.Wrapping = fyne.TextWrapWord
	t.jit = widget.NewCheck("With the experimental JIT (off until PYTHON_JIT=1)", func(bool) { t.update() })
	t.jitWhy = widget.NewLabel("")
	t.jitWhy.Wrapping = fyne.TextWrapWord
	t.jitWhy.Importance = widget.LowImportance
	t.getUV = widget.NewButtonWithIcon("Get uv (recommended: installs in seconds)", theme.DownloadIcon(), t.startGetUV)
	t.getUV.Hide()
	t.install = widget.NewButtonWithIcon("Install", theme.DownloadIcon(), t.start)
	t.install.Importance = widget.HighImportance
	t.install.Disable()
	t.fromFile = widget.NewButtonWithIcon("Install from a file…", theme.FileIcon(), t.chooseFile)
	t.job = newJobView(c, jobInstall, "")
	t.log = newLogView(c)
	t.log.content.Hide()
	c.onJobs(t.update)

	form := widget.NewForm(
		widget.NewFormItem("Build", t.variant),
		widget.NewFormItem("Route", container.NewVBox(t.route, t.routeWhy, t.getUV)),
		widget.NewFormItem("JIT", container.NewVBox(t.jit, t.jitWhy)),
		widget.NewFormItem("Target", t.target),
	)
	right := container.NewBorder(
		container.NewVBox(form, container.NewHBox(t.install, t.fromFile), t.job.content),
		nil, nil, nil, t.log.content)
	left := container.NewBorder(container.NewVBox(t.info, t.offline), nil, nil, nil, t.list)
	split := container.NewHSplit(left, right)
	split.Offset = 0.35
	t.content = split
	t.load()
	return t
}

// load wires the installer and fetches the catalog in the background; when
// the site cannot be reached it shows the last catalog, if any, and the
// ways on.
func (t *installTab) load() {
	mirror := t.c.store.Mirror(t.c.ctx)
	var cat installer.Catalog
	var offline error
	var in *installer.Installer
	var recs []installer.Record
	ctx := t.c.ctx
	t.info.SetText("Loading the catalog…")
	t.info.Show()
	t.offline.Hide()
	t.c.background(func() error {
		var err error
		if in, err = t.c.h.Installer(ctx, mirror, nil); err != nil {
			return err
		}
		recs, _ = t.c.store.Installs(ctx)
		cat, offline, err = in.Site.CachedReleases(ctx, t.c.store)
		return err
	}, func(err error) {
		t.inst, t.records = in, recs
		t.setRoutes()
		if in == nil {
			t.showOffline(err, "The mirror setting is not usable")
			return
		}
		if err != nil {
			t.showOffline(err, siteName(in.Site)+" can't be reached")
			t.releases = nil
			t.list.Refresh()
			return
		}
		t.releases = cat.Releases
		t.list.UnselectAll()
		t.chosen = -1
		t.list.Refresh()
		if offline != nil {
			t.showOffline(offline, fmt.Sprintf("%s can't be reached: showing the catalog fetched %s", siteName(in.Site), cat.Age(time.Now())))
		} else {
			t.offline.Hide()
			t.info.SetText(fmt.Sprintf("%d releases from %s, newest first.", len(cat.Releases), cat.Site))
			t.info.Show()
		}
		for i, r := range t.releases {
			if r.FreeThreaded && !r.PreRelease {
				t.list.Select(i)
				break
			}
		}
		t.update()
	})
}

func siteName(s *installer.Site) string {
	if s.Base == installer.DefaultSite {
		return "python.org"
	}
	return "The mirror " + s.Base
}

// showOffline shows a short headline and the ways on; the raw error is
// under Details.
func (t *installTab) showOffline(err error, headline string) {
	t.rawErr = err
	t.headline.SetText(headline + ".")
	t.info.Hide()
	t.offline.Show()
}

// askMirror asks for a mirror of python.org, saves it and loads the catalog
// from it at once.
func (t *installTab) askMirror() {
	entry := widget.NewEntry()
	entry.SetPlaceHolder("https://mirror.example.org/python")
	entry.SetText(t.c.store.Mirror(t.c.ctx))
	entry.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		_, err := installer.NewSite(strings.TrimSpace(s))
		return err
	}
	d := dialog.NewForm("Use a mirror of python.org", "Use it", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("Mirror", entry)}, func(ok bool) {
			if !ok {
				return
			}
			if err := t.c.store.SetSetting(t.c.ctx, store.SettingMirror, strings.TrimSpace(entry.Text)); err != nil {
				t.c.showError("The mirror was not saved", err)
				return
			}
			t.c.settingsChanged()
			t.load()
		}, t.c.win)
	d.Resize(t.c.dialogSize(0.5, 0))
	d.Show()
}

// setRoutes offers the routes this machine can use and says why one cannot
// be; when uv is missing, Get uv is offered beside them.
func (t *installTab) setRoutes() {
	t.route.Options = nil
	if t.inst == nil {
		t.route.Refresh()
		return
	}
	unavailable := t.inst.Unavailable()
	for _, r := range installer.Routes {
		if unavailable[r] == "" {
			t.route.Options = append(t.route.Options, string(r))
		}
	}
	t.route.Refresh()
	switch {
	case len(t.route.Options) == 0:
		t.route.SetSelected("") // nothing to install with: Install stays off
	case t.route.Selected == "" || unavailable[installer.Route(t.route.Selected)] != "":
		t.route.SetSelected(string(t.inst.DefaultRoute()))
		if unavailable[t.inst.DefaultRoute()] != "" {
			t.route.SetSelected(t.route.Options[0])
		}
	}
	if t.inst.UV == nil {
		t.getUV.Show()
	} else {
		t.getUV.Hide()
	}
}

func (t *installTab) spec() (envs.Spec, bool) {
	if t.chosen < 0 || t.chosen >= len(t.releases) {
		return envs.Spec{}, false
	}
	return envs.Spec{Version: t.releases[t.chosen].Version, FreeThreaded: t.variant.Selected == variantFT}, true
}

// update shows what the chosen route will do, and enables Install only
// with a release and a usable route chosen while nothing installs.
func (t *installTab) update() {
	if t.install == nil {
		return // still being built
	}
	busy := t.c.busy(jobInstall)
	route := installer.Route(t.route.Selected)
	if t.inst != nil {
		lines := []string{}
		for _, r := range installer.Routes {
			if why := t.inst.Unavailable()[r]; why != "" {
				lines = append(lines, string(r)+" cannot be used here: "+why)
			} else if r == route {
				lines = append([]string{t.inst.Describe(r, t.records)}, lines...)
			}
		}
		t.routeWhy.SetText(strings.Join(lines, "\n"))
	}
	spec, ok := t.spec()
	t.updateJIT(spec, ok, route)
	switch {
	case !ok:
		t.target.SetText("Choose a release on the left.")
	case route == installer.RouteUV:
		t.target.SetText(fmt.Sprintf("uv python install %s (among uv's managed Pythons)", installer.UVRequest(spec)))
	default:
		name := "cpython-" + spec.Version
		if spec.FreeThreaded {
			name += "t"
		}
		t.target.SetText(fmt.Sprintf("%s/pythons/%s", t.c.cfg.DataDir, name))
	}
	if ok && t.inst != nil && t.route.Selected != "" && !busy {
		t.install.Enable()
	} else {
		t.install.Disable()
	}
	if busy {
		t.fromFile.Disable()
		t.getUV.Disable()
	} else {
		t.fromFile.Enable()
		t.getUV.Enable()
	}
}

// updateJIT offers the JIT where the chosen build and route can have it,
// and says why not elsewhere.
func (t *installTab) updateJIT(spec envs.Spec, ok bool, route installer.Route) {
	why := "Choose a release on the left."
	if ok && t.inst != nil {
		why = t.inst.JITRefusal(spec, route)
	}
	if why != "" {
		t.jit.SetChecked(false)
		t.jit.Disable()
		t.jitWhy.SetText("Not for this build: " + why + ".")
		return
	}
	t.jit.Enable()
	t.jitWhy.SetText(fmt.Sprintf("Builds CPython's copy-and-patch JIT in (PEP 744); the build needs LLVM %d. "+
		"Turn it on with PYTHON_JIT=1; Benchmarks measures whether it helps.", installer.JITLLVM(spec.Version)))
}

// onEvent shows an installer event: a log line, the log's file, or a
// phase and its progress; from any goroutine.
func (t *installTab) onEvent(e installer.Event) {
	if e.Phase != "" {
		step := e.Phase + "…"
		frac := -1.0
		if e.Pct >= 0 {
			step, frac = fmt.Sprintf("%s: %.0f%%", e.Phase, e.Pct), e.Pct/100
		}
		t.job.progress(frac, step)
	}
	if e.Line != "" || e.LogFile != "" {
		t.c.do(func() {
			if e.LogFile != "" {
				t.log.setFile(e.LogFile)
			}
			if e.Line != "" {
				t.log.add(e.Line)
			}
		})
	}
}

// startLog shows the log with its first line.
func (t *installTab) startLog(first string) {
	t.log.reset(first)
	t.log.content.Show()
}

// start installs the chosen release in the background with progress, a
// live log and Cancel.
func (t *installTab) start() {
	spec, ok := t.spec()
	if !ok || t.inst == nil || t.c.busy(jobInstall) {
		return
	}
	via := installer.Route(t.route.Selected)
	jit, what := t.jit.Checked, spec.String()
	if jit {
		what += " with the JIT"
	}
	t.startLog("Installing " + what + " via " + string(via))
	t.run("Installing "+what+"…", func(ctx context.Context, inst *installer.Installer) (envs.Interpreter, installer.Record, error) {
		inst.JIT = jit
		return inst.Install(ctx, spec, via)
	}, nil)
}

// run runs an install job and shows how it ended; onUnchecked, when set,
// runs when a file brought to install could not be checked.
func (t *installTab) run(what string, install func(ctx context.Context, inst *installer.Installer) (envs.Interpreter, installer.Record, error), onUnchecked func()) {
	inst := *t.inst
	inst.Progress = t.onEvent
	var got envs.Interpreter
	var rec installer.Record
	t.job.run(what, func(ctx context.Context) error {
		var err error
		got, rec, err = install(ctx, &inst)
		return err
	}, func(err error) string {
		switch {
		case errors.Is(err, installer.ErrUnchecked) && onUnchecked != nil:
			onUnchecked()
			return "The file could not be checked against the catalog."
		case err != nil && !errors.Is(err, context.Canceled):
			t.showFailure(err, rec.LogPath)
			return ""
		case err != nil:
			return ""
		}
		t.records, _ = t.c.store.Installs(t.c.ctx)
		t.update()
		t.c.discover(func() {
			t.c.show(tabInterpreters)
			t.c.tabs.interpreters.selectPath(got.Path)
		})
		return "Installed " + got.Path
	})
}

// startGetUV gets uv for PyHangar, with progress and Cancel, then offers
// the uv route.
func (t *installTab) startGetUV() {
	if t.c.busy(jobInstall) {
		return
	}
	t.startLog("Getting uv " + installer.PinnedUV + " from " + t.c.h.UVMirror(t.c.ctx))
	var own installer.OwnUV
	t.job.run("Getting uv…", func(ctx context.Context) error {
		var err error
		own, err = t.c.h.GetUV(ctx, "", "", t.onEvent)
		return err
	}, func(err error) string {
		switch {
		case errors.Is(err, context.Canceled):
			return "Cancelled; nothing was kept."
		case err != nil:
			t.c.showError("uv could not be got", err)
			return ""
		}
		t.route.SetSelected(string(installer.RouteUV))
		t.load()
		return "Got " + own.Reports + ": the uv route installs in seconds."
	})
}

// chooseFile installs from a python.org file fetched elsewhere; when the
// catalog on record does not know the file, its SHA-256 is asked for.
func (t *installTab) chooseFile() {
	if t.inst == nil || t.c.busy(jobInstall) {
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		t.installFile(path, "")
	}, t.c.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".xz", ".exe", ".pkg"}))
	d.Resize(t.c.dialogSize(0.8, 0.8))
	d.Show()
}

func (t *installTab) installFile(path, sum string) {
	spec := envs.Spec{FreeThreaded: t.variant.Selected != variantGIL}
	t.startLog("Installing from " + path)
	t.run("Installing from "+filepath.Base(path)+"…", func(ctx context.Context, inst *installer.Installer) (envs.Interpreter, installer.Record, error) {
		ver, err := installer.FromFileRelease(runtime.GOOS, filepath.Base(path))
		if err != nil {
			return envs.Interpreter{}, installer.Record{}, err
		}
		spec.Version = ver
		return inst.InstallFrom(ctx, path, &spec, sum)
	}, func() { t.askChecksum(path) })
}

// askChecksum asks for a file's SHA-256 when the catalog on record does not
// know it, then installs it.
func (t *installTab) askChecksum(path string) {
	entry := widget.NewEntry()
	entry.SetPlaceHolder("64 hex digits, from python.org's download page")
	entry.Validator = func(s string) error {
		if len(strings.TrimSpace(s)) != 64 {
			return errors.New("a SHA-256 is 64 hex digits")
		}
		return nil
	}
	intro := widget.NewLabel("PyHangar cannot check " + filepath.Base(path) + " against python.org's catalog from here. " +
		"Give its SHA-256 (python.org lists it beside the file) and it is checked against that.")
	intro.Wrapping = fyne.TextWrapWord
	d := dialog.NewForm("Check the file", "Check and install", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("", intro), widget.NewFormItem("SHA-256", entry)}, func(ok bool) {
			if ok {
				t.installFile(path, strings.TrimSpace(entry.Text))
			}
		}, t.c.win)
	d.Resize(t.c.dialogSize(0.6, 0))
	d.Show()
}

// showFailure shows the one-line reason and a way to the whole log.
func (t *installTab) showFailure(err error, logPath string) {
	var actions []fyne.CanvasObject
	if logPath != "" {
		actions = append(actions, widget.NewButtonWithIcon("Open log file", theme.DocumentIcon(), func() {
			if oerr := t.c.app.OpenURL(&url.URL{Scheme: "file", Path: filepath.ToSlash(logPath)}); oerr != nil {
				t.c.showError("Cannot open the log file", oerr)
			}
		}))
	}
	t.c.showErrorWith("The install failed", err, actions...)
}
