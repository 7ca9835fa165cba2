#!/usr/bin/env bash
# Provides the real CPython builds the test suite runs: a free-threaded and
# a standard (GIL) build of each pinned release.
#
# Each pinned upstream release is fetched through Debian's source archive
# (the archive URI comes from this machine's apt sources; upstream's
# Python-X.Y.Z.tar.xz is Debian's python3.X_X.Y.Z.orig.tar.xz) and checked
# against its pinned SHA-256. PyHangar's own installer then builds it
# twice (./configure with and without --disable-gil, make, make altinstall)
# from a python.org stand-in on 127.0.0.1 that serves the tarball, into
# $PYHANGAR_TEST_CACHE/pyhangar/pythons (default cache ~/.cache/pyhangar-test).
# Later runs reuse what is there.
#
# stdout: one line, the interpreter paths joined with ':' (for
# PYHANGAR_TEST_PYTHONS). Everything else goes to stderr and to logs.
set -euo pipefail

# version  sha256 of the tarball (from the .dsc's Checksums-Sha256)
PINS=(
  "3.13.5 93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640"
  "3.14.7 3b48dac8fb59f62eaa67ac83c1eb12bda1b7a08406dd286e252c11a66be27f81"
)

cache=${PYHANGAR_TEST_CACHE:-$HOME/.cache/pyhangar-test}
mkdir -p "$cache/src" "$cache/logs" "$cache/bin"
exec 9>"$cache/.lock"
flock 9

log() { echo "test-pythons: $*" >&2; }

archive_uri() {
  local f uri=""
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -r $f ]] || continue
    # First deb822 stanza that is not the security archive.
    uri=$(awk '
      /^URIs:/ { u=$2 }
      /^Suites:/ { s=$0 }
      /^$/ { if (u != "" && s !~ /security/) { print u; exit } u=""; s="" }
      END { if (u != "" && s !~ /security/) print u }' "$f" | head -n1)
    [[ -n $uri ]] && break
  done
  if [[ -z $uri && -r /etc/apt/sources.list ]]; then
    uri=$(awk '$1=="deb" && $0 !~ /security/ { for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list)
  fi
  [[ -n $uri ]] || { log "no Debian archive URI in the apt sources"; return 1; }
  echo "${uri%/}"
}

fetch() { # version sha256 -> prints the tarball path
  local ver=$1 sum=$2 minor=${1%.*}
  local tarball="$cache/src/Python-$ver.tar.xz"
  if [[ -f $tarball ]] && echo "$sum  $tarball" | sha256sum -c --quiet - >/dev/null 2>&1; then
    echo "$tarball"
    return
  fi
  local uri
  uri=$(archive_uri)
  local url="$uri/pool/main/p/python$minor/python${minor}_$ver.orig.tar.xz"
  log "downloading Python $ver source"
  curl -fsSL --retry 3 -o "$tarball.part" "$url"
  if ! echo "$sum  $tarball.part" | sha256sum -c --quiet - >/dev/null 2>&1; then
    log "Python-$ver.tar.xz: SHA-256 mismatch: expected $sum, got $(sha256sum "$tarball.part" | cut -d' ' -f1)"
    rm -f "$tarball.part"
    return 1
  fi
  mv "$tarball.part" "$tarball"
  echo "$tarball"
}

tools="$cache/bin"
repo=$(cd "$(dirname "$0")/.." && pwd)

# build_tools builds PyHangar and the python.org stand-in from this
# checkout, once per run of this script (build() runs in subshells, so a
# marker file named after this shell remembers it).
build_tools() {
  local marker="$tools/.built-$$"
  [[ -f $marker ]] && return
  log "building pyhangar and the python.org stand-in"
  (cd "$repo" && go build -tags migrated_fynedo -o "$tools/pyhangar" . &&
    go build -o "$tools/pythonorg-standin" ./internal/testenv/pythonorg-standin) >&2
  touch "$marker"
}
trap 'rm -f "$tools"/.built-$$' EXIT

has_jit() { "$1" -c 'import sys; sys.exit(not sys._jit.is_available())' 2>/dev/null; }

build() { # version sha256 t|"" jit|"" -> prints the interpreter path
  local ver=$1 sum=$2 t=$3 jit=$4 minor=${1%.*}
  local data="$cache/pyhangar"
  local prefix="$data/pythons/cpython-${ver}$t"
  local exe="$prefix/bin/python${minor}$t"
  if [[ -f $prefix/.complete && -x $exe ]] && { [[ -z $jit ]] || has_jit "$exe"; }; then
    echo "$exe"
    return
  fi
  if [[ -x $exe ]]; then # a build from before it had the JIT: its record goes too
    build_tools
    "$tools/pyhangar" --data-dir "$data" uninstall "${ver}$t" >&2 || true
  fi
  rm -rf "$prefix"
  local tarball
  tarball=$(fetch "$ver" "$sum")
  build_tools
  local logf="$cache/logs/install-$ver$t.log"
  log "installing Python $ver$t with pyhangar (log: $logf)"
  local start=$SECONDS
  coproc STANDIN { "$tools/pythonorg-standin" "$ver=$tarball"; }
  local url
  read -r url <&"${STANDIN[0]}"
  local status=0
  local flags=()
  [[ -n $jit ]] && flags+=(--jit)
  "$tools/pyhangar" --data-dir "$data" install "${ver}$t" --via python.org --mirror "$url" --wait "${flags[@]}" >"$logf" 2>&1 || status=$?
  eval "exec ${STANDIN[1]}>&-"
  wait "$STANDIN_PID" 2>/dev/null || true
  if [[ $status -ne 0 ]]; then
    log "pyhangar install ${ver}$t failed; last lines of $logf:"
    tail -n 30 "$logf" >&2
    return 1
  fi
  local want=0
  [[ -n $t ]] && want=1
  "$exe" -c "import sysconfig,sys; assert (sysconfig.get_config_var('Py_GIL_DISABLED') or 0)==$want; assert sys._is_gil_enabled()==(not $want)" || {
    log "$exe is not the build asked for (free-threaded: $want)"
    return 1
  }
  if [[ -n $jit ]] && ! has_jit "$exe"; then
    log "$exe was asked for with the JIT but sys._jit.is_available() is false"
    return 1
  fi
  touch "$prefix/.complete"
  log "installed $exe in $((SECONDS - start)) s"
  echo "$exe"
}

paths=()
for pin in "${PINS[@]}"; do
  read -r ver sum <<<"$pin"
  for t in t ""; do
    jit=""
    [[ -z $t && $ver == 3.14.* ]] && jit=jit
    paths+=("$(build "$ver" "$sum" "$t" "$jit")")
  done
done
(IFS=:; echo "${paths[*]}")
