"""A database outage loses nothing: what people write while PostgreSQL cannot be reached is
held in memory and answered in order once it is back, and each person is told once, in their
language, that it takes a moment; longer than OUTAGE_SECONDS, an apology in their language,
counted. The outage is real: the bot reaches PostgreSQL through a TCP proxy that drops every
connection and refuses new ones (tests/dbproxy.py)."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import exc as sa

from bot.app import App, open_app
from bot.db.outage import is_outage
from bot.engine.model import Inbound
from bot.hold import Held, Hold
from bot.runtime import OUTAGE_SORRY, TAKES_A_MOMENT, Identity, Outbound
from tests.conftest import _empty_postgres, make_settings
from tests.dbproxy import DatabaseProxy
from tests.fakes import FakeClock
from tests.talk import Talk

WHO = Identity("telegram", "963000111")
COMMANDS = ("/help", "/contact", "/mydata")


@pytest.fixture
async def proxy(postgres_database: str | None) -> AsyncIterator[DatabaseProxy]:
    if postgres_database is None:
        pytest.skip("a real outage needs PostgreSQL (TEST_DATABASE_URL)")
    await _empty_postgres(postgres_database)
    proxy = await DatabaseProxy(postgres_database).start()
    yield proxy
    await proxy.stop()


async def arabic_speaker(app: App, user: str = WHO.external_id) -> Talk:
    """Someone who chose Arabic (their phone says so), at the menu."""
    talk = Talk(app, user, channel="telegram", hint="ar")
    await talk.open()
    await talk.tap("yes")
    await talk.tap("no")
    return talk


async def wait_for(condition: object, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "not in time"
        await asyncio.sleep(0.05)


def apologies(app: App) -> float:
    """welcomebot_database_outage_apologies_total, as /metrics shows it."""
    return app.deps.metrics.registry.get_sample_value(
        "welcomebot_database_outage_apologies_total") or 0.0


def msgids(outbound: Outbound) -> list[str]:
    return [reply.text.msgid for reply in outbound.replies]


async def test_messages_written_during_an_outage_are_answered_in_order_once_it_is_back(
        proxy: DatabaseProxy, clock: FakeClock) -> None:
    async with open_app(make_settings(proxy.url), clock=clock) as app:
        control = await arabic_speaker(app, "963000999")  # what the answers are, normally
        expected = []
        for command in COMMANDS:
            expected.append(msgids(await app.runtime.handle(
                control.who, Inbound.message(command), locale_hint="ar")))
        await arabic_speaker(app)
        later: list[Outbound] = []

        async def deliver(outbound: Outbound) -> None:
            later.append(outbound)

        await proxy.cut()
        started = time.monotonic()
        now = [await app.runtime.handle(WHO, Inbound.message(command), locale_hint="ar",
                                        delivery_id=f"update-{n}", later=deliver)
               for n, command in enumerate(COMMANDS)]
        assert time.monotonic() - started < 5  # answered at once: webhooks are not kept
        assert [(o.lang, msgids(o)) for o in now] == [("ar", [TAKES_A_MOMENT]), (None, []),
                                                       (None, [])]  # told once, in Arabic
        await asyncio.sleep(3)
        assert later == [] and app.runtime.hold.count == 3  # held while it is out
        again = await app.runtime.handle(WHO, Inbound.message("/help"), locale_hint="ar",
                                         delivery_id="update-1", later=deliver)
        assert again.replies == () and app.runtime.hold.count == 3  # a redelivery: held once

        await proxy.restore()
        await wait_for(lambda: len(later) == 3)

        assert [(o.lang, msgids(o)) for o in later] == [("ar", m) for m in expected]
        assert app.runtime.hold.count == 0 and not app.runtime.hold.holding(WHO)
        answered = await app.runtime.handle(WHO, Inbound.message("/help"), locale_hint="ar",
                                            delivery_id="update-1", later=deliver)
        assert answered.replies == ()  # each handled once: the database remembers them
        fresh = await app.runtime.handle(WHO, Inbound.message("/help"), locale_hint="ar",
                                         later=deliver)
        control_again = await app.runtime.handle(control.who, Inbound.message("/help"),
                                                 locale_hint="ar")
        assert msgids(fresh) == msgids(control_again)  # and turns go the usual way again
        assert apologies(app) == 0


async def test_an_outage_longer_than_outage_seconds_ends_in_an_apology_in_their_language(
        proxy: DatabaseProxy, clock: FakeClock) -> None:
    async with open_app(make_settings(proxy.url, outage_seconds=1.5), clock=clock) as app:
        await arabic_speaker(app)
        later: list[Outbound] = []

        async def deliver(outbound: Outbound) -> None:
            later.append(outbound)

        await proxy.cut()
        first = await app.runtime.handle(WHO, Inbound.message("/help"), locale_hint="ar",
                                         later=deliver)
        await app.runtime.handle(WHO, Inbound.message("/contact"), locale_hint="ar",
                                 later=deliver)
        assert msgids(first) == [TAKES_A_MOMENT]
        await wait_for(lambda: later, seconds=10)
        await asyncio.sleep(0.5)

        [sorry] = later  # once, for both
        assert (sorry.lang, msgids(sorry)) == ("ar", [OUTAGE_SORRY])
        assert apologies(app) == 1
        assert app.runtime.hold.count == 0
        # A caller that cannot send later gets the apology at once, in their language too.
        direct = await app.runtime.handle(WHO, Inbound.message("/help"), locale_hint="ar")
        assert (direct.lang, msgids(direct)) == ("ar", [OUTAGE_SORRY])

        await proxy.restore()
        await wait_for(lambda: not app.runtime.hold.down)
        back = await app.runtime.handle(WHO, Inbound.message("/help"), locale_hint="ar",
                                        later=deliver)
        assert msgids(back)[0] != OUTAGE_SORRY and back.lang == "ar"


async def test_a_stranger_during_an_outage_is_told_in_the_language_of_their_phone(
        proxy: DatabaseProxy, clock: FakeClock) -> None:
    async with open_app(make_settings(proxy.url), clock=clock) as app:
        later: list[Outbound] = []

        async def deliver(outbound: Outbound) -> None:
            later.append(outbound)

        await proxy.cut()
        stranger = Identity("telegram", "380000222")
        note = await app.runtime.handle(stranger, Inbound.message("Привіт"), locale_hint="uk",
                                        later=deliver)
        assert (note.lang, msgids(note)) == ("uk", [TAKES_A_MOMENT])
        await proxy.restore()
        await wait_for(lambda: later)
        [welcome] = later  # their first contact, as it would have been
        assert welcome.lang == "uk" and len(welcome.replies) == 2


# -- what counts as an outage ----------------------------------------------------------------
def test_only_errors_of_reaching_the_database_count_as_an_outage(tmp_path: Path) -> None:
    locked = sqlite3.OperationalError("database is locked")
    assert is_outage(sa.OperationalError("UPDATE people", {}, locked))
    assert not is_outage(sa.OperationalError("SELECT", {}, sqlite3.OperationalError(
        "no such table: people")))
    assert is_outage(sa.InterfaceError("SELECT", {}, Exception("connection is closed")))
    assert not is_outage(sa.InterfaceError("SELECT", {}, sqlite3.InterfaceError("binding")))
    assert not is_outage(sa.IntegrityError("INSERT", {}, Exception("duplicate key")))
    assert not is_outage(ValueError("a bug"))
    try:  # an OSError of an action's own (a file), not of the database
        (tmp_path / "missing.txt").read_text()
    except OSError as exc:
        assert not is_outage(exc)
    try:
        raise RuntimeError("the turn failed") from ConnectionRefusedError(111, "refused")
    except RuntimeError as exc:
        assert not is_outage(exc)  # refused, but not inside a database driver


async def test_the_hold_is_bounded_and_gives_up_after_its_limit() -> None:
    given_up: list[tuple[object, int]] = []

    async def probe() -> None:
        raise ConnectionRefusedError  # never back

    async def give_up(who: object, held: list[Held[str]]) -> None:
        given_up.append((who, len(held)))

    async def run() -> str:
        return "done"

    async def deliver(answer: str) -> None:
        raise AssertionError("never run")

    hold: Hold[str] = Hold(probe, give_up=give_up, limit=0.3, per_person=2, total=3)
    hold.lost()
    now = time.monotonic()
    assert hold.hold("a", Held(run, deliver, now, "m1"))
    assert hold.hold("a", Held(run, deliver, now, "m1"))  # the same message again: once
    assert hold.hold("a", Held(run, deliver, now, "m2"))
    assert hold.hold("a", Held(run, deliver, now, "m3"))  # past the person's bound: dropped
    assert hold.hold("b", Held(run, deliver, now))
    assert not hold.hold("c", Held(run, deliver, now))  # past the total: the caller says sorry
    assert hold.count == 3
    await asyncio.sleep(0.6)
    assert sorted(given_up) == [("a", 2), ("b", 1)] and hold.count == 0
    assert not hold.holding("a")
    await hold.close()
