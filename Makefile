# Two commands set everything up: `make demo` and `make test`. Both create .venv from
# pyproject.toml when it is missing or older than pyproject.toml.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip --quiet --disable-pip-version-check
# Test workers: both cores by default; `make test WORKERS=0` runs in one process.
WORKERS ?= auto

# The schemathesis releases `make test-compat` runs the fuzz tests with: the ends of the range
# pyproject.toml's fuzz extra allows (driftguard/_extras.py says the same; a test holds all three
# together). Each gets a venv of its own under .venv-compat/, rebuilt when pyproject.toml changes.
SCHEMATHESIS_OLDEST ?= 4.30.1
SCHEMATHESIS_NEWEST ?= 4.32.5
# The fuzz tests run at each end: the modules that call schemathesis and hypothesis through
# the engine and the judge (planted defects, boundaries, judging, runs, schema, auth,
# scenarios...). Left out, as they add time and no schemathesis API of their own: --replay
# (a third of the time; it re-judges through the same judge), the CLI layer, and the two
# modules that run other modules' apps through more processes (curl in two shells, the
# example app's whole CLI run). `make test-compat COMPAT_TESTS=tests/fuzzing` runs them all.
COMPAT_TESTS ?= tests/fuzzing --deselect tests/fuzzing/test_replay.py --deselect tests/fuzzing/test_cli.py --deselect tests/fuzzing/test_reproduce_runs.py --deselect tests/fuzzing/test_example_app.py
# .ci/run sets it after `make test`, which has just run every fuzz test in .venv: .venv is then
# not run again when it is the newest end's venv.
COMPAT_VENV_TESTED ?=

.PHONY: install demo test test-compat lint format bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m example_app.demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	MYPYPATH=benchmarks $(BIN)/mypy --strict --explicit-package-bases benchmarks

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/python -m pytest -n $(WORKERS)

.venv-compat/%/.installed: pyproject.toml
	@rm -rf .venv-compat/$*
	$(PYTHON) -m venv .venv-compat/$*
	.venv-compat/$*/bin/python -m pip --quiet --disable-pip-version-check install -e '.[dev]' 'schemathesis==$*'
	@touch $@

# The newest release is usually what .venv resolved to, and `make test` has just run the fuzz
# tests with it: then .venv is its venv, and only the oldest needs one of its own.
VENV_SCHEMATHESIS := $(shell $(BIN)/python -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null)
NEWEST_VENV := $(if $(filter $(SCHEMATHESIS_NEWEST),$(VENV_SCHEMATHESIS)),$(VENV),.venv-compat/$(SCHEMATHESIS_NEWEST))

test-compat: .venv-compat/$(SCHEMATHESIS_OLDEST)/.installed $(NEWEST_VENV)/.installed
	@set -e; for venv in .venv-compat/$(SCHEMATHESIS_OLDEST) $(NEWEST_VENV); do \
		version=$$($$venv/bin/python -m pip --disable-pip-version-check show schemathesis | sed -n 's/^Version: //p'); \
		if [ "$$venv" = "$(VENV)" ] && [ -n "$(COMPAT_VENV_TESTED)" ]; then \
			echo "== schemathesis $$version is .venv's: make test ran every fuzz test with it"; continue; fi; \
		echo "== fuzz tests in $$venv: schemathesis $$version"; \
		$$venv/bin/python -m pytest -q -n $(WORKERS) -p no:cacheprovider $(COMPAT_TESTS); done

bench: $(STAMP)
	@set -e; for script in benchmarks/bench_*.py; do \
		echo "== $$script"; $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) .venv-compat .mypy_cache .pytest_cache .ruff_cache build *.egg-info
