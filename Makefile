# gridsweep — make demo | make test (see README.md)
SHELL := /bin/bash
GO ?= go
BIN := bin/gridsweep
OSM_MODULE_VERSION := $(shell awk '$$1=="github.com/paulmach/osm"{print $$2}' go.mod)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME_SHORT ?= 10000x
FUZZTIME ?= 2m

.PHONY: build test demo db db-stop lint fuzz fuzz-short bench clean andorra

build: web-deps
	$(GO) build -o $(BIN) ./cmd/gridsweep

# MapLibre GL JS for the pages (web/package-lock.json pins it): npm ci, then its dist files
# are copied into the git-ignored web/static/vendor that go:embed picks up.
MAPLIBRE_FILES := maplibre-gl.mjs maplibre-gl-worker.mjs maplibre-gl-shared.mjs maplibre-gl.css
.PHONY: web-deps
web-deps: web/static/vendor/.stamp
web/static/vendor/.stamp: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	cp $(addprefix web/node_modules/maplibre-gl/dist/,$(MAPLIBRE_FILES)) web/static/vendor/
	cp web/node_modules/maplibre-gl/LICENSE.txt web/static/vendor/maplibre-gl-LICENSE.txt
	touch $@

# Brings up the private PostGIS (or uses DATABASE_URL) and prints DATABASE_URL.
db:
	@scripts/postgis start

db-stop:
	@scripts/postgis stop

# Every test against a real PostGIS; CI=true makes a missing database a failure.
test: web-deps
	@scripts/browser-deps
	@set -e; url="$$(scripts/postgis url)"; export DATABASE_URL="$$url"; \
	$(GO) vet ./...; \
	$(GO) test -count=1 -timeout 18m ./...; \
	scripts/fuzz $(FUZZTIME_SHORT)

# The Andorra extract shipped inside the github.com/paulmach/osm module.
andorra:
	@$(GO) mod download -json github.com/paulmach/osm@$(OSM_MODULE_VERSION) | sed -n 's/^\s*"Dir": "\(.*\)",$$/\1/p' | sed 's|$$|/testdata/andorra-latest.osm.bz2|'

demo: build
	@set -e; url="$$(scripts/postgis url)"; file="$$($(MAKE) -s andorra)"; \
	DATABASE_URL="$$url" $(BIN) demo --osm "$$file"

lint:
	gofmt -l . | (! grep .)
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	$(GO) test -count=1 -run '^TestOnlyDataImportsPgx$$' ./data

fuzz:
	scripts/fuzz $(FUZZTIME)

fuzz-short:
	scripts/fuzz $(FUZZTIME_SHORT)

clean:
	rm -rf bin

# The CARP solver tables of docs/benchmarks.md (gdb at 1 s, val and mval at 10 s per
# instance, 2 threads; about 25 s + 2 × 6 min). CARP_DATA points at shared/data/carp.
CARP_DATA ?= ../shared/data/carp
.PHONY: bench-carp
bench-carp: build
	$(BIN) carp bench $(CARP_DATA)/gdb --bks $(CARP_DATA)/bks.csv --seconds 1 --seed 1 --threads 2
	$(BIN) carp bench $(CARP_DATA)/val --bks $(CARP_DATA)/bks.csv --seconds 10 --seed 1 --threads 2
	$(BIN) carp bench $(CARP_DATA)/mval --bks $(CARP_DATA)/bks.csv --seconds 10 --seed 1 --threads 2

# Reliability runs (docs/reliability.md), each against its own throwaway PostgreSQL cluster
# and server on 127.0.0.1 — the shared cluster is never stopped. `load` posts check-ins at
# rising rates for LOAD_SECONDS and counts the rows; `faults` stops PostgreSQL under load
# and under a plan job, and kills an import midway.
LOAD_SECONDS ?= 60
LOAD_RATES ?= 100,200,400,800,1600,3200
.PHONY: load faults
load:
	scripts/loadtest $(LOAD_SECONDS) $(LOAD_RATES)

faults:
	scripts/faults
