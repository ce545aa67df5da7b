"""`welcomebot notice ...` and `welcomebot deliver`.

    welcomebot notice send aha-hygiene --audience "topic:health locale:ar,fa" --dry-run
    welcomebot notice send aha-hygiene --audience topic:health [--at "2026-11-23 08:00"]
    welcomebot notice status aha-hygiene          progress (a live bar), then the tally
    welcomebot notice pause|resume aha-hygiene
    welcomebot notice review aha-hygiene --lang ar   a person checked the Arabic text
    welcomebot deliver [--until-empty]            the outbox sender on its own
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
from collections import Counter
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.notices.content import NoticeFile

notice_app = typer.Typer(no_args_is_help=True,
                         help="Notices: send to an audience, follow, pause, resume, review.")

DONE = ("sent", "failed", "unreachable", "skipped", "expired")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _load(loaded: Settings, notice_id: str) -> NoticeFile:
    from bot.notices.content import NoticeError, load_notice, notice_path

    path = notice_path(loaded.content_dir, notice_id)
    try:
        return load_notice(path)
    except FileNotFoundError:
        typer.echo(f"{path}: no such notice file", err=True)
    except NoticeError as exc:
        typer.echo(str(exc), err=True)
    raise typer.Exit(2)


@notice_app.command("send")
def send(
    notice_id: Annotated[str, typer.Argument(help="The file name in content/notices/.")],
    audience: Annotated[str, typer.Option(help='e.g. "topic:health locale:ar,fa"')],
    at: Annotated[str | None, typer.Option(help='Local time to start: "2026-11-23 08:00".')]
    = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would happen.")]
    = False,
) -> None:
    """Queue a notice for everyone in the audience (each person gets it once)."""
    from bot.cli import in_transaction, settings
    from bot.notices import store
    from bot.notices.audience import AudienceError, parse
    from bot.notices.content import expires_at

    loaded = settings()
    notice = _load(loaded, notice_id)
    try:
        chosen = parse(audience, tuple(loaded.languages))
    except AudienceError as exc:
        typer.echo(f"--audience: {exc}", err=True)
        raise typer.Exit(2) from None
    tz = ZoneInfo(loaded.timezone)
    start = _now()
    if at is not None:
        try:
            start = dt.datetime.fromisoformat(at).replace(tzinfo=tz).astimezone(dt.UTC)
        except ValueError:
            typer.echo(f"--at '{at}': write a local time like 2026-11-23 08:00", err=True)
            raise typer.Exit(2) from None
    expiry = expires_at(notice, tz)
    counts: Counter[str] = in_transaction(
        loaded.database_url,
        lambda session: store.count(session, chosen, loaded.default_language))
    typer.echo(_plan(notice, counts, loaded, expiry))
    if dry_run:
        return
    if expiry is not None and expiry <= start:
        typer.echo("not sent: the notice has expired already", err=True)
        raise typer.Exit(1)
    added = in_transaction(loaded.database_url, lambda session: store.queue(
        session, notice, audience, chosen, send_at=start, expires_at=expiry, now=_now()))
    typer.echo(f"queued for {added} people (anyone who had it already is left out); "
               f"follow it with: welcomebot notice status {notice.id}")


def _plan(notice: NoticeFile, counts: Counter[str], loaded: Settings,
          expiry: dt.datetime | None) -> str:
    total = sum(counts.values())
    lines = [f"{total} people would get '{notice.id}':"]
    for lang in sorted(counts, key=lambda code: -counts[code]):
        state = notice.state(lang)
        shown = {
            "source": "original", "reviewed": "translated and reviewed",
            "unreviewed": "translated by a person, not reviewed yet",
            "stale": "STALE: the source changed after this was reviewed",
            "machine": "machine draft" + ("" if notice.allow_machine_translation
                                          else f": NOT sent; they get {loaded.default_language}"
                                          " with a note"),
            "missing": f"NO translation: they get {loaded.default_language} with a note",
        }[state]
        lines.append(f"  {lang}: {counts[lang]:>6}  {shown}")
    seconds = math.ceil(total / loaded.outbox_rate)
    lines.append(f"at {loaded.outbox_rate:g} messages a second this takes about "
                 f"{dt.timedelta(seconds=seconds)}")
    if expiry is not None:
        local = expiry.astimezone(ZoneInfo(loaded.timezone))
        lines.append(f"what has not gone out by {local:%d.%m.%Y %H:%M} is not sent")
    return "\n".join(lines)


@notice_app.command("status")
def status(notice_id: Annotated[str, typer.Argument()],
           follow: Annotated[bool, typer.Option(help="Keep a live bar until done.")] = True
           ) -> None:
    """Progress while sending, then the tally: sent, failed, unreachable, skipped, by language."""
    import sys

    from bot.cli import in_transaction, settings
    from bot.notices import store

    loaded = settings()

    def read() -> dict[str, Counter[str]]:
        return in_transaction(loaded.database_url, lambda session: store.tally(
            session, notice_id, loaded.default_language))

    tally = read()
    if not tally:
        typer.echo(f"'{notice_id}' has not been sent", err=True)
        raise typer.Exit(1)
    if follow and sys.stdout.isatty():
        import time

        with typer.progressbar(length=sum(sum(c.values()) for c in tally.values()),
                               label=f"sending {notice_id}") as bar:
            done = 0
            while True:
                now_done = sum(sum(tally.get(s, Counter()).values()) for s in DONE)
                bar.update(now_done - done)
                done = now_done
                if not tally.get("pending") or tally.get("paused"):
                    break
                time.sleep(1)
                tally = read()
    typer.echo(_tally(tally))


def _tally(tally: dict[str, Counter[str]]) -> str:
    languages = sorted({lang for counts in tally.values() for lang in counts})
    statuses = [s for s in ("sent", "pending", "paused", "failed", "unreachable", "skipped",
                            "expired") if s in tally]
    lines = ["          " + "".join(f"{s:>12}" for s in statuses)]
    for lang in languages:
        lines.append(f"{lang:<10}" + "".join(f"{tally[s][lang]:>12}" for s in statuses))
    lines.append(f"{'all':<10}" + "".join(f"{sum(tally[s].values()):>12}" for s in statuses))
    return "\n".join(lines)


@notice_app.command("pause")
def pause(notice_id: Annotated[str, typer.Argument()]) -> None:
    """Stop sending it; what is left waits until `resume`."""
    from bot.cli import in_transaction, settings
    from bot.notices import store

    held = in_transaction(settings().database_url,
                          lambda session: store.pause(session, notice_id))
    typer.echo(f"paused: {held} messages wait")


@notice_app.command("resume")
def resume(notice_id: Annotated[str, typer.Argument()]) -> None:
    """Go on sending (what expired meanwhile is not sent)."""
    from bot.cli import in_transaction, settings
    from bot.notices import store

    freed = in_transaction(settings().database_url,
                           lambda session: store.resume(session, notice_id))
    typer.echo(f"resumed: {freed} messages go out")


@notice_app.command("review")
def review(notice_id: Annotated[str, typer.Argument()],
           lang: Annotated[list[str], typer.Option(help="Languages a person checked.")]) -> None:
    """Mark translations as checked against the current source text (no longer stale or a
    machine draft)."""
    import yaml

    from bot.cli import settings
    from bot.notices.content import notice_path

    loaded = settings()
    notice = _load(loaded, notice_id)
    path = notice_path(loaded.content_dir, notice_id)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for code in lang:
        if code not in data["texts"]:
            typer.echo(f"--lang {code}: the notice has no text in it", err=True)
            raise typer.Exit(2)
        data["texts"][code]["based_on"] = notice.fingerprint()
        data["texts"][code].pop("machine", None)
    header = "".join(line for line in path.read_text(encoding="utf-8").splitlines(True)
                     if line.startswith("#"))
    path.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False,
                                            width=100), encoding="utf-8")
    typer.echo(f"{', '.join(lang)}: reviewed against the source as it is now")


def deliver(until_empty: Annotated[bool, typer.Option(
        "--until-empty", help="Exit once nothing is left to send now.")] = False) -> None:
    """Run the outbox sender on its own (`welcomebot run` runs it too)."""
    from bot.cli import run_async, settings

    loaded = settings()
    if loaded.telegram_bot_token is None:
        typer.echo("set TELEGRAM_BOT_TOKEN: the outbox sends through Telegram", err=True)
        raise typer.Exit(2)
    run_async(_deliver(loaded, until_empty))


async def _deliver(loaded: Settings, until_empty: bool) -> None:
    from bot.app import open_app
    from bot.channels.telegram.channel import TelegramChannel
    from bot.service import outbox_sender

    async with open_app(loaded) as bot:
        channel = TelegramChannel(bot.runtime, bot.catalogs, bot.deps.flows,
                                  token=loaded.telegram_bot_token.get_secret_value()
                                  if loaded.telegram_bot_token else "",
                                  api_base=loaded.telegram_api_base)
        sender = outbox_sender(bot, channel)
        try:
            await sender.run(asyncio.Event(), until_empty=until_empty)
        finally:
            await channel.close()

