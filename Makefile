# Augenhöhe: `make run` serves a demo on http://127.0.0.1:8000, `make test` runs everything.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

.PHONY: run install messages test test-sqlite test-postgres lint format bench bench-quick chromium clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

messages: install
	$(BIN)/python scripts/compile_messages.py

run: install messages
	DEBUG=true $(BIN)/augenhoehe migrate --noinput
	DEBUG=true $(BIN)/augenhoehe demo
	@echo "Augenhöhe: open http://127.0.0.1:8000/ (demo password: augenhoehe-demo)"
	DEBUG=true $(BIN)/augenhoehe serve --host 127.0.0.1 --port 8000

# Debian's Chromium for the browser tests; never a downloaded browser build.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "warning: could not install chromium; browser tests will skip"; \
	  else echo "warning: /usr/bin/chromium missing (sudo apt-get install chromium); browser tests will skip"; fi; \
	fi

lint: install
	$(BIN)/ruff check src tests bench scripts conftest.py
	$(BIN)/ruff format --check src tests bench scripts conftest.py
	DEBUG=true $(BIN)/mypy

format: install
	$(BIN)/ruff check --fix src tests bench scripts conftest.py
	$(BIN)/ruff format src tests bench scripts conftest.py

test: install messages chromium lint crisis-eval test-sqlite test-postgres

# The crisis detector's figures, printed in every test run: the shared development set
# (required when CI=true; the rules alone, then with the second opinion, as the platform
# decides) and the four blind held-out sets with the second opinion.
DEV_SET := ../shared/data/crisis_dev.jsonl
crisis-eval: install messages
	@if [ -f $(DEV_SET) ]; then $(BIN)/augenhoehe crisis-eval --rules-only $(DEV_SET) && \
	  $(BIN)/augenhoehe crisis-eval --second-opinion $(DEV_SET) || exit 1; \
	elif [ "$$CI" = "true" ]; then echo "$(DEV_SET) is missing (required when CI=true)"; exit 1; \
	else echo "$(DEV_SET) not found: skipping its figures"; fi
	@for set in b e f g; do echo "== blind set $$set (rules + second opinion)"; \
	  $(BIN)/augenhoehe crisis-eval --second-opinion src/augenhoehe/safety/tests/data/blind_$$set.jsonl || exit 1; done

test-sqlite: install messages
	REDIS_TEST_URL=$(REDIS_TEST_URL) $(BIN)/pytest

# The same suite on PostgreSQL when it is reachable (required when CI=true).
test-postgres: install messages
	@if $(BIN)/python scripts/reachable.py 127.0.0.1 5432; then \
	  DATABASE_URL=$(PG_URL) REDIS_TEST_URL=$(REDIS_TEST_URL) $(BIN)/pytest; \
	elif [ "$$CI" = "true" ]; then echo "PostgreSQL is not reachable (required when CI=true)"; exit 1; \
	else echo "PostgreSQL is not reachable on 127.0.0.1:5432: skipping the PostgreSQL run"; fi

bench: install messages
	$(BIN)/python bench/run.py

# Shorter steps and fewer bisections: a rough figure in about half the time.
bench-quick: install messages
	$(BIN)/python bench/run.py --quick

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .mypy_cache .ruff_cache
