package ui

import (
	"net/url"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// logMaxLines is how much of a log the window keeps; the file has it all.
const logMaxLines = 2000

// logView is an install or build log as it grows: monospaced lines on a
// filled background, following the end, with "Open log file" once there
// is a file. Only the lines in view are drawn, so a long build log costs
// the window nothing.
type logView struct {
	c       *core
	lines   []string
	list    *widget.List
	path    string
	open    *widget.Button
	bg      *canvas.Rectangle
	content fyne.CanvasObject
}

func newLogView(c *core) *logView {
	v := &logView{c: c}
	v.list = widget.NewList(
		func() int { return len(v.lines) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.TextStyle.Monospace = true
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(v.lines[i]) },
	)
	v.list.HideSeparators = true
	v.open = widget.NewButtonWithIcon("Open log file", theme.DocumentIcon(), func() {
		if v.path == "" {
			return
		}
		if err := c.app.OpenURL(&url.URL{Scheme: "file", Path: filepath.ToSlash(v.path)}); err != nil {
			c.showError("Cannot open the log file", err)
		}
	})
	v.open.Hide()
	v.bg = canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	v.bg.CornerRadius = theme.InputRadiusSize()
	v.content = container.NewBorder(nil, container.NewHBox(v.open), nil, nil, container.NewStack(v.bg, v.list))
	return v
}

// reset starts a new log with its first line.
func (v *logView) reset(first string) {
	v.path = ""
	v.open.Hide()
	v.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	v.bg.Refresh()
	v.lines = []string{first}
	v.list.Refresh()
}

// setFile names the file the log is written to.
func (v *logView) setFile(path string) {
	v.path = path
	v.open.Show()
}

// add appends a line and follows the end (on the UI goroutine).
func (v *logView) add(line string) {
	v.lines = append(v.lines, line)
	if extra := len(v.lines) - logMaxLines; extra > 0 {
		v.lines = append(v.lines[:0], v.lines[extra:]...)
	}
	v.list.Refresh()
	v.list.ScrollToBottom()
}

// text is the log as kept in the window.
func (v *logView) text() string { return strings.Join(v.lines, "\n") }
