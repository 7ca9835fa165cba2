package ui

import (
	"context"
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/pyversion"
	"github.com/pyhangar/pyhangar/store"
)

// BenchmarkInterpretersTable1000 fills the Interpreters table with 1,000
// rows and scrolls it from top to bottom in 20 steps, laying out each view
// (the cells the table binds); with paint=true each view is also painted
// by the software renderer; with sorted=true the table is sorted by
// version, as after a click on its header.
func BenchmarkInterpretersTable1000(b *testing.B) {
	a := test.NewTempApp(b)
	st, err := store.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	w := a.NewWindow("PyHangar")
	c := newCore(context.Background(), a, w, Config{DataDir: b.TempDir(), Store: st})
	tab := newInterpretersTab(c)
	w.SetContent(tab.content)
	w.Resize(fyne.NewSize(1200, 800))
	list := make([]envs.Interpreter, 1000)
	for i := range list {
		ft := i%3 == 0
		list[i] = envs.Interpreter{Path: fmt.Sprintf("/home/u/.pyenv/versions/3.%d.%d/bin/python3", 8+i%7, i),
			Identity: envs.Identity{Version: pyversion.Version(fmt.Sprintf("3.%d.%d", 8+i%7, i)), FreeThreaded: ft, Implementation: "cpython"},
			Source:   "pyenv", Arch: "x86_64", Status: envs.StatusOK}
	}
	for _, run := range []struct{ paint, sorted bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
		paint := run.paint
		if run.sorted && tab.table.sortCol != 0 {
			tab.table.sortBy(0)
		}
		b.Run(fmt.Sprintf("paint=%v/sorted=%v", run.paint, run.sorted), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				tab.update(list)
				for row := 0; row < 1000; row += 50 {
					tab.table.ScrollTo(widget.TableCellID{Row: row, Col: 0})
					if paint {
						w.Canvas().Capture()
					} else {
						test.LaidOutObjects(tab.table)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*20)/1000, "ms/view")
		})
	}
}
