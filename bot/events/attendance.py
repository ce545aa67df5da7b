"""Who comes to one date, as staff take it to the door: rows (booked first, then the
waitlist in its order), and the same as CSV and as an Excel file (.xlsx, openpyxl).

The first name shown is the one the booking went under (asked at a person's first
booking, and skippable), else the one the person gave the Welcome Buddies programme; every
row names the chat (`telegram:123`).
Headers come in the reader's language (`labels`); English without.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import Booking, BuddyRequest, BuddyVolunteer, Event
from bot.events import store

COLUMNS = ("n", "first_name", "person", "status", "group", "people", "children", "booked_at")
LABELS = {"n": "#", "first_name": "First name", "person": "Chat", "status": "Status",
          "group": "Group", "people": "People", "children": "Children",
          "booked_at": "Booked at", "booked": "booked", "waiting": "waiting",
          "newcomer": "new in the city", "local": "local"}
"""The English headers and values; a page passes its own words for the same keys."""


@dataclass(frozen=True)
class Row:
    n: int
    booking_id: int
    first_name: str
    person: str
    status: str
    """booked | waiting"""
    group: str
    people: int
    children: int
    booked_at: dt.datetime


@dataclass(frozen=True)
class Sheet:
    event: Event
    title: str
    """In the reader's language where there is one."""
    rows: list[Row]

    @property
    def booked_people(self) -> int:
        return sum(r.people for r in self.rows if r.status == "booked")

    @property
    def booked_children(self) -> int:
        return sum(r.children for r in self.rows if r.status == "booked")

    @property
    def waiting_people(self) -> int:
        return sum(r.people for r in self.rows if r.status == "waiting")


def title_in(titles: Mapping[str, str], lang: str, fallback: Sequence[str] = ("de", "en")
             ) -> tuple[str, str]:
    """(title, its language): the reader's, else along `fallback`, else the first."""
    for code in (lang, *fallback):
        if titles.get(code):
            return titles[code], code
    code, title = next(iter(titles.items()), ("", ""))
    return title, code


async def sheet(session: AsyncSession, event_id: int, lang: str = "en") -> Sheet | None:
    """The date's attendees, or None when there is no such date."""
    event = await session.get(Event, event_id)
    if event is None:
        return None
    found = await store.attendees(session, event_id)
    booked = {booking_id: (person_id, name) for booking_id, person_id, name in (
        await session.execute(select(Booking.id, Booking.person_id, Booking.first_name)
                              .where(Booking.event_id == event_id))).all()}
    names = await first_names(session, list({p for p, _ in booked.values()}))

    def name_of(booking_id: int) -> str:
        person_id, given = booked.get(booking_id, (0, None))
        return given or names.get(person_id, "")

    rows = [Row(n, a.booking_id, name_of(a.booking_id), a.person, a.status, a.group,
                a.people, a.children, a.booked_at)
            for n, a in enumerate(found, 1)]
    return Sheet(event, title_in(event.details.get("title", {}), lang)[0], rows)


async def first_names(session: AsyncSession, person_ids: Sequence[int]) -> dict[int, str]:
    """The first name each person gave (as a Welcome Buddy volunteer or newcomer)."""
    if not person_ids:
        return {}
    found: dict[int, str] = {}
    for table in (BuddyRequest, BuddyVolunteer):
        rows = await session.execute(select(table.person_id, table.first_name)
                                     .where(table.person_id.in_(person_ids)))
        for person_id, name in rows.all():
            found.setdefault(person_id, name)
    return found


def _cells(row: Row, tz: ZoneInfo, labels: Mapping[str, str]) -> list[str | int]:
    return [row.n, row.first_name, row.person, labels.get(row.status, row.status),
            labels.get(row.group, row.group), row.people, row.children,
            f"{row.booked_at.astimezone(tz):%Y-%m-%d %H:%M}"]


def heading(found: Sheet, tz: ZoneInfo) -> list[str]:
    """The lines above the table: title; date and time; place."""
    event = found.event
    details = event.details
    return [found.title,
            f"{event.starts_at.astimezone(tz):%Y-%m-%d %H:%M}–{event.ends_at.astimezone(tz):%H:%M}",
            f"{details.get('place', '')}, {details.get('address', '')}"]


def as_csv(found: Sheet, tz: ZoneInfo, labels: Mapping[str, str] = LABELS) -> str:
    """One header row, then one row per booking (a spreadsheet opens it as it is)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([labels.get(c, LABELS[c]) for c in COLUMNS])
    for row in found.rows:
        writer.writerow(_cells(row, tz, labels))
    return out.getvalue()


def as_xlsx(found: Sheet, tz: ZoneInfo, labels: Mapping[str, str] = LABELS) -> bytes:
    """The date and title on top, a header row, one row per booking; columns as wide as
    what they hold."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    book = Workbook()
    page = book.active
    assert page is not None
    page.title = f"{found.event.starts_at.astimezone(tz):%Y-%m-%d}"
    top = heading(found, tz)
    page.append([top[1], top[0]])
    page["A1"].font = page["B1"].font = Font(bold=True, size=13)
    page.append([top[2]])
    page.append([])
    header = [labels.get(c, LABELS[c]) for c in COLUMNS]
    page.append(header)
    for cell in page[4]:
        cell.font = Font(bold=True)
    cells = [_cells(row, tz, labels) for row in found.rows]
    for line in cells:
        page.append(line)
    page.freeze_panes = "A5"
    for n, title in enumerate(header):
        width = max([len(str(title))] + [len(str(line[n])) for line in cells])
        if n == 0:
            width = max(width, len(top[1]))
        letter = page.cell(row=4, column=n + 1).column_letter
        page.column_dimensions[letter].width = min(60, width + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
