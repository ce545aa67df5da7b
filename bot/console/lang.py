"""The staff console's own language: German or English, from its gettext domain `console`
(`translations/<de|en>/LC_MESSAGES/console.po`), apart from the bot's seven `messages`
catalogs (what newcomers read).

    catalogs = ConsoleCatalogs(settings.translations_dir)
    tr = catalogs.get("en")                        gettext.NullTranslations of that language
    lang = choose(chosen, person_locale, accept, default)

The compiled `.mo` is used when it is up to date, otherwise the `.po` is compiled in memory
(as `bot.i18n` does for the bot's catalogs), so an edited catalog is never ignored.
"""

from __future__ import annotations

import gettext
import logging
from pathlib import Path

from babel.core import negotiate_locale

from bot.i18n import load_catalog

log = logging.getLogger(__name__)

DOMAIN = "console"
LANGUAGES = ("de", "en")
"""The languages of the staff interface."""


class ConsoleCatalogs:
    """The console's translations, loaded once."""

    def __init__(self, folder: Path) -> None:
        self._translations = {lang: load_catalog(folder, lang, DOMAIN) for lang in LANGUAGES}

    def get(self, lang: str) -> gettext.NullTranslations:
        return self._translations.get(lang) or self._translations["en"]


def choose(chosen: str | None, person_locale: str | None, accept_language: str | None,
           default: str) -> str:
    """The staff member's pick in the header, else their chat language if German or
    English, else what their browser asks for, else CONSOLE_LANGUAGE."""
    for lang in (chosen, person_locale):
        if lang in LANGUAGES:
            return lang
    if accept_language:
        wanted = [part.split(";")[0].strip().replace("-", "_")
                  for part in accept_language.split(",") if part.strip()]
        found = negotiate_locale(wanted, list(LANGUAGES), sep="_")
        if found in LANGUAGES:
            return found
    return default if default in LANGUAGES else "de"
