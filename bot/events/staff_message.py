"""A short message from staff to everyone booked for one date, each in their own language,
through the outbox (push `events:staff_message`, the last steps of `flows/events.yaml`; on
WhatsApp outside its 24 hours the events' template `welcome_event_news` carries it).

Staff write in German or English. Where an argostranslate model is installed, the other
languages get a machine draft (made as notice drafts are: `bot.notices.translation`),
shown with a word that it was translated automatically; where none is, people get the text
as it was written with a word, in their language, that it could not be translated.

    texts = await asyncio.to_thread(drafts, text, "de", languages, models_dir)
    told = await send(session, event_id, text, "de", texts, now, who=..., via="console")
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.db.tables import Booking, Event, Person
from bot.delivery import outbox

log = logging.getLogger(__name__)

PUSH = "events:staff_message"
MAX_LENGTH = 1000
"""A short message: what fits a phone's screen."""
SOURCES = ("de", "en")

Note = Literal["plain", "machine", "original"]


def drafts(text: str, source: str, targets: Sequence[str], models_dir: Path) -> dict[str, str]:
    """Machine drafts of `text` for the `targets` an installed model reaches (directly or
    through English); {} without argostranslate or models. Blocking and slow with real
    models: call it in a worker thread."""
    from bot.notices import translation
    from bot.notices.content import NoticeFile, Text

    wanted = [lang for lang in dict.fromkeys(targets) if lang != source]
    if not wanted:
        return {}
    translation.configure(models_dir)
    # Without models this neither loads argostranslate nor creates a folder.
    if len(translation.missing_pairs(source, wanted)) == len(wanted):
        return {}
    notice = NoticeFile(id="event-message", topic="events", source=source,
                        texts={source: Text(title="-", text=text)})
    try:
        drafted = translation.draft(notice, wanted)
    except translation.TranslationError:
        log.exception("event_message_drafts_failed")
        return {}
    return {lang: drafted.notice.texts[lang].text.strip() for lang in drafted.drafted}


@dataclass(frozen=True)
class Letter:
    """What one reader gets."""

    text: str
    note: Note


def letter(lang: str, text: str, source: str, machine: Mapping[str, str]) -> Letter:
    """The text for a reader of `lang`: the original in its language, else a machine
    draft, else the original with the note that it was not translated."""
    if lang == source:
        return Letter(text, "plain")
    if machine.get(lang):
        return Letter(machine[lang], "machine")
    return Letter(text, "original")


def _safe(text: str) -> str:
    """As content texts are shown: braces would read as placeholders."""
    return text.replace("{", "(").replace("}", ")").strip()


async def recipients(session: AsyncSession, event_id: int) -> list[tuple[int, str | None]]:
    """(person id, their locale) of everyone booked for the date, once each."""
    rows = await session.execute(
        select(Person.id, Person.locale).join(Booking, Booking.person_id == Person.id)
        .where(Booking.event_id == event_id, Booking.status == "booked")
        .order_by(Booking.id))
    return list(dict(rows.all()).items())


def reader_language(locale: str | None, languages: Sequence[str], default_language: str) -> str:
    """The language a person reads the message in: their chat's, else the default."""
    lang = (locale or default_language).split("-")[0]
    return lang if lang in languages else default_language


async def readers(session: AsyncSession, event_id: int, languages: Sequence[str],
                  default_language: str) -> dict[str, int]:
    """How many of those booked read each language (what the form shows before sending)."""
    counts: dict[str, int] = {}
    for _, locale in await recipients(session, event_id):
        lang = reader_language(locale, languages, default_language)
        counts[lang] = counts.get(lang, 0) + 1
    return counts


def without_model(source: str, targets: Sequence[str], models_dir: Path) -> list[str]:
    """The languages among `targets` no installed model reaches from `source` (they get
    the original with a note). Cheap: loads nothing where no model is installed."""
    from bot.notices import translation

    translation.configure(models_dir)
    return [target for _, target in translation.missing_pairs(source, targets)]


async def send(session: AsyncSession, event_id: int, text: str, source: str,
               machine: Mapping[str, str], now: dt.datetime, *, languages: Sequence[str],
               default_language: str, who: str, via: audit.Via) -> int | None:
    """Queue the message for everyone booked (in the caller's transaction), audited.
    Returns how many are told; None when the date does not exist or is not scheduled."""
    event = await session.get(Event, event_id)
    if event is None or event.status != "scheduled":
        return None
    text = _safe(text)
    stamp = hashlib.sha256(f"{now.isoformat()}\n{text}".encode()).hexdigest()[:10]
    people = await recipients(session, event_id)
    for person_id, locale in people:
        found = letter(reader_language(locale, languages, default_language), text, source,
                       machine)
        await outbox.queue(session, key=f"events:message:{event_id}:{stamp}:{person_id}",
                           person_id=person_id, push=PUSH,
                           payload={"event": event_id, "text": _safe(found.text),
                                    "note": found.note}, due_at=now)
    await audit.record(session, now, who=who, via=via, action="events.message",
                       target=f"event:{event_id}",
                       detail=f"told={len(people)} source={source} "
                              f"machine={','.join(sorted(machine)) or '-'}")
    return len(people)
