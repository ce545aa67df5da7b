"""Telegram (long polling) during a database outage: updates keep being taken; the person is
told once, in their language, that it takes a moment, and gets every answer, in order, once
PostgreSQL is back (through a TCP proxy that drops every connection: tests/dbproxy.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.app import App
from bot.channels.render import render
from bot.channels.telegram.channel import TelegramChannel
from bot.config import Settings
from bot.engine.model import Reply, Text
from bot.runtime import TAKES_A_MOMENT
from tests.conftest import _empty_postgres, make_settings
from tests.dbproxy import DatabaseProxy
from tests.fake_telegram import FakeTelegram
from tests.scripts import is_language


@pytest.fixture
async def proxy(postgres_database: str | None) -> AsyncIterator[DatabaseProxy]:
    if postgres_database is None:
        pytest.skip("a real outage needs PostgreSQL (TEST_DATABASE_URL)")
    await _empty_postgres(postgres_database)
    proxy = await DatabaseProxy(postgres_database).start()
    yield proxy
    await proxy.stop()


@pytest.fixture
def settings(proxy: DatabaseProxy) -> Settings:
    return make_settings(proxy.url)


async def test_a_ukrainian_s_messages_during_an_outage_are_answered_in_order_after_it(
        fake: FakeTelegram, polling: TelegramChannel, proxy: DatabaseProxy, app: App) -> None:
    olena = fake.user(380, "uk")
    olena.says("/start")
    await fake.wait_for(olena.id, 1)
    olena.taps("Так, погоджуюся")
    await fake.wait_for(olena.id, 2)  # thanks, and the question about notices
    olena.taps("Ні, дякую")
    before = len(await fake.wait_for(olena.id, 3))  # the menu

    await proxy.cut()
    for command in ("/help", "/contact", "/mydata"):
        olena.says(command)
    [note] = (await fake.wait_for(olena.id, before + 1))[before:]
    assert note.text == render(Reply(Text(TAKES_A_MOMENT)), "uk", app.catalogs).text
    await asyncio.sleep(2)
    assert len(fake.sent[olena.id]) == before + 1  # told once

    await proxy.restore()
    answers = (await fake.wait_for(olena.id, before + 4, timeout=20))[before + 1:]
    tr = app.catalogs.translator("uk")
    firsts = [tr.gettext(msgid).split(":")[0] for msgid in (
        "How to use this bot: tap a button, or type its number. You can type these commands at "
        "any time, and then we continue where you were:\n\n{commands}",
        "A person at the Welcome Center will answer you here, in your language. What is it "
        "about? Choose a topic, or write your question in your own words.",
        "This is everything stored about you:\n\n{details}")]
    assert [m.text[:len(first)] for m, first in zip(answers, firsts, strict=True)] == firsts
    assert all(is_language(m.text, "uk") for m in answers)
