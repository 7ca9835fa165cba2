package ui

import (
	"cmp"
	"fmt"
	"image/color"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	version "github.com/hashicorp/go-version"
)

// column is a table column, defined once: its title, its width until the
// user drags it, the text of a data row's cell, how that cell looks
// (optional), and how two data rows compare when the column is sorted.
type column struct {
	title string
	width float32
	text  func(row int) string
	// style, when set, sets the cell's importance or weight.
	style func(row int, l *widget.Label)
	// cmp orders two rows; nil sorts by the text. unsorted: a click on
	// the header does nothing.
	cmp      func(a, b int) int
	unsorted bool
}

// compare is how the column orders two rows, or nil when it does not
// sort.
func (c column) compare() func(a, b int) int {
	switch {
	case c.unsorted:
		return nil
	case c.cmp != nil:
		return c.cmp
	}
	return byText(c.text)
}

// dataTable is a table of text over a tab's rows. A click on a header sorts
// by that column (a second click the other way); a click on a cell selects
// its whole row; text that does not fit ends in "…" (the tab shows it whole
// elsewhere); the widths the user drags and the sort are remembered. Rows
// are the tab's data rows, in the tab's order; the table shows them in its
// own.
type dataTable struct {
	widget.Table
	key      string // preference key prefix: "table.interpreters"
	prefs    fyne.Preferences
	columns  []column
	count    func() int
	order    []int // shown position -> data row
	sortCol  int   // -1: the tab's order
	desc     bool
	selected int // data row, -1 for none
	onRow    func(row int)
	onDelete func() // the Delete key, when set
	headers  []*headerCell
	widths   []float32
	fit      textFitter
}

func newDataTable(prefs fyne.Preferences, key string, columns []column, count func() int) *dataTable {
	t := &dataTable{key: key, prefs: prefs, columns: columns, count: count, sortCol: -1, selected: -1}
	t.Length = func() (int, int) { return len(t.order), len(columns) }
	t.CreateCell = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateClip
		return container.NewStack(canvas.NewRectangle(color.Transparent), l)
	}
	t.UpdateCell = t.updateCell
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject {
		h := newHeaderCell()
		t.headers = append(t.headers, h)
		return h
	}
	t.UpdateHeader = t.updateHeader
	t.OnSelected = func(id widget.TableCellID) {
		if id.Row < 0 || id.Row >= len(t.order) {
			return
		}
		row := t.order[id.Row]
		if row != t.selected {
			t.selected = row
			t.Table.Refresh()
		}
		if t.onRow != nil {
			t.onRow(row)
		}
	}
	t.ExtendBaseWidget(t)
	t.widths = make([]float32, len(columns))
	for i, col := range columns {
		t.widths[i] = float32(prefs.FloatWithFallback(t.widthKey(i), float64(col.width)))
		t.SetColumnWidth(i, t.widths[i])
	}
	if s := prefs.IntWithFallback(key+".sort", 0); s != 0 && (abs(s)-1) < len(columns) && columns[abs(s)-1].compare() != nil {
		t.sortCol, t.desc = abs(s)-1, s < 0
	}
	t.reload()
	return t
}

func abs(n int) int { return max(n, -n) }

func (t *dataTable) widthKey(col int) string { return fmt.Sprintf("%s.width.%d", t.key, col) }

// reload takes the tab's rows again (after they changed), in the sort
// the user chose, keeping the selected row when it is still there.
func (t *dataTable) reload() {
	n := t.count()
	t.order = t.order[:0]
	for i := range n {
		t.order = append(t.order, i)
	}
	if t.sortCol >= 0 {
		by := t.columns[t.sortCol].compare()
		// Ties keep the tab's order, whichever way the sort goes.
		slices.SortFunc(t.order, func(a, b int) int {
			c := by(a, b)
			if t.desc {
				c = -c
			}
			if c == 0 {
				c = cmp.Compare(a, b)
			}
			return c
		})
	}
	if t.selected >= n {
		t.selected = -1
	}
	t.Table.Refresh()
}

// selectRow selects a data row (and shows it); -1 clears the selection.
func (t *dataTable) selectRow(row int) {
	if row < 0 {
		t.selected = -1
		t.UnselectAll()
		t.Table.Refresh()
		return
	}
	for pos, r := range t.order {
		if r == row {
			t.Select(widget.TableCellID{Row: pos, Col: 0})
			t.ScrollTo(widget.TableCellID{Row: pos, Col: 0})
			return
		}
	}
}

// sortBy sorts by col, the other way when it is already sorted by it.
func (t *dataTable) sortBy(col int) {
	if t.columns[col].compare() == nil {
		return
	}
	if t.sortCol == col {
		t.desc = !t.desc
	} else {
		t.sortCol, t.desc = col, false
	}
	pref := col + 1
	if t.desc {
		pref = -pref
	}
	t.prefs.SetInt(t.key+".sort", pref)
	t.reload()
	if t.selected >= 0 {
		t.selectRow(t.selected)
	}
}

func (t *dataTable) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	stack := o.(*fyne.Container)
	bg := stack.Objects[0].(*canvas.Rectangle)
	l := stack.Objects[1].(*widget.Label)
	l.Importance = widget.MediumImportance
	l.TextStyle = fyne.TextStyle{}
	if id.Row >= len(t.order) || t.order[id.Row] >= t.count() {
		l.SetText("")
		return
	}
	row := t.order[id.Row]
	want := color.Color(color.Transparent)
	if row == t.selected {
		want = theme.Color(theme.ColorNameSelection)
	}
	if bg.FillColor != want {
		bg.FillColor = want
		bg.Refresh()
	}
	col := t.columns[id.Col]
	if col.style != nil {
		col.style(row, l) // before the text, which redraws the label
	}
	l.SetText(col.text(row))
	// Text that does not fit ends in "…" (the tab shows it whole elsewhere).
	if fitted := t.fit.ellipsize(l.Text, t.widths[id.Col]-2*theme.InnerPadding(), l.TextStyle); fitted != l.Text {
		l.SetText(fitted)
	}
}

func (t *dataTable) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	h := o.(*headerCell)
	h.col = id.Col
	if id.Col < 0 || id.Col >= len(t.columns) {
		h.SetText("")
		return
	}
	title := t.columns[id.Col].title
	if id.Col == t.sortCol {
		title += map[bool]string{false: " ▲", true: " ▼"}[t.desc]
	}
	h.onTap = func() { t.sortBy(id.Col) }
	if h.Text != title { // the table asks again on every scroll
		h.SetText(title)
	}
}

// DragEnd remembers the widths the user dragged.
func (t *dataTable) DragEnd() {
	t.Table.DragEnd()
	for _, h := range t.headers {
		if h.col < 0 || h.col >= len(t.columns) || !h.Visible() {
			continue
		}
		w := h.Size().Width
		if w > 0 && abs(int(w-t.widths[h.col])) >= 1 {
			t.widths[h.col] = w
			t.prefs.SetFloat(t.widthKey(h.col), float64(w))
		}
	}
	t.Table.Refresh() // the cells fit their new widths
}

// TypedKey gives Delete to the tab (when it deletes rows); the rest to the
// table (arrows move, space selects).
func (t *dataTable) TypedKey(e *fyne.KeyEvent) {
	if e.Name == fyne.KeyDelete && t.onDelete != nil {
		t.onDelete()
		return
	}
	t.Table.TypedKey(e)
}

// textFitter cuts text to a width with "…", from each character's width
// measured once (Fyne's own ellipsis shapes the whole text again on every
// refresh, which scrolling a long table cannot afford).
type textFitter struct {
	size   float32
	widths map[fitKey]float32
}

type fitKey struct {
	r    rune
	bold bool
}

func (f *textFitter) width(r rune, style fyne.TextStyle) float32 {
	if size := theme.TextSize(); f.widths == nil || f.size != size {
		f.size, f.widths = size, map[fitKey]float32{}
	}
	k := fitKey{r, style.Bold}
	w, ok := f.widths[k]
	if !ok {
		w = fyne.MeasureText(string(r), f.size, fyne.TextStyle{Bold: style.Bold}).Width
		f.widths[k] = w
	}
	return w
}

// ellipsize returns text, or its start and "…" when it is wider than
// room.
func (f *textFitter) ellipsize(text string, room float32, style fyne.TextStyle) string {
	var total float32
	for _, r := range text {
		total += f.width(r, style)
	}
	if total <= room {
		return text
	}
	room -= f.width('…', style)
	var used float32
	for i, r := range text {
		used += f.width(r, style)
		if used > room {
			return text[:i] + "…"
		}
	}
	return text
}

// headerCell is a column title that sorts its column when clicked. It is
// not hoverable, so the table still sees the pointer on the dividers that
// resize the columns.
type headerCell struct {
	widget.Label
	col   int
	onTap func()
}

func newHeaderCell() *headerCell {
	h := &headerCell{col: -1}
	h.TextStyle.Bold = true
	h.Truncation = fyne.TextTruncateClip
	h.ExtendBaseWidget(h)
	return h
}

func (h *headerCell) Tapped(*fyne.PointEvent) {
	if h.onTap != nil {
		h.onTap()
	}
}

// Comparisons for columns.

func byText(s func(i int) string) func(a, b int) int {
	return func(a, b int) int { return strings.Compare(strings.ToLower(s(a)), strings.ToLower(s(b))) }
}

func byNumber(f func(i int) float64) func(a, b int) int {
	return func(a, b int) int { return cmp.Compare(f(a), f(b)) }
}

// byVersion sorts Python versions as versions (3.9 before 3.13, 3.14.0a1
// before 3.14.0); what does not parse goes last. Parsed versions are kept
// for the next sort.
func byVersion(s func(i int) string) func(a, b int) int {
	parsed := map[string]*version.Version{}
	parse := func(v string) *version.Version {
		p, ok := parsed[v]
		if !ok {
			p, _ = version.NewVersion(v)
			parsed[v] = p
		}
		return p
	}
	return func(a, b int) int {
		va, vb := parse(s(a)), parse(s(b))
		switch {
		case va == nil && vb == nil:
			return strings.Compare(s(a), s(b))
		case va == nil:
			return 1
		case vb == nil:
			return -1
		}
		return va.Compare(vb)
	}
}
