# blynk_edgent: `make test` sets everything up and runs every check; `make bench` measures.
# Works on a fresh Debian 12 machine with Python 3.11, make and git (see README.md).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-stamp
MP_TESTS := tests/micropython

.PHONY: setup test lint typecheck pytest bench demo clean help

help:
	@echo "make demo    a simulated Wio Terminal + AirLift provisioned end to end; screens in out/demo/"
	@echo "make test    set up .venv when needed, then run every check (what CI runs)"
	@echo "make setup   create .venv with the pinned host dependencies and the edgent command"
	@echo "make bench   heap and size figures under MicroPython, into bench/results.json"
	@echo "make lint | typecheck | pytest   one check at a time"

setup: $(STAMP)

$(STAMP): requirements-dev.txt constraints.txt setup.cfg pyproject.toml $(MP_TESTS)/package-lock.json scripts/make-venv.sh scripts/ensure-chromium.sh
	scripts/make-venv.sh $(PYTHON) $(VENV)
	scripts/ensure-chromium.sh
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	cd $(MP_TESTS) && ../../$(BIN)/python -m edgent_host.nodejs npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

test: setup lint typecheck pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

pytest: setup
	$(BIN)/pytest

bench: setup
	$(BIN)/python bench/footprint.py

demo: setup
	$(BIN)/edgent demo

clean:
	rm -rf $(VENV) $(MP_TESTS)/node_modules out .pytest_cache .mypy_cache .ruff_cache .hypothesis
