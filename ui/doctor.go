package ui

import (
	"fmt"
	"net/url"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/doctor"
	"github.com/pyhangar/pyhangar/envs"
)

// doctorTab lists the doctor's findings, each whole (wrapped, never cut),
// with its fix, and a button where PyHangar can do the fix itself.
type doctorTab struct {
	c        *core
	findings []doctor.Finding
	status   *widget.Label
	list     *fyne.Container
	content  fyne.CanvasObject
}

func newDoctorTab(c *core) *doctorTab {
	t := &doctorTab{c: c}
	t.status = widget.NewLabel("Looking…")
	t.list = container.NewVBox()
	again := widget.NewButtonWithIcon("Look again", theme.ViewRefreshIcon(), c.refresh)
	t.content = container.NewBorder(container.NewHBox(again, t.status), nil, nil, nil, container.NewVScroll(t.list))
	c.onInterpreters(func(l []envs.Interpreter) {
		if l != nil {
			t.look()
		}
	})
	return t
}

// look examines the machine again in the background.
func (t *doctorTab) look() {
	c := t.c
	interps := c.interps
	var got []doctor.Finding
	c.background(func() error {
		var err error
		got, err = c.h.Doctor(c.ctx, interps)
		return err
	}, func(err error) {
		if err != nil {
			c.showError("The doctor could not look", err)
			return
		}
		t.show(got)
	})
}

func (t *doctorTab) show(findings []doctor.Finding) {
	t.findings = findings
	t.list.RemoveAll()
	n := 0
	for _, f := range findings {
		if f.Severity != doctor.Info {
			n++
		}
		t.list.Add(t.card(f))
	}
	t.status.SetText(fmt.Sprintf("%d findings, %d to look at.", len(findings), n))
}

// card is one finding: its icon, its message, its fix, and the buttons
// that do the fix.
func (t *doctorTab) card(f doctor.Finding) fyne.CanvasObject {
	icon := theme.InfoIcon()
	switch f.Severity {
	case doctor.Error:
		icon = theme.ErrorIcon()
	case doctor.Warn:
		icon = theme.WarningIcon()
	}
	msg := widget.NewLabel(f.Message)
	msg.Wrapping = fyne.TextWrapWord
	msg.Selectable = true
	body := container.NewVBox(msg)
	if f.Fix != "" {
		fix := widget.NewLabel("Fix: " + f.Fix)
		fix.Wrapping = fyne.TextWrapWord
		fix.Selectable = true
		fix.TextStyle.Italic = true
		body.Add(fix)
	}
	if actions := t.actions(f); len(actions) > 0 {
		body.Add(container.NewHBox(actions...))
	}
	return container.NewBorder(nil, widget.NewSeparator(), container.NewVBox(widget.NewIcon(icon)), nil, body)
}

// actions are what PyHangar can do about a finding itself.
func (t *doctorTab) actions(f doctor.Finding) []fyne.CanvasObject {
	c := t.c
	openFolder := func(dir string) *widget.Button {
		return widget.NewButtonWithIcon("Open folder", theme.FolderOpenIcon(), func() {
			if err := c.app.OpenURL(&url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}); err != nil {
				c.showError("Cannot open the folder", err)
			}
		})
	}
	switch f.ID {
	case "uv.missing":
		get := widget.NewButtonWithIcon("Get uv", theme.DownloadIcon(), func() {
			c.show(tabInstall)
			c.tabs.install.startGetUV()
		})
		get.Importance = widget.HighImportance
		return []fyne.CanvasObject{get}
	case "venv.broken":
		return []fyne.CanvasObject{
			widget.NewButtonWithIcon("Create a venv…", theme.ContentAddIcon(), func() {
				c.show(tabEnvironments)
				c.tabs.environments.createDialog(envs.Interpreter{})
			}),
			openFolder(f.Path),
		}
	case "freethreaded.hidden":
		return []fyne.CanvasObject{
			widget.NewButtonWithIcon("Copy path", theme.ContentCopyIcon(), func() { c.app.Clipboard().SetContent(f.Path) }),
			widget.NewButtonWithIcon("Show it", theme.ListIcon(), func() {
				c.show(tabInterpreters)
				c.tabs.interpreters.selectPath(f.Path)
			}),
		}
	case "interpreter.broken", "macos.dangling-link":
		if f.Path != "" {
			return []fyne.CanvasObject{openFolder(filepath.Dir(f.Path))}
		}
	}
	return nil
}
