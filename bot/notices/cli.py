"""`welcomebot notice ...`: how staff send notices, follow them, review and translate them.

    welcomebot notice send aha-hygiene --audience "topic:health locale:ar,fa" --dry-run
    welcomebot notice send aha-hygiene --audience topic:health [--at "2026-11-23 08:00"]
    welcomebot notice status aha-hygiene          progress (a live bar), then the tally
    welcomebot notice pause|resume|cancel aha-hygiene   cancel: what is left never goes out
    welcomebot notice review aha-hygiene --lang ar   a person checked the Arabic text
    welcomebot notice translate aha-hygiene [--to ar,fa]   machine drafts, offline

A notice is a file of the city's, `content/notices/<id>.yaml`, or one staff wrote in the chat
(`/compose`), kept in the database (`bot.notices.drafts`); the commands take either id.

The outbox sender that sends them is `welcomebot run`, or `welcomebot deliver` alone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from bot.commandline import in_transaction, settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.config import Settings
    from bot.notices.content import NoticeFile
    from bot.notices.drafts import Found
    from bot.notices.store import Reach

notice_app = typer.Typer(no_args_is_help=True,
                         help="Notices: send to an audience, follow, pause, resume, cancel, "
                              "review, translate.")

DONE = ("sent", "failed", "unreachable", "skipped", "expired", "no-template", "cancelled")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _find(loaded: Settings, notice_id: str) -> Found:
    """The notice file `content/notices/<id>.yaml`, else the notice written in the chat (a
    file needs no database)."""
    from bot.notices import drafts
    from bot.notices.content import NoticeError, notice_path

    try:
        found = drafts.in_files(loaded.content_dir, notice_id)
    except NoticeError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    if found is None:
        draft = in_transaction(loaded.database_url,
                               lambda session: drafts.get(session, notice_id))
        found = drafts.Found(draft, None) if draft is not None else None
    if found is None:
        typer.echo(f"{notice_path(loaded.content_dir, notice_id)}: no such notice file, and "
                   f"no notice '{notice_id}' written in the chat", err=True)
        raise typer.Exit(2)
    return found


def _load(loaded: Settings, notice_id: str) -> NoticeFile:
    return _find(loaded, notice_id).notice


def _keep(loaded: Settings, notice: NoticeFile) -> None:
    """Store a changed notice written in the chat."""
    from bot.notices import drafts

    in_transaction(loaded.database_url, lambda session: drafts.put(session, notice, _now()))


@notice_app.command("send")
def send(
    notice_id: Annotated[str, typer.Argument(
        help="The file name in content/notices/, or the id of a notice written in the chat.")],
    audience: Annotated[str, typer.Option(
        help='e.g. "topic:health locale:ar,fa district:bad_cannstatt role:newcomer"')],
    at: Annotated[str | None, typer.Option(help='Local time to start: "2026-11-23 08:00".')]
    = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would happen.")]
    = False,
    paid: Annotated[bool, typer.Option(
        "--paid", help="Urgent: a Telegram paid broadcast, up to TELEGRAM_PAID_RATE a second, "
                       "0.1 Star a message (needs TELEGRAM_PAID_BROADCAST=true).")] = False,
) -> None:
    """Queue a notice for everyone in the audience (each person gets it once)."""
    from bot.districts import districts_in
    from bot.notices import store
    from bot.notices.audience import AudienceError, parse
    from bot.notices.content import expires_at

    loaded = settings()
    if paid and not loaded.telegram_paid_broadcast:
        typer.echo("--paid: paid broadcasts are off; set TELEGRAM_PAID_BROADCAST=true (the bot "
                   "pays 0.1 Telegram Star a message from its balance)", err=True)
        raise typer.Exit(2)
    notice = _load(loaded, notice_id)
    try:
        chosen = parse(audience, tuple(loaded.languages),
                       districts=districts_in(loaded.content_dir))
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
    async def look(session: AsyncSession) -> tuple[Counter[str], Reach]:
        return (await store.count(session, chosen, loaded.default_language),
                await store.reach(session, chosen, loaded.default_language, _now()))

    counts, reach = in_transaction(loaded.database_url, look)
    typer.echo(_plan(notice, counts, loaded, expiry, reach, paid=paid))
    if dry_run:
        return
    if expiry is not None and expiry <= start:
        typer.echo("not sent: the notice has expired already", err=True)
        raise typer.Exit(1)
    from bot import audit

    async def queue(session: AsyncSession) -> int:
        now = _now()
        queued = await store.queue(session, notice, audience, chosen, send_at=start,
                                   expires_at=expiry, now=now, urgent=paid)
        await audit.by_operator(session, now, "notices.send", f"notice:{notice.id}",
                                f"queued={queued}" + (" paid" if paid else ""))
        return queued

    added = in_transaction(loaded.database_url, queue)
    typer.echo(f"queued for {added} people (anyone who had it already is left out); "
               f"follow it with: welcomebot notice status {notice.id}")


def _plan(notice: NoticeFile, counts: Counter[str], loaded: Settings,
          expiry: dt.datetime | None, reach: Reach | None = None, *, paid: bool = False
          ) -> str:
    """The send plan (`bot.notices.plan`) as `notice send` prints it; `paid`: Telegram's
    people get it as a paid broadcast (its cost)."""
    from bot.notices.plan import channel_seconds, daily_waves, paid_cost, send_plan

    plan = send_plan(notice, counts, loaded.default_language, loaded.telegram_rate)
    lines = [f"{plan.total} people would get '{notice.id}':"]
    for share in plan.shares:
        shown = {
            "source": "original", "reviewed": "translated and reviewed",
            "unreviewed": "translated by a person, not reviewed yet",
            "stale": "STALE: the source changed after this was reviewed",
            "machine": "machine draft, sent with a note",
            "machine_off": f"machine draft: NOT sent; they get {share.shown_in} with a note"
                           + ("" if not notice.allow_machine_translation else
                              f" (drafted from an older source text: welcomebot notice "
                              f"translate {notice.id})"),
            "missing": f"NO translation: they get {share.shown_in} with a note",
        }[share.kind]
        lines.append(f"  {share.lang}: {share.count:>6}  {shown}")
    if paid and reach is not None:
        telegram = reach.channels.get("telegram", 0)
        seconds = channel_seconds(reach.channels, {
            "telegram": loaded.telegram_paid_rate, "whatsapp": loaded.whatsapp_rate},
            loaded.telegram_rate)
        lines.append(f"Telegram, a PAID broadcast: {telegram} messages at up to "
                     f"{loaded.telegram_paid_rate:g} a second, 0.1 Star each: about "
                     f"{paid_cost(telegram):g} Telegram Stars from the bot's balance")
        lines.append(f"this takes about {dt.timedelta(seconds=seconds)}")
    else:
        lines.append(f"at {loaded.telegram_rate:g} messages a second this takes about "
                     f"{dt.timedelta(seconds=plan.seconds)}")
    silent = sum(reach.outside_window.values()) if reach is not None else 0
    if reach is not None and silent:
        limit = loaded.whatsapp_daily_limit
        waves = daily_waves(silent, reach.opened, limit)
        lines.append(f"WhatsApp: {silent} of them have not written for 24 hours: they get the "
                     f"template first" + (f", and the number may write first to {limit} "
                     f"people a day (WHATSAPP_DAILY_LIMIT; {reach.opened} in the last 24 "
                     f"hours)" if limit else ""))
        if len(waves) > 1:
            later = ", ".join(f"{n} within {24 * day} hours"
                              for day, n in enumerate(waves[1:], start=1))
            lines.append(f"  {waves[0]} go now; the others wait for room: {later}")
    if expiry is not None:
        local = expiry.astimezone(ZoneInfo(loaded.timezone))
        lines.append(f"what has not gone out by {local:%d.%m.%Y %H:%M} is not sent")
    return "\n".join(lines)


@notice_app.command("status")
def status(notice_id: Annotated[str, typer.Argument()],
           follow: Annotated[bool, typer.Option(help="Keep a live bar until done.")] = True
           ) -> None:
    """Progress while sending, then the tally by language: sent (and of those, delivered and
    read where WhatsApp said so), failed, unreachable, no-template (WhatsApp, outside its
    24-hour window with no approved template), skipped, expired and cancelled."""
    import sys

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

        with typer.progressbar(length=sum(sum(c.values()) for s, c in tally.items()
                                          if s not in store.RECEIPTS),
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
    typer.echo(tally_table(tally))
    waits = in_transaction(loaded.database_url,
                           lambda session: store.waiting(session, notice_id))
    if waits.count and waits.first is not None and waits.last is not None:
        tz = ZoneInfo(loaded.timezone)
        typer.echo(f"{waits.count} of the pending wait for WhatsApp's daily limit on new "
                   f"conversations (WHATSAPP_DAILY_LIMIT): the next go at "
                   f"{waits.first.astimezone(tz):%d.%m.%Y %H:%M}, the last by "
                   f"{waits.last.astimezone(tz):%d.%m.%Y %H:%M} (or later, if the room is "
                   f"taken meanwhile)")


def tally_table(tally: dict[str, Counter[str]]) -> str:
    """The tally as `notice status` prints it: a column per status, a row per language."""
    languages = sorted({lang for counts in tally.values() for lang in counts})
    statuses = [s for s in ("sent", "delivered", "read", "pending", "paused", "failed",
                            "unreachable", "no-template", "skipped", "expired", "cancelled")
                if s in tally]
    lines = ["          " + "".join(f"{s:>12}" for s in statuses)]
    for lang in languages:
        lines.append(f"{lang:<10}" + "".join(f"{tally[s][lang]:>12}" for s in statuses))
    lines.append(f"{'all':<10}" + "".join(f"{sum(tally[s].values()):>12}" for s in statuses))
    return "\n".join(lines)


@notice_app.command("pause")
def pause(notice_id: Annotated[str, typer.Argument()]) -> None:
    """Stop sending it; what is left waits until `resume`."""
    from bot import audit
    from bot.notices import store

    async def hold(session: AsyncSession) -> int:
        count = await store.pause(session, notice_id)
        await audit.by_operator(session, _now(), "notices.pause", f"notice:{notice_id}",
                                f"held={count}")
        return count

    held = in_transaction(settings().database_url, hold)
    typer.echo(f"paused: {held} messages wait")


@notice_app.command("resume")
def resume(notice_id: Annotated[str, typer.Argument()]) -> None:
    """Go on sending (what expired meanwhile is not sent)."""
    from bot import audit
    from bot.notices import store

    async def free(session: AsyncSession) -> int:
        count = await store.resume(session, notice_id)
        await audit.by_operator(session, _now(), "notices.resume", f"notice:{notice_id}",
                                f"freed={count}")
        return count

    freed = in_transaction(settings().database_url, free)
    typer.echo(f"resumed: {freed} messages go out")


@notice_app.command("cancel")
def cancel(notice_id: Annotated[str, typer.Argument()]) -> None:
    """Drop what has not gone out yet (waiting or paused); who already got it keeps it."""
    from bot import audit
    from bot.notices import store

    async def drop(session: AsyncSession) -> int:
        count = await store.cancel(session, notice_id, _now())
        await audit.by_operator(session, _now(), "notices.cancel", f"notice:{notice_id}",
                                f"cancelled={count}")
        return count

    dropped = in_transaction(settings().database_url, drop)
    typer.echo(f"cancelled: {dropped} messages will not go out")


@notice_app.command("review")
def review(notice_id: Annotated[str, typer.Argument()],
           lang: Annotated[list[str], typer.Option(help="Languages a person checked.")]) -> None:
    """Mark translations as checked against the current source text (no longer stale or a
    machine draft)."""
    from bot.notices.content import NoText, mark_reviewed, reviewed

    loaded = settings()
    found = _find(loaded, notice_id)
    notice = found.notice
    try:
        if found.path is not None:
            mark_reviewed(found.path, lang, notice.fingerprint())
        else:
            _keep(loaded, reviewed(notice, lang, notice.fingerprint()))
    except NoText as exc:
        typer.echo(f"--lang {exc.lang}: the notice has no text in it", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{', '.join(lang)}: reviewed against the source as it is now")


@notice_app.command("translate")
def translate(
    notice_id: Annotated[str, typer.Argument(
        help="The file name in content/notices/, or the id of a notice written in the chat.")],
    to: Annotated[str | None, typer.Option(
        "--to", help="Languages to draft, e.g. ar,fa (default: every configured language "
                     "without a text a person wrote).")] = None,
) -> None:
    """Draft languages by machine translation, offline (argostranslate), into the notice
    (its file, or the notice written in the chat): marked machine: true until a person
    reviews them. Texts a person wrote are left alone; where a model is missing, says which
    and how to install it."""
    from bot.notices import translation
    from bot.notices.content import HUMAN, write_texts

    loaded = settings()
    found = _find(loaded, notice_id)
    notice, path = found.notice, found.path
    translation.configure(loaded.translation_models_dir)
    if to is None:
        targets = translation.targets(notice, loaded.languages)
    else:
        targets = list(dict.fromkeys(code.strip() for code in to.split(",") if code.strip()))
        unknown = [code for code in targets if code not in loaded.languages]
        if unknown or not targets:
            typer.echo(f"--to {to}: give languages of LANGUAGES "
                       f"({','.join(loaded.languages)}), comma separated", err=True)
            raise typer.Exit(2)
    for code in targets:
        state = notice.state(code)
        if state == "source":
            typer.echo(f"  {code}: the source language, nothing to translate")
        elif state in HUMAN:
            typer.echo(f"  {code}: written by a person, left alone" + (
                "; STALE: the source changed, check it, then welcomebot notice review "
                f"{notice.id} --lang {code}" if state == "stale" else ""))
        elif not translation.needs_draft(notice, code):
            typer.echo(f"  {code}: already a machine draft of the source as it is now, kept")
    asked = [code for code in targets if translation.needs_draft(notice, code)]
    if not asked:
        typer.echo("nothing to draft")
        return
    try:
        drafted = translation.draft(notice, asked)
    except translation.TranslationError as exc:
        typer.echo(f"nothing was changed: {exc}", err=True)
        raise typer.Exit(1) from None
    if drafted.drafted:
        if path is not None:
            write_texts(path, drafted.notice, drafted.drafted)
        else:
            _keep(loaded, drafted.notice)
        typer.echo(f"{path or notice.id}: machine drafts from {notice.source}, marked "
                   "machine: true:")
        for code in drafted.drafted:
            legs = drafted.routes[code]
            typer.echo(f"  {code}: drafted" + (f" (through {legs[0][1]})" if len(legs) > 1
                                              else ""))
        typer.echo(f"check them{', correct them in the file' if path else ''}, "
                   "then: welcomebot notice review "
                   f"{notice.id} --lang {' --lang '.join(drafted.drafted)}")
    for code in drafted.unusable:
        typer.echo(f"  {code}: the draft came out empty or too long for a notice: not added")
    if drafted.missing:
        typer.echo("no translation model for: "
                   + ", ".join(f"{a}→{b}" for a, b in drafted.missing)
                   + " (those languages were left as they were)")
        problem = translation.unavailable()
        if problem is not None:
            typer.echo(problem)
        typer.echo("install the models (this needs the internet once), then run this again:")
        for command in translation.install_commands(drafted.missing):
            typer.echo(f"  {command}")
    if not drafted.drafted:
        raise typer.Exit(1)
