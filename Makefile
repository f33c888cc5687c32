# Three commands matter: `make run` serves the API, `make lint` checks the code without running it,
# `make test` runs the tests.
# Both set up what they need: the virtual environment, Python packages, and the Neo4j jars
# (fetched by Maven on first use; the local Neo4j is started and stopped by the commands).
# `make test` also installs the npm packages graphql-http (its HTTP audits run against the server) and
# graphql-ws (the subscription client), and `make run`/`make test` bundle GraphiQL from npm (`make graphiql`).
# Both build the map (web/, with npm and esbuild) when it is missing or older than its sources.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

GRAPHIQL := kiezgraph/static/graphiql/graphiql.js

.PHONY: graphiql run lint test web migrate seed demo-load demo-remove schema bench-api bench-networks bench-suggestions bench-suggest-latency bench-load bench-health bench-live bench-exchange bench-import bench-map bench-dossier clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "kiezgraph needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

$(GRAPHIQL): web/graphiql/package.json web/graphiql/package-lock.json web/graphiql/main.js web/graphiql/build.mjs
	npm ci --prefix web/graphiql --no-audit --no-fund --silent
	node web/graphiql/build.mjs

graphiql: $(GRAPHIQL)  ## bundle GraphiQL from npm into kiezgraph/static/graphiql (no CDN at run time)

WEB_DEPS := web/node_modules/.installed-stamp
WEB_BUILT := web/dist/.built-stamp
WEB_SOURCES := $(shell find web/src web/static -type f 2>/dev/null) web/build.mjs web/tsconfig.json

$(WEB_DEPS): web/package.json web/package-lock.json
	npm ci --prefix web --no-audit --no-fund --silent
	touch $@

$(WEB_BUILT): $(WEB_DEPS) $(WEB_SOURCES)
	npm run --prefix web --silent build
	touch $@

web: $(WEB_BUILT)  ## build the map into web/dist (make run and make test do it when needed)

run: $(STAMP) $(GRAPHIQL) $(WEB_BUILT)  ## serve the map at http://127.0.0.1:8000/ and the API at /graphql
	$(PY) -m kiezgraph serve

AUDITS := tests/audits/node_modules/.installed-stamp

$(AUDITS): tests/audits/package.json tests/audits/package-lock.json
	npm ci --prefix tests/audits --no-audit --no-fund --silent
	touch $@

lint: $(STAMP)  ## ruff (lint, format), mypy, the import contracts, the schema's breaking changes
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) -m tools.schema_changes

test: $(STAMP) $(AUDITS) $(GRAPHIQL) $(WEB_BUILT)  ## run the tests against a Neo4j of their own
	$(PY) -m pytest $(PYTEST_ARGS)

migrate: $(STAMP)
	$(PY) -m kiezgraph migrate

seed: $(STAMP)
	$(PY) -m kiezgraph seed

demo-load: $(STAMP)
	$(PY) -m kiezgraph demo load

demo-remove: $(STAMP)
	$(PY) -m kiezgraph demo remove

schema: $(STAMP)  ## rewrite schema.graphql from the code
	$(PY) -m kiezgraph schema > schema.graphql

bench-api: $(STAMP)  ## issue #3: API latency vs the Cypher floor on the Berlin-scale network
	$(PY) -m bench.api

bench-networks: $(STAMP)  ## issue #4: networks, suggestions and metrics vs their Cypher floor
	$(PY) -m bench.networks

bench-suggestions: $(STAMP)  ## issues #4, #17: suggestions vs link-prediction baselines, random and temporal splits
	$(PY) -m bench.evaluate_suggestions

bench-suggest-latency: $(STAMP)  ## issue #17: suggestPartners p95 on the Berlin-scale network, median-degree actors and hubs
	$(PY) -m bench.suggest_latency

bench-load: $(STAMP)  ## issue #5: requests per second, p50/p99 and errors under concurrent clients
	$(PY) -m bench.load

bench-map: $(STAMP) $(WEB_BUILT)  ## issue #13: the map in headless Chromium: first frame, settled layout, fps (sigma vs Cytoscape)
	$(PY) -m bench.map_page $(BENCH_MAP_ARGS)

bench-health: $(STAMP)  ## issue #9: /healthz and /readyz latency while heavy (allowed) queries run
	$(PY) -m bench.health_under_load

bench-dossier: $(STAMP)  ## issue #15: the handover dossier (HTML, PDF) of a seeded quarter with the demo network
	$(PY) -m bench.dossier

bench-live: $(STAMP)  ## issue #12: commit-to-delivery latency with 200 subscribers on two instances, idle CPU
	$(PY) -m bench.live

bench-exchange: $(STAMP)  ## issue #11: read and plan a 10,000-actor workbook (no database)
	$(PY) -m bench.exchange

bench-import: $(STAMP)  ## issue #11: plan and apply a 10,000-actor workbook against its own Neo4j
	$(PY) -m bench.import_apply

clean:
	rm -rf $(VENV) neo4j-local/target web/node_modules web/dist
