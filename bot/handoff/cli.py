"""`welcomebot handoff ...`: conversations with newcomers from the command line, for staff at
the server and the coordinator of the interpreters. Every reading and answer is in the audit
log under the operator's name.

    welcomebot handoff list [--lang ar] [--topic housing] [--all]   open conversations
    welcomebot handoff show 12              every message, in the original and in German
    welcomebot handoff reply 12 "Guten Tag, ..." [--lang en]   answer (translated for them)
    welcomebot handoff interpreters [--all]  interpreter requests, for the coordinator
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from bot.commandline import in_transaction, settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.handoff.casework import Actor

handoff_app = typer.Typer(no_args_is_help=True,
                          help="Talk to a person: conversations with newcomers, interpreters.")

STATES = {"open": "new", "waiting_us": "waiting for us", "waiting_them": "waiting for them",
          "closed": "closed", "erased": "erased"}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _actor() -> Actor:
    from bot import audit
    from bot.handoff.casework import Actor

    return Actor(audit.operator(), "cli")


def _topic(topic: str | None) -> str:
    from bot.faq.titles import TITLES

    return TITLES.get(topic or "", "in their own words")


@handoff_app.command("list")
def list_cases(
        lang: Annotated[str | None, typer.Option(help="Only this language (ar, fa, ...).")]
        = None,
        topic: Annotated[str | None, typer.Option(help="Only this FAQ topic id.")] = None,
        all_: Annotated[bool, typer.Option("--all", help="Closed and erased ones too.")]
        = False) -> None:
    """Open conversations, by language and topic, those waiting longest first."""
    from bot.handoff import rules, store

    async def rows(session: AsyncSession) -> list[str]:
        status = (*rules.LIVE, "closed", "erased") if all_ else rules.LIVE
        found = await store.cases(session, status=status, lang=lang, topic=topic, limit=500)
        found.sort(key=lambda c: (c.lang or "", c.topic or "~", c.last_at))
        counts = await store.counts(session, [c.id for c in found])
        return [f"#{c.id}\t{c.lang or '-'}\t{_topic(c.topic)}\t{STATES[c.status]}\t"
                f"{counts.get(c.id, 0)} messages\tlast {c.last_at:%Y-%m-%d %H:%M} UTC\t"
                f"{'taken' if c.staff_id else 'not taken'}" for c in found]

    found = in_transaction(settings().database_url, rows)
    for line in found:
        typer.echo(line)
    if not found:
        typer.echo("no open conversations")


@handoff_app.command("show")
def show(case: Annotated[int, typer.Argument(help="The conversation's number.")]) -> None:
    """Every message: the original, and beside it the German (machine translation)."""
    from bot.handoff import casework

    async def lines(session: AsyncSession) -> list[str] | None:
        seen = await casework.read(session, case, _actor(), _now())
        if seen is None:
            return None
        found, messages = seen
        if found.status == "erased":
            return [f"#{found.id} was erased at the person's request."]
        out = [f"#{found.id}\t{found.lang or '-'}\t{_topic(found.topic)}\t"
               f"{STATES[found.status]}"]
        for message in messages:
            at = f"{message.at:%Y-%m-%d %H:%M} UTC"
            if message.author == "newcomer":
                out.append(f"[{at}] person ({message.lang}): {message.text}")
                if message.lang != "de":
                    out.append(f"    German (machine translation): {message.translation}"
                               if message.translation else
                               "    German: not translated (no model for this language)")
            elif message.author == "staff":
                out.append(f"[{at}] staff ({message.lang}): {message.text}")
                if message.translation:
                    out.append(f"    sent in {message.translated_to} (machine translation): "
                               f"{message.translation}")
            elif message.author == "faq":
                out.append(f"[{at}] FAQ answer sent: {message.topic}")
            else:
                out.append(f"[{at}] note (staff only): {message.text}")
        return out

    found = in_transaction(settings().database_url, lines)
    if found is None:
        typer.echo(f"There is no conversation #{case}.", err=True)
        raise typer.Exit(1)
    for line in found:
        typer.echo(line)


@handoff_app.command("reply")
def reply(case: Annotated[int, typer.Argument(help="The conversation's number.")],
          text: Annotated[str, typer.Argument(help="The answer, in German or English.")],
          lang: Annotated[str, typer.Option(help="The answer's language: de or en.")]
          = "de") -> None:
    """Answer: the person gets it in their language (machine-translated where a model is
    installed, `make translate`), with the original one tap away."""
    from bot.handoff import casework

    if lang not in ("de", "en"):
        typer.echo("--lang is de or en", err=True)
        raise typer.Exit(2)
    loaded = settings()

    async def send(session: AsyncSession) -> str | None:
        message = await casework.reply(session, case, text, lang, _actor(),
                                       _now(), loaded.translation_models_dir)
        if message is None:
            return None
        if message.translation:
            return (f"sent to #{case} in {message.translated_to} (machine translation): "
                    f"{message.translation}")
        if message.translated_to and message.translated_to != message.lang:
            return (f"sent to #{case} as written: no translation model for "
                    f"{message.translated_to} here")
        return f"sent to #{case}"

    said = in_transaction(loaded.database_url, send)
    if said is None:
        typer.echo(f"#{case} is not open (closed, erased, or there is none).", err=True)
        raise typer.Exit(1)
    typer.echo(said)


@handoff_app.command("interpreters")
def interpreters(all_: Annotated[bool, typer.Option("--all", help="Done ones too.")]
                 = False) -> None:
    """Interpreter requests for the coordinator: day, language, conversation, note."""
    from bot.handoff import store

    async def rows(session: AsyncSession) -> list[str]:
        found = await store.interpreter_requests(session, status=None if all_ else "open")
        return [f"{r.wanted_on}\t{r.language}\t#{r.case_id}\t{r.status}\t{r.note or ''}"
                for r in found]

    found = in_transaction(settings().database_url, rows)
    for line in found:
        typer.echo(line)
    if not found:
        typer.echo("no interpreter requests")
