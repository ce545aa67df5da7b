"""`welcomebot people import FILE.csv`: the subscribers of a city's earlier bot.

Columns `channel,id,locale,topics` (topics separated by spaces or semicolons; the columns by
commas, or by tabs or semicolons as Excel writes them; UTF-8, or UTF-16 with a byte order mark):

    channel,id,locale,topics
    telegram,123456789,ar,health;events

Every row is checked first; if any is bad, each problem is reported with its line and
nothing is imported. Consent is recorded as imported, with the date: these people agreed to
get notices from the earlier bot.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import people
from bot.engine.textfile import NotText, read_text
from bot.notices import topics

CHANNELS = {"telegram": re.compile(r"^\d{1,20}$"), "whatsapp": re.compile(r"^\d{6,15}$")}
COLUMNS = ("channel", "id", "locale", "topics")


@dataclass(frozen=True)
class Row:
    channel: str
    external_id: str
    locale: str
    topics: tuple[str, ...]


class ImportError_(ValueError):
    """Every bad row, as `file:line: what`."""


def read_file(path: Path, languages: Sequence[str]) -> list[Row]:
    """The rows of the CSV file at `path` (UTF-8, or UTF-16 with a byte order mark, as Excel
    exports "Unicode text"); ImportError_ names every problem, or a file that is not text."""
    try:
        text = read_text(path)
    except NotText as exc:
        raise ImportError_(f"{exc}\nnothing was imported") from None
    return read_rows(text, str(path), languages)


def read_rows(text: str, name: str, languages: Sequence[str]) -> list[Row]:
    header = text.partition("\n")[0]
    # Excel writes "Unicode text" with tabs, and a German Excel's CSV with semicolons.
    delimiter = next((d for d in "\t;" if d in header and "," not in header), ",")
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ImportError_(f"{name}:1: the header must be {','.join(COLUMNS)}")
    rows: list[Row] = []
    problems: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for number, raw in enumerate(reader, start=2):
        channel, external_id = (raw.get("channel") or "").strip(), (raw.get("id") or "").strip()
        locale = (raw.get("locale") or "").strip()
        wanted = tuple(t for t in re.split(r"[;\s]+", raw.get("topics") or "") if t)
        found = []
        if channel not in CHANNELS:
            found.append(f"channel '{channel}' is not one of {', '.join(CHANNELS)}")
        elif not CHANNELS[channel].match(external_id):
            found.append(f"'{external_id}' is not a {channel} id")
        if locale not in languages:
            found.append(f"locale '{locale}' is not one of {', '.join(languages)}")
        unknown = [t for t in wanted if t not in topics.TOPICS]
        if unknown:
            found.append(f"unknown topic(s) {', '.join(unknown)} (known: "
                         f"{', '.join(topics.TOPICS)})")
        key = (channel, external_id)
        if key in seen:
            found.append(f"{channel}:{external_id} is on line {seen[key]} already")
        seen.setdefault(key, number)
        problems += [f"{name}:{number}: {problem}" for problem in found]
        if not found:
            rows.append(Row(channel, external_id, locale, wanted))
    if problems:
        raise ImportError_("\n".join(problems) + "\nnothing was imported")
    return rows


async def import_rows(session: AsyncSession, rows: Sequence[Row], now: datetime) -> int:
    """Create (or update) each person with consent "imported" and their topics."""
    for row in rows:
        person = await people.arrive(session, row.channel, row.external_id, now)
        person.locale = person.locale or row.locale
        if person.consent != "given":
            person.consent, person.consent_at, person.consent_source = "given", now, "imported"
        await people.store(session, person)
        await topics.subscribe(session, person.id, row.topics, now)
    return len(rows)
