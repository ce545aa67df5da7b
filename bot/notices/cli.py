"""`welcomebot notice ...` and `welcomebot deliver`.

    welcomebot notice send aha-hygiene --audience "topic:health locale:ar,fa" --dry-run
    welcomebot notice send aha-hygiene --audience topic:health [--at "2026-11-23 08:00"]
    welcomebot notice status aha-hygiene          progress (a live bar), then the tally
    welcomebot notice pause|resume aha-hygiene
    welcomebot notice review aha-hygiene --lang ar   a person checked the Arabic text
    welcomebot notice translate aha-hygiene [--to ar,fa]   machine drafts, offline
    welcomebot deliver [--until-empty]            the outbox sender on its own
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import math
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

if TYPE_CHECKING:
    from pathlib import Path

    from bot.config import Settings
    from bot.notices.content import NoticeFile, Text

notice_app = typer.Typer(no_args_is_help=True,
                         help="Notices: send to an audience, follow, pause, resume, review, "
                              "translate.")

DONE = ("sent", "failed", "unreachable", "skipped", "expired", "no-template")


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
    audience: Annotated[str, typer.Option(
        help='e.g. "topic:health locale:ar,fa district:bad_cannstatt role:newcomer"')],
    at: Annotated[str | None, typer.Option(help='Local time to start: "2026-11-23 08:00".')]
    = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would happen.")]
    = False,
) -> None:
    """Queue a notice for everyone in the audience (each person gets it once)."""
    from bot.cli import in_transaction, settings
    from bot.districts import districts_in
    from bot.notices import store
    from bot.notices.audience import AudienceError, parse
    from bot.notices.content import expires_at

    loaded = settings()
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
        shown_in, how = notice.outgoing(lang, loaded.default_language)
        shown = {
            "source": "original", "reviewed": "translated and reviewed",
            "unreviewed": "translated by a person, not reviewed yet",
            "stale": "STALE: the source changed after this was reviewed",
            "machine": "machine draft, sent with a note" if how == "machine" else (
                f"machine draft: NOT sent; they get {shown_in} with a note"
                + ("" if not notice.allow_machine_translation else
                   f" (drafted from an older source text: welcomebot notice translate "
                   f"{notice.id})")),
            "missing": f"NO translation: they get {shown_in} with a note",
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
    """Progress while sending, then the tally by language: sent (and of those, delivered and
    read where WhatsApp said so), failed, unreachable, no-template (WhatsApp, outside its
    24-hour window with no approved template), skipped and expired."""
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


def tally_table(tally: dict[str, Counter[str]]) -> str:
    """The tally as `notice status` prints it: a column per status, a row per language."""
    languages = sorted({lang for counts in tally.values() for lang in counts})
    statuses = [s for s in ("sent", "delivered", "read", "pending", "paused", "failed",
                            "unreachable", "no-template", "skipped", "expired") if s in tally]
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


@notice_app.command("translate")
def translate(
    notice_id: Annotated[str, typer.Argument(help="The file name in content/notices/.")],
    to: Annotated[str | None, typer.Option(
        "--to", help="Languages to draft, e.g. ar,fa (default: every configured language "
                     "without a text a person wrote).")] = None,
) -> None:
    """Draft languages by machine translation, offline (argostranslate), into the notice
    file: marked machine: true until a person reviews them. Texts a person wrote are left
    alone; where a model is missing, says which and how to install it."""
    from bot.cli import settings
    from bot.notices import translation
    from bot.notices.content import HUMAN, notice_path

    loaded = settings()
    notice = _load(loaded, notice_id)
    path = notice_path(loaded.content_dir, notice_id)
    translation.configure(loaded.translation_models_dir)
    if to is None:
        targets = [code for code in loaded.languages if notice.state(code) not in HUMAN]
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
        _write_drafts(path, drafted.notice, drafted.drafted)
        typer.echo(f"{path}: machine drafts from {notice.source}, marked machine: true:")
        for code in drafted.drafted:
            legs = drafted.routes[code]
            typer.echo(f"  {code}: drafted" + (f" (through {legs[0][1]})" if len(legs) > 1
                                              else ""))
        typer.echo("check them, correct them in the file, then: welcomebot notice review "
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


def _write_drafts(path: Path, notice: NoticeFile, langs: Sequence[str]) -> None:
    """Put the texts of `langs` into the notice file, keeping the rest of it as it is
    (comments, quoting, order); a file laid out in a way this cannot follow is written
    anew, keeping its leading comments. Written beside it, then moved."""
    import yaml

    from bot.notices.content import NoticeFile

    original = path.read_text(encoding="utf-8")
    updated = _edit_texts(original, notice, langs)
    try:
        ok = updated is not None and NoticeFile.model_validate(
            yaml.safe_load(updated)).model_dump() == notice.model_dump()
    except (yaml.YAMLError, ValueError):
        ok = False
    if updated is None or not ok:
        header = "".join(line for line in original.splitlines(True) if line.startswith("#"))
        data = yaml.safe_load(original)
        for code in langs:
            data["texts"][code] = _text_data(notice.texts[code])
        updated = header + yaml.dump(data, Dumper=_dumper(), allow_unicode=True,
                                     sort_keys=False, width=100)
    partial = path.with_suffix(".yaml.part")
    partial.write_text(updated, encoding="utf-8")
    partial.replace(path)


def _edit_texts(original: str, notice: NoticeFile, langs: Sequence[str]) -> str | None:
    """The file with those entries of `texts:` replaced (or added after the last), each
    from its key's line to its last more indented line; None if `texts` is not a block
    mapping."""
    import yaml

    try:
        root = yaml.compose(original, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    texts = next((value for key, value in getattr(root, "value", [])
                  if getattr(key, "value", None) == "texts"), None)
    if not isinstance(texts, yaml.MappingNode) or texts.flow_style or not texts.value:
        return None
    lines = original.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    indent = texts.value[0][0].start_mark.column
    first = texts.value[0][1]
    step = (first.value[0][0].start_mark.column - indent
            if isinstance(first, yaml.MappingNode) and not first.flow_style else 2)

    def end(start: int) -> int:
        stop = start + 1
        while stop < len(lines) and (not lines[stop].strip() or
                                     len(lines[stop]) - len(lines[stop].lstrip(" ")) > indent):
            stop += 1
        while stop > start + 1 and not lines[stop - 1].strip():
            stop -= 1
        return stop

    keys = {key.value: key.start_mark.line for key, _ in texts.value}
    edits: list[tuple[int, int, str]] = []
    added = ""
    for code in langs:
        block = _entry(code, notice.texts[code], indent, step)
        if code in keys:
            edits.append((keys[code], end(keys[code]), block))
        else:
            added += block
    if added:
        at = end(texts.value[-1][0].start_mark.line)
        edits.append((at, at, added))
    for start, stop, block in sorted(edits, reverse=True):
        lines[start:stop] = [block]
    return "".join(lines)


def _text_data(text: Text) -> dict[str, object]:
    return text.model_dump(include={"title", "text", "video", "machine", "based_on"},
                           exclude_none=True, exclude_defaults=False)


def _entry(code: str, text: Text, indent: int, step: int) -> str:
    import yaml

    dumped = yaml.dump({code: _text_data(text)}, Dumper=_dumper(), allow_unicode=True,
                       sort_keys=False, width=100, indent=step)
    return "".join(" " * indent + line if line.strip() else line
                   for line in dumped.splitlines(True))


@functools.cache
def _dumper() -> type:
    import yaml

    class Dumper(yaml.SafeDumper):
        """Texts of several lines as `|` blocks, as people write them."""

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value,
                                       style="|" if "\n" in value else None)

    Dumper.add_representer(str, text)
    return Dumper


def deliver(until_empty: Annotated[bool, typer.Option(
        "--until-empty", help="Exit once nothing is left to send now.")] = False) -> None:
    """Run the outbox sender on its own (`welcomebot run` runs it too), through every
    configured channel."""
    from bot.cli import run_async, settings

    loaded = settings()
    if loaded.telegram_bot_token is None and not loaded.whatsapp:
        typer.echo("set TELEGRAM_BOT_TOKEN or the WHATSAPP_* settings: the outbox sends "
                   "through them", err=True)
        raise typer.Exit(2)
    run_async(_deliver(loaded, until_empty))


async def _deliver(loaded: Settings, until_empty: bool) -> None:
    from bot.app import open_app
    from bot.service import outbox_sender, telegram_channel, whatsapp_channel

    async with open_app(loaded) as bot:
        telegram = telegram_channel(bot) if loaded.telegram_bot_token is not None else None
        whatsapp = whatsapp_channel(bot) if loaded.whatsapp else None
        sender = outbox_sender(bot, telegram, whatsapp)
        try:
            await sender.run(asyncio.Event(), until_empty=until_empty)
        finally:
            for channel in (telegram, whatsapp):
                if channel is not None:
                    await channel.close()

