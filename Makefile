# gridsweep — make demo | make test (see README.md)
SHELL := /bin/bash
GO ?= go
BIN := bin/gridsweep
OSM_MODULE_VERSION := $(shell awk '$$1=="github.com/paulmach/osm"{print $$2}' go.mod)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME_SHORT ?= 10000x
FUZZTIME ?= 2m

.PHONY: build test demo db db-stop lint fuzz fuzz-short bench clean andorra

# A plain `go build ./cmd/gridsweep` (or go install) makes the same whole binary: the
# pinned MapLibre files are committed in web/static/vendor.
build:
	$(GO) build -o $(BIN) ./cmd/gridsweep

# web/node_modules: npm ci of web/package-lock.json (MapLibre GL JS, Redocly CLI for lint).
.PHONY: node-modules
node-modules: web/node_modules/.stamp
web/node_modules/.stamp: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# MapLibre GL JS for the pages: its dist files are committed in web/static/vendor with
# VERSION and SHA256SUMS beside them, and web/vendor_test.go checks them against
# web/package-lock.json and node_modules. After changing the pinned version in
# web/package.json: make web-deps, then commit web/package-lock.json and web/static/vendor.
MAPLIBRE_FILES := maplibre-gl.mjs maplibre-gl-worker.mjs maplibre-gl-shared.mjs maplibre-gl.css
VENDOR := web/static/vendor
.PHONY: web-deps
web-deps: node-modules
	cp $(addprefix web/node_modules/maplibre-gl/dist/,$(MAPLIBRE_FILES)) $(VENDOR)/
	cp web/node_modules/maplibre-gl/LICENSE.txt $(VENDOR)/maplibre-gl-LICENSE.txt
	cd web && node -p 'require("./node_modules/maplibre-gl/package.json").version' > static/vendor/VERSION
	cd $(VENDOR) && sha256sum $(MAPLIBRE_FILES) maplibre-gl-LICENSE.txt > SHA256SUMS

# Brings up the private PostGIS (or uses DATABASE_URL) and prints DATABASE_URL.
db:
	@scripts/postgis start

db-stop:
	@scripts/postgis stop

# Every test against a real PostGIS; CI=true makes a missing database a failure.
test: node-modules
	@scripts/browser-deps
	@set -e; url="$$(scripts/postgis url)"; export DATABASE_URL="$$url"; \
	$(GO) vet ./...; \
	$(OPENAPI_LINT); \
	$(GO) test -count=1 -timeout 18m ./...; \
	scripts/fuzz $(FUZZTIME_SHORT)

# The Andorra extract shipped inside the github.com/paulmach/osm module.
andorra:
	@$(GO) mod download -json github.com/paulmach/osm@$(OSM_MODULE_VERSION) | sed -n 's/^\s*"Dir": "\(.*\)",$$/\1/p' | sed 's|$$|/testdata/andorra-latest.osm.bz2|'

demo: build
	@set -e; url="$$(scripts/postgis url)"; file="$$($(MAKE) -s andorra)"; \
	DATABASE_URL="$$url" $(BIN) demo --osm "$$file" --time-zone Europe/Andorra

lint: node-modules
	gofmt -l . | (! grep .)
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	$(GO) test -count=1 -run '^TestOnlyDataImportsPgx$$' ./data
	$(OPENAPI_LINT)

# The API document must satisfy Redocly CLI's recommended rules, operationId and a 4xx
# response on every operation as errors (redocly.yaml; the CLI is pinned in web/package.json).
OPENAPI_LINT := REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
	web/node_modules/.bin/redocly lint --config redocly.yaml api/openapi.yaml
.PHONY: lint-openapi
lint-openapi: node-modules
	$(OPENAPI_LINT)

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
