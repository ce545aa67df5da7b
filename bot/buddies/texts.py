"""What people read about a request, a volunteer or a match, as messages for the reader's
language (JSON, rendered by the channel: see `bot.engine.cursor.as_param`).

A proposal shows what the other needs or offers, their languages, district and times,
never their name or contact: those come with `introduction`, once both agreed.

A text about the other person is written for their gender where it is known (a volunteer
may say theirs; a newcomer is never asked): `NG_` marks it, `about` sends it with the
context "female" or "male" (`bot.engine.model.GENDERS`), and without one it is neutral.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.buddies.vocabulary import GENDERS, HELP, LANGUAGES, LEVELS, TIMES
from bot.engine.messages import N_, NG_
from bot.engine.model import JSON

ITEM = N_("• {item}")
SPOKEN = N_("• {language} ({level})")
PHONE = N_("📞 Phone: {number}")
EMAIL = N_("✉️ E-mail: {address}")
CHAT_ONLY = NG_("💬 {name} would like to talk through this chat first: type /buddy and tap "
                "“✉️ Write to {name}”.")
UNKNOWN_DISTRICT = N_("not given")
NEAR = N_("{district} (next to yours)")
SAME = N_("{district} (the same as yours)")


GRAMMATICAL = {"woman": "female", "man": "male"}
"""A gender people gave (`vocabulary.GENDERS`) -> the context of the texts about them;
"diverse" and none get the neutral text."""


def msg(msgid: str, **params: JSON) -> dict[str, JSON]:
    return {"msgid": msgid, "params": params}


def grammatical(gender: str | None) -> str | None:
    """The grammatical gender to write about someone with this stored gender, if known."""
    return GRAMMATICAL.get(gender or "")


def about(msgid: str, gender: str | None, **params: JSON) -> dict[str, JSON]:
    """A message about a person, in their grammatical gender where known (`grammatical`)."""
    found = msg(msgid, **params)
    if gender in GRAMMATICAL.values():
        found["context"] = gender
    return found


def items(keys: Iterable[str], names: Mapping[str, str]) -> list[JSON]:
    """One line per chosen thing, in the vocabulary's order."""
    chosen = set(keys)
    return [msg(ITEM, item=msg(names[k])) for k in names if k in chosen]


def languages(spoken: Mapping[str, int], *, levels: bool = True) -> list[JSON]:
    """One line per language, by its own name, with how well (German "not yet" left out)."""
    lines: list[JSON] = []
    for code in sorted(spoken, key=lambda c: (list(LANGUAGES).index(c)
                                              if c in LANGUAGES else 99, c)):
        level = int(spoken[code])
        if level < 1:
            continue
        name = {"verbatim": LANGUAGES.get(code, code)}
        lines.append(msg(SPOKEN, language=name, level=msg(LEVELS[min(level, 3)]))
                     if levels else msg(ITEM, item=name))
    return lines


def district(name: str | None, theirs: str | None, neighbours: bool) -> JSON:
    """A district as the reader sees it: the same as theirs, next to it, or just its name."""
    if not name:
        return msg(UNKNOWN_DISTRICT)
    if theirs and name == theirs:
        return msg(SAME, district=name)
    return msg(NEAR, district=name) if neighbours else name


def gender(value: str | None) -> JSON:
    return msg(GENDERS[value]) if value in GENDERS else None


def contact(name: str, way: Mapping[str, Any], gender: str | None = None) -> JSON:
    """How to reach `name`, as they chose to share it (`gender`: theirs, `grammatical`)."""
    kind, value = way.get("kind"), str(way.get("value") or "")
    if kind == "phone" and value:
        return msg(PHONE, number=value)
    if kind == "email" and value:
        return msg(EMAIL, address=value)
    return about(CHAT_ONLY, gender, name=name)


def help_lines(keys: Iterable[str]) -> list[JSON]:
    return items(keys, HELP)


def time_lines(keys: Iterable[str]) -> list[JSON]:
    return items(keys, TIMES)
