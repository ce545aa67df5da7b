"""`welcomebot events ...`: how staff add, import, list and cancel events, and see who comes.

    welcomebot events import content/events.yaml     add or update the series of a file
    welcomebot events add --id cafe-ost --kind language_cafe --title "de=Sprachcafé Ost" \\
        --title "en=Language café East" --place "Bibliothek Ost" --address "..." \\
        --district Ost --languages de,ar --starts "2026-12-01 18:00" --minutes 90 \\
        --capacity 20 [--repeat FREQ=WEEKLY;BYDAY=TU] [--seats newcomer=12,local=8]
    welcomebot events list [--all]                    the coming dates, with their numbers
    welcomebot events cancel 42 | --series cafe-ost   one date, or every coming one
    welcomebot events move 42 "2026-12-02 19:00"      one date to another time
    welcomebot events attendees 42 [--csv]            who comes, then who waits
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from bot.commandline import in_transaction, settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

events_app = typer.Typer(no_args_is_help=True,
                         help="Events: add, import, list, cancel, move; who comes.")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@events_app.command("import")
def import_(file: Annotated[Path, typer.Argument(help="A YAML list of event series.")]) -> None:
    """Add the series of FILE, or update those with the same id (bookings stay)."""
    from bot import audit
    from bot.events import store
    from bot.events.content import EventsFileError, load_series

    loaded = settings()
    try:
        series = load_series(file)
    except (EventsFileError, OSError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    tz = ZoneInfo(loaded.timezone)

    async def save(session: AsyncSession) -> store.Synced:
        now = _now()
        synced = await store.save_series(session, series, now, tz)
        await audit.by_operator(session, now, "events.import", str(file.name),
                                f"series={len(series)} added={synced.added}")
        return synced

    result = in_transaction(loaded.database_url, save)
    typer.echo(f"{len(series)} series: {result.added} dates added, {result.updated} updated")


@events_app.command("add")
def add(
    id: Annotated[str, typer.Option(help="Short name: lowercase letters, digits, -.")],
    kind: Annotated[str, typer.Option(help="dialogue or language_cafe")],
    title: Annotated[list[str], typer.Option(help='Per language: "de=Sprachcafé Ost".')],
    place: Annotated[str, typer.Option()],
    address: Annotated[str, typer.Option(help="Street, number, postcode, city.")],
    district: Annotated[str, typer.Option()],
    languages: Annotated[str, typer.Option(help="Spoken there: de,ar,uk")],
    starts: Annotated[str, typer.Option(help='Local time: "2026-12-01 18:00".')],
    minutes: Annotated[int, typer.Option()],
    capacity: Annotated[int, typer.Option()],
    repeat: Annotated[str | None, typer.Option(help="RRULE: FREQ=WEEKLY;BYDAY=TU")] = None,
    seats: Annotated[str | None, typer.Option(help="Kept per group: newcomer=12,local=8")] = None,
    description: Annotated[list[str] | None, typer.Option(help='"de=..." per language')] = None,
    audience: Annotated[str, typer.Option(help="everyone, women, families, youth")] = "everyone",
    features: Annotated[str, typer.Option(help="childcare,interpreter,wheelchair")] = "",
) -> None:
    """Add one event or series (or change the one with this id)."""
    from pydantic import ValidationError

    from bot import audit
    from bot.events import changes
    from bot.events.series import Series

    def pairs(items: list[str] | None, what: str) -> dict[str, str]:
        found = {}
        for item in items or []:
            key, sep, value = item.partition("=")
            if not sep:
                typer.echo(f"--{what} {item!r}: write it as key=value, e.g. de=...", err=True)
                raise typer.Exit(2)
            found[key.strip()] = value.strip()
        return found

    loaded = settings()
    try:
        series = Series.model_validate({
            "id": id, "kind": kind, "title": pairs(title, "title"),
            "description": pairs(description, "description"), "place": place,
            "address": address, "district": district,
            "languages": [x.strip() for x in languages.split(",") if x.strip()],
            "audience": audience, "features": [x for x in features.split(",") if x],
            "starts": starts, "minutes": minutes, "capacity": capacity, "repeat": repeat,
            "seats": {k: int(v) for k, v in pairs(seats.split(",") if seats else [],
                                                  "seats").items()}})
    except (ValidationError, ValueError) as exc:
        typer.echo(f"The event is not valid:\n{exc}", err=True)
        raise typer.Exit(2) from None
    tz = ZoneInfo(loaded.timezone)

    async def save(session: AsyncSession) -> changes.Saved:
        return await changes.save_series(session, series, _now(), tz, loaded.reminders,
                                         who=audit.operator(), via="cli")

    result = in_transaction(loaded.database_url, save)
    if result.added == result.updated == result.moved == 0:
        typer.echo("saved, but no date falls in the coming weeks (is the start in the past?)")
    else:
        typer.echo(f"{series.id}: {result.added} dates added, {result.updated} updated"
                   + (f", {result.moved} moved" if result.moved else ""))
    if result.kept:
        typer.echo(f"booked dates the new times no longer have, kept: "
                   f"{', '.join(map(str, result.kept))} (cancel or move them)")


@events_app.command("list")
def list_(all_: Annotated[bool, typer.Option("--all", help="Cancelled ones too.")] = False
          ) -> None:
    """The coming dates: id, time, title, seats booked of capacity, waiting."""
    from sqlalchemy import select

    from bot.db.tables import Event
    from bot.events import store

    loaded = settings()
    tz = ZoneInfo(loaded.timezone)

    async def go(session: AsyncSession) -> list[str]:
        query = select(Event).where(Event.starts_at > _now()).order_by(Event.starts_at)
        if not all_:
            query = query.where(Event.status == "scheduled")
        events = list(await session.scalars(query))
        taken = await store.taken(session, [e.id for e in events])
        waiting = await store.waiting_counts(session, [e.id for e in events])
        def title(event: Event) -> str:
            titles = event.details["title"]
            return str(titles.get(loaded.default_language) or next(iter(titles.values())))

        return [f"{e.id:>5}  {e.starts_at.astimezone(tz):%a %d.%m.%Y %H:%M}  "
                f"{sum(taken[e.id].values()):>3}/{e.capacity:<3} "
                f"waiting {waiting.get(e.id, 0):<3} "
                f"{'CANCELLED ' if e.status == 'cancelled' else ''}{title(e)}  [{e.series}]"
                for e in events]

    lines = in_transaction(loaded.database_url, go)
    typer.echo("\n".join(lines) if lines else "no events in the coming weeks "
               "(add some: welcomebot events import content/events.yaml)")


@events_app.command("cancel")
def cancel(
    event: Annotated[int | None, typer.Argument(help="The id `events list` shows.")] = None,
    series: Annotated[str | None, typer.Option(help="Every coming date of this series.")] = None,
) -> None:
    """Cancel one date, or a whole series; everyone booked or waiting is told."""
    from bot import audit
    from bot.events import changes

    loaded = settings()
    if (event is None) == (series is None):
        typer.echo("give an event id, or --series ID", err=True)
        raise typer.Exit(2)

    async def end(session: AsyncSession) -> int | None:
        return await changes.cancel(session, _now(), who=audit.operator(), via="cli",
                                    event_id=event, series_id=series)

    told = in_transaction(loaded.database_url, end)
    if told is None:
        typer.echo(f"no series '{series}'" if series is not None else f"no event {event}",
                   err=True)
        raise typer.Exit(1)
    typer.echo(f"cancelled; {told} booking(s) will be told in their language")


@events_app.command("move")
def move(event: Annotated[int, typer.Argument()],
         starts: Annotated[str, typer.Argument(help='New local time: "2026-12-02 19:00".')]
         ) -> None:
    """Move one date (same length); everyone booked or waiting is told."""
    from bot import audit
    from bot.events import changes

    loaded = settings()
    new_start = changes.wall_time(starts, ZoneInfo(loaded.timezone))
    if new_start is None:
        typer.echo(f"'{starts}' is not a time like 2026-12-02 19:00", err=True)
        raise typer.Exit(2)

    async def move_it(session: AsyncSession) -> int | None:
        assert new_start is not None
        return await changes.move(session, event, new_start, _now(), loaded.reminders,
                                  who=audit.operator(), via="cli")

    told = in_transaction(loaded.database_url, move_it)
    if told is None:
        typer.echo(f"no event {event}", err=True)
        raise typer.Exit(1)
    typer.echo(f"moved; {told} booking(s) will be told in their language")


@events_app.command("attendees")
def attendees(event: Annotated[int, typer.Argument()],
              as_csv: Annotated[bool, typer.Option("--csv", help="CSV for a spreadsheet.")]
              = False) -> None:
    """Who comes (booked), then the waitlist in its order."""
    from bot.events import store

    loaded = settings()
    rows = in_transaction(loaded.database_url,
                          lambda session: store.attendees(session, event))
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(["booking", "person", "status", "group", "people", "children",
                         "booked_at", "first_name"])
        for row in rows:
            writer.writerow([row.booking_id, row.person, row.status, row.group, row.people,
                             row.children, row.booked_at.isoformat(), row.first_name or ""])
        return
    if not rows:
        typer.echo("nobody has booked yet")
    for n, row in enumerate(rows, 1):
        typer.echo(f"{n:>3}. {row.status:<8} {row.called:<24} {row.people} people "
                   f"({row.children} children), {row.group}")
