"""Keeping the PO catalogs whole: what `welcomebot i18n check` and the i18n test report.

A catalog is complete when every msgid has a translation that is not fuzzy, uses exactly the
msgid's `{placeholders}`, and has every plural form its language needs (Arabic six).

Two domains: `messages`, what people read in the chat, in every language of LANGUAGES; and
`console`, the staff console's interface, in German and English only (`console_problems`;
its texts are Jinja2's, with `%(name)s` placeholders).
"""

from __future__ import annotations

import re
import string
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

DOMAIN = "messages"
CONSOLE_DOMAIN = "console"
_NAMED = re.compile(r"%\((\w+)\)s")
CONSOLE_LANGUAGES = ("de", "en")
"""The staff console's languages (`bot/console/lang.py`)."""


def po_path(folder: Path, lang: str, domain: str = DOMAIN) -> Path:
    return folder / lang / "LC_MESSAGES" / f"{domain}.po"


def read(path: Path, lang: str | None, domain: str = DOMAIN) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=lang, domain=domain)


def placeholders(text: str) -> set[str] | None:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


def problems(folder: Path, lang: str, template: Path, domain: str = DOMAIN) -> list[str]:
    """Everything wrong with one language's catalog, one line each (empty: complete)."""
    path = po_path(folder, lang, domain)
    if not path.exists():
        return [f"{path}: missing; create it with `pybabel init -l {lang}` (see make i18n)"]
    catalog = read(path, lang, domain)
    wanted = {m.id for m in read(template, None, domain) if m.id}
    found = []
    have = {m.id for m in catalog if m.id}
    for msgid in sorted(wanted - have, key=str):
        found.append(f"{path}: {_short(msgid)!r} is not in the catalog; run make i18n")
    for message in catalog:
        if not message.id or message.id not in wanted:
            continue
        found += [f"{path}:{message.lineno}: {_short(message.id)!r}: {p}"
                  for p in _message_problems(message, catalog.num_plurals)]
    return found


def console_problems(folder: Path) -> list[str]:
    """Everything wrong with the staff console's catalogs (German and English)."""
    template = folder / f"{CONSOLE_DOMAIN}.pot"
    if not template.exists():
        return [f"{template}: missing; run make i18n"]
    return [problem for lang in CONSOLE_LANGUAGES
            for problem in problems(folder, lang, template, CONSOLE_DOMAIN)]


def _message_problems(message: Message, num_plurals: int) -> list[str]:
    ids = list(message.id) if isinstance(message.id, tuple | list) else [message.id]
    strs: list[str] = [s or "" for s in (message.string if isinstance(message.string, tuple | list)
                                         else [message.string])]
    if message.fuzzy:
        return ["marked fuzzy: check the translation and remove the fuzzy flag"]
    if isinstance(message.id, tuple | list) and len(strs) != num_plurals:
        return [f"needs {num_plurals} plural forms, has {len(strs)}"]
    if not all(s and s.strip() for s in strs):
        return ["not translated"]
    if any("%(" in i for i in ids):  # a console template's text: Jinja2's %(name)s
        expected_named = set().union(*(set(_NAMED.findall(i)) for i in ids))
        if any(set(_NAMED.findall(text)) != expected_named for text in strs):
            return ["placeholders differ: the translation must use every %(name)s of the "
                    "source, and no other"]
        return []
    expected = set().union(*(placeholders(i) or set() for i in ids))
    plural = isinstance(message.id, tuple | list)
    found = []
    for index, text in enumerate(strs):
        used = placeholders(text)
        # A plural form may leave out the number ("يوم واحد" for one day), as in GNU
        # gettext; the last form, used for most numbers, must show everything.
        optional = plural and index < len(strs) - 1
        if used is None:
            found.append("has an unmatched { or }: write {{ or }} for a shown brace")
        elif used != expected and not (optional and used < expected):
            want = ", ".join(sorted(f"{{{p}}}" for p in expected)) or "none"
            found.append(f"placeholders differ: the source has {want}, the translation "
                         + (", ".join(sorted(f"{{{p}}}" for p in used)) or "none"))
    return found


def fill_source(folder: Path, lang: str, domain: str = DOMAIN) -> int:
    """The source language's catalog: each msgid is its own translation."""
    path = po_path(folder, lang, domain)
    catalog = read(path, lang, domain)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        source = tuple(message.id) if isinstance(message.id, tuple | list) else message.id
        if message.string != source or message.fuzzy:
            message.string = source
            message.flags.discard("fuzzy")
            filled += 1
    with path.open("wb") as f:
        write_po(f, catalog, width=100)
    return filled


def _short(text: object) -> str:
    value = text[0] if isinstance(text, tuple | list) else str(text)
    return value if len(value) < 60 else value[:57] + "..."
