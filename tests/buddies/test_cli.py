"""`welcomebot buddies ...` as staff use it (in-process, Typer's runner, a real SQLite file)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.buddies import store
from bot.cli import app
from bot.commandline import in_transaction
from bot.db import people
from bot.db.tables import OutboxMessage, Person

runner = CliRunner()
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def database(cli_env: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0


def add(session_work) -> object:  # type: ignore[no-untyped-def]
    return in_transaction(os.environ["DATABASE_URL"], session_work)


async def two_people(session) -> None:  # type: ignore[no-untyped-def]
    """A volunteer waiting for approval (Ukrainian, Ost) and a newcomer who asked."""
    for user, district in (("201", "Ost"), ("301", "Ost")):
        person = await people.arrive(session, "telegram", user, NOW)
        await session.execute(Person.__table__.update().where(Person.id == person.id)
                              .values(district=district, consent="given"))
    await store.register(session, 1, {
        "first_name": "Oksana", "contact": {"kind": "chat", "value": ""},
        "languages": {"uk": 3}, "offers": ["documents"], "times": ["evenings"],
        "capacity": 2, "gender": "woman"}, NOW)
    await store.ask(session, 2, {
        "first_name": "Olena", "contact": {"kind": "chat", "value": ""},
        "needs": ["documents"], "languages": {"uk": 3}, "times": ["evenings"],
        "wants": None}, NOW)


def test_staff_approve_a_volunteer_and_a_round_proposes_her() -> None:
    add(two_people)
    waiting = runner.invoke(app, ["buddies", "volunteers"])
    assert waiting.exit_code == 0, waiting.output
    assert waiting.stdout.startswith("#1\tpending\tOksana\ttelegram:201\tuk:3\tOst\t2")

    before = runner.invoke(app, ["buddies", "match"])
    assert "proposed 0" in before.stdout and "told staff about 1" in before.stdout

    approved = runner.invoke(app, ["buddies", "approve", "1"])
    assert approved.exit_code == 0 and "#1 Oksana: approved" in approved.stdout
    assert "nobody is waiting" in runner.invoke(app, ["buddies", "volunteers"]).stdout
    assert "proposed 1" in runner.invoke(app, ["buddies", "match"]).stdout

    status = runner.invoke(app, ["buddies", "status"]).stdout
    assert "open requests:            1 (1 of them told to staff)" in status
    assert "1 for the volunteer, 0 for the newcomer" in status
    assert "1 active, 0 paused, 0 waiting for approval" in status
    assert "no matches in the last 180 days" in status

    async def pushes(session) -> list[str]:  # type: ignore[no-untyped-def]
        return list((await session.scalars(select(OutboxMessage.push)
                                           .order_by(OutboxMessage.id))).all())

    assert add(pushes) == ["buddies_match:nobody_fits", "buddies_match:approved",
                           "buddies_match:proposal"]


def test_an_unknown_volunteer_is_named() -> None:
    result = runner.invoke(app, ["buddies", "decline", "7"])
    assert result.exit_code == 1 and "no volunteer #7" in result.output
