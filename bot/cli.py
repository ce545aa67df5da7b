"""`welcomebot`: the command line for everyone who runs the bot.

    welcomebot chat --user ana [--lang ar] [--json]   talk to the bot in this terminal
    welcomebot run                                    start every configured channel
    welcomebot check                                  settings, flows, content: every problem
    welcomebot flows check [DIR]                      check flow files; errors with file:line
    welcomebot db upgrade|current                     migrate the database DATABASE_URL names
    welcomebot people role telegram:123 staff         give someone a role
    welcomebot people purge                           erase people inactive past retention
    welcomebot i18n check                             untranslated, broken or off-glossary texts
    welcomebot faq ask "wo lerne ich deutsch"          which topic, with --json or --batch
    welcomebot faq eval FILE                          accuracy and latency on a JSONL set
    welcomebot faq gaps                               the questions that found no answer
    welcomebot events import|add|list|cancel|move|attendees   events (see bot/events/cli.py)
    welcomebot notice send|status|pause|resume|review|translate   notices (bot/notices/cli.py)
    welcomebot deliver [--until-empty] [--metrics-port N]   the outbox sender on its own
    welcomebot buddies status|volunteers|approve|decline|match   Welcome Buddies
    welcomebot handoff list|show|reply|interpreters   conversations with newcomers (staff)
    welcomebot audit [--since DAY] [--who ID] [--json]   who did what as staff; erasures
    welcomebot console                                the staff console on CONSOLE_HOST:PORT
    welcomebot console link telegram:123              a one-time sign-in link for that person

Commands print only warnings and errors besides their answer; `welcomebot -v <command>`
adds what they do (INFO). The services (`run`, `deliver`, `chat --json`) log at LOG_LEVEL.

What the commands share (settings, logging, running async work, a transaction) is in
`bot/commandline.py`, which the feature command lines use too.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bot import commandline
from bot.buddies.cli import buddies_app
from bot.check import refuse_to_start
from bot.commandline import in_database, in_transaction, run_async, settings
from bot.config import Settings
from bot.events.cli import events_app
from bot.handoff.cli import handoff_app
from bot.notices.cli import notice_app

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Welcome Bot: a multilingual chatbot for newcomers to a city.")
flows_app = typer.Typer(no_args_is_help=True, help="Check the conversation flows.")
db_app = typer.Typer(no_args_is_help=True, help="The database: migrations.")
people_app = typer.Typer(no_args_is_help=True, help="People: roles and data retention.")
i18n_app = typer.Typer(no_args_is_help=True, help="Translations: check the catalogs.")
faq_app = typer.Typer(no_args_is_help=True, help="The FAQ: ask, evaluate, see what is missing.")
console_app = typer.Typer(help="The staff console (a web page for the Welcome Center's staff).")
app.add_typer(flows_app, name="flows")
app.add_typer(db_app, name="db")
app.add_typer(people_app, name="people")
app.add_typer(i18n_app, name="i18n")
app.add_typer(faq_app, name="faq")
app.add_typer(console_app, name="console")
app.add_typer(events_app, name="events")
app.add_typer(notice_app, name="notice")
app.add_typer(buddies_app, name="buddies")
app.add_typer(handoff_app, name="handoff")


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"welcomebot {version('welcomebot')}")
        except PackageNotFoundError:  # run from a source tree that was never installed
            typer.echo("welcomebot (not installed: pip install -e .)")
        raise typer.Exit()


@app.callback()
def _options(version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print the installed version and exit.")] = False,
             verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Say what the command does (INFO log lines, with the "
                                "database migrations); without it only warnings and errors "
                                "(run, deliver and chat --json log at LOG_LEVEL).")] = False,
             ) -> None:
    commandline.verbose(verbose)


@app.command()
def chat(
    user: Annotated[str, typer.Option(help="Who you are; the same ID continues later.")] = "me",
    lang: Annotated[str | None, typer.Option(help="Your phone's language: ar, fa-AF...")] = None,
    json_lines: Annotated[bool, typer.Option("--json", help="One JSON line a message.")] = False,
) -> None:
    """Chat with the bot in this terminal (one message per line; Ctrl-D ends)."""
    loaded = settings(service=json_lines)  # a chat on screen stays readable: warnings only
    refuse_to_start(loaded)
    run_async(_chat(loaded, user, lang, json_lines), database_url=loaded.database_url)


async def _chat(loaded: Settings, user: str, lang: str | None, as_json: bool) -> None:
    from bot.app import open_app
    from bot.channels.console import Console, run_console
    from bot.service import STOP_GRACE, keep_faq_current, keep_faq_days, outbox_sender

    async with open_app(loaded) as bot:
        console = Console(bot.runtime, bot.catalogs, user=user, lang=lang, as_json=as_json)
        # Pushes (notices, reminders, buddy proposals) come in while the chat runs; the
        # FAQ's daily numbers go where the staff console finds them, and staff's FAQ edits
        # are taken up.
        stop = asyncio.Event()
        helpers = [asyncio.create_task(outbox_sender(bot, console=console).run(stop)),
                   asyncio.create_task(keep_faq_days(bot, stop)),
                   asyncio.create_task(keep_faq_current(bot, stop))]
        try:
            await run_console(console)
        finally:
            stop.set()
            await asyncio.wait_for(asyncio.gather(*helpers), STOP_GRACE)


@app.command()
def run() -> None:
    """Start the bot on every configured channel (the terminal chat when none is)."""
    loaded = settings(service=True)
    refuse_to_start(loaded)
    if loaded.telegram_bot_token is None and not loaded.whatsapp:
        typer.echo("No channel is configured (set TELEGRAM_BOT_TOKEN in .env for Telegram, "
                   "the WHATSAPP_* settings for WhatsApp); starting the terminal chat.",
                   err=True)
        run_async(_chat(loaded, "me", None, False), database_url=loaded.database_url)
        return
    run_async(_run(loaded), database_url=loaded.database_url)


async def _run(loaded: Settings) -> None:
    from bot.app import open_app
    from bot.service import run_channels

    async with open_app(loaded) as bot:
        await run_channels(bot)


@app.command()
def deliver(until_empty: Annotated[bool, typer.Option(
        "--until-empty", help="Exit once nothing is left to send now.")] = False,
            metrics_port: Annotated[int | None, typer.Option(
        "--metrics-port", help="Serve /metrics and /healthz on HTTP_HOST at this port.")] = None,
            ) -> None:
    """Run the outbox sender on its own (`welcomebot run` runs it too), through every
    configured channel, until SIGTERM or Ctrl-C (it finishes the group in flight first)."""
    loaded = settings(service=True)
    if loaded.telegram_bot_token is None and not loaded.whatsapp:
        typer.echo("set TELEGRAM_BOT_TOKEN or the WHATSAPP_* settings: the outbox sends "
                   "through them", err=True)
        raise typer.Exit(2)
    run_async(_deliver(loaded, until_empty, metrics_port))


async def _deliver(loaded: Settings, until_empty: bool, metrics_port: int | None) -> None:
    import contextlib
    import signal

    from bot.app import open_app
    from bot.server import build_app, serve
    from bot.service import outbox_sender, settle, telegram_channel, whatsapp_channel

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):  # systemd stops with SIGTERM
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with open_app(loaded, answers=False) as bot:  # it sends; it answers nothing
        telegram = telegram_channel(bot) if loaded.telegram_bot_token is not None else None
        whatsapp = whatsapp_channel(bot) if loaded.whatsapp else None
        sender = outbox_sender(bot, telegram, whatsapp)
        settle()  # measured: without it, pauses of 0.3 s every few seconds of a broadcast
        runner = None
        if metrics_port is not None:
            metrics = bot.deps.metrics
            metrics.outbox.expect(name for name, on in (("telegram", telegram),
                                                        ("whatsapp", whatsapp)) if on)
            runner = await serve(build_app(bot.sessions, [], metrics=metrics,
                                           clock=bot.runtime.clock),
                                 loaded.http_host, metrics_port)
        try:
            await sender.run(stop, until_empty=until_empty)
        finally:
            if runner is not None:
                await runner.cleanup()
            for channel in (telegram, whatsapp):
                if channel is not None:
                    await channel.close()


@app.command("audit")
def audit_log(
    since: Annotated[str | None, typer.Option(help="From this day on: 2026-12-01.")] = None,
    who: Annotated[str | None, typer.Option(
        help="Who did it or whom it was about: telegram:123, cli:maria@server.")] = None,
    action: Annotated[str | None, typer.Option(help="Only this action: people.role...")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """Who changed roles, approved volunteers, sent notices, changed events, and which
    erasures were asked for (kept AUDIT_DAYS; erased people appear as a pseudonym)."""
    import datetime as dt
    import json

    from bot import audit

    start = None
    if since is not None:
        try:
            start = dt.datetime.combine(dt.date.fromisoformat(since), dt.time(), dt.UTC)
        except ValueError:
            typer.echo(f"--since '{since}': write a day like 2026-12-01", err=True)
            raise typer.Exit(2) from None
    found = in_transaction(settings().database_url, lambda session: audit.entries(
        session, since=start, who=who, action=action))
    for entry in found:
        if as_json:
            typer.echo(json.dumps(audit.as_json(entry), ensure_ascii=False))
        else:
            typer.echo(f"{entry.at:%Y-%m-%d %H:%M}  {entry.via:<7} {entry.who:<28} "
                       f"{entry.action:<18} {entry.target or '':<24} {entry.detail or ''}")
    if not found and not as_json:
        typer.echo("no entries", err=True)


@app.command("check")
def check_all() -> None:
    """Check the settings, every flow and every content file (contacts, FAQ, small talk,
    districts, notices, events, WhatsApp templates, glossary, catalogs); print each problem
    with file:line and the fix; exit 1 on any (run and chat refuse to start on them)."""
    from bot.check import check

    report = check()
    for line in report.warnings:
        typer.echo(line, err=True)
    for line in report.problems:
        typer.echo(line, err=True)
    typer.echo(report.summary(), err=bool(report.problems))
    if report.problems:
        raise typer.Exit(1)


@flows_app.command("check")
def flows_check(
    folder: Annotated[Path | None, typer.Argument(help="Default: FLOWS_DIR.")] = None,
) -> None:
    """Load every flow; print each problem with file and line; exit 1 on any error."""
    from bot.app import checked_flows
    from bot.engine.issues import errors

    target = folder or settings().flows_dir
    flows, issues = checked_flows(target)
    for issue in issues:
        typer.echo(str(issue), err=True)
    bad = errors(issues)
    if bad:
        typer.echo(f"{len(bad)} error(s), {len(issues) - len(bad)} warning(s) in {target}",
                   err=True)
        raise typer.Exit(1)
    typer.echo(f"{len(flows.flows)} flows OK in {target}"
               + (f" ({len(issues)} warning(s))" if issues else ""))


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply the migrations to the database DATABASE_URL names (SQLite or PostgreSQL)."""
    from bot.db import migrate

    async def go(engine: AsyncEngine) -> str | None:
        await migrate.upgrade(engine, revision)
        return await migrate.current(engine)

    typer.echo(f"database at migration {in_database(settings().database_url, go)}")


@db_app.command("current")
def db_current() -> None:
    """Print the migration the database is at, and the newest one."""
    from bot.db import migrate

    at = in_database(settings().database_url, migrate.current)
    typer.echo(f"at {at or 'none'}, newest {migrate.head()}")


@people_app.command("import")
def people_import(file: Annotated[Path, typer.Argument(help="CSV: channel,id,locale,topics")]
                  ) -> None:
    """Bring the subscribers of an earlier bot: all rows, or none if any is bad."""
    from datetime import UTC, datetime

    from bot.people.importer import ImportError_, import_rows, read_file

    loaded = settings()
    try:
        rows = read_file(file, loaded.languages)
    except (ImportError_, OSError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    count = in_transaction(loaded.database_url,
                           lambda session: import_rows(session, rows, datetime.now(UTC)))
    typer.echo(f"{count} people imported, consent recorded as imported")


@people_app.command("role")
def people_role(
    who: Annotated[str, typer.Argument(help="channel:id, e.g. telegram:123456789")],
    role: Annotated[str, typer.Argument(help="newcomer, volunteer, staff or admin")],
) -> None:
    """Give a person a role (staff can see staff menus; admins can do everything)."""
    from bot.db import people
    from bot.engine.definition import ROLES
    from bot.runtime import utc_now

    if role not in ROLES:
        typer.echo(f"unknown role '{role}'; use one of {', '.join(ROLES)}", err=True)
        raise typer.Exit(2)
    channel, _, external_id = who.partition(":")
    if not channel or not external_id:
        typer.echo(f"'{who}' is not channel:id (for example telegram:123456789)", err=True)
        raise typer.Exit(2)
    from bot import audit

    async def change(session: AsyncSession) -> None:
        now = utc_now()
        await people.set_role(session, channel, external_id, role, now)
        await audit.by_operator(session, now, "people.role", who, role)

    in_transaction(settings().database_url, change)
    typer.echo(f"{who} is now {role}")


@people_app.command("erase")
def people_erase(
    who: Annotated[str, typer.Argument(help="channel:id, e.g. whatsapp:4917612345678")],
) -> None:
    """Erase one person and all their data, as /delete does (an erasure asked for by letter
    or in person, or again after restoring a backup). Audited."""
    from bot import audit
    from bot.db import people
    from bot.feature import Erasure
    from bot.privacy import erase_slices
    from bot.runtime import utc_now

    channel, _, external_id = who.partition(":")
    if not channel or not external_id:
        typer.echo(f"'{who}' is not channel:id (for example telegram:123456789)", err=True)
        raise typer.Exit(2)
    loaded = settings()

    async def erase(session: AsyncSession) -> bool:
        person = await people.find(session, channel, external_id)
        if person is None:
            return False
        now = utc_now()
        await audit.by_operator(session, now, "privacy.erase", who)
        await erase_slices(Erasure(session, [person.id], now, loaded))
        await people.erase(session, person)
        return True

    if not in_transaction(loaded.database_url, erase):
        typer.echo(f"nobody is known as {who}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{who} and all their data are erased")


@people_app.command("purge")
def people_purge() -> None:
    """Erase everyone who has not written for RETENTION_DAYS days, with all their data;
    unanswered questions older than FAQ_GAPS_DAYS; audit entries older than AUDIT_DAYS."""
    from bot.privacy import expire
    from bot.runtime import utc_now

    loaded = settings()
    expired = in_transaction(loaded.database_url,
                             lambda session: expire(session, utc_now(), loaded))
    typer.echo(f"erased {expired['people']} inactive people (not seen for "
               f"{loaded.retention_days} days), {expired['faq_gaps']} unanswered questions "
               f"(older than {loaded.faq_gaps_days} days), {expired['handoff_cases']} "
               f"conversations with staff (closed more than {loaded.case_days} days ago), "
               f"{expired['audit']} audit entries "
               f"(older than {loaded.audit_days} days)")


@i18n_app.command("check")
def i18n_check() -> None:
    """Report untranslated, fuzzy or placeholder-mismatched messages in every language, and
    every catalog text or content (FAQ answers, notices, events, contacts) that does not keep
    to the glossary (content/glossary.yaml)."""
    from bot import catalogs, glossary

    loaded = settings()
    template = loaded.translations_dir / "messages.pot"
    found = [p for lang in loaded.languages
             for p in catalogs.problems(loaded.translations_dir, lang, template)]
    found += glossary.problems(loaded.content_dir / glossary.FILE, loaded.translations_dir,
                               loaded.content_dir, loaded.languages)
    found += catalogs.console_problems(loaded.translations_dir)
    for problem in found:
        typer.echo(problem, err=True)
    if found:
        raise typer.Exit(1)
    typer.echo(f"all {len(loaded.languages)} catalogs complete and keeping to the glossary; "
               f"the staff console's complete in {' and '.join(catalogs.CONSOLE_LANGUAGES)}")


@i18n_app.command("fill-source")
def i18n_fill_source(lang: Annotated[str, typer.Argument()] = "en",
                     domain: Annotated[str, typer.Option(
                         help="messages (the chat) or console (the staff console)")
                     ] = "messages") -> None:
    """Fill the source language's catalog (English) with its own texts."""
    from bot import catalogs

    filled = catalogs.fill_source(settings().translations_dir, lang, domain)
    typer.echo(f"{filled} message(s) filled in {lang}")


@console_app.callback(invoke_without_command=True)
def console_serve(context: typer.Context) -> None:
    """Serve the staff console on CONSOLE_HOST:CONSOLE_PORT (its own process beside
    `welcomebot run`, on the same database; sign in with `welcomebot console link ID`)."""
    if context.invoked_subcommand is not None:
        return
    loaded = settings(service=True)
    run_async(_console(loaded), database_url=loaded.database_url)


async def _console(loaded: Settings) -> None:
    import uvicorn

    from bot.console.app import build
    from bot.db import migrate
    from bot.db.session import make_engine
    from bot.errors import StartupError

    engine = make_engine(loaded.database_url)
    try:
        at, want = await migrate.current(engine), migrate.head()
        if at != want:
            raise StartupError(f"The database is at migration {at or 'none'}, the console "
                               f"needs {want}: run welcomebot db upgrade first.")
        config = uvicorn.Config(build(loaded, engine), host=loaded.console_host,
                                port=loaded.console_port, lifespan="off", log_config=None,
                                access_log=False, proxy_headers=True)
        typer.echo(f"the staff console listens on http://{loaded.console_host}:"
                   f"{loaded.console_port} (Ctrl-C stops it)", err=True)
        await uvicorn.Server(config).serve()
    finally:
        await engine.dispose()


@console_app.command("link")
def console_link(
    who: Annotated[str, typer.Argument(help="channel:id of a staff member or admin, e.g. "
                                            "telegram:123456789 or console:ana")],
) -> None:
    """Print a one-time sign-in link to the console for this staff member (valid 10 minutes,
    once): for the first admin, the terminal demo, or someone without their phone. Audited."""
    from bot import audit
    from bot.console import signin
    from bot.db import people
    from bot.runtime import utc_now

    loaded = settings()
    try:
        channel, external_id = signin.parse_identity(who)
    except signin.BadIdentity:
        typer.echo(f"'{who}' is not channel:id (for example telegram:123456789 or "
                   "console:ana)", err=True)
        raise typer.Exit(2) from None

    async def make(session: AsyncSession) -> str | None:
        person = await signin.staff_member(session, channel, external_id)
        if person is None:
            return None
        now = utc_now()
        token = await signin.make_link(session, person, now)
        await audit.by_operator(session, now, "console.link", people.identity(
            channel, external_id))
        return token

    token = in_transaction(loaded.database_url, make)
    if token is None:
        typer.echo(f"{who} is not staff: give them the role first (welcomebot people role "
                   f"{who} staff)", err=True)
        raise typer.Exit(1)
    base = loaded.console_url or f"http://{loaded.console_host}:{loaded.console_port}"
    typer.echo(f"{base}/signin/link/{token}")
    typer.echo(f"valid once, for {signin.CODE_MINUTES} minutes", err=True)


def faq_desk(loaded: Settings) -> Any:
    from bot.errors import StartupError
    from bot.faq.desk import shared_desk

    try:
        return shared_desk(loaded.content_dir, tuple(loaded.languages),
                           (loaded.default_language, "en"))
    except StartupError as exc:  # the FAQ's content or the contacts it names
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None


def _user_file(path: Path) -> str:
    """The text of a file the user named; what is wrong with it in one line, exit 2."""
    from bot.engine.textfile import read_text

    try:
        return read_text(path)
    except (OSError, ValueError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None


@faq_app.command("ask")
def faq_ask(
    text: Annotated[str | None, typer.Argument(help="The question.")] = None,
    lang: Annotated[str | None, typer.Option(help="The asker's language, e.g. ar.")] = None,
    json_lines: Annotated[bool, typer.Option("--json", help="Answer as JSON.")] = False,
    batch: Annotated[Path | None, typer.Option(
        help='A file of JSON lines {"id", "text", "lang"?}; one JSON line out per line.')] = None,
) -> None:
    """Which topic a question is about (or none), and in which language it is written."""
    import json

    from bot.faq.evaluation import classify_line

    loaded = settings()
    desk = faq_desk(loaded)
    if batch is not None:
        for number, line in enumerate(_user_file(batch).splitlines(), 1):
            if line.strip():
                typer.echo(json.dumps(classify_line(desk, line, number, loaded),
                                      ensure_ascii=False))
        return
    if text is None:
        typer.echo("give a question, or --batch FILE", err=True)
        raise typer.Exit(2)
    result = desk.answer(text, lang or loaded.default_language)
    if json_lines:
        typer.echo(json.dumps(result, ensure_ascii=False))
    elif result["kind"] == "answer":
        typer.echo(f"[{result['topic']}, {result['lang']}, score {result['score']}]\n")
        typer.echo(result["answer"])
    else:
        typer.echo(f"[{result['kind']}, {result['lang']}, score {result['score']}]")


@faq_app.command("eval")
def faq_eval(
    file: Annotated[Path, typer.Argument(help='JSON lines {"id", "text", "lang", "topic"}; '
                                              'topic null where there is no answer.')],
) -> None:
    """Accuracy on lines with a topic, "don't know" on the others, per language, latency."""
    from bot.engine.textfile import NotText
    from bot.faq.evaluation import BadLine, evaluate, report

    loaded = settings()
    desk = faq_desk(loaded)
    try:
        typer.echo(report(evaluate(desk, file), desk.load_seconds))
    except (OSError, NotText, BadLine) as exc:  # not there, not text, not JSON lines
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None


@faq_app.command("gaps")
def faq_gaps(limit: int = 30) -> None:
    """The most frequent questions the FAQ had no answer for (masked, anonymous)."""
    from bot.faq import store as faq

    rows = in_transaction(settings().database_url,
                          lambda session: faq.top_gaps(session, limit))
    if not rows:
        typer.echo("no unanswered questions yet")
    for text, lang, count in rows:
        typer.echo(f"{count:>5}  {lang}  {text}")


@faq_app.command("index")
def faq_index() -> None:
    """Embed new or changed FAQ texts now (the bot also does it when it starts)."""
    desk = faq_desk(settings())
    typer.echo(f"{len(desk.content.topics)} topics ready in {desk.load_seconds:.1f} s")


def main() -> None:
    app()
