"""What volunteers offer and newcomers need, when they can meet, how well they speak a
language: short ASCII values (stored, and in buttons) and the msgids people read.

The list of languages offered is wider than the bot's own: volunteers often speak French
or Spanish, newcomers Kurdish, Pashto or Tigrinya. Each is shown in its own script.
"""

from __future__ import annotations

from bot.engine.messages import N_

HELP: dict[str, str] = {
    "authorities": N_("🏛 Appointments and authorities"),
    "documents": N_("📄 Letters and documents"),
    "german": N_("🗣 Practising German"),
    "job": N_("💼 Job and applications"),
    "housing": N_("🏠 Looking for a flat"),
    "leisure": N_("🌳 Free time and getting to know the city"),
}
"""What a buddy helps with: the volunteer's offers and the newcomer's needs."""

TIMES: dict[str, str] = {
    "mornings": N_("🌅 Weekday mornings"),
    "afternoons": N_("☀️ Weekday afternoons"),
    "evenings": N_("🌙 Weekday evenings"),
    "weekends": N_("📅 Weekends"),
}

LEVELS: dict[int, str] = {
    1: N_("a little"),
    2: N_("well"),
    3: N_("fluently"),
}
"""How well someone speaks a language. A newcomer's own languages count as fluent; their
German is asked (0: not yet)."""

GERMAN_LEVELS: dict[int, str] = {
    0: N_("Not yet"),
    1: N_("A little"),
    2: N_("Quite well"),
    3: N_("Very well"),
}

GENDERS: dict[str, str] = {
    "woman": N_("Woman"),
    "man": N_("Man"),
    "diverse": N_("Diverse"),
}

LANGUAGES: dict[str, str] = {
    "de": "Deutsch", "en": "English", "ar": "العربية", "fa": "فارسی / دری",
    "uk": "Українська", "ru": "Русский", "tr": "Türkçe", "ku": "Kurdî", "ps": "پښتو",
    "ti": "ትግርኛ", "so": "Soomaali", "fr": "Français", "es": "Español", "it": "Italiano",
    "pl": "Polski", "ro": "Română",
}
"""code -> the language's name in its own script, in the order offered."""
GERMAN = "de"
