"""The terminal chat, run as people run it: `welcomebot chat` in a subprocess, fed lines on
standard input, on a real database file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scripts import is_language

ROOT = Path(__file__).resolve().parents[2]
WELCOMEBOT = Path(sys.executable).with_name("welcomebot")


def env_for(sqlite_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "LANG"))}
    env.update(DATABASE_URL=sqlite_url, LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
    return env


def chat(sqlite_url: str, user: str, lines: list[str], *extra: str) -> list[dict[str, object]]:
    done = subprocess.run(
        [str(WELCOMEBOT), "chat", "--user", user, "--json", *extra],
        input="\n".join(lines) + "\n", capture_output=True, text=True, cwd=ROOT,
        env=env_for(sqlite_url), timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.mark.parametrize(("lang", "pick"), [("ar", "3"), ("uk", "Українська")])
def test_after_the_language_choice_every_message_is_in_that_language(
        sqlite_url: str, lang: str, pick: str) -> None:
    said = chat(sqlite_url, f"script-{lang}", [pick, "1", "/help", "4", "/mydata", "/contact",
                                               "a photo? no, just text", "/language"])
    picker, *rest = said
    assert len(picker["buttons"]) == 7 and "العربية" in picker["buttons"]
    assert len(rest) >= 12
    for message in rest:
        assert is_language(str(message["text"]), lang), message
        for label in message["buttons"]:
            assert is_language(str(label), lang) or label in (
                "Deutsch", "English", "العربية", "فارسی / دری", "Українська", "Русский",
                "Türkçe"), label


def test_a_persian_phone_skips_the_picker_and_everything_is_persian(sqlite_url: str) -> None:
    said = chat(sqlite_url, "script-fa", ["1", "/mydata", "/help"], "--lang", "fa-AF")
    assert not any(len(m["buttons"]) == 7 for m in said[:1])  # no picker
    assert said and all(is_language(str(m["text"]), "fa") for m in said), said


def test_the_same_user_continues_where_they_were_after_the_chat_is_killed(
        sqlite_url: str) -> None:
    with subprocess.Popen(
            [str(WELCOMEBOT), "chat", "--user", "kill-me", "--json", "--lang", "en"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, cwd=ROOT, env=env_for(sqlite_url)) as process:
        assert process.stdin and process.stdout
        try:
            for line in ["1", "/delete"]:
                process.stdin.write(line + "\n")
                process.stdin.flush()
            question = ""
            while "delete all your data" not in question:
                question = json.loads(process.stdout.readline())["text"]
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
    again = chat(sqlite_url, "kill-me", ["No, keep my data"], "--lang", "en")
    assert again[0]["text"] == question and again[0]["buttons"] == [
        "Yes, delete everything", "No, keep my data"]
    assert again[1]["text"] == "Nothing was deleted."


def test_buttons_print_as_numbers_and_end_of_input_exits_cleanly(sqlite_url: str) -> None:
    done = subprocess.run([str(WELCOMEBOT), "chat", "--user", "plain"], input="2\n",
                          capture_output=True, text=True, cwd=ROOT, env=env_for(sqlite_url),
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "[1] Deutsch\n[2] English\n" in done.stdout
    assert "[1] Yes, I agree\n[2] No\n" in done.stdout


async def test_a_notice_reaches_the_terminal_while_chatting_and_another_users_is_labelled(
        app) -> None:
    import io
    import random
    from dataclasses import replace

    from bot.channels.console import Console
    from bot.db.session import transaction
    from bot.delivery.sender import Sender
    from bot.notices import store
    from bot.notices.audience import parse
    from bot.notices.content import load_notice
    from bot.people.importer import import_rows, read_rows
    from bot.service import notice_wanted

    langs = ("de", "en", "ar", "fa", "uk", "ru", "tr")
    rows = read_rows("channel,id,locale,topics\ntelegram,1,ar,health\ntelegram,2,uk,health\n",
                     "people.csv", langs)
    notice = load_notice(ROOT / "content" / "notices" / "aha-hygiene.yaml")
    async with transaction(app.sessions) as session:
        for row, user in zip(rows, ("me", "olena"), strict=True):  # terminal users, subscribed
            await import_rows(session, [replace(row, channel="console", external_id=user)],
                              app.runtime.clock())
        await store.queue(session, notice, "topic:health", parse("topic:health", langs),
                          send_at=app.runtime.clock(), expires_at=None, now=app.runtime.clock())
    out = io.StringIO()
    console = Console(app.runtime, app.catalogs, user="me", out=out, as_json=True)
    sender = Sender(app.sessions, app.runtime, {"console": console}, rng=random.Random(2),
                    wanted={"notices": notice_wanted})
    assert await sender.drain() == 2
    shown = [json.loads(line) for line in out.getvalue().splitlines()]
    mine = [m for m in shown if "to" not in m]
    theirs = [m for m in shown if m.get("to") == "olena"]
    plain = mine[0]["text"].replace("\u2068", "").replace("\u2069", "")  # RTL isolates
    assert notice.texts["ar"].title in plain and is_language(mine[0]["text"], "ar")
    assert notice.texts["uk"].title in theirs[0]["text"]
