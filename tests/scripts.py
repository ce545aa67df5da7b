"""Telling which language a bot message is written in, for tests of whole conversations.

Latin runs inside right-to-left or Cyrillic text (/commands, "Telegram", "Welcome Center",
numbers) are allowed; what counts is the script of the words around them.
"""

from __future__ import annotations

import re
import unicodedata

_LATIN_RUNS = re.compile(r"/[a-z]+|[A-Za-zÀ-ɏ0-9][\w.:/@+-]*")


def letters(text: str) -> str:
    text = _LATIN_RUNS.sub(" ", text)
    return "".join(ch for ch in text if unicodedata.category(ch).startswith("L"))


def script_share(text: str, script: str) -> float:
    found = letters(text)
    if not found:
        return 1.0
    return sum(script in unicodedata.name(ch, "") for ch in found) / len(found)


def is_language(text: str, lang: str) -> bool:
    """True when `text` reads as `lang`: its script, and the letters that set it apart from
    its neighbours (Persian from Arabic, Ukrainian from Russian)."""
    found = letters(text)
    if lang in ("ar", "fa"):
        if script_share(text, "ARABIC") < 0.95:
            return False
        persian = set("پچژگ") | {"\u06cc", "\u06a9"}  # Persian yeh and keheh
        has_persian = any(ch in persian for ch in found)
        arabic_only = any(ch in "يكة" for ch in found)
        return (has_persian or len(found) < 12) and not arabic_only if lang == "fa" else (
            not has_persian)
    if lang in ("uk", "ru"):
        if script_share(text, "CYRILLIC") < 0.95:
            return False
        ukrainian, russian = set("іїєґІЇЄҐ"), set("ыэъёЫЭЪЁ")
        if lang == "uk":
            return not any(ch in russian for ch in found)
        return not any(ch in ukrainian for ch in found)
    return script_share(text, "LATIN") > 0.95
