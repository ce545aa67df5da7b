"""Who a notice goes to: `topic:health locale:ar,fa district:mitte,bad_cannstatt role:newcomer
channel:telegram`.

A district is named by its id in content/districts.yaml (`bad_cannstatt`), or by a name
without spaces (`Cannstatt`, `Mitte`).

Keys combine with AND, the values of one key with OR; `topic:` is required (people get only
what they asked for). Only people who consented and can be reached are ever counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.notices.topics import TOPICS

if TYPE_CHECKING:
    from bot.districts import Districts

KEYS = ("topic", "locale", "district", "role", "channel")
ROLES = ("newcomer", "volunteer", "staff", "admin")
CHANNELS = ("telegram", "whatsapp", "console")


class AudienceError(ValueError):
    """What is wrong with an expression, and how to write it."""


@dataclass(frozen=True)
class Audience:
    topics: tuple[str, ...]
    locales: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()


def parse(expression: str, languages: tuple[str, ...], *,
          districts: Districts | None = None) -> Audience:
    """The audience an expression selects; with `districts`, each `district:` value is
    checked against the city's and kept as the name people's records hold."""
    found: dict[str, tuple[str, ...]] = {}
    for token in expression.split():
        key, sep, values = token.partition(":")
        if not sep or key not in KEYS or not values:
            raise AudienceError(f"'{token}': write key:value[,value...] with a key of "
                                f"{', '.join(KEYS)} (e.g. topic:health locale:ar,fa)")
        if key in found:
            raise AudienceError(f"'{key}:' given twice; list its values with commas instead")
        found[key] = tuple(v for v in values.split(",") if v)
    if "topic" not in found:
        raise AudienceError("name the topic (topic:health): people get only the topics "
                            "they asked for")
    for key, allowed in (("topic", tuple(TOPICS)), ("locale", languages), ("role", ROLES),
                         ("channel", CHANNELS)):
        for value in found.get(key, ()):
            if value not in allowed:
                raise AudienceError(f"{key}:{value}: not one of {', '.join(allowed)}")
    if districts is not None and "district" in found:
        names = []
        for value in found["district"]:
            district = districts.by_id(value) or districts.find(value)
            if district is None:
                raise AudienceError(
                    f"district:{value}: not a district of the city; write its id, one of "
                    f"{', '.join(d.id for d in districts.items)}")
            names.append(district.name)
        found["district"] = tuple(names)
    return Audience(found["topic"], found.get("locale", ()), found.get("district", ()),
                    found.get("role", ()), found.get("channel", ()))
