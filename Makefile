# make run   build PyHangar and open its window
# make test  run the whole test suite (what CI runs)
# make dist  build the downloads into dist/ (on Linux: Linux and Windows;
#            on a Mac: macOS)
# make screenshots  draw docs/*.png again from the test interpreters and
#            stand-ins
GO      ?= go
BIN     := bin/pyhangar

.PHONY: run build test dist screenshots go-check

run: build
	./$(BIN)

build: go-check
	scripts/system-deps.sh run
	$(GO) build -tags migrated_fynedo -o $(BIN) .

test: go-check
	scripts/system-deps.sh test
	scripts/test.sh

dist: go-check
	scripts/system-deps.sh dist
	scripts/dist.sh

screenshots: go-check
	scripts/system-deps.sh test
	PYHANGAR_TEST_PYTHONS=$$(scripts/test-pythons.sh) PYHANGAR_SCREENSHOTS=$(CURDIR)/docs \
	  $(GO) test -tags screenshots,migrated_fynedo -run '^TestScreenshots$$' -count=1 ./ui

go-check:
	@command -v $(GO) >/dev/null || { echo "Go 1.26 or newer is needed: https://go.dev/dl/" >&2; exit 1; }
