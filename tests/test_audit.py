"""The audit log: who changed a role, approved a volunteer, sent a notice, changed an event
or asked for an erasure, from the command line and the chat; an erased person appears as a
pseudonym; entries older than AUDIT_DAYS go."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot import audit
from bot.app import open_app
from bot.cli import app
from bot.commandline import settings as load_settings
from bot.db.session import transaction
from tests.buddies.conftest import City, register
from tests.fakes import FakeClock

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def database(cli_env: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0


def entries(*args: str) -> list[dict[str, str]]:
    listed = runner.invoke(app, ["audit", "--json", *args])
    assert listed.exit_code == 0, listed.output
    return [json.loads(line) for line in listed.stdout.splitlines()]


def in_the_chat(clock: FakeClock) -> None:
    """A volunteer registers in the chat; a newcomer agrees, then deletes her data."""
    clock.current = datetime.now(UTC)

    async def chat() -> None:
        async with open_app(load_settings(), clock=clock) as bot:
            city = City(bot)
            anna = await city.person("anna", "de")
            await register(anna, name="Anna", languages={"uk": "3"}, district="Ost",
                           times=["evenings"], offers=["documents"])
            leila = await city.person("leila", "ar")
            await leila.say("/delete")
            await leila.tap("yes")

    asyncio.run(chat())


def test_staff_actions_from_the_command_line_and_the_chat_are_listed_with_who(
        clock: FakeClock) -> None:
    assert runner.invoke(app, ["people", "role", "telegram:42", "staff"]).exit_code == 0
    assert runner.invoke(app, ["events", "import",
                               str(ROOT / "content" / "events.yaml")]).exit_code == 0
    assert runner.invoke(app, ["events", "cancel", "1"]).exit_code == 0
    sent = runner.invoke(app, ["notice", "send", "aha-hygiene", "--audience", "topic:health"])
    assert sent.exit_code == 0, sent.output
    in_the_chat(clock)
    assert runner.invoke(app, ["buddies", "approve", "1"]).exit_code == 0

    found = entries()
    actions = sorted((e["action"], e["via"]) for e in found)
    assert actions == [("buddies.approve", "cli"), ("events.cancel", "cli"),
                       ("events.import", "cli"), ("notices.send", "cli"),
                       ("people.role", "cli"), ("privacy.erase", "chat")]
    operator = audit.operator()
    assert operator.startswith("cli:") and all(
        e["who"] == operator for e in found if e["via"] == "cli")
    [role] = [e for e in found if e["action"] == "people.role"]
    assert (role["target"], role["detail"]) == ("telegram:42", "staff")
    [erased] = [e for e in found if e["action"] == "privacy.erase"]
    assert erased["who"].startswith("erased:") and "leila" not in json.dumps(found)
    assert set(found[0]) >= {"at", "who", "via", "action", "target"}

    assert [e["action"] for e in entries("--who", "telegram:42")] == ["people.role"]
    today = datetime.now(UTC).date().isoformat()
    assert len(entries("--since", today)) == len(found)
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert entries("--since", tomorrow) == []


def test_entries_older_than_audit_days_are_erased(clock: FakeClock) -> None:
    assert runner.invoke(app, ["people", "role", "telegram:43", "staff"]).exit_code == 0

    async def later(days: int) -> int:
        loaded = load_settings()
        async with open_app(loaded, clock=clock) as bot, transaction(bot.sessions) as session:
            return await audit.purge(session, datetime.now(UTC) + timedelta(days=days),
                                     loaded.audit_days)

    assert asyncio.run(later(729)) == 0
    assert asyncio.run(later(731)) == 1
    assert entries() == []


def test_a_bad_day_is_refused_in_one_line() -> None:
    listed = runner.invoke(app, ["audit", "--since", "yesterday"])
    assert listed.exit_code == 2 and "write a day like 2026-12-01" in listed.output
    assert os.linesep.join(listed.output.splitlines()) == listed.output.strip()


def test_an_erasure_by_letter_is_done_on_the_command_line_and_audited(clock: FakeClock) -> None:
    async def chat() -> None:
        async with open_app(load_settings(), clock=clock) as bot:
            leila = await City(bot).person("leila", "ar")
            await leila.say("/mydata")

    clock.current = datetime.now(UTC)
    asyncio.run(chat())
    erased = runner.invoke(app, ["people", "erase", "telegram:leila"])
    assert erased.exit_code == 0 and "all their data are erased" in erased.stdout
    again = runner.invoke(app, ["people", "erase", "telegram:leila"])
    assert again.exit_code == 1 and "nobody is known as telegram:leila" in again.output
    [entry] = entries("--action", "privacy.erase")
    assert entry["via"] == "cli" and entry["target"].startswith("erased:")
