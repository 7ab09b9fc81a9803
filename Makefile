# gongzhi: `make run` serves the demo district, `make test` runs every check (linters,
# migrations, mypy, the test suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# pytest-xdist workers for `make test` ("auto": one per core; 0 runs the suite in one process).
TEST_WORKERS ?= auto
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint bench ci clean messages assets lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Dependencies from the lock files (`make lock`); then the project itself, whose build step
# (setup.py -> tools/build_assets.py) fetches the front-end libraries with npm.
$(VENV)/.installed: pyproject.toml requirements.lock package-lock.json | $(BIN)/python
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml requirements-dev.lock package-lock.json | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.lock
	$(BIN)/pip install -q --no-deps -e .
	$(BIN)/python tools/build_assets.py --test
	touch $@ $(VENV)/.installed

# Re-copy the front-end libraries (after editing package.json's gongzhiAssets), and the
# test-only ones (gongzhiTestAssets: axe-core, into var/test-assets/).
assets: $(VENV)/.installed-dev
	$(BIN)/python tools/build_assets.py
	$(BIN)/python tools/build_assets.py --test

# Re-resolve the Python lock files after changing pyproject.toml's dependencies.
lock: $(VENV)/.installed-dev
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	  --custom-compile-command "make lock" -q -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
	  --custom-compile-command "make lock" -q -o requirements-dev.lock

run: export GONGZHI_MODE ?= demo
run: $(VENV)/.installed
	$(BIN)/gongzhi migrate --noinput
	$(BIN)/gongzhi seed --scale demo --if-empty
	$(BIN)/gongzhi demo_accounts
	$(BIN)/gongzhi collectstatic --noinput -v 0
	$(BIN)/gongzhi serve --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src bench tools conftest.py
	$(BIN)/ruff format --check src bench tools conftest.py
	$(BIN)/python tools/fmt_skip.py src bench tools conftest.py

test: export GONGZHI_MODE = test
# Keep byte code even where the environment says not to (PYTHONDONTWRITEBYTECODE=1 on these
# machines): otherwise every process the suite starts (the xdist workers, and the servers and
# task workers the tests run) compiles all of gongzhi again. It goes to the git-ignored
# __pycache__ folders, as Python's default does.
test: export PYTHONDONTWRITEBYTECODE =
test: lint
	$(BIN)/gongzhi makemigrations --check --dry-run
	$(BIN)/mypy
	$(BIN)/pytest -n $(TEST_WORKERS)

bench: export GONGZHI_MODE = test
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py

messages: $(VENV)/.installed-dev
	$(BIN)/python -m gongzhi makemessages -l en --ignore=.venv
	$(BIN)/python tools/compile_messages.py

clean:
	rm -rf $(VENV) var
