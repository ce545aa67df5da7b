# make chat   set everything up and talk to the bot in this terminal
# make test   set up the dev tools and run the whole test suite
# make lint   ruff and mypy (CI runs it before the tests)
# make i18n   extract texts, update the seven catalogs, compile them
# make translate  optional: offline machine-translation drafts (`welcomebot notice translate`)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
LOCALES := de en ar fa uk ru tr
PO     := $(foreach l,$(LOCALES),translations/$(l)/LC_MESSAGES/messages.po)
MO     := $(PO:.po=.mo)

.PHONY: chat test i18n catalogs db lint clean translate

chat: $(VENV)/.installed catalogs db
	$(BIN)/welcomebot events import content/events.yaml  # the demo city's events
	$(BIN)/welcomebot chat

test: $(VENV)/.installed-dev $(VENV)/.installed-translate catalogs
	$(BIN)/pytest $(PYTEST_ARGS)

# ruff over everything; mypy over all of bot/ (strict for bot/engine, see pyproject.toml)
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check bot tests benchmarks
	$(BIN)/mypy bot

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# argostranslate without its stanza/torch/spacy requirements (6 GB): the extra brings what it
# really uses, tools/stanza-stub an empty `stanza` module it imports.
translate: $(VENV)/.installed-translate

$(VENV)/.installed-translate: pyproject.toml tools/stanza-stub/pyproject.toml | $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[translate]'
	$(BIN)/pip install --quiet --no-deps argostranslate==1.11.0 ./tools/stanza-stub
	touch $@

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
