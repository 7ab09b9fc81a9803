# gongzhi: `make run` serves the demo district, `make test` runs every check.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# pytest-xdist workers for `make test` ("auto": one per core; 0 runs the suite in one process).
TEST_WORKERS ?= auto
# xstatic-* sdists need setuptools<81 inside pip's isolated build environments.
export PIP_CONSTRAINT := $(CURDIR)/constraints.txt
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint bench ci clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

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

test: export GONGZHI_MODE = test
test: lint
	$(BIN)/gongzhi makemigrations --check --dry-run
	$(BIN)/pytest -n $(TEST_WORKERS)

bench: export GONGZHI_MODE = test
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py

messages: $(VENV)/.installed-dev
	$(BIN)/python -m gongzhi makemessages -l en --ignore=.venv
	$(BIN)/python tools/compile_messages.py

clean:
	rm -rf $(VENV) var
