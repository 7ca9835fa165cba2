# make run   build PyHangar and open its window
# make test  run the whole test suite (what CI runs)
GO      ?= go
BIN     := bin/pyhangar

.PHONY: run build test go-check

run: build
	./$(BIN)

build: go-check
	scripts/system-deps.sh run
	$(GO) build -tags migrated_fynedo -o $(BIN) .

test: go-check
	scripts/system-deps.sh test
	scripts/test.sh

go-check:
	@command -v $(GO) >/dev/null || { echo "Go 1.26 or newer is needed: https://go.dev/dl/" >&2; exit 1; }
