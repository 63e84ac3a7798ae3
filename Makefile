# Two commands on a fresh machine (only Python 3.11+ needed): `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test check lint bench sample clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/.installed
	$(BIN)/python -m pip install -q -r requirements-test.txt
	touch $@

run: $(VENV)/.installed  ## start the app (loads the sample data into an empty database)
	$(BIN)/python -m streamlit run app.py

# Three workers on two cores: the browser tests wait on their app server and browser, the lock tests on other
# processes, and a third worker fills those waits (measured twice in a row: 5:11 and 5:05 against 5:22 and 5:30).
test: $(VENV)/.installed-test  ## lint, then the whole test suite (browser tests skip without Chromium)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 3 --dist worksteal

check: $(VENV)/.installed-test  ## the quick loop while coding: lint, then every test not marked slow or browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 --dist worksteal -q -m "not slow and not browser"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

bench: $(VENV)/.installed-test  ## print the speed and memory figures
	$(BIN)/python bench/run.py

sample: $(VENV)/.installed  ## regenerate the sample data (deterministic)
	$(BIN)/python sample_data/generate.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-output
