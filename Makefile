# Two commands on a fresh machine: `make run` and `make test`.
# uv (with uv.lock) when it can be had, plain pip into .venv otherwise.
PY ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
PACKAGES := schemas extractors store flows review evaluation cli
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))

.PHONY: install run test lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml uv.lock
	@if command -v uv >/dev/null 2>&1 || $(PY) -m pip install -q uv >/dev/null 2>&1; then \
		UV="$$(command -v uv || echo $(PY) -m uv)"; \
		echo "installing with $$UV (uv.lock)"; \
		$$UV sync --frozen --extra dev --compile-bytecode; \
	else \
		echo "uv unavailable: installing with pip"; \
		$(PY) -m venv $(VENV) && $(VENV)/bin/pip install -q -e '.[dev]'; \
	fi
	@# bytecode of our own packages, and jieba's tables cached (extractors/cache.py):
	@# a cold command then neither compiles nor parses dictionaries
	$(VENV)/bin/python -m compileall -q $(PACKAGES)
	$(VENV)/bin/python -c "from extractors.cache import load_jieba; load_jieba()"
	@touch $(STAMP)

run: install
	sh scripts/ensure_libreoffice.sh
	$(VENV)/bin/speechtasks run --corpus corpus --db speechtasks.db
	$(VENV)/bin/speechtasks tasks --all --db speechtasks.db

test: install
	sh scripts/ensure_chromium.sh
	sh scripts/ensure_libreoffice.sh
	$(VENV)/bin/python -m pytest -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install
	$(VENV)/bin/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) speechtasks.db speechtasks.db-wal speechtasks.db-shm speechtasks.review .pytest_cache
