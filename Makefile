# Two commands for a fresh machine: `make run` opens the app, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench screenshots clean

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

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider --durations=10

lint: $(STAMP)
	$(BIN)/ruff check vaegui tests benchmarks

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
	rm -rf $(VENV) .pytest_cache
