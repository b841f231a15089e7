# The two commands a new user needs: `make demo` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: venv demo test lint check clean messages

venv: $(BIN)/ombud

$(BIN)/ombud: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: venv
	$(BIN)/ombud demo

test: venv
	$(BIN)/pytest -q

lint: venv
	$(BIN)/ruff check ombud tests bench
	$(BIN)/ruff format --check ombud tests bench
	$(BIN)/mypy ombud
	$(BIN)/ombud makemigrations --check --dry-run

# The translation catalogues (docs/translation.md): gather new strings into each language's .po,
# then compile the .mo files the site loads (both are committed; this needs GNU gettext).
LANGUAGES := ko zh_Hans
messages: venv
	cd ombud && ../$(BIN)/ombud makemessages $(LANGUAGES:%=--locale %) --ignore 'static/*' --no-obsolete --add-location file
	cd ombud && ../$(BIN)/ombud compilemessages

clean:
	rm -rf $(VENV) var
