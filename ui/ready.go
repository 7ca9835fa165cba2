package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/pyversion"
	"github.com/pyhangar/pyhangar/wheels"
)

// readyCheck shows, in a dialog of its own, whether requirements install
// as wheels on an interpreter: progress and Cancel while the index is
// read, then a table of every package (those brought in by others too),
// sortable, the reason of the row clicked in full, and a summary.
type readyCheck struct {
	c       *core
	results []wheels.Result
	table   *dataTable
	job     *jobView
	summary *widget.Label
	why     *widget.Label
}

// checkReady checks reqs (what names them: "requirements.txt") for in.
func (c *core) checkReady(in envs.Interpreter, reqs []wheels.Requirement, src wheels.Sources, what string) {
	r := &readyCheck{c: c}
	row := func(i int) wheels.Result { return r.results[i] }
	version := func(i int) string { return row(i).Version }
	columns := []column{
		{title: "Package", width: 160, text: func(i int) string {
			if len(row(i).RequiredBy) > 0 {
				return "  " + row(i).Name // brought in by another
			}
			return row(i).Name
		}, cmp: byText(func(i int) string { return row(i).Name })},
		{title: "Requested", width: 110, text: func(i int) string { return row(i).Requested }},
		{title: "Status", width: 170, text: func(i int) string { return string(row(i).Status) }, style: func(i int, l *widget.Label) {
			switch res := row(i); {
			case res.Status.Good() && len(res.BlockedBy) == 0:
				l.Importance = widget.SuccessImportance
			case res.Status == wheels.SourceOnly || len(res.BlockedBy) > 0:
				l.Importance = widget.WarningImportance
			case res.Status == wheels.NoCompatibleWheel || res.Status == wheels.NotFound:
				l.Importance = widget.DangerImportance
			}
		}},
		{title: "Version", width: 90, text: version, cmp: byVersion(version)},
		{title: "Why", width: 520, text: func(i int) string { return row(i).Reason }},
	}
	r.table = newDataTable(c.app.Preferences(), "table.ready", columns, func() int { return len(r.results) })
	r.table.onRow = func(i int) { r.why.SetText(r.results[i].Name + ": " + r.results[i].Reason) }
	r.job = newJobView(c, jobReady, "")
	r.summary = widget.NewLabel("")
	r.summary.Wrapping = fyne.TextWrapWord
	r.summary.TextStyle.Bold = true
	r.why = widget.NewLabel("Click a package to read why in full.")
	r.why.Wrapping = fyne.TextWrapWord
	r.why.Selectable = true
	build := pyversion.BuildName(in.FreeThreaded)
	head := widget.NewLabel(fmt.Sprintf("%s, for Python %s (%s), %s", what, in.Version, build, in.Path))
	head.Wrapping = fyne.TextWrapWord
	content := container.NewBorder(container.NewVBox(head, r.job.content, r.summary), r.why, nil, nil, r.table)
	d := dialog.NewCustom("Will these install as wheels?", "Close", content, c.win)
	d.Resize(c.dialogSize(0.9, 0.85))
	d.SetOnClosed(func() {
		if r.job.cancel != nil {
			r.job.cancel()
		}
	})
	d.Show()

	var rep wheels.Report
	r.job.run("Reading the package index…", func(ctx context.Context) error {
		var err error
		rep, err = c.h.Ready(ctx, in, reqs, src, "", func(done int, name string) { r.job.progress(-1, fmt.Sprintf("checked %d: %s", done, name)) })
		return err
	}, func(err error) string {
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return "Cancelled."
			}
			return ""
		}
		r.results = rep.Results
		r.table.reload()
		r.summary.SetText(rep.Summary())
		text := "Checked against " + rep.Index + "."
		if rep.Offline != "" {
			text = fmt.Sprintf("The index %s could not be reached: its answers kept from %s were used.", rep.Index,
				installer.Catalog{FetchedAt: rep.OldestAnswer}.Age(time.Now()))
		}
		return text
	})
}
