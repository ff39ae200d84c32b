# Two set-up commands: `make run` and `make test`. Everything else is for maintainers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
SHARED ?= ../shared

.PHONY: run test test-fast fuzz coverage data bench lint help

help:  ## list targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

run: $(VENV)/.runtime  ## start the app on http://localhost:8501 with the committed data
	$(BIN)/python -m streamlit run app.py --server.port $(PORT)

test: $(VENV)/.dev  ## the whole suite: core, AppTest and real-browser tests
	$(BIN)/python -m pytest

test-fast: $(VENV)/.dev  ## everything except the browser journeys
	$(BIN)/python -m pytest -m "not browser"

fuzz: $(VENV)/.dev  ## thousands of hostile links, session files and uploads (counts what escapes), then a long page sweep
	$(BIN)/python -m tests.fuzz --cases 3000
	LUPE_FUZZ_EXAMPLES=2000 LUPE_SWEEP_LINKS=1000 $(BIN)/python -m pytest -p no:randomly tests/fuzz tests/app/test_hostile_pages.py -k "properties or sweep" -m "not browser"

coverage: $(VENV)/.dev  ## statement coverage of lupcore and lupui by the non-browser tests
	$(BIN)/python -m coverage run --source=lupcore,lupui -m pytest -m "not browser"
	$(BIN)/python -m coverage report --skip-covered

data: $(VENV)/.runtime  ## rebuild data/ from the raw ONS files in $(SHARED)
	$(BIN)/python -m lupcore.ingest --shared $(SHARED) --registry registry --out data

bench: $(VENV)/.dev  ## performance figures, one `name: value unit` line each
	@$(BIN)/python -m bench

lint: $(VENV)/.dev  ## ruff
	$(BIN)/python -m ruff check .
