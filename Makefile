# Community Workbench: two commands for a new user.
#   make run    set up, build the demo workspace on first run, open the window on it
#   make test   set up and run the whole test suite (offscreen)

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: run test test-tools setup qt-check demo clean schema bench lint

setup: $(STAMP) qt-check

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ").")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { echo "Cannot create a virtual environment: install python3-venv (sudo apt-get install python3-venv)."; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Qt needs a few system libraries (EGL/GL, fontconfig, xkbcommon, dbus). Install them when we can,
# otherwise say which to install.
qt-check: $(STAMP)
	@QT_QPA_PLATFORM=offscreen $(BIN)/python -c 'from PySide6 import QtWidgets, QtGui' 2>/dev/null || { \
	  echo "Qt needs system libraries; installing them ..."; \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      libegl1 libgl1 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3 libglib2.0-0 \
	      libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 \
	      libxcb-render-util0 libxcb-image0 >/dev/null; \
	  else \
	    echo "Please install: sudo apt-get install libegl1 libgl1 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3 libxcb-cursor0"; exit 1; \
	  fi; \
	  QT_QPA_PLATFORM=offscreen $(BIN)/python -c 'from PySide6 import QtWidgets, QtGui' || { echo "Qt still cannot load; see the message above."; exit 1; }; }

run: setup
	$(BIN)/workbench gui --demo

demo: setup
	$(BIN)/workbench demo --if-missing

# The report tests look at PDFs and HTML pages as a reader would (poppler's pdftotext/pdftoppm, a
# headless Chromium); the PostgreSQL tests start a server of their own (initdb, pg_ctl). Installed
# when we can; without them those tests say so and are skipped.
test-tools:
	@missing=""; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	{ command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing$$missing for the report and PostgreSQL tests ..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "Could not install$$missing; the tests that need them will be skipped."; \
	  else \
	    echo "Not installed:$$missing; the tests that need them will be skipped."; \
	  fi; \
	fi

test: setup test-tools
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider

# Regenerate migration 0001 from the models (only before the first release).
schema: $(STAMP)
	$(BIN)/python packaging/make_schema_migration.py "$(MESSAGE)"

bench: setup
	$(BIN)/python benchmarks/import_bench.py
	$(BIN)/python benchmarks/metrics_bench.py
	$(BIN)/python benchmarks/report_bench.py
	$(BIN)/python benchmarks/big_channel_bench.py
	$(BIN)/python benchmarks/html_bench.py
	$(BIN)/python benchmarks/irc_bench.py
	$(BIN)/python benchmarks/font_search_bench.py
	$(BIN)/python benchmarks/remove_bench.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
