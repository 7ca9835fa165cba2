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
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/doctor"
	"github.com/pyhangar/pyhangar/envs"
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
	cancelB *widget.Button
	line    *widget.Label
	summary *widget.Label
	cancel  context.CancelFunc
	content fyne.CanvasObject
}

func newTeamTab(c *core) *teamTab {
	t := &teamTab{c: c}
	t.file = widget.NewLabel("No profile open. A team profile (TOML) lists the interpreters and venvs a machine needs.")
	t.file.Wrapping = fyne.TextWrapWord
	t.list = widget.NewList(
		func() int { return len(t.steps) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, widget.NewIcon(theme.RadioButtonIcon()), nil, widget.NewLabel(""))
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
			case profile.Failed:
				icon.SetResource(theme.ErrorIcon())
			default:
				icon.SetResource(theme.RadioButtonIcon())
			}
		},
	)
	t.open = widget.NewButtonWithIcon("Open profile…", theme.FolderOpenIcon(), func() {
		d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err == nil && r != nil {
				path := r.URI().Path()
				r.Close()
				t.load(path)
			}
		}, c.win)
		d.Show()
	})
	t.apply = widget.NewButtonWithIcon("Apply…", theme.ConfirmIcon(), t.confirm)
	t.apply.Importance = widget.HighImportance
	t.apply.Disable()
	t.cancelB = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() {
		if t.cancel != nil {
			t.cancel()
		}
	})
	t.cancelB.Disable()
	export := widget.NewButtonWithIcon("Export this machine…", theme.DocumentSaveIcon(), t.export)
	t.line = widget.NewLabel("")
	t.line.Truncation = fyne.TextTruncateEllipsis
	t.summary = widget.NewLabel("")
	t.summary.Wrapping = fyne.TextWrapWord
	// While a profile applies, another cannot be opened.
	c.onJobs(func() {
		if c.busy(jobProfile) {
			t.open.Disable()
		} else {
			t.open.Enable()
		}
	})
	top := container.NewVBox(container.NewHBox(t.open, t.apply, t.cancelB, export), t.file)
	t.content = container.NewBorder(top, container.NewVBox(t.line, t.summary), nil, nil, t.list)
	return t
}

func (t *teamTab) machine() (profile.Machine, error) {
	mirror := t.c.store.Mirror()
	host := t.c.host
	timeout := t.c.store.ProbeTimeout()
	return profile.NewMachine(context.Background(), t.c.cfg.DataDir, t.c.store, mirror, func(ctx context.Context) ([]envs.Interpreter, error) {
		list, _, err := envs.Discover(ctx, host(), envs.DiscoverOptions{Cache: t.c.store, Timeout: timeout})
		return list, err
	}, "")
}

// load reads a profile and shows its plan; a malformed one is refused with
// its line.
func (t *teamTab) load(path string) {
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
		steps, err = p.Plan(context.Background(), m)
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
	t.cancelB.Enable()
	p := t.prof
	var steps []profile.Step
	t.cancel = t.c.startJob(jobProfile, func(ctx context.Context) error {
		m, err := t.machine()
		if err != nil {
			return err
		}
		m.Progress = func(i int, st profile.Step, line string) {
			t.c.do(func() {
				if i < len(t.steps) {
					t.steps[i] = st
					t.list.RefreshItem(i)
				}
				if line != "" {
					t.line.SetText(line)
				}
			})
		}
		steps, err = p.Apply(ctx, m)
		return err
	}, func(err error) {
		t.cancel = nil
		t.cancelB.Disable()
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
		switch {
		case err != nil && errors.Is(err, context.Canceled):
			t.summary.SetText(fmt.Sprintf("Cancelled after %d steps; apply again to continue.", done))
			t.apply.Enable()
		case err != nil:
			t.summary.SetText(fmt.Sprintf("%d done, %d failed: %v. What finished is kept; apply again to continue.", done, failed, err))
			t.apply.Enable()
		default:
			t.summary.SetText(fmt.Sprintf("Done: %d steps; the machine now matches the profile.", done))
		}
		t.c.discover(nil)
	})
}

func (t *teamTab) export() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		var p *profile.Profile
		t.c.background(func() error {
			recs, err := t.c.store.Installs()
			if err != nil {
				return err
			}
			venvs, err := t.c.store.Venvs()
			if err != nil {
				return err
			}
			name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
			p, err = profile.Export(context.Background(), path, name, recs, venvs)
			return err
		}, func(err error) {
			if err != nil {
				t.c.showError("Export failed", err)
				return
			}
			t.summary.SetText(fmt.Sprintf("Wrote %s: %d interpreters, %d venvs.", p.Path, len(p.Python), len(p.Venv)))
		})
	}, t.c.win)
	d.SetFileName("team.toml")
	d.Show()
}

// newDoctorTab lists the doctor's findings, each with its fix.
func newDoctorTab(c *core) fyne.CanvasObject {
	var findings []doctor.Finding
	list := widget.NewList(
		func() int { return len(findings) },
		func() fyne.CanvasObject {
			msg := widget.NewLabel("")
			msg.Wrapping = fyne.TextWrapWord
			fix := widget.NewLabel("")
			fix.Wrapping = fyne.TextWrapWord
			fix.TextStyle.Italic = true
			return container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), nil, container.NewVBox(msg, fix))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			f := findings[i]
			row := o.(*fyne.Container)
			box := row.Objects[0].(*fyne.Container)
			icon := row.Objects[1].(*widget.Icon)
			box.Objects[0].(*widget.Label).SetText(f.Message)
			fix := box.Objects[1].(*widget.Label)
			fix.SetText("Fix: " + f.Fix)
			if f.Fix == "" {
				fix.SetText("")
			}
			switch f.Severity {
			case "error":
				icon.SetResource(theme.ErrorIcon())
			case "warn":
				icon.SetResource(theme.WarningIcon())
			default:
				icon.SetResource(theme.InfoIcon())
			}
		},
	)
	status := widget.NewLabel("")
	var refresh func()
	refresh = func() {
		interps := c.interps
		host := c.host
		var got []doctor.Finding
		c.background(func() error {
			venvs, err := envs.ListVenvs(c.store, interps)
			if err != nil {
				return err
			}
			got = doctor.Examine(doctor.Gather(context.Background(), host(), interps, venvs))
			return nil
		}, func(err error) {
			if err != nil {
				c.showError("The doctor could not look", err)
				return
			}
			findings = got
			list.Refresh()
			n := 0
			for _, f := range got {
				if f.Severity != "info" {
					n++
				}
			}
			status.SetText(fmt.Sprintf("%d findings, %d to look at.", len(got), n))
		})
	}
	c.onInterpreters(func(l []envs.Interpreter) {
		if l != nil {
			refresh()
		}
	})
	again := widget.NewButtonWithIcon("Look again", theme.ViewRefreshIcon(), func() { c.discover(nil) })
	return container.NewBorder(container.NewHBox(again, status), nil, nil, nil, list)
}
