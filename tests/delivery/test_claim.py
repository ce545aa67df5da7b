"""Claiming due messages: what expired is never claimed, whether or not the claim also
marks it expired (a sender does that about once a second, not at each claim)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App, open_app
from bot.db.session import transaction
from bot.delivery import outbox
from bot.notices import store
from bot.notices.audience import parse
from bot.notices.content import load_notice
from bot.people.importer import import_rows, read_rows
from tests.conftest import make_settings
from tests.delivery.test_election import statuses
from tests.fakes import FakeClock

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("de", "en", "ar", "fa", "uk", "ru", "tr")


@pytest.fixture
async def app_on(db_url: str, clock: FakeClock) -> AsyncIterator[App]:
    async with open_app(make_settings(db_url), clock=clock) as wired:
        yield wired


async def test_an_expired_message_is_never_claimed_and_marked_when_the_claim_sweeps(
        app_on: App, clock: FakeClock) -> None:
    app = app_on
    now = app.runtime.clock()
    rows = read_rows("channel,id,locale,topics\ntelegram,8100,de,health\n", "test.csv", LANGS)
    async with transaction(app.sessions) as session:
        await import_rows(session, rows, now)
        await store.queue(session, load_notice(ROOT / "content" / "notices" / "aha-hygiene.yaml"),
                          "topic:health", parse("topic:health", LANGS), send_at=now,
                          expires_at=now + timedelta(minutes=1), now=now)
    later = now + timedelta(minutes=2)
    async with transaction(app.sessions) as session:
        assert await outbox.claim(session, later, ["telegram"], limit=10,
                                  lease=timedelta(minutes=2), expire=False) == []
    assert await statuses(app) == ["pending"]  # not claimed, not yet counted as expired
    async with transaction(app.sessions) as session:
        assert await outbox.claim(session, later, ["telegram"], limit=10,
                                  lease=timedelta(minutes=2)) == []
    assert await statuses(app) == ["expired"]
