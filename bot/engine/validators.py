"""Validators for typed answers: `input: number` in a flow names one of `VALIDATORS`.

A validator turns what the user typed into the value to store, or says kindly what is wrong.
They accept digits of every script (Arabic-Indic "٣", Persian "۳") and keyboards' variants.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from bot.engine import messages as m
from bot.engine.definition import InputSpec
from bot.engine.model import JSON, Text
from bot.engine.normalize import ascii_digits, normalize


@dataclass(frozen=True)
class Valid:
    value: JSON


@dataclass(frozen=True)
class Invalid:
    reason: Text


Outcome = Valid | Invalid
Validator = Callable[[str, InputSpec, datetime], Outcome]

DEFAULT_MAX_LENGTH = 500


def text(typed: str, spec: InputSpec, now: datetime) -> Outcome:
    """Any words: at least one letter or digit (not only emoji), at most `max_length` chars."""
    cleaned = " ".join(typed.split())
    limit = spec.max_length or DEFAULT_MAX_LENGTH
    if len(cleaned) > limit:
        return Invalid(Text(m.TOO_LONG, {"max": limit}))
    if not any(unicodedata.category(ch)[0] in "LN" for ch in cleaned):
        return Invalid(Text(m.NEED_TEXT))
    return Valid(cleaned)


def paragraphs(typed: str, spec: InputSpec, now: datetime) -> Outcome:
    """Like `text`, but the line breaks stay (a notice, a letter): spaces within lines are
    tidied, and more than one empty line in a row becomes one."""
    lines = [" ".join(line.split()) for line in typed.strip().splitlines()]
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    limit = spec.max_length or DEFAULT_MAX_LENGTH
    if len(cleaned) > limit:
        return Invalid(Text(m.TOO_LONG, {"max": limit}))
    if not any(unicodedata.category(ch)[0] in "LN" for ch in cleaned):
        return Invalid(Text(m.NEED_TEXT))
    return Valid(cleaned)


def number(typed: str, spec: InputSpec, now: datetime) -> Outcome:
    """A whole number within `min`..`max`: "3", "٣", "۳", " 3 "."""
    example = spec.min if spec.min is not None else 1
    cleaned = ascii_digits(typed).strip().replace("٫", ".")
    if not re.fullmatch(r"[+-]?\d{1,9}", cleaned):
        return Invalid(Text(m.NEED_NUMBER, {"example": example}))
    value = int(cleaned)
    if spec.min is not None and value < spec.min:
        return Invalid(Text(m.NUMBER_TOO_SMALL, {"min": spec.min}))
    if spec.max is not None and value > spec.max:
        return Invalid(Text(m.NUMBER_TOO_BIG, {"max": spec.max}))
    return Valid(value)


# What people type for yes and no, beyond the translated button labels (which the ask step
# matches in every language through the lexicon).
_YES = {"y", "j", "ja", "jo", "yes", "yeah", "ok", "okay", "oui", "si", "evet", "e", "tamam",
        "да", "так", "ага", "نعم", "اي", "ايوه", "اه", "بله", "بلی", "اره", "باشه", "ha", "👍"}
_NO = {"n", "nein", "no", "nope", "nee", "hayir", "yok", "нет", "ні", "не", "لا", "نه", "خیر",
       "نخیر", "👎"}


def yes_no(typed: str, spec: InputSpec, now: datetime) -> Outcome:
    word = normalize(typed)
    if word in _YES or typed.strip() == "👍":
        return Valid(True)
    if word in _NO or typed.strip() == "👎":
        return Valid(False)
    return Invalid(Text(m.NEED_YES_NO))


_DMY = re.compile(r"(\d{1,2})[./\-\s](\d{1,2})(?:[./\-\s](\d{2}|\d{4}))?\.?")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def a_date(typed: str, spec: InputSpec, now: datetime) -> Outcome:
    """Day first, as written in Germany and most of our languages: "24.12.2026", "24/12/26",
    "24.12" (this year), or ISO "2026-12-24". `when: past|future` restricts it; stored as ISO."""
    example = "24.12." + str(now.year)
    cleaned = ascii_digits(typed).strip()
    found = _YMD.fullmatch(cleaned)
    if found:
        year, month, day = (int(g) for g in found.groups())
    elif found := _DMY.fullmatch(cleaned):
        day, month = int(found[1]), int(found[2])
        year = int(found[3]) if found[3] else now.year
        if found[3] and len(found[3]) == 2:
            year += 2000 if year + 2000 <= now.year + 20 else 1900
    else:
        return Invalid(Text(m.NEED_DATE, {"example": example}))
    try:
        value = date(year, month, day)
    except ValueError:
        return Invalid(Text(m.NEED_DATE, {"example": example}))
    if spec.when == "past" and value > now.date():
        return Invalid(Text(m.DATE_NOT_PAST))
    if spec.when == "future" and value < now.date():
        return Invalid(Text(m.DATE_NOT_FUTURE))
    return Valid(value.isoformat())


def phone(typed: str, spec: InputSpec, now: datetime) -> Outcome:
    """A phone number that could exist; without a country code it is taken as German.
    Stored in E.164 ("+4917612345678")."""
    example = "+49 176 12345678"
    try:
        parsed = phonenumbers.parse(ascii_digits(typed), "DE")
    except phonenumbers.NumberParseException:
        return Invalid(Text(m.NEED_PHONE, {"example": example}))
    if not phonenumbers.is_possible_number(parsed):
        return Invalid(Text(m.NEED_PHONE, {"example": example}))
    return Valid(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def email(typed: str, spec: InputSpec, now: datetime) -> Outcome:
    """An e-mail address of valid form (no DNS lookup: the engine does no I/O)."""
    try:
        checked = validate_email(typed.strip(), check_deliverability=False)
    except EmailNotValidError:
        return Invalid(Text(m.NEED_EMAIL))
    return Valid(checked.normalized)


VALIDATORS: dict[str, Validator] = {
    "text": text,
    "paragraphs": paragraphs,
    "number": number,
    "yesno": yes_no,
    "date": a_date,
    "phone": phone,
    "email": email,
}
