# seats: the everyday commands. `make demo` runs the wizard on the built-in sandbox;
# `make test` runs every test, as CI does.
GO ?= go
PKGS := ./...

.PHONY: demo build test bench fuzz fuzz-short generate vet

demo: ## the wizard on the sandbox (made-up customers, imitation Microsoft on 127.0.0.1)
	$(GO) run ./cmd/seats --sandbox

build: ## bin/seats
	$(GO) build -o bin/seats ./cmd/seats

vet: ## go vet here, and for Windows and macOS too: MSP engineers use all three
	$(GO) vet $(PKGS)
	GOOS=windows $(GO) vet $(PKGS)
	GOOS=darwin $(GO) vet $(PKGS)

test: vet ## vet, every unit test with the race detector, and the end-to-end tests of the built binary
	$(GO) test -race -count=1 $(PKGS)

bench: ## benchmarks; prints the sync, consent, memory and CPU rows at 1,000-10,000 tenants, 50 ms per call, beside their goals
	$(GO) test -p 1 -run '^$$' -bench . -benchmem $(PKGS)

FUZZTIME ?= 30s
FUZZFLAGS ?=
fuzz: ## every fuzz target in the tree, FUZZTIME each
	@grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u | while read -r dir; do \
	  for target in $$(grep -h '^func Fuzz' $$dir/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
	    echo "== $$dir $$target"; \
	    $(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) $(FUZZFLAGS) $$dir || exit 1; \
	  done; \
	done

# A count of inputs, not a time: a time limit also bounds the run of the seed
# corpus, and on a busy machine that ends in "context deadline exceeded"
# before a single new input is tried.
fuzz-short: ## every fuzz target briefly (its seeds and 500 new inputs, one worker), as CI runs them after `make test`
	@$(MAKE) --no-print-directory fuzz FUZZTIME=500x FUZZFLAGS=-parallel=1

generate: ## regenerate the SKU catalogue from ../shared/data
	$(GO) generate ./connectors/skus
