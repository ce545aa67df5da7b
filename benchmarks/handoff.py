"""Talk to a person: how long a staff member's answer takes to reach the newcomer's chat, with
the translation model loaded and many conversations open at once.

    .venv/bin/python benchmarks/handoff.py [--cases 20] [--replies 60] [--interval 0.5]
                     [--models DIR] [--database URL]

The bot runs as `welcomebot run` does (the outbox sender's loop, the real Telegram channel)
against the fake Bot API server (tests/fake_telegram.py) in this process. `--cases`
newcomers, each in their own language (Arabic, Persian, Ukrainian, Russian, Turkish), open a
conversation by writing to the Welcome Center; then staff answer them in German, one answer
every `--interval` seconds, round the cases, as the console or `/cases` does
(`bot.handoff.casework.reply`: translated into the person's language, queued in the
outbox). The time runs from the moment the answer is written to the moment the translated
message reaches the fake Bot API, the sender's wait for new rows included (`welcomebot run`
looks every second; the console, another process, cannot wake it). The goal: p95 under 2 s
with 20 cases open.

`--models` is TRANSLATION_MODELS_DIR with real argostranslate models (argospm's
translate-de_en and translate-en_<lang>); without it, the tiny test models of
tests/notices/tiny_argos.py are built and used (their translations are nonsense, made as
fast as a small real model makes them). Run by hand; the figures go in the closing note.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LANGS = ("ar", "fa", "uk", "ru", "tr")
QUESTIONS = {
    "ar": "مرحبا، أحتاج موعدا بخصوص تصريح الإقامة. متى يمكنني أن آتي؟",
    "fa": "سلام، برای اجازه کار چه مدارکی لازم دارم؟",
    "uk": "Добрий день, де я можу записатися на інтеграційний курс?",
    "ru": "Здравствуйте, как мне найти квартиру для семьи из четырёх человек?",
    "tr": "Merhaba, çocuğum için anaokulu yerini nasıl bulabilirim?",
}
ANSWER = ("Guten Tag! Bitte kommen Sie am Donnerstag um 10 Uhr ins Welcome Center und bringen "
          "Sie Ihren Pass mit.")


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def tiny_models(folder: Path) -> Path:
    from bot.notices import translation
    from tests.notices import tiny_argos

    pairs = [("de", "en"), *(("en", lang) for lang in LANGS),
             *((lang, "en") for lang in LANGS), ("en", "de")]
    built = tiny_argos.build(folder / "built", pairs)
    models = folder / "models"
    translation.configure(models)
    translation._argos()
    from argostranslate import package

    for path in built:
        package.install_from_path(path)
    return models


async def main(args: argparse.Namespace) -> None:
    from bot.app import open_app
    from bot.channels.telegram.channel import TelegramChannel
    from bot.config import Settings
    from bot.db import migrate
    from bot.db.session import make_engine, transaction
    from bot.delivery.sender import Sender
    from bot.engine.model import Inbound, InboundKind
    from bot.handoff import casework, store
    from bot.handoff.translate import translate
    from bot.runtime import Identity
    from tests.fake_telegram import TOKEN, FakeTelegram

    work = Path(tempfile.mkdtemp(prefix="handoff-bench-"))
    models = Path(args.models) if args.models else tiny_models(work)
    url = args.database or f"sqlite+aiosqlite:///{work / 'bench.db'}"
    engine = make_engine(url)
    await migrate.upgrade(engine)
    await engine.dispose()
    settings = Settings(_env_file=None, database_url=url,  # type: ignore[call-arg]
                        translation_models_dir=models, flows_dir=ROOT / "flows",
                        content_dir=ROOT / "content", translations_dir=ROOT / "translations",
                        flood_burst=1000)
    fake = FakeTelegram()
    await fake.start()
    started = time.perf_counter()
    for lang in LANGS:  # load each model once, as a running bot has
        translate("Guten Tag.", "de", lang, models)
    print(f"models loaded in {time.perf_counter() - started:.1f} s ({models})")

    async with open_app(settings, clock=lambda: datetime.now(UTC)) as app:
        channel = TelegramChannel(app.runtime, app.catalogs, app.deps.flows, token=TOKEN,
                                  api_base=fake.base)
        for n in range(args.cases):
            lang = LANGS[n % len(LANGS)]
            who = Identity("telegram", str(1000 + n))
            for inbound in (Inbound(InboundKind.WAKE), Inbound.button("yes", 1)):
                await app.runtime.handle(who, inbound, locale_hint=lang)
            await app.runtime.handle(who, Inbound.message("/contact"), locale_hint=lang)
            out = await app.runtime.handle(who, Inbound.message(QUESTIONS[lang]),
                                           locale_hint=lang)
            assert out.replies, "the question was not taken"
        async with app.sessions() as session:
            cases = await store.cases(session, limit=args.cases)
        print(f"{len(cases)} conversations open")
        person_chat = {}
        async with app.sessions() as session:
            from bot.db.tables import Person

            for case in cases:
                person = await session.get(Person, case.person_id)
                assert person is not None
                person_chat[case.id] = int(person.external_id)

        stop = asyncio.Event()
        sender = Sender(app.sessions, app.runtime, {"telegram": channel})
        running = asyncio.create_task(sender.run(stop))
        actor = casework.Actor("cli:benchmark", "cli")
        latencies: list[float] = []

        async def answer(case_id: int) -> None:
            chat = person_chat[case_id]
            before = len(fake.sent[chat])
            begun = time.perf_counter()
            async with transaction(app.sessions) as session:
                await casework.reply(session, case_id, ANSWER, "de", actor,
                                     datetime.now(UTC), models)
            while len(fake.sent[chat]) <= before:
                await asyncio.sleep(0.005)
            latencies.append(time.perf_counter() - begun)

        tasks = []
        for n in range(args.replies):
            tasks.append(asyncio.create_task(answer(cases[n % len(cases)].id)))
            await asyncio.sleep(args.interval)
        await asyncio.gather(*tasks)
        stop.set()
        await running
        await channel.close()
    await fake.stop()
    print(f"{len(latencies)} answers, {args.cases} conversations open: "
          f"p50 {percentile(latencies, 50) * 1000:.0f} ms, "
          f"p95 {percentile(latencies, 95) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms")


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--replies", type=int, default=60)
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("--models", default=None)
    parser.add_argument("--database", default=None)
    asyncio.run(main(parser.parse_args()))
