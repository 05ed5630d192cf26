# Two commands for a fresh machine: `make run` opens the app, `make test` runs the whole suite
# (`make test-fast` the quick part of it).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast lint bench screenshots clean

# Without python3-venv (installed by the script), Debian's `python3 -m venv` stops half-way, leaving
# a .venv without pip; such a .venv is made again.
$(STAMP): pyproject.toml setup.py scripts/install-system-packages.sh
	@bash scripts/install-system-packages.sh
	@test -x $(BIN)/pip || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); } || { rm -rf $(VENV); \
	  echo "'$(PYTHON) -m venv' failed: on Debian/Ubuntu install python3-venv (as root: apt-get install python3-venv)." >&2; \
	  exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,opentsne,video]"
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/vaegui gui

# The whole suite on every core (pytest-xdist), a test file to a worker so that a module's fixtures are built once
# (files with the most tests first). --dist loadgroup would spread the rest test by test, but with pytest 9.2 it groups nothing
# (https://github.com/pytest-dev/pytest-xdist/issues/1386). Trained fixtures are kept in .test-fixtures/ and
# reused while the training code is unchanged (tests/trained_fixtures.py).
# The two tables at the end: the slowest tests by wall clock and by CPU seconds (steadier on a shared machine).
PYTEST := QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider -p tests.cpu_durations
WORKERS ?= auto
test: $(STAMP)
	$(PYTEST) -n $(WORKERS) --dist loadfile --durations=15 --cpu-durations=15

# The inner loop, under a minute: no window, no training, no process started (tests/suite_tiers.py).
test-fast: $(STAMP)
	VAEGUI_FAST_TESTS=1 $(PYTEST) -m "not gui and not trains and not spawns" --durations=5 --cpu-durations=5

lint: $(STAMP)
	$(BIN)/ruff check vaegui tests benchmarks scripts

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

# The real app on a 1280×800 virtual X screen with a window manager (tests/screen/, take.py), then the scripts of
# single views (the Explorer's verbs): docs/screenshots/NAME.png.
screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots/take.py
	for script in scripts/screenshots/[!_]*.py; do \
	  [ "$$script" = scripts/screenshots/take.py ] || xvfb-run -a -s "-screen 0 1600x1000x24" $(BIN)/python $$script || exit 1; \
	done

clean:
	rm -rf $(VENV) .pytest_cache .test-fixtures
