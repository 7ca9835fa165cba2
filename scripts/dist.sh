#!/usr/bin/env bash
# Builds the downloads into dist/ with fyne package (fyne.io/tools, pinned
# below, run with go run: nothing is installed).
#   scripts/dist.sh                   Linux: the Linux tar.xz and the Windows zip
#                                     macOS: the macOS zip (it needs a Mac)
#   scripts/dist.sh linux|windows|macos ...   those alone
# Name, ID and version come from FyneApp.toml. fyne package adds one to its
# Build number on every run; the file is put back as it was.
set -euo pipefail
cd "$(dirname "$0")/.."

FYNE_TOOLS=fyne.io/tools/cmd/fyne@v1.7.4
# The tool itself is built without cgo, so that CC (mingw, for the Windows
# build) applies only to the app; fyne package turns cgo on for the app.
fyne() { CGO_ENABLED=0 go run "$FYNE_TOOLS" "$@"; }

version=$(sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\(.*\)"/\1/p' FyneApp.toml)
name=$(sed -n 's/^[[:space:]]*Name[[:space:]]*=[[:space:]]*"\(.*\)"/\1/p' FyneApp.toml)
[[ -n $version && -n $name ]] || { echo "dist: FyneApp.toml lacks Name or Version" >&2; exit 1; }
arch=$(go env GOARCH)

if [[ $# -eq 0 ]]; then
  case "$(uname -s)" in
  Darwin) set -- macos ;;
  *) set -- linux windows ;;
  esac
fi

tmp=$(mktemp -d)
cp FyneApp.toml "$tmp/FyneApp.toml"
trap 'cp "$tmp/FyneApp.toml" FyneApp.toml; rm -rf "$tmp"' EXIT
mkdir -p dist

for target in "$@"; do
  case "$target" in
  linux)
    fyne package -os linux -release
    out="dist/$name-$version-linux-$arch.tar.xz"
    mv "$name.tar.xz" "$out"
    ;;
  windows)
    # fyne package links the GUI program (no console window when it is
    # double-clicked); pyhangar.exe, the CLI, is the same file with the
    # console subsystem, as python.exe is to pythonw.exe.
    cc=${CC:-}
    [[ $(go env GOOS) == windows ]] || cc=x86_64-w64-mingw32-gcc
    CC=$cc fyne package -os windows -release
    stage="$tmp/$name-$version-windows-amd64"
    mkdir -p "$stage"
    mv "$name.exe" "$stage/pyhangarw.exe"
    go run ./internal/consoleexe "$stage/pyhangarw.exe" "$stage/pyhangar.exe"
    out="dist/$name-$version-windows-amd64.zip"
    rm -f "$out"
    (cd "$tmp" && zip -q -r -X "$OLDPWD/$out" "$(basename "$stage")")
    ;;
  macos)
    [[ $(uname -s) == Darwin ]] || { echo "dist: the macOS download is built on a Mac (fyne package -os darwin needs Xcode)" >&2; exit 1; }
    fyne package -os darwin -release
    out="dist/$name-$version-macos-$arch.zip"
    rm -f "$out"
    ditto -c -k --keepParent "$name.app" "$out"
    rm -rf "$name.app"
    ;;
  *)
    echo "usage: $0 [linux|windows|macos]..." >&2
    exit 2
    ;;
  esac
  ls -l "$out"
done
