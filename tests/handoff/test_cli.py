"""`welcomebot handoff`: staff at the server list, read and answer conversations; each
reading is in the audit log under the operator's name, and the answer reaches the person."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot import audit
from bot.app import App
from bot.cli import app as cli
from tests.handoff.conftest import Center, plain
from tests.handoff.test_story import GERMAN_ANSWER, QUESTION, cases_of, messages_of


async def run(*args: str) -> str:
    result = await asyncio.to_thread(CliRunner().invoke, cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def operator_env(app: App, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no developer's .env
    monkeypatch.setenv("DATABASE_URL", app.settings.database_url)
    monkeypatch.setenv("TRANSLATION_MODELS_DIR", str(app.settings.translation_models_dir))


async def test_staff_read_and_answer_from_the_command_line(
        app: App, center: Center, models: Path, operator_env: None) -> None:
    amal = await center.newcomer("501", "ar")
    await amal.say("/contact")
    await amal.tap("topic:housing")
    await amal.say(QUESTION)
    [case] = await cases_of(app)
    [message] = await messages_of(app, case.id)

    listed = await run("handoff", "list")
    assert listed.startswith(f"#{case.id}\tar\tFinding a flat\tnew\t1 messages")
    shown = await run("handoff", "show", str(case.id))
    assert QUESTION in shown and f"German (machine translation): {message.translation}" in shown
    said = await run("handoff", "reply", str(case.id), GERMAN_ANSWER)
    assert said.startswith(f"sent to #{case.id} in ar (machine translation): ")

    await center.deliver()
    [answer] = [m for m in await messages_of(app, case.id) if m.author == "staff"]
    assert answer.translation and answer.translation in plain(amal.last_push())
    async with app.sessions() as session:
        entries = await audit.entries(session)
    assert [(e.via, e.action, e.target) for e in entries] == [
        ("cli", "handoff.read", f"case:{case.id}"), ("cli", "handoff.reply", f"case:{case.id}")]
    assert all(e.who.startswith("cli:") for e in entries)


async def test_a_case_that_is_not_there_or_closed_is_said_so(
        app: App, operator_env: None) -> None:
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["handoff", "show", "99"])
    assert result.exit_code == 1 and "There is no conversation #99." in result.output
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["handoff", "reply", "99", "Hallo"])
    assert result.exit_code == 1 and "#99 is not open" in result.output
    assert (await run("handoff", "list")).strip() == "no open conversations"
