#!/usr/bin/env bash
# The whole test suite: formatting, vet (Linux, macOS and Windows), the
# release workflow and the scripts linted, the downloads built (make dist),
# and go test -race with real interpreters, a real window under Xvfb and
# the Windows download under Wine. Called by 'make test' after the system
# packages are in place.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }
TAGS=ci,migrated_fynedo

step "test interpreters"
PYHANGAR_TEST_PYTHONS=$(scripts/test-pythons.sh)
export PYHANGAR_TEST_PYTHONS
echo "PYHANGAR_TEST_PYTHONS=$PYHANGAR_TEST_PYTHONS"

step "gofmt"
unformatted=$(gofmt -l .)
if [[ -n $unformatted ]]; then
  echo "not gofmt-ed:"
  echo "$unformatted"
  exit 1
fi

step "go vet"
go vet -tags "$TAGS" ./...
# The screenshot maker (make screenshots) is built only with its tag.
go vet -tags "$TAGS,screenshots" ./ui

step "go vet for macOS (packages without cgo)"
GOOS=darwin CGO_ENABLED=0 go vet ./pyversion/... ./platform/... ./envs/... ./installer/... ./wheels/... ./bench/... ./store/... ./hangar/... ./cli/...

step "go vet for Windows (packages without cgo)"
GOOS=windows CGO_ENABLED=0 go vet ./pyversion/... ./platform/... ./envs/... ./installer/... ./wheels/... ./bench/... ./store/... ./hangar/... ./cli/... ./internal/...

step "actionlint (the release workflow) and shellcheck (the scripts)"
go run github.com/rhysd/actionlint/cmd/actionlint@v1.7.12 .github/workflows/*.yml
shellcheck scripts/*.sh .ci/run

# The Ansible collection (which internal/fleettest runs for real): the
# linter's production profile, each module's documentation as ansible-doc
# reads it, ansible-test's sanity tests that need nothing downloaded, and
# its pep8 and pylint settings through Debian's pycodestyle and pylint.
step "the Ansible collection"
collection=ansible/ansible_collections/pyhangar/hangar
sanity=/usr/lib/python3/dist-packages/ansible_test/_util/controller/sanity
(
  export ANSIBLE_COLLECTIONS_PATH=$PWD/ansible
  cd "$collection"
  ansible-lint -p --offline
  for module in plugins/modules/*.py; do
    name=$(basename "$module" .py)
    ansible-doc "pyhangar.hangar.$name" >/dev/null
  done
  # The others (ansible-doc, import, pep8, pylint, runtime-metadata,
  # validate-modules, yamllint) install their tools from the network.
  ansible-test sanity --local --python 3.11 --color no \
    --skip-test ansible-doc --skip-test import --skip-test pep8 --skip-test pylint \
    --skip-test runtime-metadata --skip-test validate-modules --skip-test yamllint
  /usr/bin/python3 -m pycodestyle --max-line-length 160 --ignore "$(paste -sd, "$sanity/pep8/current-ignore.txt")" plugins
  PYTHONPATH=$ANSIBLE_COLLECTIONS_PATH /usr/bin/python3 -m pylint --rcfile "$sanity/pylint/config/collection.cfg" plugins
)

# The downloads, which internal/disttest unpacks and runs (the Windows one
# under Wine).
step "make dist"
scripts/dist.sh
PYHANGAR_DIST=$PWD/dist
export PYHANGAR_DIST

step "build the test binaries"
go test -race -tags "$TAGS" -count=1 -run '^$' ./... >/dev/null

# One package at a time: the benchmark tests read CPU-time/wall-time ratios,
# which a source build in a neighbouring test package would distort.
step "go test -race (under Xvfb)"
xvfb-run -a -s "-screen 0 1280x800x24" go test -race -tags "$TAGS" -count=1 -p 1 -timeout 60m ./...

# The fuzz targets, each for a bounded time on top of its checked-in
# corpus (which the run above already replayed): hostile requirements
# files, index pages, benchmark exports, profiles and archives. Longer by
# hand: go test -run '^$' -fuzz '^FuzzX$' -fuzztime 10m ./pkg
step "fuzz (${PYHANGAR_FUZZTIME:=10s} each)"
for target in envs:FuzzRequirements wheels:FuzzSimpleAPIPages store:FuzzImport profile:FuzzLoad installer:FuzzExtract; do
  pkg=${target%%:*} name=${target#*:}
  if ! out=$(go test -run '^$' -fuzz "^$name\$" -fuzztime "$PYHANGAR_FUZZTIME" -fuzzminimizetime 1s "./$pkg" 2>&1); then
    echo "$out"
    exit 1
  fi
  echo "$name: $(echo "$out" | grep -E '^fuzz: elapsed' | tail -n 1)"
done

# Each benchmark once, so none of them rots; the figures are printed.
step "benchmarks (one iteration each)"
xvfb-run -a -s "-screen 0 1280x800x24" go test -tags "$TAGS" -run '^$' -bench . -benchtime 1x -p 1 ./...
