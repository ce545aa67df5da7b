"""What every `welcomebot` command shares: settings, logging, running async work, a database.

    loaded = settings()                  the settings (a problem: printed, exit 2); logging set up:
                                         warnings only, INFO with `welcomebot -v`; a service
                                         (`settings(service=True)`) logs at LOG_LEVEL
    run_async(coro)                      run it; a StartupError or a database that cannot be
                                         reached: one message, exit 2; Ctrl-C: exit 130
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

from bot import logs
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


def settings(*, service: bool = False) -> Settings:
    """The settings from the environment and `.env`, with logging set up (to the current
    stderr, as LOG_FORMAT says). Invalid settings: the problem on stderr, exit 2.

    A `service` (`run`, `deliver`, `chat --json`) logs at LOG_LEVEL. Any other command is
    quiet: warnings and errors only, unless `welcomebot -v` asks for INFO (with Alembic's
    migration lines, which follow the root logger)."""
    try:
        loaded = load_settings()
    except SettingsError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    handler = _CurrentStderr()
    handler.setFormatter(logs.formatter(loaded.log_format))
    level = log_level(loaded, service=service, verbose=_verbose)
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # Alembic says at INFO which of its plugins it set up, each time a service looks at the
    # database's migration: noise in a service's log. Its lines come with -v or DEBUG.
    logging.getLogger("alembic").setLevel(
        logging.NOTSET if _verbose or level <= logging.DEBUG else logging.WARNING)
    return loaded


def log_level(loaded: Settings, *, service: bool, verbose: bool) -> int:
    """LOG_LEVEL for a service; for another command WARNING, or INFO when `verbose`
    (LOG_LEVEL still wins when it says more, or less for a quiet command)."""
    configured = logging.getLevelNamesMapping().get(loaded.log_level.upper())
    if configured is None:
        typer.echo(f"LOG_LEVEL '{loaded.log_level}': use DEBUG, INFO, WARNING or ERROR",
                   err=True)
        raise typer.Exit(2)
    if service:
        return configured
    return min(configured, logging.INFO) if verbose else max(configured, logging.WARNING)


_verbose = False


def verbose(on: bool) -> None:
    """`welcomebot -v`: the root command's option, set (or unset) for every command run."""
    global _verbose
    _verbose = on


def run_async(coro: Coroutine[Any, Any, T], *, database_url: str | None = None) -> T:
    """Run `coro` to its end and return its result. If the bot cannot start (a
    `bot.errors.StartupError`: broken flows or contacts, a database not migrated), or the
    database (`database_url`, else DATABASE_URL) cannot be reached or refuses us, one message
    saying what to check goes to stderr and the command exits 2; Ctrl-C exits 130."""
    try:
        return asyncio.run(coro)
    except StartupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except Exception as exc:
        problem = database_problem(exc, database_url) or _listen_problem(exc)
        if problem is None:
            raise
        typer.echo(problem, err=True)
        raise typer.Exit(2) from None


def database_problem(exc: BaseException, url: str | None) -> str | None:
    """One line for an error raised while connecting to the database (it is not there, it
    refuses us, the database does not exist): where, what happened, what to check. None for
    any other error."""
    import socket

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, DBAPIError

    if not _while_connecting(exc):
        return None
    if url is None:
        try:
            url = load_settings().database_url
        except SettingsError:
            url = ""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return f"Cannot reach the database (DATABASE_URL): {exc}"
    if parsed.get_backend_name() == "sqlite":
        cause = exc.orig if isinstance(exc, DBAPIError) else exc
        return (f"Cannot open the SQLite database {parsed.database} (DATABASE_URL): {cause}. "
                "Check that its folder exists and may be written to.")
    host, port = parsed.host or "localhost", parsed.port or 5432
    at = f"the database at {host}:{port} (DATABASE_URL)"
    for error in _chain(exc):
        kind = type(error).__name__
        if kind == "InvalidCatalogNameError":
            return (f"The database '{parsed.database}' does not exist on the PostgreSQL server "
                    f"at {host}:{port} (DATABASE_URL): create it "
                    f"(createdb -h {host} -p {port} -U {parsed.username or 'postgres'} "
                    f"{parsed.database}), then run welcomebot db upgrade; or correct its name.")
        if kind in ("InvalidPasswordError", "InvalidAuthorizationSpecificationError"):
            return (f"The PostgreSQL server at {host}:{port} (DATABASE_URL) refused user "
                    f"'{parsed.username}' ({error}). "
                    "Check the user and password in DATABASE_URL, and that the server lets "
                    "that user in from here (pg_hba.conf).")
        if isinstance(error, socket.gaierror):
            return (f"Cannot reach {at}: no host '{host}' is known ({error.strerror}). Check "
                    "the host name in DATABASE_URL.")
        if isinstance(error, ConnectionRefusedError):
            return (f"Cannot reach {at}: connection refused. Check that PostgreSQL runs on "
                    f"{host} and listens on port {port}, and the host and port in DATABASE_URL.")
        if isinstance(error, TimeoutError):
            return (f"Cannot reach {at}: no answer in time. Check the host and port in "
                    "DATABASE_URL, and that no firewall is in between.")
        if isinstance(error, OSError):
            return (f"Cannot reach {at}: {error.strerror or error}. Check that PostgreSQL "
                    f"listens on {host}:{port} and the host and port in DATABASE_URL.")
    first = str(exc.orig if isinstance(exc, DBAPIError) else exc).splitlines()[0]
    return f"Cannot use {at}: {first}. Check DATABASE_URL."


def _listen_problem(exc: BaseException) -> str | None:
    """One line when the HTTP server cannot listen where HTTP_HOST and HTTP_PORT say."""
    if not isinstance(exc, OSError) or not _raised_in(exc, "bot.server", "serve"):
        return None
    return (f"The HTTP server cannot listen: {exc.strerror or exc}. Set HTTP_HOST and "
            "HTTP_PORT to an address of this machine and a free port (or stop what uses it).")


def _raised_in(exc: BaseException, module: str, function: str) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame
        if code.f_globals.get("__name__") == module and code.f_code.co_name == function:
            return True
        tb = tb.tb_next
    return False


def _chain(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    error: BaseException | None = exc
    while error is not None and error not in found:
        found.append(error)
        error = error.__cause__ or error.__context__
    return found


def _while_connecting(exc: BaseException) -> bool:
    """Whether `exc` was raised while the pool opened a connection (not by a statement)."""
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if (str(frame.f_globals.get("__name__", "")).startswith("sqlalchemy.pool")
                and "connect" in frame.f_code.co_name):
            return True
        tb = tb.tb_next
    return False


def in_database(url: str, work: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    """Run `work` on an engine for `url`, disposed of afterwards."""
    from bot.db.session import make_engine

    async def go() -> T:
        engine = make_engine(url)
        try:
            return await work(engine)
        finally:
            await engine.dispose()

    return run_async(go(), database_url=url)


def in_transaction(url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction, committed when it returns."""
    from bot.db.session import make_sessions, transaction

    async def go(engine: AsyncEngine) -> T:
        async with transaction(make_sessions(engine)) as session:
            return await work(session)

    return in_database(url, go)
