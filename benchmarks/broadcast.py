"""A notice to N people through the fake Bot API (its own process), limited like Telegram.

    .venv/bin/python benchmarks/broadcast.py [--recipients 10000] [--rate 25] [--limit 30]
        [--in-flight N] [--batch N] [--processes 1] [--kill-after S] [--replies R]
        [--database postgresql+asyncpg://postgres@127.0.0.1:5432/test]

It queues content/notices/aha-hygiene.yaml for N subscribers (resting in the menu, each at a
question of their own) and runs the outbox sender until
nothing is left, then reports the sustained rate, the 429s the fake answered, sends made
before a retry_after had passed (must be 0), messages lost (must be 0) and sent twice.
`--rate 0` lifts the bot's own limit (and `--limit 0` the fake's): the sender's ceiling.
With `--database` on PostgreSQL it uses a new database on that server, dropped afterwards.

`--processes 3` runs three sender processes at once, wired as `welcomebot deliver` wires
them (the service's `outbox_sender`: one of them is elected to send, the others wait to take
over). `--kill-after 20` kills the sending one with SIGKILL 20 s after the start; the report
then says how long sending paused. `--replies 4` has the processes answer 4 people a second
between them meanwhile (through the channel's reply path, as people chatting would be), to
show that the outbox leaves them room across processes (`--unshared`: as if it did not).
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
    import gc

    # The fake keeps every message it got (to find any sent twice): 100,000 notices are
    # millions of objects, which each full collection walked, pausing the fake for up to a
    # second (measured: 1.2 s at 100,000). Its own cycles are few; nothing is lost.
    gc.disable()
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
                        for chat, sent in fake.sent.items() if chat < REPLY_CHATS})
    times = sorted(m.at for chat, sent in fake.sent.items() if chat < REPLY_CHATS
                   for m in sent if m.method == "sendMessage")
    replies = sum(len(sent) for chat, sent in fake.sent.items() if chat >= REPLY_CHATS)
    pipe.send({"too_many": fake.too_many, "early": fake.early, "per_chat": dict(per_chat),
               "cpu": time.process_time(), "times": times, "replies": replies})
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
                 "last_seen_at": now, "version": 0,
                 # People who have chatted before: in the menu, at their n-th question
                 # (the number the menu's buttons carry differs from person to person).
                 "conversation": {"lang": languages[n % 7], "at": ["menu", "main"],
                                  "prompt": 1 + n % 97}} for n in ids])
            await conn.execute(insert(Subscription), [
                {"person_id": n + 1, "topic": "health", "since": now} for n in ids])
    await engine.dispose()


def settings_for(url: str, rate: float = 25.0) -> Any:
    from bot.config import Settings

    return Settings(_env_file=None, database_url=url,  # type: ignore[call-arg]
                    flows_dir=ROOT / "flows", content_dir=ROOT / "content",
                    translations_dir=ROOT / "translations", telegram_rate=rate or 30.0)


async def queue_notice(url: str) -> tuple[int, float]:
    """Queue the notice as `welcomebot notice send` does: count the audience for the plan,
    then queue it, each in a transaction. Returns how many were queued and the seconds
    those two steps took."""
    from bot.app import open_app
    from bot.db.session import transaction
    from bot.notices import store
    from bot.notices.audience import parse
    from bot.notices.content import load_notice

    settings = settings_for(url)
    notice = load_notice(NOTICE)
    audience = parse("topic:health", tuple(settings.languages))
    async with open_app(settings, answers=False) as app:
        started = time.perf_counter()
        now = datetime.now(UTC)
        async with transaction(app.sessions) as session:
            await store.count(session, audience, settings.default_language)
            await store.reach(session, audience, settings.default_language, now)
        async with transaction(app.sessions) as session:
            queued = await store.queue(session, notice, "topic:health", audience,
                                       send_at=now, expires_at=None, now=now)
        return queued, time.perf_counter() - started


def sender_side(url: str, base: str, args: argparse.Namespace, go: Any,
                pipe: Connection) -> None:
    asyncio.run(send(url, base, args, go, pipe))


async def send(url: str, base: str, args: argparse.Namespace, go: Any,
               pipe: Connection) -> None:
    """One sender process, wired as `welcomebot deliver --until-empty` wires it. Tells the
    parent when it is ready, when it begins to send the platform ("lead"), and at the end
    its (wall, CPU) seconds and its peak resident memory (KiB)."""
    import os
    import resource

    from bot.app import open_app
    from bot.channels.telegram.channel import TelegramChannel
    from bot.delivery.bucket import TokenBucket
    from bot.service import outbox_sender, settle
    from tests.fake_telegram import TOKEN

    # As `welcomebot deliver` opens it: without the FAQ model (it answers nothing).
    async with open_app(settings_for(url, args.rate), answers=False) as app:
        channel = TelegramChannel(app.runtime, app.catalogs, app.deps.flows, token=TOKEN,
                                  api_base=base)
        sender = outbox_sender(app, channel)
        sender.batch, sender.in_flight = args.batch, args.in_flight
        if args.unshared:  # as before: each process's replies unknown to the sender
            sender.shared = None
        if not args.rate:  # the sender's ceiling
            channel.bucket = TokenBucket(1_000_000.0, burst=1000)
        settle()
        election = sender.election
        assert election is not None
        pipe.send(("ready", os.getpid(), 0.0))
        await asyncio.get_running_loop().run_in_executor(None, go.wait)
        started, cpu = time.perf_counter(), time.process_time()
        stop, done = asyncio.Event(), asyncio.Event()

        async def watch() -> None:
            leading = False
            while not done.is_set():  # bounded by the sender's run
                if election.leads("telegram") != leading:
                    leading = not leading
                    if leading:
                        pipe.send(("lead", os.getpid(), time.monotonic()))
                await asyncio.sleep(0.02)

        watcher = asyncio.create_task(watch())
        talker = asyncio.create_task(talk(channel, args, done)) if args.replies else None
        await sender.run(stop, until_empty=True)
        done.set()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        await watcher
        if talker is not None:
            await talker
        await channel.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    pipe.send(("done", seconds, cpu, peak))


async def talk(channel: Any, args: argparse.Namespace, done: asyncio.Event) -> None:
    """Answer `args.replies / args.processes` people a second until `done`: each a reply of
    one message to a chat of its own (REPLY_CHATS on), never held back."""
    import os
    import random

    from bot.engine.model import Reply, Text
    from bot.runtime import Identity, Outbound

    gap = args.processes / args.replies
    chats = iter(range(REPLY_CHATS + os.getpid() % 1000 * 100_000, 10**9))
    sending: set[asyncio.Task[None]] = set()
    while not done.is_set():  # bounded by the sender's run
        chat = next(chats)
        outbound = Outbound(Identity("telegram", str(chat)), "en", (Reply(Text("Hello")),))
        task = asyncio.create_task(channel.deliver(outbound, chat))
        sending.add(task)
        task.add_done_callback(sending.discard)
        await asyncio.sleep(gap * (0.5 + random.random()))
    await asyncio.gather(*sending)


REPLY_CHATS = 10**8
"""Chats the replies of `--replies` go to (the recipients of the notice are below)."""


async def sent_count(url: str) -> int:
    from bot.app import open_app
    from bot.notices import store

    async with open_app(settings_for(url)) as app, app.sessions() as session:
        tally = await store.tally(session, "aha-hygiene", "de")
    return sum(tally.get("sent", Counter()).values())


def broadcast(url: str, base: str, args: argparse.Namespace) -> dict[str, Any]:
    """Queue the notice, then run `args.processes` sender processes at once until nothing is
    left; with `args.kill_after`, kill the sending one (SIGKILL) that many seconds in."""
    queued, queueing = asyncio.run(queue_notice(url))
    context = multiprocessing.get_context("spawn")
    go = context.Event()
    pipes: list[Connection] = []
    processes: list[Any] = []
    for _ in range(args.processes):
        ours, theirs = context.Pipe()
        process = context.Process(target=sender_side, args=(url, base, args, go, theirs))
        process.start()
        pipes.append(ours)
        processes.append(process)
    for pipe in pipes:  # loaded flows and catalogs, before the clock starts
        if not pipe.poll(120):
            raise SystemExit("a sender process did not start within 120 s")
        pipe.recv()
    go.set()
    started = time.monotonic()
    leaders: list[tuple[float, int]] = []  # (when, pid)
    done: dict[int, tuple[float, float, int]] = {}
    killed: tuple[float, int] | None = None
    limit = started + 120 + 3 * queued / max(args.rate or 30, 1)
    while len(done) < len(processes) - (killed is not None) and time.monotonic() < limit:
        for process, pipe in zip(processes, pipes, strict=True):
            if killed is not None and process.pid == killed[1]:
                continue
            while process.pid not in done and pipe.poll():
                try:
                    kind, first, second, *more = pipe.recv()
                except EOFError:
                    break
                if kind == "lead":
                    leaders.append((second, first))
                elif kind == "done":
                    done[process.pid] = (first, second, more[0])
        if (args.kill_after and killed is None and leaders
                and time.monotonic() - started >= args.kill_after):
            pid = leaders[-1][1]
            victim = next(p for p in processes if p.pid == pid)
            victim.kill()  # SIGKILL, to the process this benchmark started
            killed = (time.monotonic(), pid)
        time.sleep(0.01)
    for process in processes:
        process.join(10)
    results = list(done.values())
    return {"queued": queued, "queueing": queueing, "seconds": max(r[0] for r in results),
            "cpu": sum(r[1] for r in results), "rss": max(r[2] for r in results),
            "sent": asyncio.run(sent_count(url)),
            "killed_at": killed[0] if killed else None, "leaders": leaders}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0,
                        help="TELEGRAM_RATE, the bot's limit; 0: none")
    parser.add_argument("--limit", type=float, default=30.0, help="the fake's; 0: none")
    parser.add_argument("--in-flight", type=int, default=0,
                        help="messages sent and not yet recorded at most; default: the "
                             "sender's for the rate (8 up to 80/s; unlimited: as at 1,000/s)")
    parser.add_argument("--batch", type=int, default=0,
                        help="messages claimed at once; default: the sender's for the window")
    parser.add_argument("--processes", type=int, default=1,
                        help="sender processes at once (one is elected to send)")
    parser.add_argument("--kill-after", type=float, default=0.0,
                        help="seconds after the start to kill the sending process (SIGKILL)")
    parser.add_argument("--replies", type=float, default=0.0,
                        help="people answered a second meanwhile, by all processes together")
    parser.add_argument("--unshared", action="store_true",
                        help="the sender does not hear of the other processes' replies")
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    from bot.delivery.sender import batch_for, window_for

    args.in_flight = args.in_flight or window_for(args.rate or 1000.0)
    args.batch = args.batch or batch_for(args.in_flight)
    if args.kill_after and args.processes < 2:
        parser.error("--kill-after needs --processes 2 or more: someone must take over")

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
                                                    "cpu": 0.0, "times": [], "replies": 0}
        fake.join(10)
        drop()
    per_chat = stats["per_chat"]
    delivered = sum(1 for n in per_chat.values() if n >= 1)
    twice = sum(n - 1 for n in per_chat.values() if n > 1)
    print(f"recipients {args.recipients}, bot rate {args.rate or 'unlimited'}/s, "
          f"fake limit {args.limit or 'none'}/s, in flight {args.in_flight}, "
          f"batch {args.batch}, processes {args.processes}, "
          f"database {url.split(':')[0]}")
    print(f"queued {result['queued']} as `notice send` does (the plan's counts, then the "
          f"rows) in {result['queueing']:.1f} s")
    print(f"sent {result['sent']:.0f} of {result['queued']:.0f} in {result['seconds']:.1f} s = "
          f"{result['sent'] / result['seconds']:.1f} messages/s")
    print(f"CPU of the {args.processes} sender process(es): {result['cpu']:.1f} s "
          f"({result['cpu'] / result['seconds']:.0%} of one core); the fake Bot API's, on the "
          f"same machine: {stats['cpu']:.1f} s")
    print(f"sender CPU per message: {result['cpu'] / max(result['sent'], 1) * 1000:.2f} ms"
          f"{' (the killed process not counted)' if result['killed_at'] else ''}; "
          f"peak resident memory of a sender process: {result['rss'] / 1024:.0f} MB")
    print(f"429 received {stats['too_many']}, sent before retry_after passed {stats['early']}, "
          f"lost {args.recipients - delivered}, sent twice {twice}")
    if args.replies:
        print(f"replies to people chatting meanwhile: {stats['replies']}")
    times = stats["times"]
    if result["killed_at"] is not None and times:
        killed = result["killed_at"]
        taken = [at for at, _ in result["leaders"] if at > killed]
        # The dead one's last calls may still arrive just after the kill: the first send
        # after the kill is the first after the survivor took over.
        resumed = next((t for t in times if taken and t > taken[0]), None)
        before = [t for t in times if t <= killed]
        print(f"killed the sending process {killed - times[0]:.1f} s after the first send "
              f"({len(before)} sent by then); a survivor took over "
              f"{taken[0] - killed if taken else float('nan'):.2f} s after the kill and sent "
              f"{resumed - killed if resumed else float('nan'):.2f} s after it")
    if len(times) > 1:
        gaps = sorted(((b - a, a) for a, b in zip(times, times[1:], strict=False)), reverse=True)
        print("longest pauses between two sends: " + ", ".join(
            f"{gap:.2f} s at {at - times[0]:.1f} s" for gap, at in gaps[:3]))


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
