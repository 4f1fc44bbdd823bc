# The two commands that matter: `make demo` (try the bot in a browser) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install demo test lint bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'

demo: install
	bash scripts/system-packages.sh
	$(BIN)/python scripts/demo.py

test:
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint:
	$(BIN)/ruff check .
	$(BIN)/mypy

bench:
	$(BIN)/python bench/bench_webhook.py --write-results
	$(BIN)/python bench/bench_render.py --write-results

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
