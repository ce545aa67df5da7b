# make chat   set everything up and talk to the bot in this terminal
# make test   set up the dev tools and run the whole test suite
# make lint   ruff and mypy (CI runs it before the tests)
# make i18n   extract texts, update the seven catalogs and the console's two, compile them
# make translate  optional: offline machine-translation drafts (`welcomebot notice translate`)
# make lock   after changing dependencies in pyproject.toml: rewrite the requirements*.lock
# make wheel  the package to install elsewhere (dist/), with flows, content and catalogs
#
# Installs come from the locks, exact versions with their hashes, so every machine gets the
# same packages: requirements.lock what the bot needs (make chat; production),
# requirements-dev.lock that and the tests' and linters' tools and the translate extra,
# requirements-translate.lock the bot and argostranslate (tools/lock/). pyproject.toml
# keeps the lower bounds for whoever installs welcomebot as a library.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
LOCALES := de en ar fa uk ru tr
PO     := $(foreach l,$(LOCALES),translations/$(l)/LC_MESSAGES/messages.po)
MO     := $(PO:.po=.mo)
# The staff console's own domain (bot/console/lang.py): German and English only.
CONSOLE_LOCALES := de en
CONSOLE_PO := $(foreach l,$(CONSOLE_LOCALES),translations/$(l)/LC_MESSAGES/console.po)
CONSOLE_MO := $(CONSOLE_PO:.po=.mo)
UV_VERSION := 0.13.9

.PHONY: chat test i18n catalogs db lint clean translate lock wheel

chat: $(VENV)/.installed catalogs db
	$(BIN)/welcomebot events import content/events.yaml  # the demo city's events
	$(BIN)/welcomebot chat

# One test process per core (pytest-xdist): each has its own PostgreSQL database and
# temporary folders (tests/conftest.py). `make test PYTEST_ARGS="-n 0 -x"` runs them in one.
test: $(VENV)/.installed-dev $(VENV)/.installed-translate catalogs
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

# ruff over everything; mypy over all of bot/ (strict for bot/engine, see pyproject.toml)
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check bot tests benchmarks
	$(BIN)/mypy bot

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed

# argostranslate without its stanza/torch/spacy requirements (6 GB): its lock holds what it
# really uses (the translate extra), hence --no-deps; tools/stanza-stub is an empty `stanza`
# module it imports.
translate: $(VENV)/.installed-translate

$(VENV)/.installed-translate: requirements-translate.lock tools/stanza-stub/pyproject.toml \
                              | $(VENV)/.installed
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements-translate.lock
	$(BIN)/pip install --quiet --no-deps ./tools/stanza-stub
	touch $@

# The locks, for every platform and Python 3.11+ (uv's universal resolution). Pins already in
# a lock are kept where they still fit; `make lock UPGRADE=1` takes the newest of everything.
# The dev lock is resolved first; the other two keep to its versions, so all three agree.
LOCK_OPTIONS = --quiet --universal --python-version 3.11 --generate-hashes \
               --custom-compile-command 'make lock' $(if $(UPGRADE),--upgrade)

lock: | $(BIN)/python
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra translate $(LOCK_OPTIONS) \
	  -o requirements-dev.lock
	$(BIN)/uv pip compile pyproject.toml -c requirements-dev.lock $(LOCK_OPTIONS) \
	  -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml tools/lock/argostranslate.in --extra translate \
	  --excludes tools/lock/excludes.txt -c requirements-dev.lock $(LOCK_OPTIONS) \
	  -o requirements-translate.lock

catalogs: $(MO) $(CONSOLE_MO)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile -D messages -i $< -o $@ -l $*

translations/%/LC_MESSAGES/console.mo: translations/%/LC_MESSAGES/console.po | $(VENV)/.installed
	$(BIN)/pybabel compile -D console -i $< -o $@ -l $*

db: $(VENV)/.installed
	$(BIN)/welcomebot db upgrade

i18n: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k NP_:1,2 --add-comments=Translators: \
	  --sort-by-file --project=welcomebot --copyright-holder="Welcome Bot contributors" \
	  -o translations/messages.pot .
	$(BIN)/pybabel update -D messages -i translations/messages.pot -d translations \
	  --ignore-obsolete --no-fuzzy-matching
	$(BIN)/welcomebot i18n fill-source en
	$(BIN)/pybabel extract -F babel-console.cfg -k N_ --add-comments=Translators: \
	  --sort-by-file --project=welcomebot --copyright-holder="Welcome Bot contributors" \
	  -o translations/console.pot .
	for l in $(CONSOLE_LOCALES); do \
	  test -f translations/$$l/LC_MESSAGES/console.po \
	    || $(BIN)/pybabel init -D console -i translations/console.pot -d translations -l $$l; \
	  $(BIN)/pybabel update -D console -i translations/console.pot -d translations -l $$l \
	    --ignore-obsolete --no-fuzzy-matching; \
	done
	$(BIN)/welcomebot i18n fill-source en --domain console
	$(MAKE) catalogs

# The wheel carries flows/, content/ and translations/ with the catalogs compiled (setup.py):
# install it with `pip install --require-hashes -r requirements.lock` first, then
# `pip install --no-deps dist/welcomebot-*.whl` (docs/operations.md).
wheel: | $(BIN)/python
	rm -rf build
	$(BIN)/pip wheel --quiet --no-deps . -w dist
	rm -rf build

clean:
	rm -rf $(VENV) $(MO) welcomebot.db welcomebot.db-wal welcomebot.db-shm build dist
