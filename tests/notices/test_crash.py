"""`welcomebot deliver` killed (SIGKILL) in the middle of a notice, then started again:
everyone gets it, and at most the group that was on its way gets it twice.

The lease is long (ten minutes): the new sender does not wait for it, it takes over the
platform (the dead one's lock went with it) and sends what the dead one had claimed at once.
The bound holds on a busy machine too: a sender never claims again what it has in hand, and
sends a message only when fewer than the in-flight window are sent and not yet recorded."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.app import open_app
from bot.config import Settings
from bot.db.session import transaction
from bot.notices import store
from bot.notices.audience import parse
from bot.notices.content import load_notice
from bot.people.importer import import_rows, read_rows
from tests.conftest import make_settings
from tests.fake_telegram import TOKEN, FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 90
IN_FLIGHT = 8


async def deliver(settings: Settings, base: str, *args: str,
                  rate: int = 30) -> asyncio.subprocess.Process:
    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "FLOWS_DIR": str(ROOT / "flows"), "CONTENT_DIR": str(ROOT / "content"),
           "TRANSLATIONS_DIR": str(ROOT / "translations"), "TELEGRAM_BOT_TOKEN": TOKEN,
           "TELEGRAM_API_BASE": base, "TELEGRAM_RATE": str(rate), "OUTBOX_LEASE": "600",
           "LOG_LEVEL": "WARNING"}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "deliver", *args, env=env, cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)


async def test_a_killed_sender_loses_nothing_and_repeats_at_most_what_was_in_flight(
        sqlite_url: str, fake: FakeTelegram) -> None:
    settings = make_settings(sqlite_url)
    async with open_app(settings) as app:
        rows = read_rows("channel,id,locale,topics\n" + "".join(
            f"telegram,{5000 + n},{('ar', 'uk', 'de')[n % 3]},health\n" for n in range(PEOPLE)),
            "test.csv", tuple(settings.languages))
        async with transaction(app.sessions) as session:
            await import_rows(session, rows, app.runtime.clock())
            now = app.runtime.clock()
            notice = load_notice(ROOT / "content" / "notices" / "aha-hygiene.yaml")
            await store.queue(session, notice, "topic:health",
                              parse("topic:health", tuple(settings.languages)),
                              send_at=now.replace(year=2000), expires_at=None, now=now)

    def delivered() -> int:
        return sum(1 for sent in fake.sent.values() if sent)

    # Slowly enough (6 s from a third to all) for the kill to come in the middle even when
    # this process gets little of a busy machine.
    first = await deliver(settings, fake.base, rate=10)
    for _ in range(1200):  # bounded: 120 s (starting takes long on a busy machine)
        if delivered() >= PEOPLE // 3:
            break
        await asyncio.sleep(0.1)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    assert PEOPLE // 3 <= delivered() < PEOPLE  # killed in the middle

    second = await deliver(settings, fake.base, "--until-empty")
    assert await asyncio.wait_for(second.wait(), 180) == 0
    counts = [len([m for m in fake.sent.get(5000 + n, []) if m.method == "sendMessage"])
              for n in range(PEOPLE)]
    assert min(counts) == 1  # nobody lost
    assert sum(counts) - PEOPLE <= IN_FLIGHT  # twice: at most the group on its way


async def test_a_sender_stopped_with_sigterm_finishes_its_group_and_exits_cleanly(
        sqlite_url: str, fake: FakeTelegram, unused_tcp_port: int) -> None:
    # systemd stops `welcomebot deliver` with SIGTERM: it stops claiming, records the outcome
    # of what it sent, and exits 0; meanwhile Prometheus scrapes it on --metrics-port.
    import aiohttp

    settings = make_settings(sqlite_url)
    async with open_app(settings):
        pass  # the database, migrated
    sender = await deliver(settings, fake.base, "--metrics-port", str(unused_tcp_port))
    url = f"http://127.0.0.1:{unused_tcp_port}/metrics"
    scraped = ""
    async with aiohttp.ClientSession() as client:
        for _ in range(600):  # bounded: 60 s (starting Python on a busy machine)
            try:
                async with client.get(url) as response:
                    scraped = await response.text()
                    break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.1)
    assert "welcomebot_outbox_pending" in scraped
    sender.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(sender.wait(), 60) == 0
