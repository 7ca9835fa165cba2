package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/store"
)

func TestCreateShowsTheTabs(t *testing.T) {
	a := test.NewTempApp(t)
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w := a.NewWindow("PyHangar")
	defer w.Close()
	content := Create(a, w, Config{Store: st})
	w.SetContent(content)
	tabs, ok := content.(*container.AppTabs)
	if !ok {
		t.Fatalf("content is %T, want *container.AppTabs", content)
	}
	var titles []string
	for _, item := range tabs.Items {
		titles = append(titles, item.Text)
	}
	if got := strings.Join(titles, ","); got != "Interpreters,Install,Environments,Benchmarks" {
		t.Fatalf("tabs = %s", got)
	}
	tabs.SelectIndex(3)
	if tabs.Selected().Text != "Benchmarks" {
		t.Errorf("selected %s", tabs.Selected().Text)
	}
}

func TestCreateShowsStoreError(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("PyHangar")
	defer w.Close()
	content := Create(a, w, Config{StoreErr: errors.New("database schema is newer than this PyHangar")})
	w.SetContent(content)
	var found bool
	for _, o := range test.LaidOutObjects(content) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "newer than this PyHangar") {
			found = true
		}
	}
	if !found {
		t.Fatal("the store error is not shown")
	}
}
