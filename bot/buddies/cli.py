"""`welcomebot buddies ...`: how staff follow the Welcome Buddies from the command line.

    welcomebot buddies status              open requests, proposals waiting, active matches,
                                           volunteers, time to match
    welcomebot buddies volunteers [--all]  volunteers waiting for approval (or everyone)
    welcomebot buddies approve 12          the volunteer is told in their language and gets
    welcomebot buddies decline 12          proposals from the next round on (or is told no)
    welcomebot buddies match               one matching round now (`welcomebot run` runs
                                           one every BUDDIES_ROUND_MINUTES)
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from bot.commandline import in_transaction, settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.db.tables import BuddyVolunteer

buddies_app = typer.Typer(no_args_is_help=True,
                          help="Welcome Buddies: status, approving volunteers, matching.")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@buddies_app.command("status")
def status() -> None:
    """How the Welcome Buddies are doing."""
    from bot.buddies import views

    found = in_transaction(settings().database_url,
                           lambda session: views.status(session, _now()))
    volunteers = found.volunteers
    typer.echo(f"open requests:            {found.open_requests} "
               f"({found.escalated} of them told to staff)")
    typer.echo(f"proposals waiting:        {found.waiting_volunteer} for the volunteer, "
               f"{found.waiting_newcomer} for the newcomer to confirm")
    typer.echo(f"active matches:           {found.active} "
               f"({found.problems} with a problem reported)")
    typer.echo(f"volunteers:               {volunteers.get('approved', 0)} active, "
               f"{volunteers.get('paused', 0)} paused, {volunteers.get('pending', 0)} waiting "
               f"for approval, {volunteers.get('left', 0)} left")
    if found.median_days is None:
        typer.echo("time to match:            no matches in the last 180 days")
    else:
        typer.echo(f"time to match:            median {found.median_days:.1f} days "
                   f"({found.matched_recently} matches in the last 180 days)")
    for volunteer_id, name, when in found.pending:
        typer.echo(f"  waiting for approval: #{volunteer_id} {name} "
                   f"(registered {when:%Y-%m-%d})")


@buddies_app.command("volunteers")
def volunteers(all_: Annotated[bool, typer.Option("--all", help="Not only those waiting.")]
               = False) -> None:
    """Volunteers: id, status, first name, chat, languages, district, capacity."""
    from sqlalchemy import select

    from bot.db.tables import BuddyVolunteer, Person

    async def rows(session: AsyncSession) -> list[str]:
        query = (select(BuddyVolunteer, Person).join(Person, Person.id == BuddyVolunteer.person_id)
                 .order_by(BuddyVolunteer.id))
        if not all_:
            query = query.where(BuddyVolunteer.status == "pending")
        return [f"#{v.id}\t{v.status}{' (paused)' if v.paused else ''}\t{v.first_name}\t"
                f"{p.channel}:{p.external_id}\t"
                f"{','.join(f'{c}:{n}' for c, n in v.languages.items())}\t{p.district or '-'}\t"
                f"{v.capacity}" for v, p in (await session.execute(query)).all()]

    found = in_transaction(settings().database_url, rows)
    for line in found:
        typer.echo(line)
    if not found:
        typer.echo("no volunteers" if all_ else "nobody is waiting for approval")


def _decide(volunteer_id: int, approve: bool) -> None:
    from bot import audit
    from bot.buddies import board

    async def decide(session: AsyncSession) -> BuddyVolunteer | None:
        return await board.decide(session, volunteer_id, approve, _now(),
                                  who=audit.operator(), via="cli")

    found = in_transaction(settings().database_url, decide)
    if found is None:
        typer.echo(f"no volunteer #{volunteer_id} (see `welcomebot buddies volunteers --all`)",
                   err=True)
        raise typer.Exit(1)
    typer.echo(f"#{found.id} {found.first_name}: {found.status}; they will be told in their "
               "language")


@buddies_app.command("approve")
def approve(volunteer_id: Annotated[int, typer.Argument(help="The volunteer's number.")]) -> None:
    """Approve a volunteer: they are told, and proposed to newcomers from now on."""
    _decide(volunteer_id, True)


@buddies_app.command("decline")
def decline(volunteer_id: Annotated[int, typer.Argument(help="The volunteer's number.")]) -> None:
    """Decline a volunteer: they are told kindly; nobody is proposed to them."""
    _decide(volunteer_id, False)


@buddies_app.command("match")
def match() -> None:
    """Run one matching round now: timeouts, proposals, staff told."""
    from bot import audit
    from bot.buddies import board
    from bot.districts import DistrictsError, districts_in

    loaded = settings()
    try:
        districts_in(loaded.content_dir)
    except DistrictsError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    report = in_transaction(loaded.database_url, lambda session: board.match_now(
        session, _now(), loaded, who=audit.operator(), via="cli"))
    typer.echo(f"proposed {report.proposed}, expired {report.expired}, lapsed {report.lapsed}, "
               f"told staff about {report.escalated}")
