# netdemo — the two commands a newcomer needs are `make run` (the tour) and
# `make test` (everything CI checks). The rest are for developers.

GO      ?= go
PKGS    := ./...
FUZZTIME ?= 30s

.PHONY: run tour test lint build cross bench bench-trace fuzz certs

run tour:
	$(GO) run ./cmd/netdemo tour

# test: what CI runs. Builds without cgo for every platform we promise,
# checks formatting and vet, then runs every test with the race detector.
test: lint cross
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

lint:
	@out=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

build:
	CGO_ENABLED=0 $(GO) build -o bin/netdemo ./cmd/netdemo

cross:
	CGO_ENABLED=0 $(GO) build $(PKGS)
	CGO_ENABLED=0 GOOS=darwin GOARCH=arm64 $(GO) build $(PKGS)
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $(GO) build $(PKGS)

bench:
	$(GO) test -run '^$$' -bench . $(PKGS)

# bench-trace: our capture reader (text with notes, --notes=false, --json)
# against tshark -r and tcpdump -nn -r on the same 1,000,000-packet capture,
# side by side: wall and CPU time, ratios, peak memory (tshark and tcpdump
# only when installed: apt-get install tshark tcpdump).
bench-trace:
	$(GO) run ./internal/trace/benchtrace

fuzz:
	@for pkg in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "fuzz $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

certs:
	$(GO) run ./cmd/netdemo certs
