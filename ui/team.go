package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/profile"
)

// teamTab opens a team profile, shows its plan as a checklist, applies it,
// and exports this machine's profile.
type teamTab struct {
	c       *core
	prof    *profile.Profile
	steps   []profile.Step
	file    *widget.Label
	list    *widget.List
	open    *widget.Button
	apply   *widget.Button
	job     *jobView
	summary *widget.Label
	intro   *fyne.Container // before a profile is open
	recent  *fyne.Container
	plan    *fyne.Container
	content fyne.CanvasObject
}

// prefRecentProfiles lists the profiles opened last, newest first.
const prefRecentProfiles = "team.recent"

func newTeamTab(c *core) *teamTab {
	t := &teamTab{c: c}
	t.file = widget.NewLabel("")
	t.file.Wrapping = fyne.TextWrapWord
	t.file.Selectable = true
	t.list = widget.NewList(
		func() int { return len(t.steps) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.RadioButtonIcon()), nil, l)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			st := t.steps[i]
			row := o.(*fyne.Container)
			label := row.Objects[0].(*widget.Label)
			icon := row.Objects[1].(*widget.Icon)
			label.SetText(fmt.Sprintf("%s — %s %s", st.What, st.State, st.Detail))
			switch st.State {
			case profile.Present, profile.Done:
				icon.SetResource(theme.ConfirmIcon())
			case profile.Failed, profile.Refused:
				icon.SetResource(theme.ErrorIcon())
			default:
				icon.SetResource(theme.RadioButtonIcon())
			}
		},
	)
	t.open = widget.NewButtonWithIcon("Open a profile…", theme.FolderOpenIcon(), t.openDialog)
	t.apply = widget.NewButtonWithIcon("Apply…", theme.ConfirmIcon(), t.confirm)
	t.apply.Importance = widget.HighImportance
	t.apply.Disable()
	export := widget.NewButtonWithIcon("Create from this machine…", theme.DocumentSaveIcon(), t.export)
	t.job = newJobView(c, jobProfile, "")
	t.summary = widget.NewLabel("")
	t.summary.Wrapping = fyne.TextWrapWord
	t.summary.Selectable = true
	// While a profile applies, another cannot be opened.
	c.onJobs(func() {
		if c.busy(jobProfile) {
			t.open.Disable()
		} else {
			t.open.Enable()
		}
	})

	what := widget.NewLabel("A team profile is a TOML file, kept in your team's repository, that lists the Python " +
		"interpreters and venvs a machine needs. Open one to see what applying it would do on this machine: " +
		"nothing is installed, run or deleted until you agree. Or create one from this machine for your team.")
	what.Wrapping = fyne.TextWrapWord
	openBig := widget.NewButtonWithIcon("Open a profile…", theme.FolderOpenIcon(), t.openDialog)
	openBig.Importance = widget.HighImportance
	createBig := widget.NewButtonWithIcon("Create from this machine…", theme.DocumentSaveIcon(), t.export)
	drop := widget.NewLabel("You can also drop a .toml file on the window.")
	drop.Importance = widget.LowImportance
	t.recent = container.NewVBox()
	t.intro = container.NewVBox(what, container.NewHBox(openBig, createBig), drop, t.recent)
	t.showRecent()

	t.plan = container.NewBorder(t.file, container.NewVBox(t.summary, t.job.content), nil, nil, t.list)
	t.plan.Hide()
	top := container.NewHBox(t.open, t.apply, export)
	t.content = container.NewBorder(top, nil, nil, nil, container.NewStack(container.NewPadded(t.intro), t.plan))

	return t
}

// dropped opens a profile dropped on the window, and says whether one was.
func (t *teamTab) dropped(uris []fyne.URI) bool {
	for _, u := range uris {
		if strings.EqualFold(filepath.Ext(u.Path()), ".toml") && !t.c.busy(jobProfile) {
			t.c.show(tabTeam)
			t.load(u.Path())
			return true
		}
	}
	return false
}

// openDialog asks for a profile (.toml files).
func (t *teamTab) openDialog() {
	if t.c.busy(jobProfile) {
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err == nil && r != nil {
			path := r.URI().Path()
			r.Close()
			t.load(path)
		}
	}, t.c.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".toml"}))
	d.Resize(t.c.dialogSize(0.8, 0.8))
	d.Show()
}

// showRecent offers the profiles opened before.
func (t *teamTab) showRecent() {
	t.recent.RemoveAll()
	paths := t.c.app.Preferences().StringList(prefRecentProfiles)
	if len(paths) == 0 {
		return
	}
	t.recent.Add(widget.NewLabelWithStyle("Opened before", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, p := range paths {
		b := widget.NewButtonWithIcon(p, theme.FileIcon(), func() { t.load(p) })
		b.Alignment = widget.ButtonAlignLeading
		t.recent.Add(b)
	}
}

// remember puts path first among the recent profiles (five are kept).
func (t *teamTab) remember(path string) {
	prefs := t.c.app.Preferences()
	list := []string{path}
	for _, p := range prefs.StringList(prefRecentProfiles) {
		if p != path && len(list) < 5 {
			list = append(list, p)
		}
	}
	prefs.SetStringList(prefRecentProfiles, list)
	t.showRecent()
}

func (t *teamTab) machine() (profile.Machine, error) {
	return t.c.h.ProfileMachine(t.c.ctx, "", "", false)
}

// load reads a profile and shows its plan; a malformed one is refused with
// its line.
func (t *teamTab) load(path string) {
	t.intro.Hide()
	t.plan.Show()
	t.file.SetText("Reading " + path + "…")
	var p *profile.Profile
	var steps []profile.Step
	t.c.background(func() error {
		var err error
		if p, err = profile.Load(path); err != nil {
			return err
		}
		m, err := t.machine()
		if err != nil {
			return err
		}
		steps, err = p.Plan(t.c.ctx, m)
		return err
	}, func(err error) {
		if err != nil {
			t.prof, t.steps = nil, nil
			t.list.Refresh()
			t.apply.Disable()
			t.file.SetText("The profile was refused: " + err.Error())
			t.c.showError("The profile was refused", err)
			return
		}
		t.prof, t.steps = p, steps
		t.list.Refresh()
		t.remember(path)
		todo := 0
		var refused []string
		for _, st := range steps {
			switch st.State {
			case profile.Present:
			case profile.Refused:
				refused = append(refused, st.What+": "+strings.Join(st.Notes, "; "))
			default:
				todo++
			}
		}
		t.file.SetText(fmt.Sprintf("Profile %s (%s): %d of %d items to do.", p.Name, p.Path, todo, len(steps)))
		t.summary.SetText("")
		switch {
		case len(refused) > 0:
			t.apply.Disable()
			t.summary.SetText("This profile cannot be applied here: " + strings.Join(refused, "\n"))
		case todo > 0:
			t.apply.Enable()
		default:
			t.apply.Disable()
			t.summary.SetText("Nothing to do: this machine already matches the profile.")
		}
	})
}

// confirm shows the plan — everything applying will run, install, delete
// or fetch — and applies it only when the user agrees: a profile comes
// from someone else's repository.
func (t *teamTab) confirm() {
	if t.prof == nil {
		return
	}
	var b strings.Builder
	for _, st := range t.steps {
		if st.State == profile.Present {
			continue
		}
		fmt.Fprintf(&b, "%s: %s", st.What, st.State)
		if st.Detail != "" {
			fmt.Fprintf(&b, " (%s)", st.Detail)
		}
		b.WriteString("\n")
		for _, n := range st.Notes {
			fmt.Fprintf(&b, "    • %s\n", n)
		}
	}
	plan := widget.NewLabel(b.String())
	plan.Wrapping = fyne.TextWrapWord
	intro := widget.NewLabel("Applying " + t.prof.Path + " will do the following on this machine. Read it before you agree: the profile comes from someone else's files.")
	intro.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Apply the team profile?", "Apply", "Cancel",
		container.NewBorder(intro, nil, nil, nil, container.NewVScroll(plan)), func(yes bool) {
			if yes {
				t.start()
			}
		}, t.c.win)
	size := t.c.win.Canvas().Size()
	d.Resize(fyne.NewSize(size.Width*0.7, size.Height*0.7))
	d.Show()
}

func (t *teamTab) start() {
	if t.prof == nil || t.c.busy(jobProfile) {
		return
	}
	t.apply.Disable()
	p := t.prof
	var steps []profile.Step
	t.job.run("Applying "+p.Name+"…", func(ctx context.Context) error {
		m, err := t.machine()
		if err != nil {
			return err
		}
		m.Progress = func(i int, st profile.Step, line string) {
			t.job.progress(float64(i)/float64(max(len(t.steps), 1)), line)
			t.c.do(func() {
				if i < len(t.steps) {
					t.steps[i] = st
					t.list.RefreshItem(i)
				}
			})
		}
		steps, err = p.Apply(ctx, m)
		return err
	}, func(err error) string {
		if steps != nil {
			t.steps = steps
			t.list.Refresh()
		}
		done, failed := 0, 0
		for _, st := range t.steps {
			switch st.State {
			case profile.Done:
				done++
			case profile.Failed:
				failed++
			}
		}
		t.c.discover(nil)
		switch {
		case err != nil && errors.Is(err, context.Canceled):
			t.apply.Enable()
			return fmt.Sprintf("Cancelled after %d steps; apply again to continue.", done)
		case err != nil:
			t.apply.Enable()
			return fmt.Sprintf("%d done, %d failed: %s What finished is kept; apply again to continue.", done, failed, plainSentence(err))
		}
		return fmt.Sprintf("Done: %d steps; the machine now matches the profile.", done)
	})
}

// exportTo writes the profile of this machine to path; a requirements
// file beside it that is there already is replaced only once the user
// says so.
func (t *teamTab) exportTo(path string, replace func(string) bool) {
	var p *profile.Profile
	t.c.background(func() error {
		recs, err := t.c.store.Installs(t.c.ctx)
		if err != nil {
			return err
		}
		venvs, err := t.c.store.Venvs(t.c.ctx)
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		p, err = profile.Export(t.c.ctx, path, name, recs, venvs, replace)
		return err
	}, func(err error) {
		var exists *platform.ExistsError
		switch {
		case errors.As(err, &exists):
			d := dialog.NewConfirm("Replace these files?", strings.Join(exists.Paths, "\n")+"\n\nare there already, beside the profile. Replace them with this machine's frozen requirements?",
				func(yes bool) {
					if yes {
						t.exportTo(path, func(string) bool { return true })
					}
				}, t.c.win)
			d.SetConfirmText("Replace")
			d.SetDismissText("Keep them")
			d.Show()
			return
		case err != nil:
			t.c.showError("Export failed", err)
			return
		}
		t.intro.Hide()
		t.plan.Show()
		t.file.SetText(fmt.Sprintf("Wrote %s: %d interpreters, %d venvs, with their requirements beside it. Commit it to your team's repository.", p.Path, len(p.Python), len(p.Venv)))
	})
}

func (t *teamTab) export() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		// The save dialog asked about the profile itself.
		t.exportTo(path, func(p string) bool { return p == path })
	}, t.c.win)
	d.SetFileName("team.toml")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".toml"}))
	d.Resize(t.c.dialogSize(0.8, 0.8))
	d.Show()
}
