package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/hangar"
	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/pyversion"
	"github.com/pyhangar/pyhangar/wheels"
)

// environmentsTab lists venvs and makes, checks and deletes them.
type environmentsTab struct {
	c        *core
	entries  []envs.VenvEntry
	selected string // path of the selected venv
	table    *dataTable
	empty    *fyne.Container // shown instead of the table when there are no venvs
	details  *widget.Label
	job      *jobView
	buttons  []*widget.Button // need a selected venv and no job
	shell    *widget.Select
	content  fyne.CanvasObject
}

func newEnvironmentsTab(c *core) *environmentsTab {
	t := &environmentsTab{c: c}
	row := func(i int) envs.VenvEntry { return t.entries[i] }
	version := func(i int) string { return row(i).BaseVersion.String() }
	columns := []column{
		{title: "Name", width: 140, text: func(i int) string { return row(i).Name }},
		{title: "Python", width: 80, text: version, cmp: byVersion(version)},
		{title: "Build", width: 130, text: func(i int) string { return pyversion.BuildName(row(i).FreeThreaded) }, style: func(i int, l *widget.Label) {
			if row(i).FreeThreaded {
				l.Importance, l.TextStyle.Bold = widget.HighImportance, true
			}
		}},
		{title: "Status", width: 220, text: func(i int) string {
			if e := row(i); len(e.Problems) > 0 {
				return string(e.Status) + ": " + e.Problems[0]
			}
			return string(row(i).Status)
		}, style: func(i int, l *widget.Label) {
			if len(row(i).Problems) > 0 {
				l.Importance = widget.DangerImportance
			}
		}},
		{title: "Size", width: 80, text: func(i int) string { return hangar.HumanSize(row(i).SizeBytes) },
			cmp: byNumber(func(i int) float64 { return float64(row(i).SizeBytes) })},
		{title: "Origin", width: 90, text: func(i int) string { return string(row(i).Origin) }},
		{title: "Path", width: 420, text: func(i int) string { return row(i).Path }},
	}
	t.table = newDataTable(c.app.Preferences(), "table.venvs", columns, func() int { return len(t.entries) })
	t.table.onRow = func(i int) {
		t.selected = t.entries[i].Path
		t.showSelected()
	}
	t.table.onDelete = t.confirmDelete
	t.details = widget.NewLabel("")
	t.details.Wrapping = fyne.TextWrapWord
	t.details.Selectable = true
	t.job = newJobView(c, jobVenv, "")
	shells := []string{"bash", "zsh", "fish", "powershell"}
	if runtime.GOOS == "windows" {
		shells = []string{"powershell", "cmd", "bash"}
	}
	t.shell = widget.NewSelect(shells, nil)
	t.shell.SetSelectedIndex(0)

	create := widget.NewButtonWithIcon("Create…", theme.ContentAddIcon(), func() { t.createDialog(envs.Interpreter{}) })
	create.Importance = widget.HighImportance
	check := widget.NewButtonWithIcon("Check", theme.ConfirmIcon(), func() { t.check(false) })
	gil := widget.NewButton("GIL scan", func() { t.check(true) })
	del := widget.NewButtonWithIcon("Delete…", theme.DeleteIcon(), t.confirmDelete)
	copyAct := widget.NewButtonWithIcon("Copy activate", theme.ContentCopyIcon(), func() {
		if e, ok := t.current(); ok {
			t.c.app.Clipboard().SetContent(e.Activate[t.shell.Selected])
			t.job.say("Copied: " + e.Activate[t.shell.Selected])
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
	ready := widget.NewButtonWithIcon("Ready for…", theme.SearchIcon(), t.readyFor)
	t.buttons = []*widget.Button{check, gil, del, copyAct, open, ready}
	t.enable()
	c.onJobs(t.enable)

	intro := widget.NewLabel("No virtual environments yet. A venv keeps a project's packages apart from the interpreter's; " +
		"make one from a free-threaded build to try your project on it.")
	intro.Wrapping = fyne.TextWrapWord
	intro.Alignment = fyne.TextAlignCenter
	first := widget.NewButtonWithIcon("Create a venv…", theme.ContentAddIcon(), func() { t.createDialog(envs.Interpreter{}) })
	first.Importance = widget.HighImportance
	t.empty = container.NewCenter(container.NewVBox(intro, container.NewCenter(first)))
	t.empty.Hide()

	bar := container.NewHBox(create, check, gil, ready, del, widget.NewSeparator(), copyAct, t.shell, open, layout.NewSpacer(), refresh)
	t.content = container.NewBorder(container.NewVBox(bar, t.job.content), t.details, nil, nil, container.NewStack(t.table, t.empty))
	c.onInterpreters(func(list []envs.Interpreter) {
		if list != nil {
			t.reload()
		}
	})
	return t
}

func (t *environmentsTab) current() (envs.VenvEntry, bool) {
	for _, e := range t.entries {
		if e.Path == t.selected {
			return e, true
		}
	}
	return envs.VenvEntry{}, false
}

// enable offers the venv buttons with a venv selected and no venv job
// running.
func (t *environmentsTab) enable() {
	_, ok := t.current()
	busy := t.c.busy(jobVenv)
	for _, b := range t.buttons {
		if ok && !busy {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

// showSelected shows the selected venv whole under the table.
func (t *environmentsTab) showSelected() {
	e, ok := t.current()
	t.enable()
	if !ok {
		t.details.SetText("")
		return
	}
	build := pyversion.BuildName(e.FreeThreaded)
	text := fmt.Sprintf("%s — %s\nPython %s (%s), %s, %s; %s", e.Name, e.Path, orDash(e.BaseVersion.String()), build, hangar.HumanSize(e.SizeBytes), e.Origin, e.Status)
	for _, p := range e.Problems {
		text += "\nProblem: " + p
	}
	t.details.SetText(text)
}

// reload lists the venvs again (sizes are read off the disk, so in the
// background).
func (t *environmentsTab) reload() {
	interps := t.c.interps
	var entries []envs.VenvEntry
	t.c.background(func() error {
		var err error
		entries, err = envs.ListVenvs(t.c.ctx, t.c.store, interps)
		return err
	}, func(err error) {
		if err != nil {
			t.c.showError("Listing venvs failed", err)
			return
		}
		t.entries = entries
		t.table.selected = -1
		t.table.reload()
		t.table.UnselectAll()
		if len(entries) == 0 {
			t.table.Hide()
			t.empty.Show()
		} else {
			t.empty.Hide()
			t.table.Show()
		}
		for i, e := range entries {
			if e.Path == t.selected {
				t.table.selectRow(i)
			}
		}
		t.showSelected()
	})
}

// interpreterChoices lists the interpreters a venv can be made from, a
// free-threaded one first.
func (t *environmentsTab) interpreterChoices() ([]envs.Interpreter, []string) {
	var list []envs.Interpreter
	for _, in := range t.c.interps {
		if in.Status == envs.StatusOK && !in.IsVenv && in.Version.In("3") {
			list = append(list, in)
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].FreeThreaded && !list[j].FreeThreaded })
	labels := make([]string, len(list))
	for i, in := range list {
		labels[i] = fmt.Sprintf("%s %s — %s", in.Version, in.Build(), in.Path)
	}
	return list, labels
}

// createDialog asks for a name, an interpreter (preselected, else a
// free-threaded one), a location and an optional requirements file; Create
// is offered once every field is valid.
func (t *environmentsTab) createDialog(pre envs.Interpreter) {
	list, labels := t.interpreterChoices()
	if len(list) == 0 {
		t.c.showError("No interpreter to make a venv from", fmt.Errorf("PyHangar found no working Python 3 interpreter; install one on the Install tab"))
		return
	}
	name := widget.NewEntry()
	name.SetPlaceHolder("ft-dev")
	name.Validator = envs.ValidateName
	python := widget.NewSelect(labels, nil)
	python.SetSelectedIndex(0)
	for i, in := range list {
		if in.Path == pre.Path {
			python.SetSelectedIndex(i)
		}
	}
	location := widget.NewEntry()
	location.SetPlaceHolder(filepath.Join(t.c.cfg.DataDir, "venvs", "NAME"))
	location.Validator = venvLocationValidator
	pickFolder := widget.NewButtonWithIcon("", theme.FolderOpenIcon(), func() {
		d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				n := strings.TrimSpace(name.Text)
				if n == "" {
					n = "venv"
				}
				location.SetText(filepath.Join(u.Path(), n))
			}
		}, t.c.win)
		d.Resize(t.c.dialogSize(0.8, 0.8))
		d.Show()
	})
	reqs := widget.NewEntry()
	reqs.SetPlaceHolder("optional requirements.txt")
	reqs.Validator = requirementsFileValidator
	pickFile := widget.NewButtonWithIcon("", theme.FileIcon(), func() {
		d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err == nil && r != nil {
				reqs.SetText(r.URI().Path())
				r.Close()
			}
		}, t.c.win)
		d.SetFilter(storage.NewExtensionFileFilter([]string{".txt", ".in"}))
		d.Resize(t.c.dialogSize(0.8, 0.8))
		d.Show()
	})
	pickFolder.SetText("Choose a folder…")
	pickFile.SetText("Choose a file…")
	// Before anything is made: will the requirements install as wheels on
	// the interpreter chosen?
	checkReqs := widget.NewButtonWithIcon("Check requirements…", theme.SearchIcon(), func() {
		path := strings.TrimSpace(reqs.Text)
		lines, err := envs.ReadRequirements(path, "")
		if err != nil {
			t.c.showError("The requirements file cannot be read", err)
			return
		}
		reqs, src := wheels.FromLines(lines)
		t.c.checkReady(list[python.SelectedIndex()], reqs, src, filepath.Base(path))
	})
	checkReqs.Disable()
	reqs.OnChanged = func(s string) {
		if strings.TrimSpace(s) != "" && requirementsFileValidator(s) == nil {
			checkReqs.Enable()
		} else {
			checkReqs.Disable()
		}
	}
	// The entries are the form's items themselves, so their validators
	// hold Create back.
	items := []*widget.FormItem{
		widget.NewFormItem("Name", name),
		widget.NewFormItem("Interpreter", python),
		widget.NewFormItem("Location", location),
		widget.NewFormItem("", container.NewHBox(pickFolder)),
		widget.NewFormItem("Requirements", reqs),
		widget.NewFormItem("", container.NewHBox(pickFile, checkReqs)),
	}
	items[2].HintText = "empty: in PyHangar's own venvs folder"
	d := dialog.NewForm("Create a virtual environment", "Create", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		t.create(envs.VenvRequest{Name: strings.TrimSpace(name.Text), Dir: strings.TrimSpace(location.Text),
			Base: list[python.SelectedIndex()], Requirements: strings.TrimSpace(reqs.Text)})
	}, t.c.win)
	d.Resize(t.c.dialogSize(0.6, 0))
	d.Show()
	t.c.win.Canvas().Focus(name)
}

// venvLocationValidator accepts "" (PyHangar's venvs folder) or an
// absolute path that is not a file or a folder with something in it.
func venvLocationValidator(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	if !filepath.IsAbs(s) {
		return errors.New("give the full path of the folder to make")
	}
	fi, err := os.Stat(s)
	switch {
	case err != nil:
		return nil
	case !fi.IsDir():
		return errors.New("a file is there")
	}
	if entries, _ := os.ReadDir(s); len(entries) > 0 {
		return errors.New("that folder is not empty")
	}
	return nil
}

// requirementsFileValidator accepts "" or a file that is there.
func requirementsFileValidator(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	if fi, err := os.Stat(s); err != nil || fi.IsDir() {
		return errors.New("no such file")
	}
	return nil
}

// create makes the venv in the background, its progress and Cancel in the
// tab.
func (t *environmentsTab) create(req envs.VenvRequest) {
	req.Progress = func(l string) { t.job.progress(-1, l) }
	var v envs.Venv
	var check envs.CheckResult
	t.job.run("Creating "+req.Name+"…", func(ctx context.Context) error {
		var err error
		v, check, err = envs.CreateVenv(ctx, t.c.store, filepath.Join(t.c.cfg.DataDir, "venvs"), req)
		return err
	}, func(err error) string {
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				t.c.showError("Creating the venv failed", err)
			}
			return ""
		}
		t.selected = v.Path
		t.reload()
		return fmt.Sprintf("Created %s (%s). Activate: %s", req.Name, check.Status, check.Activate[t.shell.Selected])
	})
}

// check runs a venv check (and the GIL scan) in the background and shows
// what it found.
func (t *environmentsTab) check(gilScan bool) {
	e, ok := t.current()
	if !ok {
		return
	}
	uv, _ := installer.UVPath(t.c.cfg.DataDir)
	var res envs.CheckResult
	t.job.run("Checking "+e.Path+"…", func(ctx context.Context) error {
		res = envs.Check(ctx, e.Path, e.Name, uv)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if gilScan && res.Status == envs.StatusOK {
			scan, err := envs.ScanGIL(ctx, res.Python, nil, func(done, total int, m string) {
				t.job.progress(float64(done)/float64(max(total, 1)), fmt.Sprintf("GIL scan %d/%d: %s", done, total, m))
			})
			if err != nil {
				return err
			}
			res.GILScan = scan
		}
		if e.ID != 0 {
			return t.c.store.SaveVenvCheck(ctx, e.ID, res)
		}
		return nil
	}, func(err error) string {
		if err != nil {
			return ""
		}
		t.showCheck(res)
		t.reload()
		return fmt.Sprintf("%s: %s", e.Name, res.Status)
	})
}

func (t *environmentsTab) showCheck(res envs.CheckResult) {
	var b strings.Builder
	fmt.Fprintf(&b, "Python  %s (%s)\nBase    %s\nPip     %s\nSize    %s\nStatus  %s\n", res.Version,
		pyversion.BuildName(res.FreeThreaded), res.Base, res.Pip, hangar.HumanSize(res.SizeBytes), res.Status)
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
	l.Selectable = true
	d := dialog.NewCustom("Check of "+res.Name, "Close", container.NewVScroll(l), t.c.win)
	d.Resize(t.c.dialogSize(0.6, 0.6))
	d.Show()
}

// confirmDelete asks, naming the folder and its size, before deleting the
// selected venv.
func (t *environmentsTab) confirmDelete() {
	e, ok := t.current()
	if !ok || t.c.busy(jobVenv) {
		return
	}
	msg := fmt.Sprintf("The folder %s (%s) and everything in it will be deleted. This cannot be undone.", e.Path, hangar.HumanSize(e.SizeBytes))
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Delete the venv "+e.Name+"?", "Delete", "Keep it", text, func(yes bool) {
		if !yes {
			return
		}
		arg := e.Name
		if e.ID == 0 {
			arg = e.Path
		}
		t.job.run("Deleting "+e.Path+"…", func(ctx context.Context) error {
			_, err := envs.DeleteVenv(ctx, t.c.store, arg)
			return err
		}, func(err error) string {
			if err != nil {
				t.c.showError("Not deleted", err)
				return "Not deleted: " + plainSentence(err)
			}
			t.selected = ""
			t.reload()
			return "Deleted " + e.Path + "."
		})
	}, t.c.win)
	d.SetConfirmImportance(widget.DangerImportance)
	d.Resize(t.c.dialogSize(0.5, 0))
	d.Show()
}

// readyFor asks which interpreter the selected venv would move to, then
// checks the packages it holds (their newest releases) for that one.
func (t *environmentsTab) readyFor() {
	e, ok := t.current()
	if !ok {
		return
	}
	list, labels := t.interpreterChoices()
	if len(list) == 0 {
		t.c.showError("No interpreter to check for", fmt.Errorf("PyHangar found no working Python 3 interpreter"))
		return
	}
	target := widget.NewSelect(labels, nil)
	target.SetSelectedIndex(0) // a free-threaded one first
	intro := widget.NewLabel("Would the packages in " + e.Name + " install as wheels on another interpreter? " +
		"PyHangar reads what the venv holds and asks the package index about their newest releases; nothing is installed.")
	intro.Wrapping = fyne.TextWrapWord
	d := dialog.NewForm("Ready for…", "Check", "Cancel", []*widget.FormItem{
		widget.NewFormItem("", intro), widget.NewFormItem("Interpreter", target),
	}, func(ok bool) {
		if !ok {
			return
		}
		in := list[target.SelectedIndex()]
		pkgs, err := envs.InstalledPackages(e.Path)
		if err != nil {
			t.c.showError("The venv's packages cannot be read", err)
			return
		}
		var reqs []wheels.Requirement
		for _, p := range pkgs {
			if !strings.EqualFold(p.Name, "pip") {
				reqs = append(reqs, wheels.Requirement{Text: p.Name})
			}
		}
		if len(reqs) == 0 {
			t.job.say(e.Name + " holds no packages besides pip: nothing to check.")
			return
		}
		t.c.checkReady(in, reqs, wheels.Sources{}, fmt.Sprintf("The %d packages of %s (newest releases)", len(reqs), e.Name))
	}, t.c.win)
	d.Resize(t.c.dialogSize(0.6, 0))
	d.Show()
}
