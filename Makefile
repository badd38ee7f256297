# Lectern: the two commands a newcomer needs are `make run` and `make test`.
SWIFT ?= swift
PORT ?= 8080
APT_PACKAGES = libcmark-gfm-dev libcmark-gfm-extensions-dev libcurl4-openssl-dev
TEST_APT_PACKAGES = postgresql-15 chromium chromium-driver python3-aiosmtpd nginx

.PHONY: run test test-deps build site deps theme bench clean

## Installs the Debian packages the build links against (when missing and when we can).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo apt-get install -y -qq $$missing; \
	  else echo "Please install:$$missing" >&2; exit 1; fi; \
	fi

## What the tests add: PostgreSQL (the store's second backend), Chromium and its WebDriver (browser
## journeys), and from PyPI the OpenAPI validator and Selenium.
test-deps: deps
	@missing=""; for p in $(TEST_APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq $$missing || (apt-get update -qq && apt-get install -y -qq $$missing); \
	  elif command -v sudo >/dev/null; then sudo apt-get install -y -qq $$missing; \
	  else echo "Please install:$$missing" >&2; exit 1; fi; \
	fi
	@python3 -c "import openapi_spec_validator, selenium, pypdf" 2>/dev/null || python3 -m pip install -q openapi-spec-validator selenium pypdf \
	  || python3 -m pip install -q --break-system-packages openapi-spec-validator selenium pypdf

build: deps
	$(SWIFT) build --product lectern

## Builds the demo site and serves it with its functions (SQLite in .lectern/) on
## http://localhost:$(PORT), rebuilding and reloading the browser when content/ or layouts/ change.
run: deps
	$(SWIFT) build
	$$($(SWIFT) build --show-bin-path)/lectern serve --watch --port $(PORT)

site: build
	$(SWIFT) run lectern build

## Store and function tests run on SQLite and on a private PostgreSQL cluster (scripts/test-postgres.sh)
## unless TEST_DATABASE_URL names another server.
test: test-deps
	python3 scripts/embed-theme.py --check
	python3 scripts/check-openapi.py
	$(SWIFT) build --build-tests
	@url="$${TEST_DATABASE_URL:-$$(scripts/test-postgres.sh start)}"; \
	TEST_DATABASE_URL="$$url" LECTERN_REQUIRE_POSTGRES=1 $(SWIFT) test --skip-build
	python3 -m unittest discover -s Tests/Browser -p 'test_*.py' -v

## Regenerates the copy of layouts/ built into the binary.
theme:
	python3 scripts/embed-theme.py

## Lectern against Hugo on the shared corpora, then `lectern serve` against nginx, router overhead
## and function cold start (see docs/BENCHMARKS.md); BENCH_ARGS=--quick for the 1k corpus only.
bench: deps
	bash bench/run.sh $(BENCH_ARGS)
	bash bench/serve.sh --build $(SERVE_ARGS)

clean:
	rm -rf .build dist private .lectern
