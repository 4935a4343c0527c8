# SecureMailbox — `make run` starts the whole system on embedded defaults; `make test` runs every test.
# The approved toolchain: Go 1.26's standard library has known, reachable vulnerabilities fixed later.
export GOTOOLCHAIN := go1.27.3
export CGO_ENABLED := 0

BIN   := bin/securemailbox
DATA  ?= ./data
ADDR  ?= 127.0.0.1:8080
PKGS  := ./...

.PHONY: run build test check generate bench fmt clean

run: build
	$(BIN) serve --dev --migrate --data $(DATA) --addr $(ADDR)

build: generate
	go build -trimpath -o $(BIN) ./cmd/securemailbox

generate:
	go tool templ generate -path views >/dev/null

# check fails when gofmt, go vet, staticcheck or templ generate would change or report anything.
check:
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '_templ.go$$')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	go vet $(PKGS)
	go tool staticcheck $(PKGS)
	go tool templ generate -path views >/dev/null
	@if [ -n "$$(git status --porcelain -- views | grep '_templ.go')" ]; then \
	  echo "templ generate changed generated files; commit them:"; git status --porcelain -- views; exit 1; fi

test: check
	go test -count=1 -timeout 45m $(PKGS)

bench:
	go test -run '^$$' -bench . -benchmem -benchtime 3x ./internal/blob/... ./internal/keys/... ./internal/auth/...

fmt:
	gofmt -w $$(git ls-files '*.go' | grep -v '_templ.go$$')

clean:
	rm -rf bin
