"""Whether an error means the database cannot be reached now (an outage: the same work will
succeed once it is back) rather than that the work itself failed.

An outage is, anywhere in the error's chain (`__cause__`, `__context__`):
- a connection SQLAlchemy found broken (`connection_invalidated`), a `DisconnectionError`,
  an `InterfaceError` ("connection is closed"; not SQLite's, which is a value it cannot
  bind), an `OperationalError` (on SQLite only the transient ones: the database locked past
  the busy timeout, the file not opened, I/O);
- a PostgreSQL error of class 08 (connection exception), 57P01-57P03 (the server shut down,
  crashed or is starting) or 53300 (too many connections);
- an `OSError` (refused, reset, a timeout, a name that does not resolve) raised inside the
  database driver or SQLAlchemy: the same error from elsewhere (a file an action reads) is
  not about the database.
"""

from __future__ import annotations

import sqlite3
import traceback

from sqlalchemy import exc as sa

OUTAGE_STATES = frozenset({"57P01", "57P02", "57P03", "53300"})
"""PostgreSQL SQLSTATEs beyond class 08 that mean "not now": admin shutdown, crash shutdown,
cannot connect now (starting up), too many connections."""
SQLITE_TRANSIENT = ("database is locked", "database table is locked",
                    "unable to open database file", "disk i/o error")
DRIVERS = ("asyncpg", "aiosqlite", "sqlite3", "sqlalchemy", "bot.db")
"""Modules an `OSError` must come through to be about the database."""


def is_outage(error: BaseException) -> bool:
    """Whether `error` says the database cannot be reached now (see the module's text)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _outage(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _outage(error: BaseException) -> bool:
    if isinstance(error, sa.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, sa.DisconnectionError):
        return True
    if isinstance(error, sa.InterfaceError):  # SQLite's: a value it cannot bind, a bug
        return not isinstance(error.orig, sqlite3.InterfaceError)
    if isinstance(error, sa.OperationalError):
        return not isinstance(error.orig, sqlite3.OperationalError) or _sqlite_transient(
            error.orig)
    if isinstance(error, sqlite3.OperationalError):
        return _sqlite_transient(error)
    state = getattr(error, "sqlstate", None)
    if isinstance(state, str) and (state.startswith("08") or state in OUTAGE_STATES):
        return True
    return isinstance(error, OSError) and _from_driver(error)


def _sqlite_transient(error: sqlite3.OperationalError) -> bool:
    message = str(error).lower()
    return any(part in message for part in SQLITE_TRANSIENT)


def _from_driver(error: BaseException) -> bool:
    for frame, _ in traceback.walk_tb(error.__traceback__):
        module = str(frame.f_globals.get("__name__", ""))
        if module.startswith(DRIVERS):
            return True
    return False
