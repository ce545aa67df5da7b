"""Languages: catalogs, locale negotiation, plurals, dates, numbers, bidi isolation, and a
message (`Text`) in a language (`text_of`, `param_of`).

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
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, dates, numbers
from babel.core import negotiate_locale
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.engine.model import Lexicon, Lines, Param, Text, Verbatim
from bot.engine.normalize import normalize

log = logging.getLogger(__name__)

DOMAIN = "messages"
MO_SLACK = 2.0
"""Seconds a `.po` may be newer than its `.mo` with the `.mo` still taken as compiled from it:
installing the package (whose build compiles them, setup.py) writes the `.po` just after."""

# Names people use for a language that CLDR does not list under its code.
_ALIASES: dict[str, tuple[str, ...]] = {
    "fa": ("farsi", "dari", "دری", "parsi", "فارسی دری"),
    "ar": ("arabi", "عربي"),
    "uk": ("ukrainisch", "ukrainian", "украинский"),
    "de": ("german", "almanca", "المانی", "الماني"),
}

FSI, PDI = "\u2068", "\u2069"
"""Unicode first-strong isolate and pop directional isolate."""
RLM = "\u200f"
"""The right-to-left mark: an invisible character that is strongly right-to-left."""

# How Arabic and Persian text is laid out, line by line. A phone gives each line (each
# paragraph) the direction of its first strong character, left-to-right when there is none.
# Android's first-strong heuristic skips what sits inside isolates while looking for it, as
# UAX #9 rule P2 does; not every renderer does (older ones take the first strong character
# wherever it is). So:
#
# 1. Left-to-right runs (Latin words, digits, URLs, /commands) are isolated, never whole lines:
#    an isolate keeps "0800 111 0 111" and "/help" in their order, but a line of Arabic wrapped
#    in one isolate has no direction of its own, and a line cannot even hold an isolate that
#    started on the line before (an answer's first line came out left-aligned that way).
# 2. A line with right-to-left letters whose first strong character is not a right-to-left one
#    outside every isolate (it opens with "Sozialamt", "/help" or a flag such as 🇩🇪, which is
#    strongly left-to-right) starts with a right-to-left mark (RLM). The mark is invisible
#    and settles the direction for both kinds of renderer; lines that open with an Arabic
#    letter, and lines without any right-to-left letter (a German answer shown in the
#    fallback language), are left as they are.

# A left-to-right run inside right-to-left text: Latin words, digits, URLs, e-mail
# addresses, phone numbers, /commands. Without isolation "0800 111 0 111" shows as
# "111 0 111 0800" and "/help" as "help/" in Arabic and Persian text. A URL's closing "/"
# belongs to it (outside the isolate it would show at the URL's other end), a slash between
# a German and an Arabic word to neither.
_LTR_CHAR = r"[A-Za-z0-9\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F]"
_LTR_RUN = re.compile(
    rf"(?<![{{\w])[/+]?{_LTR_CHAR}(?:[{_LTR_CHAR[1:-1]} .,:;/@&'_+\-?=%#~]*{_LTR_CHAR})?"
    r"(?:/(?![\w/]))?"
)
_OPENS_ISOLATE = ("LRI", "RLI", "FSI")
_RIGHT_TO_LEFT = ("R", "AL")


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
    `{placeholders}` are left alone. A run never spans a line."""
    return _LTR_RUN.sub(lambda m: f"{FSI}{m.group(0)}{PDI}", text)


def _has_right_to_left(text: str) -> bool:
    """True when `text` holds a strongly right-to-left character (an Arabic or Persian
    letter)."""
    return any(unicodedata.bidirectional(char) in _RIGHT_TO_LEFT for char in text)


def _opens_right_to_left(line: str) -> bool:
    """True when the first strong character of `line` is right-to-left and outside every
    isolate: then every renderer reads the line right to left, whether it skips isolates
    while looking for that character or not."""
    depth = 0
    for char in line:
        kind = unicodedata.bidirectional(char)
        if kind in _RIGHT_TO_LEFT:
            return depth == 0
        if kind == "L":
            return False
        if kind in _OPENS_ISOLATE:
            depth += 1
        elif kind == "PDI":
            depth = max(depth - 1, 0)
    return False


def _isolate_line(line: str) -> str:
    """One line of a value inside right-to-left text (see `Translator.isolate`)."""
    if not line.strip():
        return line
    inner = isolate_runs(line)
    if _has_right_to_left(line):
        return inner
    return inner if inner == f"{FSI}{line}{PDI}" else f"{FSI}{inner}{PDI}"


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
        # Digits 0-9 in every language, Arabic and Persian too: phone numbers, prices and
        # dates in the content are written so, and one system a language reads best.
        return numbers.format_decimal(value, locale=self.locale, numbering_system="latn")

    def date(self, value: date) -> str:
        return dates.format_date(value, "long", locale=self.locale)

    def datetime(self, value: datetime) -> str:
        """Date and time in the city's time zone: "24. November 2026, 19:30"."""
        pattern = dates.get_datetime_format("medium", locale=self.locale)
        day = dates.format_date(value.astimezone(self.tz).date(), "long", locale=self.locale)
        time = dates.format_time(value, "short", tzinfo=self.tz, locale=self.locale)
        return str(pattern).replace("{1}", day).replace("{0}", time)

    def isolate(self, text: str) -> str:
        """A value (a name, a number, a date, an answer) for a placeholder of this language's
        text, isolated line by line so that neither disturbs the other; a no-op for
        left-to-right languages. A line with right-to-left letters is text in this language:
        only its left-to-right runs are isolated (`isolate_runs`), so it keeps its own
        right-to-left direction. Any other line ("Theaterhaus", "0711 216-0", a URL, a line
        of a German answer) is isolated whole."""
        if not self.rtl or not text:
            return text
        return "\n".join(_isolate_line(line) for line in text.split("\n"))

    def template(self, text: str) -> str:
        """A translated template with its left-to-right runs isolated in RTL languages."""
        return isolate_runs(text) if self.rtl else text

    def lay_out(self, text: str) -> str:
        """A whole message, ready to show: in a right-to-left language, each line with
        right-to-left letters that does not open with one (outside isolates) starts with a
        right-to-left mark, so that every phone reads it right to left (see "How Arabic and
        Persian text is laid out" above); other lines, and left-to-right languages, are left
        as they are. Marking twice changes nothing."""
        if not self.rtl:
            return text
        return "\n".join(
            RLM + line if _has_right_to_left(line) and not _opens_right_to_left(line) else line
            for line in text.split("\n"))

    def language_names(self, codes: Iterable[str]) -> str:
        """Languages named in this language and listed as it lists things: ["de", "ar"] ->
        "Deutsch und Arabisch", "الألمانية والعربية"; a code CLDR does not know stays a
        code."""
        names = [self.locale.languages.get(code, code) for code in codes]
        return format_list(names, locale=self.locale) if names else ""


# A language's own name where CLDR's leaves some of its readers out: Persian ("fa") is also
# what Dari speakers from Afghanistan read, and they look for "دری" in the language picker.
_ENDONYMS = {"fa": "فارسی / دری"}


def endonyms(languages: Sequence[str]) -> dict[str, str]:
    """Each language's name in its own script, capitalized, as the language picker shows it:
    {"uk": "Українська", "fa": "فارسی / دری", ...}."""
    names = {}
    for lang in languages:
        name = _ENDONYMS.get(lang) or Locale.parse(lang).display_name or lang
        names[lang] = name[:1].upper() + name[1:]
    return names


def load_catalog(folder: Path, lang: str, domain: str) -> gettext.NullTranslations:
    """`folder/<lang>/LC_MESSAGES/<domain>.mo` when it is up to date, else its `.po` compiled
    in memory (an edited catalog is never ignored), else none (logged)."""
    po = folder / lang / "LC_MESSAGES" / f"{domain}.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime - MO_SLACK):
        with mo.open("rb") as f:
            return Translations(f, domain=domain)
    if po.exists():
        with po.open("rb") as f:
            catalog = read_po(f, locale=lang, domain=domain)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return Translations(buffer, domain=domain)
    log.warning("catalog_missing lang=%s domain=%s path=%s", lang, domain, po)
    return gettext.NullTranslations()


class Catalogs:
    """The translations of all supported languages, loaded once."""

    def __init__(self, folder: Path | str, languages: Sequence[str], *,
                 default: str = "de", timezone: str = "Europe/Berlin") -> None:
        self.folder = Path(folder)
        self.languages = tuple(languages)
        self.default = default
        self.tz = ZoneInfo(timezone)
        self._translators = {lang: Translator(lang, load_catalog(self.folder, lang, DOMAIN),
                                                         self.tz)
                             for lang in self.languages}

    def translator(self, lang: str | None) -> Translator:
        return self._translators.get(lang or self.default) or self._translators[self.default]

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


# -- a message in a language -------------------------------------------------------------------
# Pure: a `Text` and a `Translator` give a string. The channels lay it out for a chat
# (`bot/channels/render.py`); the staff console shows it on a page (`bot/console/texts.py`).


def text_of(text: Text, tr: Translator) -> str:
    """`text` in `tr`'s language as a whole message (or label) shows it: its template
    translated, its parameters filled in, and in Arabic and Persian every line set to read
    right to left (`Translator.lay_out`)."""
    return tr.lay_out(_composed(text, tr))


def _composed(text: Text, tr: Translator) -> str:
    """`text` translated with its parameters filled in: a whole message, or the value of
    another message's parameter."""
    if text.plural is not None and text.count is not None:
        count = text.params.get(text.count)
        n = count if isinstance(count, int) else 0
        template = tr.ngettext(text.msgid, text.plural, n)
        if text.context:
            found = tr.translations.npgettext(text.context, text.msgid, text.plural, n)
            template = found if found not in (text.msgid, text.plural) else template
    else:
        template = tr.gettext(text.msgid)
        if text.context:
            # A context the catalog lacks falls back to the text without one (neutral).
            found = tr.translations.pgettext(text.context, text.msgid)
            template = found if found != text.msgid else template
    values = _Params({name: param_of(value, tr) for name, value in text.params.items()})
    try:
        return tr.template(template).format_map(values)
    except (IndexError, ValueError, AttributeError):
        # A translation with a broken placeholder must not cost the user the message;
        # tests/test_i18n.py keeps this from shipping.
        log.error("bad_translation lang=%s msgid=%r", tr.lang, text.msgid)
        return tr.template(text.msgid).format_map(values)


class _Params(dict[str, str]):
    """A placeholder without a value stays visible instead of failing the whole message."""

    def __missing__(self, key: str) -> str:
        log.error("missing_param name=%s", key)
        return "{" + key + "}"


def param_of(value: Param, tr: Translator) -> str:
    if value is None:
        return ""
    if isinstance(value, Text):
        return _composed(value, tr)  # the whole message it goes into is laid out once
    if isinstance(value, Lines):
        return value.sep.join(param_of(item, tr) for item in value.items)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return tr.isolate(tr.number(value))
    if isinstance(value, datetime):
        return tr.isolate(tr.datetime(value))
    if isinstance(value, date):
        return tr.isolate(tr.date(value))
    if isinstance(value, Verbatim):
        return tr.isolate(value.text)
    return tr.isolate(str(value))
