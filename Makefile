# Developer tasks. `make check` is what .ci/run runs after the tests; needs the dev extra:
#   .venv/bin/pip install -e ".[test,dev]"

PYTHON ?= $(if $(wildcard .venv/bin/python),.venv/bin/python,python3)
BIN := $(dir $(PYTHON))
# Benchmarks write their reports beside them (bench/*.md); each runs in a throwaway home.
BENCHES ?= bench_figures bench_compare bench_search bench_import bench_store bench_app bench_startup

.PHONY: check lint format types layers test bench

check: lint format types layers

lint:
	$(BIN)ruff check .

format:
	$(BIN)ruff format --check .

types:
	$(PYTHON) -m mypy

layers:
	$(BIN)lint-imports --no-cache

# The README's test command, in the current venv.
test:
	$(PYTHON) -m pytest -n auto

bench:
	@for bench in $(BENCHES); do \
		echo "+ $$bench"; \
		JJJ_BRIEF_HOME=$$(mktemp -d) $(PYTHON) bench/$$bench.py || exit 1; \
	done
