# Two commands do everything on a fresh machine with Python 3.11: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pywb (palimpsest replay) needs an environment of its own: see requirements-pywb.txt.
PYWB_VENV := .venv-pywb
PYWB_STAMP := $(PYWB_VENV)/.installed

.PHONY: install demo test bench clean

install: $(STAMP) $(PYWB_STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(PYWB_STAMP): requirements-pywb.txt
	test -x $(PYWB_VENV)/bin/python || $(PYTHON) -m venv $(PYWB_VENV)
	$(PYWB_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PYWB_VENV)/bin/python -m pip install --quiet -r requirements-pywb.txt
	touch $(PYWB_STAMP)

demo: $(STAMP) $(PYWB_STAMP)
	rm -rf demo-data
	$(BIN)/palimpsest demo --data demo-data

# Types first: a type error fails `make test` before the suite runs ([tool.mypy] in
# pyproject.toml; its incremental cache is .mypy_cache/).
test: $(STAMP) $(PYWB_STAMP)
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest

# Benchmarks: each is its own script under bench/; add yours as another line.
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python bench/throughput.py --record
	$(BIN)/python bench/realpages.py --record
	$(BIN)/python bench/index_latency.py --record
	$(BIN)/python bench/freshness.py
	$(BIN)/python bench/shared_crawl.py
	$(BIN)/python bench/requisites.py --record

clean:
	rm -rf $(VENV) $(PYWB_VENV) demo-data .pytest_cache .mypy_cache
