package ui

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/platform"
)

// newSettingsTab shows where PyHangar keeps things, the settings the user
// can change, and the machine's facts.
func newSettingsTab(c *core) fyne.CanvasObject {
	schema, _ := c.store.Version()
	uvLabel := widget.NewLabel("looking…")
	machine := widget.NewLabel("reading…")
	machine.Wrapping = fyne.TextWrapWord

	mirror := widget.NewEntry()
	mirror.SetPlaceHolder(installer.DefaultSite)
	if v, ok, _ := c.store.Setting(settingMirror); ok {
		mirror.SetText(v)
	}
	timeout := widget.NewEntry()
	timeout.SetText(strconv.FormatFloat(c.probeTimeout().Seconds(), 'f', -1, 64))
	saved := widget.NewLabel("")
	save := widget.NewButton("Save settings", func() {
		m := strings.TrimSpace(mirror.Text)
		if m != "" {
			if _, err := installer.NewSite(m); err != nil {
				c.showError("Mirror not saved", err)
				return
			}
		}
		secs, err := strconv.ParseFloat(strings.TrimSpace(timeout.Text), 64)
		if err != nil || secs <= 0 || secs > 600 {
			c.showError("Probe timeout not saved", fmt.Errorf("%q is not a number of seconds between 0 and 600", timeout.Text))
			return
		}
		if err := c.store.SetSetting(settingMirror, m); err != nil {
			c.showError("Settings not saved", err)
			return
		}
		if err := c.store.SetSetting(settingProbeTimeout, strconv.FormatFloat(secs, 'f', -1, 64)); err != nil {
			c.showError("Settings not saved", err)
			return
		}
		saved.SetText("Saved.")
	})

	var uvText, facts string
	c.background(func() error {
		if uv, ok := installer.FindUV(context.Background()); ok {
			uvText = uv.Path + "  (" + uv.Version + ")"
		} else {
			uvText = "not installed (looked on PATH, ~/.local/bin, ~/.cargo/bin)"
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
		facts = fmt.Sprintf("CPU: %s\nCores: %d logical, %d physical (usable: %d; cgroup quota %s; affinity %s)\nRAM: %.1f GiB\nOS: %s, kernel %s (%s/%s)\nLoad (1 min): %s",
			m.CPUModel, m.LogicalCores, m.PhysicalCores, platform.UsableCPUs(), quota, m.Affinity, float64(m.RAMBytes)/(1<<30),
			m.OS, m.Kernel, runtime.GOOS, runtime.GOARCH, load)
		return nil
	}, func(error) {
		uvLabel.SetText(uvText)
		machine.SetText(facts)
	})

	form := widget.NewForm(
		widget.NewFormItem("Version", widget.NewLabel("PyHangar "+c.cfg.Version+" ("+runtime.Version()+")")),
		widget.NewFormItem("Data dir", widget.NewLabel(c.cfg.DataDir)),
		widget.NewFormItem("Database", widget.NewLabel(fmt.Sprintf("%s (schema %d)", c.store.Path(), schema))),
		widget.NewFormItem("uv", uvLabel),
		widget.NewFormItem("Mirror", mirror),
		widget.NewFormItem("Probe timeout (s)", timeout),
		widget.NewFormItem("", container.NewHBox(save, saved)),
		widget.NewFormItem("Machine", machine),
	)
	return container.NewVScroll(container.NewPadded(form))
}
