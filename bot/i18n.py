"""Languages: catalogs, locale negotiation, plurals, dates, numbers and bidi isolation.

The language is data on the conversation, never ambient: code asks `catalogs.translator(lang)`
for a `Translator` and renders with it. Catalogs are the gettext PO files under
`translations/<lang>/LC_MESSAGES/messages.po`; the compiled `.mo` is used when it is up to
date, otherwise the `.po` is compiled in memory, so an edited catalog is never ignored.
"""

from __future__ import annotations

import gettext
import io
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, dates, numbers
from babel.core import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.engine.model import Lexicon
from bot.engine.normalize import normalize

log = logging.getLogger(__name__)

DOMAIN = "messages"

# Names people use for a language that CLDR does not list under its code.
_ALIASES: dict[str, tuple[str, ...]] = {
    "fa": ("farsi", "dari", "دری", "parsi", "فارسی دری"),
    "ar": ("arabi", "عربي"),
    "uk": ("ukrainisch", "ukrainian", "украинский"),
    "de": ("german", "almanca", "المانی", "الماني"),
}

FSI, PDI = "\u2068", "\u2069"
"""Unicode first-strong isolate and pop directional isolate."""

# A left-to-right run inside right-to-left text: Latin words, digits, URLs, e-mail
# addresses, phone numbers, /commands. Without isolation "0800 111 0 111" shows as
# "111 0 111 0800" and "/help" as "help/" in Arabic and Persian text.
_LTR_CHAR = r"[A-Za-z0-9\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F]"
_LTR_RUN = re.compile(
    rf"(?<![{{\w])[/+]?{_LTR_CHAR}(?:[{_LTR_CHAR[1:-1]} .,:;/@&'_+\-?=%#~]*{_LTR_CHAR})?"
)


def negotiate(code: str | None, languages: Sequence[str]) -> str | None:
    """The supported language for a platform's language code: "fa-AF" -> "fa", "uk-UA" ->
    "uk", "prs" (Dari) -> "fa"; None when none fits."""
    if not code:
        return None
    wanted = code.replace("-", "_")
    if wanted.split("_")[0].lower() == "prs" and "fa" in languages:
        return "fa"
    return negotiate_locale([wanted], list(languages), sep="_")


def isolate_runs(text: str) -> str:
    """Wrap each left-to-right run of `text` in isolates (for right-to-left languages);
    `{placeholders}` are left alone."""
    return _LTR_RUN.sub(lambda m: f"{FSI}{m.group(0)}{PDI}", text)


@dataclass(frozen=True)
class Translator:
    """Everything needed to write in one language."""

    lang: str
    translations: gettext.NullTranslations
    tz: tzinfo

    @cached_property
    def locale(self) -> Locale:
        return Locale.parse(self.lang)

    @property
    def rtl(self) -> bool:
        return self.locale.character_order == "right-to-left"

    def gettext(self, msgid: str) -> str:
        return self.translations.gettext(msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def number(self, value: float) -> str:
        return numbers.format_decimal(value, locale=self.locale)

    def date(self, value: date) -> str:
        return dates.format_date(value, "long", locale=self.locale)

    def datetime(self, value: datetime) -> str:
        """Date and time in the city's time zone: "24. November 2026, 19:30"."""
        pattern = dates.get_datetime_format("medium", locale=self.locale)
        day = dates.format_date(value.astimezone(self.tz).date(), "long", locale=self.locale)
        time = dates.format_time(value, "short", tzinfo=self.tz, locale=self.locale)
        return str(pattern).replace("{1}", day).replace("{0}", time)

    def isolate(self, text: str) -> str:
        """`text` as one isolated run inside this language's text (a no-op for LTR ones)."""
        if not self.rtl or not text:
            return text
        inner = isolate_runs(text)
        return inner if inner == f"{FSI}{text}{PDI}" else f"{FSI}{inner}{PDI}"

    def template(self, text: str) -> str:
        """A translated template with its left-to-right runs isolated in RTL languages."""
        return isolate_runs(text) if self.rtl else text


def endonyms(languages: Sequence[str]) -> dict[str, str]:
    """Each language's name in its own script, capitalized: {"uk": "Українська", ...}."""
    names = {}
    for lang in languages:
        name = Locale.parse(lang).display_name or lang
        names[lang] = name[:1].upper() + name[1:]
    return names


class Catalogs:
    """The translations of all supported languages, loaded once."""

    def __init__(self, folder: Path | str, languages: Sequence[str], *,
                 default: str = "de", timezone: str = "Europe/Berlin") -> None:
        self.folder = Path(folder)
        self.languages = tuple(languages)
        self.default = default
        self.tz = ZoneInfo(timezone)
        self._translators = {lang: Translator(lang, self._load(lang), self.tz)
                             for lang in self.languages}

    def translator(self, lang: str | None) -> Translator:
        return self._translators.get(lang or self.default) or self._translators[self.default]

    def _load(self, lang: str) -> gettext.NullTranslations:
        po = self.folder / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        mo = po.with_suffix(".mo")
        if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
            with mo.open("rb") as f:
                return Translations(f, domain=DOMAIN)
        if po.exists():
            with po.open("rb") as f:
                catalog = read_po(f, locale=lang, domain=DOMAIN)
            buffer = io.BytesIO()
            write_mo(buffer, catalog)
            buffer.seek(0)
            return Translations(buffer, domain=DOMAIN)
        log.warning("catalog_missing lang=%s path=%s", lang, po)
        return gettext.NullTranslations()

    def endonyms(self) -> dict[str, str]:
        return endonyms(self.languages)

    def lexicon(self, msgids: Iterable[str]) -> Lexicon:
        """Every label in every language, normalized, for matching what people type."""
        forms: dict[str, frozenset[str]] = {}
        for msgid in msgids:
            forms[msgid] = frozenset(
                normalize(t.gettext(msgid)) for t in self._translators.values()
            )
        for lang in self.languages:
            names = {lang, *_ALIASES.get(lang, ())}
            for other in self.languages:
                names.add(Locale.parse(other).languages.get(lang, ""))
            forms[f"lang:{lang}"] = frozenset(normalize(n) for n in names if n)
        return Lexicon(self.languages, self.endonyms(), forms)
