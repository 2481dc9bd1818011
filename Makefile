# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

# blynk_edgent: `make test` sets everything up and runs every check; `make bench` measures.
# Works on a fresh Debian 12 machine with Python 3.11, make and git (see README.md).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-stamp
MP_TESTS := tests/micropython

.PHONY: setup test lint typecheck pytest bench demo docs wheels bundle clean help

help:
	@echo "make demo    a simulated Wio Terminal (its own RTL8720DN) provisioned end to end; screens in out/demo/"
	@echo "make test    set up .venv when needed, then run every check (what CI runs)"
	@echo "make setup   create .venv with the pinned host dependencies and the edgent command"
	@echo "make bench   heap and size figures under MicroPython, into bench/results.json and bench/lite.json"
	@echo "make docs    API docs (Sphinx, offline, warnings as errors) into out/docs/; prints the page to open"
	@echo "make wheels  the wheels circuitpython-blynk-edgent and edgent into out/wheels/, checked by twine"
	@echo "make bundle  the Community Bundle zips and JSON in out/bundle/ (MPY_CROSS=/path/to/circuitpython/mpy-cross adds the .mpy zip)"
	@echo "make lint | typecheck | pytest   one check at a time"

setup: $(STAMP)

$(STAMP): requirements-dev.txt constraints.txt setup.cfg pyproject.toml packaging/device/pyproject.toml $(MP_TESTS)/package-lock.json scripts/make-venv.sh scripts/ensure-chromium.sh host/edgent_host/micropython32.py
	scripts/make-venv.sh $(PYTHON) $(VENV)
	scripts/ensure-chromium.sh
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	$(BIN)/python -m pip uninstall --quiet --disable-pip-version-check -y blynk-edgent
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . -e packaging/device
	cd $(MP_TESTS) && ../../$(BIN)/python -m edgent_host.nodejs npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python -m edgent_host.micropython32 $(VENV)/micropython-i386
	touch $(STAMP)

test: setup lint typecheck pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/reuse lint --quiet || { $(BIN)/reuse lint --lines; exit 1; }

typecheck: setup
	$(BIN)/mypy

pytest: setup
	$(BIN)/pytest

bench: setup
	$(BIN)/python bench/footprint.py
	$(BIN)/python bench/lite.py

demo: setup
	$(BIN)/edgent demo

docs: setup
	PYTHON=$(BIN)/python scripts/build-docs.sh out/docs

wheels: setup
	$(BIN)/python scripts/build-wheels.py --out out/wheels --check

bundle: setup
	$(BIN)/python scripts/bundle.py $(if $(MPY_CROSS),--mpy-cross $(MPY_CROSS))

clean:
	rm -rf $(VENV) $(MP_TESTS)/node_modules out .pytest_cache .mypy_cache .ruff_cache .hypothesis
