"""Wiring: settings -> flows, catalogs, content, database -> the runtime. The only place
that builds the parts; `welcomebot chat`, `run` and the tests all start here."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.actions import ACTIONS
from bot.config import Settings
from bot.contacts import load_contacts
from bot.db import migrate
from bot.db.session import make_engine, make_sessions
from bot.engine import messages
from bot.engine.checks import check
from bot.engine.issues import Issue, errors
from bot.engine.load import FlowSet, all_texts, load_flows
from bot.engine.model import Lexicon
from bot.errors import StartupError
from bot.faq.current import CurrentDesk
from bot.faq.titles import TITLES
from bot.feature import Action, Deps
from bot.flood import FloodGate
from bot.i18n import Catalogs
from bot.metrics import Metrics
from bot.people.privacy import retention
from bot.runtime import Clock, Runtime, utc_now


class FlowsError(StartupError):
    """The flows have errors; the bot does not start with them."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        lines = "\n".join(str(i) for i in issues)
        super().__init__(f"The flows have {len(errors(issues))} error(s); fix them first:\n{lines}")


class DatabaseNotReady(StartupError):
    pass


@dataclass(frozen=True)
class App:
    settings: Settings
    deps: Deps
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    runtime: Runtime
    http_addresses: list[tuple[str, int]] = field(default_factory=list)
    """Where the HTTP server listens, once it does (HTTP_PORT=0 picks a free port)."""

    @property
    def faq(self) -> CurrentDesk:
        """The FAQ desk in use, renewed when staff edit the FAQ (`bot.faq.current`)."""
        found = self.deps.open_faq
        assert isinstance(found, CurrentDesk)
        return found

    @property
    def catalogs(self) -> Catalogs:
        return self.deps.catalogs


def checked_flows(folder: Path, actions: Mapping[str, Action] = ACTIONS
                  ) -> tuple[FlowSet, list[Issue]]:
    """Both passes over the flows folder; every issue, errors and warnings."""
    flows, issues = load_flows(folder)
    return flows, issues + check(flows, set(actions))


def lexicon_for(flows: FlowSet, catalogs: Catalogs) -> Lexicon:
    msgids = {msgid for flow in flows.flows.values() for msgid, _, _ in all_texts(flow)}
    return catalogs.lexicon(msgids | {messages.YES, messages.NO} | set(TITLES.values()))


@asynccontextmanager
async def open_app(settings: Settings, *, clock: Clock = utc_now,
                   require_migrated: bool = True, answers: bool = True) -> AsyncIterator[App]:
    """The wired bot on `settings`' database, closed on leaving. `answers=False` (the
    standalone sender) leaves the FAQ model unloaded until a question needs it."""
    flows, issues = checked_flows(settings.flows_dir)
    if errors(issues):
        raise FlowsError(issues)
    catalogs = Catalogs(settings.translations_dir, settings.languages,
                        default=settings.default_language, timezone=settings.timezone)
    fallback = (settings.default_language, "en")
    contacts = load_contacts(settings.content_dir / "contacts.yaml", fallback=fallback)
    faq = CurrentDesk(settings.content_dir, settings.languages, fallback)
    if answers:
        faq()  # now, not at the first question
    deps = Deps(settings, flows, catalogs, contacts, faq, metrics=Metrics())
    engine = make_engine(settings.database_url)
    try:
        if require_migrated:
            at, want = await migrate.current(engine), migrate.head()
            if at != want:
                raise DatabaseNotReady(
                    f"The database ({engine.url.render_as_string(hide_password=True)}) is at "
                    f"migration {at or 'none'}, the code needs {want}. "
                    "Run: welcomebot db upgrade")
        sessions = make_sessions(engine)
        if answers and require_migrated:
            await faq.renew(sessions)  # staff's edits of the FAQ, before the first question
        runtime = Runtime(
            flows=flows, sessions=sessions, actions=ACTIONS,
            lexicon=lexicon_for(flows, catalogs), deps=deps,
            languages=settings.languages, default_language=settings.default_language,
            admins=settings.admins,
            settings_facts={"retention_days": settings.retention_days,
                            "retention": retention(settings.retention_days)},
            flood=FloodGate(settings.flood_burst, settings.flood_per_minute, sessions=sessions),
            unlimited=frozenset({"console"}),  # the terminal chat: one trusted person
            clock=clock,
            outage_seconds=settings.outage_seconds,
        )
        try:
            yield App(settings, deps, engine, sessions, runtime)
        finally:
            await runtime.close()  # turns still held for the database: the apology
    finally:
        await engine.dispose()
