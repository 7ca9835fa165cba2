package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/installer"
)

var venvColumns = []column{{"Name", 140}, {"Python", 80}, {"Build", 130}, {"Status", 220}, {"Size", 80}, {"Origin", 90}, {"Path", 420}}

// environmentsTab lists venvs and makes, checks and deletes them.
type environmentsTab struct {
	c        *core
	entries  []envs.VenvEntry
	selected int
	table    *widget.Table
	status   *widget.Label
	buttons  []*widget.Button // need a selected venv
	checks   []*widget.Button // check, GIL scan, delete: one at a time
	stop     *widget.Button   // cancels the running check or GIL scan
	cancel   context.CancelFunc
	shell    *widget.Select
	content  fyne.CanvasObject
	// The create dialog's fields, while it is open.
	createName, createLocation, createReqs *widget.Entry
	createPython                           *widget.Select
	// lastDialog is the dialog most recently shown, lastResult the status
	// of the last create or check (tests read them).
	lastDialog dialog.Dialog
	lastResult string
}

func newEnvironmentsTab(c *core) *environmentsTab {
	t := &environmentsTab{c: c, selected: -1}
	t.table = newTable(venvColumns, func() int { return len(t.entries) }, t.fillCell)
	t.table.OnSelected = func(id widget.TableCellID) {
		t.selected = id.Row
		t.enable()
	}
	t.status = widget.NewLabel("")
	shells := []string{"bash", "zsh", "fish", "powershell"}
	if runtime.GOOS == "windows" {
		shells = []string{"powershell", "cmd", "bash"}
	}
	t.shell = widget.NewSelect(shells, nil)
	t.shell.SetSelectedIndex(0)

	create := widget.NewButtonWithIcon("Create…", theme.ContentAddIcon(), func() { t.createDialog(envs.Interpreter{}) })
	check := widget.NewButtonWithIcon("Check", theme.ConfirmIcon(), func() { t.check(false) })
	gil := widget.NewButton("GIL scan", func() { t.check(true) })
	del := widget.NewButtonWithIcon("Delete…", theme.DeleteIcon(), t.confirmDelete)
	copyAct := widget.NewButtonWithIcon("Copy activate", theme.ContentCopyIcon(), func() {
		if e, ok := t.current(); ok {
			t.c.app.Clipboard().SetContent(e.Activate[t.shell.Selected])
			t.status.SetText("Copied: " + e.Activate[t.shell.Selected])
		}
	})
	open := widget.NewButtonWithIcon("Open folder", theme.FolderOpenIcon(), func() {
		if e, ok := t.current(); ok {
			if err := t.c.app.OpenURL(&url.URL{Scheme: "file", Path: filepath.ToSlash(e.Path)}); err != nil {
				t.c.showError("Cannot open the folder", err)
			}
		}
	})
	refresh := widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), t.reload)
	t.stop = widget.NewButtonWithIcon("Stop", theme.CancelIcon(), func() {
		if t.cancel != nil {
			t.cancel()
		}
	})
	t.buttons = []*widget.Button{check, gil, del, copyAct, open}
	t.checks = []*widget.Button{check, gil, del}
	t.enable()
	c.onJobs(t.enable)
	bar := container.NewHBox(create, check, gil, t.stop, del, widget.NewSeparator(), copyAct, t.shell, open, layout.NewSpacer(), refresh)
	t.content = container.NewBorder(container.NewVBox(bar, t.status), nil, nil, nil, t.table)
	c.createVenvFrom = func(in envs.Interpreter) {
		c.showTab("Environments")
		t.createDialog(in)
	}
	c.onInterpreters(func(list []envs.Interpreter) {
		if list != nil {
			t.reload()
		}
	})
	return t
}

func (t *environmentsTab) current() (envs.VenvEntry, bool) {
	if t.selected < 0 || t.selected >= len(t.entries) {
		return envs.VenvEntry{}, false
	}
	return t.entries[t.selected], true
}

func (t *environmentsTab) enable() {
	_, ok := t.current()
	for _, b := range t.buttons {
		if ok {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	busy := t.c.busy(jobCheck)
	for _, b := range t.checks {
		if busy {
			b.Disable()
		}
	}
	if busy {
		t.stop.Show()
	} else {
		t.stop.Hide()
	}
}

// reload lists the venvs again (sizes are read off the disk, so in the
// background).
func (t *environmentsTab) reload() {
	interps := t.c.interps
	var entries []envs.VenvEntry
	t.c.background(func() error {
		var err error
		entries, err = envs.ListVenvs(t.c.store, interps)
		return err
	}, func(err error) {
		if err != nil {
			t.c.showError("Listing venvs failed", err)
			return
		}
		t.entries = entries
		t.selected = -1
		t.table.UnselectAll()
		t.table.Refresh()
		t.enable()
		t.status.SetText(fmt.Sprintf("%d venvs.", len(entries)))
	})
}

func (t *environmentsTab) fillCell(id widget.TableCellID, l *widget.Label) {
	if id.Row >= len(t.entries) {
		return
	}
	e := t.entries[id.Row]
	var text string
	switch id.Col {
	case 0:
		text = e.Name
	case 1:
		text = e.BaseVersion
	case 2:
		text = "GIL"
		if e.FreeThreaded {
			text = "free-threaded"
			l.Importance = widget.HighImportance
			l.TextStyle.Bold = true
		}
	case 3:
		text = e.Status
		if len(e.Problems) > 0 {
			text += ": " + e.Problems[0]
			l.Importance = widget.DangerImportance
		}
	case 4:
		text = envs.HumanSize(e.SizeBytes)
	case 5:
		text = e.Origin
	case 6:
		text = e.Path
	}
	l.SetText(text)
}

// interpreterChoices lists the interpreters a venv can be made from, a
// free-threaded one first.
func (t *environmentsTab) interpreterChoices() ([]envs.Interpreter, []string) {
	var list []envs.Interpreter
	for _, in := range t.c.interps {
		if in.Status == envs.StatusOK && !in.IsVenv && strings.HasPrefix(in.Version, "3.") {
			list = append(list, in)
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].FreeThreaded && !list[j].FreeThreaded })
	labels := make([]string, len(list))
	for i, in := range list {
		labels[i] = fmt.Sprintf("%s %s — %s", in.Version, buildLabel(in), in.Path)
	}
	return list, labels
}

// createDialog asks for a name, an interpreter (preselected, else a
// free-threaded one), a location and an optional requirements file.
func (t *environmentsTab) createDialog(pre envs.Interpreter) {
	list, labels := t.interpreterChoices()
	if len(list) == 0 {
		t.c.showError("No interpreter to make a venv from", fmt.Errorf("PyHangar found no working Python 3 interpreter; install one on the Install tab"))
		return
	}
	name := widget.NewEntry()
	name.SetPlaceHolder("ft-dev")
	python := widget.NewSelect(labels, nil)
	python.SetSelectedIndex(0)
	for i, in := range list {
		if in.Path == pre.Path {
			python.SetSelectedIndex(i)
		}
	}
	location := widget.NewEntry()
	location.SetPlaceHolder(filepath.Join(t.c.cfg.DataDir, "venvs", "NAME"))
	reqs := widget.NewEntry()
	reqs.SetPlaceHolder("optional requirements.txt")
	browse := widget.NewButtonWithIcon("", theme.FolderOpenIcon(), func() {
		d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err == nil && r != nil {
				reqs.SetText(r.URI().Path())
				r.Close()
			}
		}, t.c.win)
		d.Show()
	})
	items := []*widget.FormItem{
		widget.NewFormItem("Name", name),
		widget.NewFormItem("Interpreter", python),
		widget.NewFormItem("Location", location),
		widget.NewFormItem("Requirements", container.NewBorder(nil, nil, nil, browse, reqs)),
	}
	d := dialog.NewForm("Create a virtual environment", "Create", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		t.create(envs.VenvRequest{Name: strings.TrimSpace(name.Text), Dir: strings.TrimSpace(location.Text),
			Base: list[python.SelectedIndex()], Requirements: strings.TrimSpace(reqs.Text)})
	}, t.c.win)
	name.Validator = envs.ValidateName
	d.Resize(fyne.NewSize(640, 320))
	t.createName, t.createPython, t.createLocation, t.createReqs = name, python, location, reqs
	t.lastDialog = d
	d.Show()
}

// create makes the venv in the background with a progress dialog that can
// cancel it.
func (t *environmentsTab) create(req envs.VenvRequest) {
	line := widget.NewLabel("Starting…")
	line.Truncation = fyne.TextTruncateEllipsis
	bar := widget.NewProgressBarInfinite()
	prog := dialog.NewCustom("Creating "+req.Name, "Cancel", container.NewVBox(bar, line), t.c.win)
	finished := false
	var cancel context.CancelFunc
	prog.SetOnClosed(func() {
		if !finished {
			cancel()
		}
	})
	prog.Resize(fyne.NewSize(560, 140))
	prog.Show()
	req.Progress = func(l string) { t.c.do(func() { line.SetText(l) }) }
	var check envs.CheckResult
	cancel = t.c.startJob(jobVenv, func(ctx context.Context) error {
		var err error
		_, check, err = envs.CreateVenv(ctx, t.c.store, filepath.Join(t.c.cfg.DataDir, "venvs"), req)
		return err
	}, func(err error) {
		finished = true
		prog.Hide()
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				t.c.showError("Creating the venv failed", err)
			}
			t.lastResult = "error: " + err.Error()
			return
		}
		t.lastResult = check.Status
		t.status.SetText(fmt.Sprintf("Created %s (%s). Activate: %s", req.Name, check.Status, check.Activate[t.shell.Selected]))
		t.reload()
	})
}

// check runs a venv check (and the GIL scan) in the background and shows
// what it found.
func (t *environmentsTab) check(gilScan bool) {
	e, ok := t.current()
	if !ok || t.c.busy(jobCheck) {
		return
	}
	t.status.SetText("Checking " + e.Path + "…")
	uv, _ := installer.LocateUV(t.c.cfg.DataDir)
	var res envs.CheckResult
	t.cancel = t.c.startJob(jobCheck, func(ctx context.Context) error {
		res = envs.Check(ctx, e.Path, e.Name, uv)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if gilScan && res.Status == envs.StatusOK {
			scan, err := envs.ScanGIL(ctx, res.Python, nil, func(done, total int, m string) {
				t.c.do(func() { t.status.SetText(fmt.Sprintf("GIL scan %d/%d: %s", done, total, m)) })
			})
			if err != nil {
				return err
			}
			res.GILScan = scan
		}
		if e.ID != 0 {
			return t.c.store.SaveVenvCheck(e.ID, res)
		}
		return nil
	}, func(err error) {
		t.cancel = nil
		if errors.Is(err, context.Canceled) {
			t.status.SetText("Stopped.")
			return
		}
		if err != nil {
			t.c.showError("Check failed", err)
			return
		}
		t.lastResult = res.Status
		t.status.SetText(fmt.Sprintf("%s: %s", e.Name, res.Status))
		t.showCheck(res)
	})
}

func (t *environmentsTab) showCheck(res envs.CheckResult) {
	var b strings.Builder
	fmt.Fprintf(&b, "Python  %s (%s)\nBase    %s\nPip     %s\nSize    %s\nStatus  %s\n", res.Version,
		map[bool]string{true: "free-threaded", false: "GIL"}[res.FreeThreaded], res.Base, res.Pip, envs.HumanSize(res.SizeBytes), res.Status)
	for _, p := range res.Problems {
		fmt.Fprintf(&b, "Problem: %s\n", p)
	}
	if res.GILScan != nil {
		n := 0
		for _, m := range res.GILScan {
			switch {
			case m.EnablesGIL:
				n++
				fmt.Fprintf(&b, "GIL back on: %s\n", m.Module)
			case m.Error != "":
				fmt.Fprintf(&b, "Import failed: %s: %s\n", m.Module, m.Error)
			}
		}
		fmt.Fprintf(&b, "GIL scan: %d modules, %d turn the GIL back on.\n", len(res.GILScan), n)
	}
	l := widget.NewLabel(b.String())
	l.TextStyle.Monospace = true
	l.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom("Check of "+res.Name, "Close", container.NewVScroll(l), t.c.win)
	d.Resize(fyne.NewSize(640, 400))
	t.lastDialog = d
	d.Show()
}

func (t *environmentsTab) confirmDelete() {
	e, ok := t.current()
	if !ok {
		return
	}
	d := dialog.NewConfirm("Delete venv", fmt.Sprintf("Delete %s?\n\nThis removes the directory %s and everything in it.", e.Name, e.Path), func(yes bool) {
		if !yes {
			return
		}
		arg := e.Name
		if e.ID == 0 {
			arg = e.Path
		}
		if t.c.busy(jobCheck) {
			return
		}
		t.c.startJob(jobCheck, func(context.Context) error {
			_, err := envs.DeleteVenv(t.c.store, arg)
			return err
		}, func(err error) {
			if err != nil {
				t.c.showError("Not deleted", err)
				return
			}
			t.status.SetText("Deleted " + e.Path)
			t.reload()
		})
	}, t.c.win)
	t.lastDialog = d
	d.Show()
}
