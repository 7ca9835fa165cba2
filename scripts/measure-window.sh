#!/usr/bin/env bash
# Prints how long PyHangar takes from start to its window, and how much
# memory it holds once discovery is done, next to an empty Fyne window
# built from the same module: run under X (xvfb-run -a scripts/measure-window.sh).
#   scripts/measure-window.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
work=$(mktemp -d)
empty=$(mktemp -d -p .)
trap 'rm -rf "$work" "$empty"' EXIT
cat >"$empty/main.go" <<'GO'
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	w := app.NewWithID("io.github.pyhangar.Empty").NewWindow("Empty")
	w.SetContent(widget.NewLabel(""))
	w.Resize(fyne.NewSize(1100, 720))
	w.ShowAndRun()
}
GO
go build -tags migrated_fynedo -o "$work/pyhangar" .
go build -tags migrated_fynedo -o "$work/empty" "./$empty"

# measure BIN TITLE: seconds to the mapped window, then RSS in MiB after
# 8 s (discovery done).
measure() {
  local start pid t rss
  start=$(date +%s.%N)
  XDG_CONFIG_HOME="$work/config" "$@" >/dev/null 2>&1 &
  pid=$!
  until xwininfo -root -tree 2>/dev/null | grep -q "\"$TITLE\": ("; do sleep 0.02; done
  t=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
  sleep 8
  rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$pid/status")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  printf '%.2f s  %s MiB\n' "$t" "$rss"
}
for i in $(seq "$runs"); do
  TITLE=Empty; printf 'empty window    '; measure "$work/empty"
  TITLE=PyHangar; printf 'pyhangar window '; measure "$work/pyhangar" --data-dir "$work/data-$i"
done
