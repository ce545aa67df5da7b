# make chat   set everything up and talk to the bot in this terminal
# make test   set up the dev tools and run the whole test suite
# make i18n   extract texts, update the seven catalogs, compile them

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
LOCALES := de en ar fa uk ru tr
PO     := $(foreach l,$(LOCALES),translations/$(l)/LC_MESSAGES/messages.po)
MO     := $(PO:.po=.mo)

.PHONY: chat test i18n catalogs db lint clean

chat: $(VENV)/.installed catalogs db
	$(BIN)/welcomebot events import content/events.yaml  # the demo city's events
	$(BIN)/welcomebot chat

test: $(VENV)/.installed-dev catalogs
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check bot tests benchmarks
	$(BIN)/mypy bot/engine

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

catalogs: $(MO)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile -D messages -i $< -o $@ -l $*

db: $(VENV)/.installed
	$(BIN)/welcomebot db upgrade

i18n: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k NP_:1,2 --add-comments=Translators: \
	  --sort-by-file --project=welcomebot --copyright-holder="Welcome Bot contributors" \
	  -o translations/messages.pot .
	$(BIN)/pybabel update -D messages -i translations/messages.pot -d translations \
	  --ignore-obsolete --no-fuzzy-matching
	$(BIN)/welcomebot i18n fill-source en
	$(MAKE) catalogs

clean:
	rm -rf $(VENV) $(MO) welcomebot.db welcomebot.db-wal welcomebot.db-shm
