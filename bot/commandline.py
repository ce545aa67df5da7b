"""What every `welcomebot` command shares: settings, logging, running async work, a database.

    loaded = settings()                  the settings (a problem: printed, exit 2); logging set up
    run_async(coro)                      run it; a StartupError: printed, exit 2; Ctrl-C: exit 130
    in_database(url, work)               work(engine) on an engine disposed of afterwards
    in_transaction(url, work)            work(session) in one transaction, committed on return

`bot/cli.py` and the feature command lines (`bot/events/cli.py`, `bot/notices/cli.py`,
`bot/buddies/cli.py`) build on this module; it imports none of them, nor `bot.app` or
`bot.service` (which import every feature), so the features never depend on the entry points.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from bot.config import Settings, SettingsError, load_settings
from bot.errors import StartupError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

T = TypeVar("T")


class _CurrentStderr(logging.StreamHandler[Any]):
    """Writes to whatever `sys.stderr` is at the time of the record: Typer's test runner swaps
    it for each call and closes the old one, which a handler holding it would write into."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def settings() -> Settings:
    """The settings from the environment and `.env`, with logging set up at their LOG_LEVEL
    (to the current stderr). Invalid settings: the problem on stderr, exit 2."""
    try:
        loaded = load_settings()
    except SettingsError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    logging.basicConfig(level=loaded.log_level.upper(), handlers=[_CurrentStderr()],
                        format="%(asctime)s %(levelname)s %(name)s %(message)s", force=True)
    return loaded


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` to its end and return its result. If the bot cannot start (a
    `bot.errors.StartupError`: broken flows or contacts, a database not migrated), its
    message goes to stderr and the command exits 2; Ctrl-C exits 130."""
    try:
        return asyncio.run(coro)
    except StartupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


def in_database(url: str, work: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    """Run `work` on an engine for `url`, disposed of afterwards."""
    from bot.db.session import make_engine

    async def go() -> T:
        engine = make_engine(url)
        try:
            return await work(engine)
        finally:
            await engine.dispose()

    return run_async(go())


def in_transaction(url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction, committed when it returns."""
    from bot.db.session import make_sessions, transaction

    async def go(engine: AsyncEngine) -> T:
        async with transaction(make_sessions(engine)) as session:
            return await work(session)

    return in_database(url, go)
