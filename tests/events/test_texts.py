"""Seats left, minutes and people in every language, with each language's plural forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.render import text_of
from bot.engine.cursor import as_param
from bot.engine.model import Text
from bot.events.actions import SEATS_LEFT, WHEN, _plural
from bot.i18n import Catalogs

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = Catalogs(ROOT / "translations", ["de", "en", "ar", "fa", "uk", "ru", "tr"])


def seats(lang: str, count: int) -> str:
    message = as_param(_plural(SEATS_LEFT, count))
    assert isinstance(message, Text)
    return text_of(message, CATALOGS.translator(lang)).replace("\u2068", "").replace(
        "\u2069", "")


def test_one_seat_and_five_seats_in_english() -> None:
    assert (seats("en", 1), seats("en", 5)) == ("1 seat left", "5 seats left")


def test_arabic_uses_all_six_plural_forms() -> None:
    # zero, one, two, few (3-10), many (11-99), other (100-102)
    forms = [seats("ar", n) for n in (0, 1, 2, 3, 11, 100)]
    assert len(set(forms)) == 6
    assert "3" in forms[3] and "11" in forms[4] and "100" in forms[5]


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_slavic_languages_have_their_three_forms(lang: str) -> None:
    assert len({seats(lang, n).replace(str(n), "#") for n in (1, 3, 5, 21)}) == 3


@pytest.mark.parametrize("lang", ["de", "en", "ar", "fa", "uk", "ru", "tr"])
def test_every_language_says_how_long_an_event_lasts(lang: str) -> None:
    message = as_param(_plural(WHEN, 90, when={"datetime": "2026-12-01T17:00:00+00:00"}))
    assert isinstance(message, Text)
    shown = text_of(message, CATALOGS.translator(lang))
    assert "{" not in shown and "2026" in shown and "90" in shown
