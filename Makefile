# The two commands that matter: `make demo` (try the bot in a browser) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install lock demo test lint bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

# constraints.txt pins every package (and every package's packages) to the tested versions.
install: $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'

# Re-resolve in a throw-away virtualenv made with $(PY) (the image runs 3.11: keep them
# alike), pin the result and install it here; then `make test` before committing.
lock:
	rm -rf .lock-venv && $(PY) -m venv .lock-venv
	.lock-venv/bin/pip install -q --upgrade pip
	.lock-venv/bin/pip install -q -e '.[dev]'
	grep '^#' constraints.txt > constraints.new
	.lock-venv/bin/pip freeze --exclude-editable >> constraints.new
	mv constraints.new constraints.txt && rm -rf .lock-venv
	$(MAKE) install

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
