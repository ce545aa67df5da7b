"""Notices written in the chat live in the database: every process sees the same draft, two
drafts never share an id, and `welcomebot notice send|status|review|translate` take their
ids as they take a notice file's."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.db.session import make_engine, make_sessions, transaction
from bot.notices import drafts
from bot.notices.content import NoticeFile, load_notice
from tests.conftest import ROOT

runner = CliRunner()
NOW = dt.datetime(2026, 11, 23, 9, 5, tzinfo=dt.UTC)


def draft(notice_id: str = "grippeimpfung-20261123-0905", **texts: dict[str, object]
          ) -> NoticeFile:
    return NoticeFile.model_validate({
        "id": notice_id, "topic": "health", "source": "de",
        "texts": {"de": {"title": "Grippeimpfung", "text": "Am Montag im Rathaus."}, **texts}})


async def test_two_processes_see_one_draft_and_two_drafts_never_share_an_id(db_url: str) -> None:
    one, two = make_engine(db_url), make_engine(db_url)  # two processes behind the balancer
    try:
        sessions = make_sessions(one), make_sessions(two)

        async def create(n: int) -> NoticeFile:
            async with transaction(sessions[n % 2]) as session:
                return await drafts.create(session, draft(), NOW, taken=lambda i: i.endswith("-3"))

        made = await asyncio.gather(*(create(n) for n in range(3)))
        ids = sorted(notice.id for notice in made)
        assert ids == ["grippeimpfung-20261123-0905", "grippeimpfung-20261123-0905-2",
                       "grippeimpfung-20261123-0905-4"]  # "-3" is a file's: left to it
        async with sessions[1]() as session:
            seen = await drafts.get(session, ids[0])
        assert seen == draft()

        async with transaction(sessions[0]) as session:
            assert await drafts.put(session, draft(ids[1]).model_copy(
                update={"allow_machine_translation": True}), NOW)
            assert not await drafts.put(session, draft("no-such-draft"), NOW)
        async with sessions[1]() as session:
            changed = await drafts.get(session, ids[1])
        assert changed is not None and changed.allow_machine_translation
    finally:
        await one.dispose()
        await two.dispose()


async def test_a_file_of_the_city_s_is_found_before_a_draft(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    try:
        async with transaction(make_sessions(engine)) as session:
            await drafts.create(session, draft("aha-hygiene"), NOW)  # as no composer would
            found = await drafts.find(session, ROOT / "content", "aha-hygiene")
            assert found is not None and found.path is not None
            assert found.notice == load_notice(found.path)
            mine = await drafts.find(session, ROOT / "content", "aha-hygiene-2")
            assert mine is None
    finally:
        await engine.dispose()


async def test_a_draft_nobody_touched_for_a_month_is_dropped(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    try:
        async with transaction(make_sessions(engine)) as session:
            await drafts.create(session, draft("old-one"), NOW - dt.timedelta(days=40))
            await drafts.create(session, draft("recent-one"), NOW - dt.timedelta(days=40))
            await drafts.put(session, draft("recent-one"), NOW - dt.timedelta(days=2))
            assert await drafts.purge(session, NOW) == 1
            assert await drafts.get(session, "old-one") is None
            assert await drafts.get(session, "recent-one") is not None
    finally:
        await engine.dispose()


# -- the commands on a notice written in the chat -------------------------------------------
@pytest.fixture
def stored(cli_env: Path) -> str:
    """A migrated database with Arabic subscribers and a notice written in the chat, with
    an Arabic machine draft."""
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    people = cli_env / "people.csv"
    people.write_text("channel,id,locale,topics\n" + "".join(
        f"telegram,{200 + n},ar,health\n" for n in range(3)), encoding="utf-8")
    assert runner.invoke(cli, ["people", "import", str(people)]).exit_code == 0
    notice = draft(ar={"title": "لقاح", "text": "يوم الاثنين.", "machine": True})

    async def put() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{cli_env / 'bot.db'}")
        async with transaction(make_sessions(engine)) as session:
            await drafts.create(session, notice, NOW)
        await engine.dispose()

    asyncio.run(put())
    return notice.id


def read(cli_env: Path, notice_id: str) -> NoticeFile:
    async def get() -> NoticeFile | None:
        engine = make_engine(f"sqlite+aiosqlite:///{cli_env / 'bot.db'}")
        async with make_sessions(engine)() as session:
            found = await drafts.get(session, notice_id)
        await engine.dispose()
        return found

    found = asyncio.run(get())
    assert found is not None
    return found


def test_send_status_and_review_take_the_id_of_a_notice_written_in_the_chat(
        stored: str, cli_env: Path) -> None:
    dry = runner.invoke(cli, ["notice", "send", stored, "--audience", "topic:health",
                              "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"3 people would get '{stored}'" in dry.stdout
    assert "machine draft: NOT sent; they get de" in dry.stdout
    sent = runner.invoke(cli, ["notice", "send", stored, "--audience", "topic:health"])
    assert sent.exit_code == 0 and "queued for 3 people" in sent.stdout
    status = runner.invoke(cli, ["notice", "status", stored, "--no-follow"])
    assert status.exit_code == 0 and status.stdout.splitlines()[1].split() == ["ar", "3"]

    reviewed = runner.invoke(cli, ["notice", "review", stored, "--lang", "ar"])
    assert reviewed.exit_code == 0, reviewed.output
    after = read(cli_env, stored)
    assert after.state("ar") == "reviewed" and not after.texts["ar"].machine
    assert not list((ROOT / "content" / "notices").glob(f"{stored}*"))  # no file anywhere

    missing = runner.invoke(cli, ["notice", "review", stored, "--lang", "fa"])
    assert missing.exit_code == 2 and "--lang fa: the notice has no text in it" in missing.output
    unknown = runner.invoke(cli, ["notice", "send", "no-such-notice", "--audience",
                                  "topic:health"])
    assert unknown.exit_code == 2
    assert "no such notice file, and no notice 'no-such-notice' written in the chat" in (
        unknown.output)


def test_translate_drafts_into_the_notice_written_in_the_chat(
        stored: str, cli_env: Path, models: Path) -> None:
    result = runner.invoke(cli, ["notice", "translate", stored, "--to", "en,fa"])
    assert result.exit_code == 0, result.output
    assert f"{stored}: machine drafts from de" in result.stdout
    assert f"then: welcomebot notice review {stored} --lang en --lang fa" in result.stdout
    after = read(cli_env, stored)
    assert after.state("en") == after.state("fa") == "machine"
    assert after.texts["fa"].text.strip() and after.texts["ar"] == draft(
        ar={"title": "لقاح", "text": "يوم الاثنين.", "machine": True}).texts["ar"]
