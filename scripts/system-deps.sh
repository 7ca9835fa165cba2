#!/usr/bin/env bash
# Makes sure the Debian/Ubuntu packages PyHangar needs are installed.
#   scripts/system-deps.sh run    what building and opening the window needs
#   scripts/system-deps.sh dist   that, plus what make dist needs
#   scripts/system-deps.sh test   that, plus what the test suite needs
# As root the missing packages are installed with apt-get; otherwise the one
# apt-get line to run is printed and the script fails.
set -euo pipefail

run_pkgs=(gcc pkg-config libgl1-mesa-dev xorg-dev libxkbcommon-dev)
# mingw: the Windows build; xz and zip: the archives.
dist_pkgs=(gcc-mingw-w64-x86-64 xz-utils zip)
# Xvfb and imagemagick: the window tests. Wine: the Windows build run for
# real. shellcheck: the scripts and the release workflow's steps.
# The -dev libraries and make: building free-threaded CPython for the tests.
# clang-19 and llvm-19: the experimental JIT of the standard 3.14 test
# build. python3-venv: venvs from Debian's python3 in the tests;
# python3-pytest: a real pytest whose summary a try reads. ansible-core,
# openssh-server and procps: the Ansible collection run for real over SSH;
# ansible-lint, yamllint, pycodestyle and pylint: the collection checked.
test_pkgs=(xvfb xauth x11-utils imagemagick wine wine64 shellcheck make curl
  libssl-dev zlib1g-dev libffi-dev libbz2-dev liblzma-dev libsqlite3-dev
  libreadline-dev libncurses-dev clang-19 llvm-19 python3-venv python3-pytest
  ansible-core ansible-lint yamllint python3-pycodestyle pylint openssh-server procps)

case "${1:-run}" in
run) want=("${run_pkgs[@]}") ;;
dist) want=("${run_pkgs[@]}" "${dist_pkgs[@]}") ;;
test) want=("${run_pkgs[@]}" "${dist_pkgs[@]}" "${test_pkgs[@]}") ;;
*)
  echo "usage: $0 run|dist|test" >&2
  exit 2
  ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: not a Debian/Ubuntu system; see README.md for the prerequisites on this OS" >&2
  exit 0
fi

missing=()
for p in "${want[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$status" == installed ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "system-deps: missing packages; run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "system-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
