"""How many updates per second the whole bot handles on Telegram, next to a bare aiogram
echo bot fed the same load through the same fake Bot API server, and how long replies take.

    .venv/bin/python benchmarks/telegram_throughput.py [--users 200] [--messages 10]
                     [--steady-rate 50] [--steady-seconds 10] [--database URL]

The fake Bot API server (tests/fake_telegram.py) and the simulated users run in a second
process, as Telegram is not in the bot's process either; the bot under test has this one.
Burst: every user sends all their messages at once. Each message is /help at the main menu,
which the full bot answers with one message (the help text, then the menu with its
buttons); the echo bot answers "hello" with "hello". Steady: `--steady-rate` updates per
second spread over the users for `--steady-seconds`. Latency runs from the moment an update
is available to getUpdates to the moment the last reply to it reaches the server. Each bot
runs `--rounds` times; the median run is reported, as runs on a shared machine vary.

Run by hand; the figures go in the closing note, never into a test.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Result:
    name: str
    updates: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.updates / self.seconds

    def line(self) -> str:
        p50, p95 = percentile(self.latencies, 50), percentile(self.latencies, 95)
        return (f"{self.name:<28} {self.updates:>6} updates in {self.seconds:6.2f} s = "
                f"{self.rate:7.1f} updates/s   latency p50 {p50 * 1000:7.1f} ms  "
                f"p95 {p95 * 1000:7.1f} ms")


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


# -- the other process: Telegram and its users ---------------------------------------------
def telegram_side(pipe: Connection, full: bool, args: argparse.Namespace) -> None:
    asyncio.run(_telegram_side(pipe, full, args))


async def _telegram_side(pipe: Connection, full: bool, args: argparse.Namespace) -> None:
    from tests.fake_telegram import FakeTelegram

    fake = FakeTelegram()
    pipe.send(await fake.start())
    users = range(1, args.users + 1)
    results = []
    if full:  # everyone through the welcome and consent, to the main menu
        for user_id in users:
            fake.user(user_id, "en").says("/start")
        await _until(lambda: all(len(fake.sent[u]) >= 1 for u in users))
        for user_id in users:
            fake.user(user_id, "en").taps("Yes, I agree")
        await _until(lambda: all(len(fake.sent[u]) >= 2 for u in users))
    else:  # the same warm-up: one message each, so the bot is up and polling
        for user_id in users:
            fake.user(user_id, "en").says("hello")
        await _until(lambda: all(len(fake.sent[u]) >= 1 for u in users))
    text, replies = ("/help", 1) if full else ("hello", 1)
    name = "full bot" if full else "bare aiogram echo"
    burst = await load(fake, users, args.messages, replies, text)
    burst.name = f"{name}, burst"
    results.append(burst)
    if full:
        per_user = max(1, round(args.steady_rate * args.steady_seconds / args.users))
        steady = await load(fake, users, per_user, replies, text, rate=args.steady_rate)
        steady.name = f"{name}, steady {args.steady_rate:g}/s"
        results.append(steady)
    pipe.send(results)
    await asyncio.to_thread(pipe.recv)  # serve until the bot has stopped polling
    await fake.stop()


async def load(fake: object, users: range, messages: int, replies_per_update: int, text: str,
               rate: float | None = None) -> Result:
    """Push the updates (all at once, or `rate` a second) and wait for every reply."""
    from tests.fake_telegram import FakeTelegram

    assert isinstance(fake, FakeTelegram)
    before = {u: len(fake.sent[u]) for u in users}
    pushed: dict[int, list[float]] = {u: [] for u in users}
    start = time.monotonic()
    for n, user_id in enumerate(u for _ in range(messages) for u in users):
        if rate is not None:
            await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
        fake.user(user_id, "en").says(text)
        pushed[user_id].append(time.monotonic())
    await _until(lambda: all(len(fake.sent[u]) - before[u] >= messages * replies_per_update
                             for u in users))
    end = max(fake.sent[u][-1].at for u in users)
    latencies = [fake.sent[u][before[u] + (n + 1) * replies_per_update - 1].at - at
                 for u, times in pushed.items() for n, at in enumerate(times)]
    return Result("", len(users) * messages, end - start, latencies)


async def _until(check, timeout: float = 300) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the bot")
        await asyncio.sleep(0.005)


# -- this process: the bot under test ------------------------------------------------------
async def run_full_bot(base: str, pipe: Connection, args: argparse.Namespace) -> list[Result]:
    from bot.app import open_app
    from bot.channels.telegram.channel import TelegramChannel
    from bot.config import Settings
    from bot.db import migrate
    from bot.db.session import make_engine
    from bot.service import settle
    from tests.fake_telegram import TOKEN

    url = args.database or f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    engine = make_engine(url)
    await migrate.upgrade(engine)
    await engine.dispose()
    settings = Settings(_env_file=None, database_url=url,  # type: ignore[call-arg]
                        flows_dir=ROOT / "flows", content_dir=ROOT / "content",
                        translations_dir=ROOT / "translations",
                        flood_burst=1_000_000, flood_per_minute=1_000_000)
    async with open_app(settings) as app:
        channel = TelegramChannel(app.runtime, app.catalogs, app.deps.flows, token=TOKEN,
                                  api_base=base)
        if not args.no_settle:
            settle()  # as `welcomebot run` does once started
        stop = asyncio.Event()
        polling = asyncio.create_task(channel.poll(stop, timeout=1))
        results: list[Result] = await asyncio.to_thread(pipe.recv)
        stop.set()
        await polling
        await channel.close()
    return results


async def run_echo_bot(base: str, pipe: Connection) -> list[Result]:
    from aiogram import Bot, Dispatcher, Router
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message

    from tests.fake_telegram import TOKEN

    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    polling = asyncio.create_task(dispatcher.start_polling(bot, polling_timeout=1,
                                                           handle_signals=False))
    results: list[Result] = await asyncio.to_thread(pipe.recv)
    await dispatcher.stop_polling()
    await polling
    await bot.session.close()
    return results


def measure(full: bool, args: argparse.Namespace) -> list[Result]:
    ours, theirs = multiprocessing.Pipe()
    context = multiprocessing.get_context("spawn")
    other = context.Process(target=telegram_side, args=(theirs, full, args), daemon=True)
    other.start()
    try:
        base = ours.recv()
        if full:
            results = asyncio.run(run_full_bot(base, ours, args))
        else:
            results = asyncio.run(run_echo_bot(base, ours))
        ours.send("stopped")
        other.join(timeout=30)
        return results
    finally:
        if other.is_alive():
            other.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--steady-rate", type=float, default=50.0)
    parser.add_argument("--steady-seconds", type=float, default=10.0)
    parser.add_argument("--database", help="default: a new SQLite file")
    parser.add_argument("--rounds", type=int, default=3,
                        help="runs of each bot; the median run is reported (default 3)")
    parser.add_argument("--no-settle", action="store_true",
                        help="skip gc.freeze() after start-up, to see what it is worth")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    echoes, bursts, steadies = [], [], []
    for _ in range(args.rounds):
        [echo] = measure(False, args)
        burst, steady = measure(True, args)
        echoes.append(echo)
        bursts.append(burst)
        steadies.append(steady)
        print(f"  round: echo {echo.rate:.0f}/s, full bot {burst.rate:.0f}/s", flush=True)
    echo, burst = median(echoes), median(bursts)
    steady = sorted(steadies, key=lambda r: percentile(r.latencies, 95))[len(steadies) // 2]
    for result in (echo, burst, steady):
        print(result.line())
    print(f"full bot / bare echo throughput (medians of {args.rounds}): "
          f"{burst.rate / echo.rate:.2f}")


def median(results: list[Result]) -> Result:
    return sorted(results, key=lambda r: r.rate)[len(results) // 2]


if __name__ == "__main__":
    main()
