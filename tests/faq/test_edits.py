"""Staff's edits laid over the topic files (`bot/faq/edits.py`), the answer states, and the
unanswered questions grouped by wording (`bot/faq/gaps.py`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.session import make_engine, make_sessions, transaction
from bot.faq import edits
from bot.faq.content import Content
from bot.faq.gaps import Asked, grouped, wordings
from tests.faq.conftest import LANGS, ROOT

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def files() -> Content:
    return edits.files(ROOT / "content", LANGS)


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(db_url)
    yield make_sessions(engine)
    await engine.dispose()


def complete(topic_id: str) -> dict[str, object]:
    return {"reviewed": "2026-12-07", "sources": ["https://www.stuttgart.de/fahrrad"],
            "answer": {lang: f"Answer in {lang}.\n\nDetails." for lang in LANGS},
            "questions": {lang: [f"{topic_id} {lang} {n}" for n in range(6)] for lang in LANGS}}


def test_an_edit_replaces_what_it_names_and_added_ways_of_asking_come_once(
        files: Content) -> None:
    housing = files.topics["housing"]
    edit = edits.Edit("housing", topic={"answer": {**housing.answer, "de": "Neu.\n\nMehr."}},
                      added={"fa": ["خانه  کجا پیدا کنم", "خانه کجا پیدا کنم",
                                    housing.questions["fa"][0].upper()]})
    merged = edits.merge(files, [edit], LANGS).topics["housing"]
    assert merged.answer["de"] == "Neu.\n\nMehr." and merged.answer["fa"] == housing.answer["fa"]
    assert merged.questions["fa"] == [*housing.questions["fa"], "خانه کجا پیدا کنم"]
    assert merged.sources == housing.sources
    assert files.topics["housing"] is housing  # the files' content is left as it was


def test_an_edit_that_breaks_a_rule_leaves_the_file_and_a_draft_waits(files: Content) -> None:
    too_long = edits.Edit("housing", topic={"answer": {**files.topics["housing"].answer,
                                                       "ar": "ب" * 400}})
    draft = edits.Edit("bicycles", topic={"questions": {"fa": ["دوچرخه"]}}, new=True)
    merged = edits.merge(files, [too_long, draft], LANGS)
    assert merged.topics["housing"] == files.topics["housing"]
    assert "bicycles" not in merged.topics
    problems = edits.problems(edits.raw(None, draft), LANGS, set(merged.topics))
    assert {p.at for p in problems} >= {"reviewed", "sources", "answer.de", "questions.fa"}
    assert all(p.missing for p in problems)
    ready = edits.Edit("bicycles", topic=complete("bicycles"), new=True)
    assert edits.merge(files, [ready], LANGS).topics["bicycles"].answer["fa"] == (
        "Answer in fa.\n\nDetails.")
    [short] = edits.problems({**complete("x"), "id": "x", "answer": {
        **complete("x")["answer"], "tr": "a" * 351}}, LANGS, {"x"})  # type: ignore[dict-item]
    assert (short.at, short.code, short.missing) == ("answer.tr", "short_too_long", False)


def test_the_others_go_stale_when_the_german_answer_changes_until_reviewed(
        files: Content) -> None:
    housing = files.topics["housing"]
    german = housing.answer["de"] + " Neu."
    data = edits.raw(housing, edits.Edit("housing", topic={"answer": {**housing.answer,
                                                                       "de": german}}))
    assert edits.state(edits.raw(housing, None), {}, housing, "fa") == "reviewed"
    assert edits.state(data, {}, housing, "de") == "source"
    assert edits.state(data, {}, housing, "fa") == "stale"
    checked = {"fa": edits.stamp("reviewed", german, "console:rana", NOW)}
    assert edits.state(data, checked, housing, "fa") == "reviewed"
    written = {"fa": edits.stamp("unreviewed", german, "console:ana", NOW)}
    assert edits.state(data, written, housing, "fa") == "unreviewed"
    assert edits.state({**data, "answer": {"de": german}}, {}, housing, "fa") == "missing"


async def test_ways_of_asking_are_added_once_and_every_save_changes_the_signature(
        sessions: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(sessions) as db:
        assert await edits.signature(db) == ()
        added = await edits.add_questions(db, "housing", "fa", ["خانه", "خانه ", "اجاره"],
                                          who="console:ana", now=NOW, existing=["اجاره"])
    assert added == 1
    async with transaction(sessions) as db:
        first = await edits.signature(db)
        assert await edits.add_questions(db, "housing", "fa", ["خانه"], who="console:ana",
                                         now=NOW) == 0
        assert await edits.signature(db) == first  # nothing new, nothing to embed
        await edits.add_questions(db, "housing", "fa", ["آپارتمان"], who="console:ana",
                                  now=NOW)
        assert await edits.signature(db) != first
        [edit] = await edits.load(db)
    assert edit.added == {"fa": ["خانه", "آپارتمان"]} and edit.changed_by == "console:ana"
    async with transaction(sessions) as db:
        await edits.draft(db, "bicycles", "fa", ["دوچرخه"], who="console:ana", now=NOW)
        with pytest.raises(ValueError):
            await edits.draft(db, "bicycles", "fa", ["دوچرخه"], who="console:ana", now=NOW)


def test_unanswered_questions_are_grouped_by_language_and_close_wording() -> None:
    day = NOW - dt.timedelta(days=1)
    asked = [Asked(1, "کجا می‌توانم دوچرخه تعمیر کنم", "fa", day),
             Asked(2, "کجا میتوانم دوچرخه تعمیر کنم؟", "fa", NOW),
             Asked(3, "کجا می‌توانم دوچرخه تعمیر کنم", "fa", day),
             Asked(4, "کتابخانه کی باز است", "fa", day),
             Asked(5, "Wo kann ich mein Fahrrad reparieren?", "de", day)]
    bikes, german, library = grouped(asked)
    assert (bikes.lang, bikes.count, bikes.last, sorted(bikes.ids)) == ("fa", 3, NOW, [1, 2, 3])
    assert bikes.text == "کجا می‌توانم دوچرخه تعمیر کنم"
    assert (german.lang, library.lang, library.ids) == ("de", "fa", [4])
    assert wordings([asked[1], asked[0], asked[2]]) == [
        "کجا می‌توانم دوچرخه تعمیر کنم", "کجا میتوانم دوچرخه تعمیر کنم؟"]
