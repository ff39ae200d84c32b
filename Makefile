# Two set-up commands: `make run` and `make test`. Everything else is for maintainers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
SHARED ?= ../shared
REPLICAS ?= 2
SERVE_PORT ?= 8080
# With Debian's postgresql installed, tests run against a throwaway cluster (lupserve/pgtemp.py);
# without it the PostgreSQL tests say loudly that they did not run (in CI they fail).
WITH_PG := $(BIN)/python -m lupserve.pgtemp run --if-available --

.PHONY: run serve test test-fast fuzz coverage data bench soak lint help

help:  ## list targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.data: requirements-data.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-data.txt -c constraints.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements-data.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

run: $(VENV)/.runtime  ## start the app on http://localhost:8501 with the committed data
	$(BIN)/python -m lupserve.replica app.py --server.port $(PORT)

serve: $(VENV)/.runtime  ## REPLICAS app processes behind HAProxy on http://localhost:8080, PostgreSQL from LUPE_DATABASE_URL
	$(BIN)/python -m lupserve --replicas $(REPLICAS) --port $(SERVE_PORT)

test: $(VENV)/.dev  ## the whole suite: core, AppTest and real-browser tests
	$(WITH_PG) $(BIN)/python -m pytest

test-fast: $(VENV)/.dev  ## everything except the browser journeys
	$(WITH_PG) $(BIN)/python -m pytest -m "not browser"

fuzz: $(VENV)/.dev  ## thousands of hostile links, session files and uploads (counts what escapes), then a long page sweep
	$(BIN)/python -m tests.fuzz --cases 3000
	LUPE_FUZZ_EXAMPLES=2000 LUPE_SWEEP_LINKS=1000 $(BIN)/python -m pytest -p no:randomly tests/fuzz tests/app/test_hostile_pages.py -k "properties or sweep" -m "not browser"

coverage: $(VENV)/.dev  ## statement coverage of lupcore and lupui by the non-browser tests
	$(BIN)/python -m coverage run --source=lupcore,lupui -m pytest -m "not browser"
	$(BIN)/python -m coverage report --skip-covered

data: $(VENV)/.data  ## rebuild data/ from the raw ONS files in $(SHARED) and the pinned postcode package
	$(BIN)/python -m lupcore.ingest --shared $(SHARED) --registry registry --out data
	$(BIN)/python -m lupcore.ingest.places --shared $(SHARED) --out data

bench: $(VENV)/.dev  ## performance figures, one `name: value unit` line each
	@$(BIN)/python -m bench

soak: $(VENV)/.dev  ## 50 simulated people for 10 minutes through HAProxy: errors and memory growth per process
	@$(BIN)/python -m bench.soak

lint: $(VENV)/.dev  ## ruff
	$(BIN)/python -m ruff check .
