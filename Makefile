# Lectern: the two commands a newcomer needs are `make run` and `make test`.
SWIFT ?= swift
PORT ?= 8080
APT_PACKAGES = libcmark-gfm-dev libcmark-gfm-extensions-dev

.PHONY: run test build site deps theme bench clean

## Installs the Debian packages the build links against (when missing and when we can).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo apt-get install -y -qq $$missing; \
	  else echo "Please install:$$missing" >&2; exit 1; fi; \
	fi

build: deps
	$(SWIFT) build --product lectern

## Builds the demo site into dist/ and private/, then serves dist/ on http://localhost:$(PORT).
## (The router with the functions arrives with `lectern serve`; until then a static server.)
run: build
	$(SWIFT) run lectern build --base-url http://localhost:$(PORT)
	@echo "Serving dist/ on http://localhost:$(PORT) (Ctrl-C to stop)"
	cd dist && python3 -m http.server $(PORT) --bind 127.0.0.1

site: build
	$(SWIFT) run lectern build

test: deps
	python3 scripts/embed-theme.py --check
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## Regenerates the copy of layouts/ built into the binary.
theme:
	python3 scripts/embed-theme.py

## Lectern against Hugo on the shared corpora (see docs/BENCHMARKS.md); BENCH_ARGS=--quick for 1k only.
bench: deps
	bash bench/run.sh $(BENCH_ARGS)

clean:
	rm -rf .build dist private .lectern
