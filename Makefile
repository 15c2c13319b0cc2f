# The README's commands. Everything installs into .venv from the project's own files.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test install install-test lint typecheck pytest bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

install: $(STAMP)
install-test: $(TEST_STAMP)

demo: export CONSULTA_DEMO = 1
demo: $(STAMP)
	mkdir -p var/static
	$(BIN)/consulta migrate --no-input
	$(BIN)/consulta demo $(if $(DEMO_PASSWORD),--password $(DEMO_PASSWORD),)
	@echo "Serving Consulta on http://127.0.0.1:$(PORT) (Ctrl-C to stop)"
	$(BIN)/consulta runserver 127.0.0.1:$(PORT)

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(TEST_STAMP)
	CONSULTA_DEMO=1 $(BIN)/mypy

pytest: $(TEST_STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

bench: $(TEST_STAMP)
	$(BIN)/python bench/http_throughput.py
	$(BIN)/python bench/directory.py
	$(BIN)/python bench/consultations.py
	$(BIN)/python bench/registration.py
	$(BIN)/python bench/knowledge.py
	$(BIN)/python bench/analysis.py
	$(BIN)/python bench/themes.py
	$(BIN)/python bench/drafts.py

messages: $(TEST_STAMP)
	cd $(CURDIR) && CONSULTA_DEMO=1 $(BIN)/consulta makemessages -l fr -l es -l ar -l ru -l zh_Hans --no-obsolete \
		--ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore '*/tests/*' --ignore 'bench/*'
	CONSULTA_DEMO=1 $(BIN)/consulta compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var/static .pytest_cache .mypy_cache .ruff_cache
