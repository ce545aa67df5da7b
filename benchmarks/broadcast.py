"""A notice to N people through the fake Bot API (its own process), limited like Telegram.

    .venv/bin/python benchmarks/broadcast.py [--recipients 10000] [--rate 25] [--limit 30]
        [--in-flight 8] [--senders 1]
        [--database postgresql+asyncpg://postgres@127.0.0.1:5432/test]

It queues content/notices/aha-hygiene.yaml for N subscribers and runs the outbox sender until
nothing is left, then reports the sustained rate, the 429s the fake answered, sends made
before a retry_after had passed (must be 0), messages lost (must be 0) and sent twice.
`--rate 0` lifts the bot's own limit (and `--limit 0` the fake's): the sender's ceiling.
With `--database` on PostgreSQL it uses a new database on that server, dropped afterwards.
`--senders 2` runs two sender processes at once, as two `welcomebot deliver` would.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOTICE = ROOT / "content" / "notices" / "aha-hygiene.yaml"
sys.path.insert(0, str(ROOT))


def fake_side(pipe: Connection, limit: float) -> None:
    asyncio.run(_fake_side(pipe, limit))


async def _fake_side(pipe: Connection, limit: float) -> None:
    from tests.fake_telegram import FakeTelegram

    fake = FakeTelegram(rate_limit=limit or None)
    await fake.start()
    pipe.send(fake.base)
    while not pipe.poll():
        await asyncio.sleep(0.2)
    pipe.recv()
    per_chat = Counter({chat: sum(m.method == "sendMessage" for m in sent)
                        for chat, sent in fake.sent.items()})
    pipe.send({"too_many": fake.too_many, "early": fake.early, "per_chat": dict(per_chat),
               "cpu": time.process_time()})
    await fake.stop()


async def prepare(url: str, recipients: int) -> None:
    from sqlalchemy import insert

    from bot.db import migrate
    from bot.db.session import make_engine
    from bot.db.tables import Person, Subscription

    engine = make_engine(url)
    await migrate.upgrade(engine)
    now = datetime.now(UTC)
    languages = ["ar", "fa", "uk", "ru", "tr", "de", "en"]
    async with engine.begin() as conn:
        for start in range(0, recipients, 2000):
            ids = range(start, min(recipients, start + 2000))
            await conn.execute(insert(Person), [
                {"id": n + 1, "channel": "telegram", "external_id": str(100000 + n),
                 "locale": languages[n % 7], "role": "newcomer", "consent": "given",
                 "consent_at": now, "consent_source": "imported", "created_at": now,
                 "last_seen_at": now, "version": 0} for n in ids])
            await conn.execute(insert(Subscription), [
                {"person_id": n + 1, "topic": "health", "since": now} for n in ids])
    await engine.dispose()


def settings_for(url: str) -> Any:
    from bot.config import Settings

    return Settings(_env_file=None, database_url=url,  # type: ignore[call-arg]
                    flows_dir=ROOT / "flows", content_dir=ROOT / "content",
                    translations_dir=ROOT / "translations")


async def queue_notice(url: str) -> int:
    from bot.app import open_app
    from bot.db.session import transaction
    from bot.notices import store
    from bot.notices.audience import parse
    from bot.notices.content import load_notice

    settings = settings_for(url)
    notice = load_notice(NOTICE)
    async with open_app(settings) as app, transaction(app.sessions) as session:
        now = datetime.now(UTC)
        return await store.queue(session, notice, "topic:health",
                                 parse("topic:health", tuple(settings.languages)),
                                 send_at=now, expires_at=None, now=now)


def sender_side(url: str, base: str, args: argparse.Namespace, go: Any,
                result: Connection) -> None:
    result.send(asyncio.run(send(url, base, args, go)))


async def send(url: str, base: str, args: argparse.Namespace, go: Any) -> tuple[float, float]:
    """One sender process, as `welcomebot deliver --until-empty` runs it: (wall, CPU)."""
    from bot.app import open_app
    from bot.channels.telegram.channel import TelegramChannel
    from bot.delivery.bucket import TokenBucket
    from bot.delivery.sender import Sender
    from bot.service import notice_wanted
    from tests.fake_telegram import TOKEN

    async with open_app(settings_for(url)) as app:
        channel = TelegramChannel(app.runtime, app.catalogs, app.deps.flows, token=TOKEN,
                                  api_base=base)
        rate = args.rate / args.senders if args.rate else 1_000_000.0
        channel.bucket = TokenBucket(rate, burst=1 if args.rate else 1000)
        sender = Sender(app.sessions, app.runtime, {"telegram": channel},
                        batch=200, in_flight=args.in_flight,
                        wanted={"notices": notice_wanted})
        go.wait()
        started, cpu = time.perf_counter(), time.process_time()
        await sender.run(asyncio.Event(), until_empty=True)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        await channel.close()
    return seconds, cpu


async def sent_count(url: str) -> int:
    from bot.app import open_app
    from bot.notices import store

    async with open_app(settings_for(url)) as app, app.sessions() as session:
        tally = await store.tally(session, "aha-hygiene", "de")
    return sum(tally.get("sent", Counter()).values())


def broadcast(url: str, base: str, args: argparse.Namespace) -> dict[str, float]:
    """Queue the notice, then run `args.senders` sender processes at once until nothing is
    left (several `welcomebot deliver` share the outbox: claims skip each other's rows)."""
    queued = asyncio.run(queue_notice(url))
    context = multiprocessing.get_context("spawn")
    go = context.Event()
    pipes, processes = [], []
    for _ in range(args.senders):
        ours, theirs = context.Pipe()
        process = context.Process(target=sender_side, args=(url, base, args, go, theirs))
        process.start()
        pipes.append(ours)
        processes.append(process)
    time.sleep(1.0)  # let them load flows and catalogs before the clock starts
    go.set()
    results = [pipe.recv() for pipe in pipes]
    for process in processes:
        process.join(10)
    return {"queued": queued, "seconds": max(r[0] for r in results),
            "cpu": sum(r[1] for r in results), "sent": asyncio.run(sent_count(url))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0, help="the bot's limit; 0: none")
    parser.add_argument("--limit", type=float, default=30.0, help="the fake's; 0: none")
    parser.add_argument("--in-flight", type=int, default=8)
    parser.add_argument("--senders", type=int, default=1,
                        help="sender processes at once (the bot's rate is shared among them)")
    parser.add_argument("--database", default=None)
    args = parser.parse_args()

    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    fake = context.Process(target=fake_side, args=(theirs, args.limit), daemon=True)
    fake.start()
    base = ours.recv()
    url, drop = database(args.database)
    try:
        asyncio.run(prepare(url, args.recipients))
        result = broadcast(url, base, args)
    finally:
        ours.send("stats")
        stats = ours.recv() if ours.poll(30) else {"too_many": -1, "early": -1, "per_chat": {},
                                                    "cpu": 0.0}
        fake.join(10)
        drop()
    per_chat = stats["per_chat"]
    delivered = sum(1 for n in per_chat.values() if n >= 1)
    twice = sum(n - 1 for n in per_chat.values() if n > 1)
    print(f"recipients {args.recipients}, bot rate {args.rate or 'unlimited'}/s, "
          f"fake limit {args.limit or 'none'}/s, in flight {args.in_flight}, "
          f"senders {args.senders}, "
          f"database {url.split(':')[0]}")
    print(f"sent {result['sent']:.0f} of {result['queued']:.0f} in {result['seconds']:.1f} s = "
          f"{result['sent'] / result['seconds']:.1f} messages/s")
    print(f"CPU of the {args.senders} sender process(es): {result['cpu']:.1f} s "
          f"({result['cpu'] / result['seconds']:.0%} of one core); the fake Bot API's, on the "
          f"same machine: {stats['cpu']:.1f} s")
    print(f"429 received {stats['too_many']}, sent before retry_after passed {stats['early']}, "
          f"lost {args.recipients - delivered}, sent twice {twice}")


def database(given: str | None) -> tuple[str, object]:
    if not given:
        path = Path(tempfile.mkdtemp()) / "broadcast.db"
        return f"sqlite+aiosqlite:///{path}", lambda: None
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(given)
    name = f"welcomebot_bench_{uuid.uuid4().hex[:8]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(admin)
        await conn.execute(sql)
        await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    return (url.set(database=name).render_as_string(hide_password=False),
            lambda: asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')))


if __name__ == "__main__":
    main()
