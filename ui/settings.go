package ui

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/cmd/fyne_settings/settings"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/fetch"
	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/store"
)

// mirrorValidator accepts "" (the site itself) or a URL PyHangar may fetch
// from.
func mirrorValidator(s string) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	_, err := fetch.CheckURL(strings.TrimSpace(s))
	return err
}

func timeoutValidator(s string) error {
	secs, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || secs <= 0 || secs > 600 {
		return fmt.Errorf("a number of seconds between 0 and 600")
	}
	return nil
}

// newSettingsTab shows where PyHangar keeps things, the settings the user
// can change, and the machine's facts.
func newSettingsTab(c *core) fyne.CanvasObject {
	schema, _ := c.store.Version(c.ctx)
	uvLabel := selectable("looking…")
	machine := selectable("reading…")

	mirror := widget.NewEntry()
	mirror.SetPlaceHolder(installer.DefaultSite)
	mirror.Validator = mirrorValidator
	uvMirror := widget.NewEntry()
	uvMirror.SetPlaceHolder(installer.GitHub)
	uvMirror.Validator = mirrorValidator
	timeout := widget.NewEntry()
	timeout.Validator = timeoutValidator
	read := func() {
		mirror.SetText(c.store.Mirror(c.ctx))
		v, _, _ := c.store.Setting(c.ctx, store.SettingUVMirror)
		uvMirror.SetText(v)
		timeout.SetText(strconv.FormatFloat(c.store.ProbeTimeout(c.ctx).Seconds(), 'f', -1, 64))
	}
	read()
	c.onSettings(read)

	saved := widget.NewLabel("")
	// The fields say what is wrong as they are typed; the form offers
	// Save only while all of them are valid.
	editable := widget.NewForm(
		widget.NewFormItem("python.org mirror", mirror),
		widget.NewFormItem("github.com mirror (uv)", uvMirror),
		widget.NewFormItem("Probe timeout (s)", timeout),
	)
	editable.SubmitText = "Save settings"
	editable.OnSubmit = func() {
		values := map[string]string{
			store.SettingMirror:       strings.TrimSpace(mirror.Text),
			store.SettingUVMirror:     strings.TrimSpace(uvMirror.Text),
			store.SettingProbeTimeout: strings.TrimSpace(timeout.Text),
		}
		editable.Disable()
		c.background(func() error {
			for k, v := range values {
				if err := c.store.SetSetting(c.ctx, k, v); err != nil {
					return err
				}
			}
			return nil
		}, func(err error) {
			editable.Enable()
			if err != nil {
				c.showError("Settings not saved", err)
				return
			}
			saved.SetText("Saved.")
			time.AfterFunc(3*time.Second, func() { c.do(func() { saved.SetText("") }) })
			c.tabs.install.load() // the mirror may have changed
		})
	}

	var uvText, facts string
	c.background(func() error {
		if uv, ok := installer.FindUV(c.ctx, c.cfg.DataDir); ok {
			uvText = uv.Path + "  (" + uv.Version + ")\n" + uv.Why()
		} else {
			uvText = "not installed (looked on PATH, ~/.local/bin, ~/.cargo/bin and in the data dir); the Install tab can get it"
		}
		m := platform.MachineFacts()
		quota := "none"
		if m.CPUQuota != nil {
			quota = fmt.Sprintf("%.2f CPUs", *m.CPUQuota)
		}
		load := ""
		if m.Load1 != nil {
			load = fmt.Sprintf("%.2f", *m.Load1)
		}
		facts = fmt.Sprintf("Name: %s\nCPU: %s\nCores: %d logical, %d physical (usable: %d; cgroup quota %s; affinity %s)\nRAM: %.1f GiB\nOS: %s, kernel %s (%s/%s)\nLoad (1 min): %s",
			m.Hostname, m.CPUModel, m.LogicalCores, m.PhysicalCores, platform.UsableCPUs(), quota, m.Affinity, float64(m.RAMBytes)/(1<<30),
			m.OS, m.Kernel, runtime.GOOS, runtime.GOARCH, load)
		return nil
	}, func(error) {
		uvLabel.SetText(uvText)
		machine.SetText(facts)
	})

	appearance := widget.NewButtonWithIcon("Theme and size…", theme.ColorPaletteIcon(), func() {
		screen := settings.NewSettings().LoadAppearanceScreen(c.win)
		d := dialog.NewCustom("Appearance", "Close", screen, c.win)
		d.Resize(c.dialogSize(0.8, 0.85))
		d.Show()
	})

	form := widget.NewForm(
		widget.NewFormItem("Version", selectable(c.cfg.Name+" "+c.cfg.Version+" ("+runtime.Version()+")")),
		widget.NewFormItem("Data dir", selectable(c.cfg.DataDir)),
		widget.NewFormItem("Database", selectable(fmt.Sprintf("%s (schema %d)", c.store.Path(), schema))),
		widget.NewFormItem("uv", uvLabel),
	)
	rest := widget.NewForm(
		widget.NewFormItem("Appearance", container.NewHBox(appearance)),
		widget.NewFormItem("Machine", machine),
	)
	return container.NewVScroll(container.NewPadded(container.NewVBox(form,
		widget.NewCard("", "Where downloads come from, and how long an interpreter may take to answer", container.NewVBox(editable, saved)),
		rest)))
}

// selectable is a label whose text can be selected and copied.
func selectable(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Selectable = true
	return l
}
