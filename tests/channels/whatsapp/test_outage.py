"""WhatsApp during a database outage: each webhook call is answered at once (Meta would send
it again otherwise); the person is told once, in their language, that it takes a moment, and
gets every answer, in order, once PostgreSQL is back (through a TCP proxy that drops every
connection and refuses new ones: tests/dbproxy.py)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from bot.app import App
from bot.channels.render import render
from bot.config import Settings
from bot.engine.model import Reply, Text
from bot.runtime import TAKES_A_MOMENT
from tests.channels.whatsapp.fake_cloud import FakeCloud
from tests.conftest import _empty_postgres, make_settings
from tests.dbproxy import DatabaseProxy
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


async def test_what_arabic_speakers_write_during_an_outage_is_answered_in_order_after_it(
        server: str, cloud: FakeCloud, proxy: DatabaseProxy, app: App) -> None:
    rana = cloud.user("963944000301")  # a Syrian number: Arabic
    await rana.says("مرحبا")
    await rana.taps("نعم، أوافق")
    await rana.taps("لا، شكرًا")
    rana.inbox.clear()

    await proxy.cut()
    started = time.monotonic()
    told = await rana.says("/help")
    assert await rana.says("/contact") == [] and await rana.says("/mydata") == []
    assert time.monotonic() - started < 5  # every webhook call answered at once
    [note] = told
    assert note.kind == "text"
    assert note.text == render(Reply(Text(TAKES_A_MOMENT)), "ar", app.catalogs).text
    await asyncio.sleep(2)
    assert len(rana.inbox) == 1

    await proxy.restore()
    deadline = time.monotonic() + 20
    while sum(m.kind == "list" for m in rana.inbox) < 3:
        assert time.monotonic() < deadline, [m.text[:30] for m in rana.inbox]
        await asyncio.sleep(0.05)

    answers = rana.inbox[1:]  # each answer with the menu under it, as a list
    assert [m.kind for m in answers] == ["list", "list", "list"]
    assert answers[0].text.startswith("طريقة استخدام البوت")  # /help
    assert "مركز الترحيب" in answers[1].text  # /contact
    assert answers[2].text.startswith("هذه كل البيانات المحفوظة عنك")  # /mydata
    assert all(is_language(m.text, "ar") for m in answers)
    assert cloud.refused == []
