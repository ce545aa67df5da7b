"""The held-out check as the console runs it, without the web: the real desk on a small
labelled file, the numbers per language, what changed from one run to the next, a line that
is not JSON named with its place."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.session import make_engine, make_sessions, transaction
from bot.faq.checks import Line, Results, begin, change, content_digest, measure, results_of
from bot.faq.desk import FaqDesk
from bot.faq.evaluation import BadLine, Evaluation, Outcome
from tests.fakes import FakeClock


def lines(path: Path, *items: dict[str, object]) -> Path:
    path.write_text("\n".join(json.dumps(item, ensure_ascii=False) for item in items) + "\n",
                    encoding="utf-8")
    return path


def test_the_desk_answers_a_small_file_and_the_numbers_are_kept_per_language(
        desk: FaqDesk, tmp_path: Path) -> None:
    held_out = lines(
        tmp_path / "h.jsonl",
        {"id": "1", "text": "Wo kann ich Deutsch lernen?", "lang": "de", "topic": "german-courses"},
        {"id": "2", "text": "Як знайти житло?", "lang": "uk", "topic": "housing"},
        {"id": "3", "text": "Як знайти житло?", "lang": "uk", "topic": "taxes"},  # mislabelled
        {"id": "4", "text": "Wie wird das Wetter morgen?", "lang": "de", "topic": None})
    results = measure(desk, held_out, ["de", "en", "uk"])
    assert (results.right, results.on_topic, results.said_dont_know, results.null) == (2, 3, 1, 1)
    assert [(s.lang, s.right, s.on_topic, s.said_dont_know, s.null)
            for s in results.languages] == [("de", 1, 1, 1, 1), ("uk", 1, 2, 0, 0)]
    assert results.misses == [Line("3", "uk", "taxes", "housing")]
    assert results.topics == len(desk.content.topics) and results.ways_of_asking > 100
    assert results.content_digest == content_digest(desk.content)
    assert Results.from_json(json.loads(json.dumps(results.to_json()))) == results
    assert "Як знайти" not in json.dumps(results.to_json(), ensure_ascii=False)


def test_a_line_that_is_not_json_is_named_with_its_place(desk: FaqDesk, tmp_path: Path) -> None:
    held_out = tmp_path / "h.jsonl"
    held_out.write_text('{"id": "1", "text": "Hallo", "lang": "de", "topic": null}\n\nid,text\n',
                        encoding="utf-8")
    with pytest.raises(BadLine, match=rf"^{held_out}:3: not a JSON object with a text$"):
        measure(desk, held_out)


def evaluation(*outcomes: tuple[str, str, str | None, str | None]) -> Evaluation:
    found = Evaluation()
    for key, lang, expected, got in outcomes:
        found.outcomes.append(Outcome(key, lang, expected, got, 1.0))
        if expected:
            found.on_topic += 1
            found.right += expected == got
        else:
            found.null += 1
            found.said_dont_know += got is None
    return found


def test_what_changed_between_two_runs() -> None:
    before = results_of(evaluation(("a", "de", "housing", "housing"), ("b", "ar", "taxes", None),
                                   ("c", "ar", "housing", "housing"), ("d", "de", None, None)),
                        file_digest="one", languages=["de", "ar"])
    after = results_of(evaluation(("a", "de", "housing", "taxes"), ("b", "ar", "taxes", "taxes"),
                                  ("c", "ar", "housing", "housing"), ("e", "uk", "taxes", "taxes")),
                       file_digest="two", languages=["de", "ar"])
    assert [s.lang for s in after.languages] == ["de", "ar", "uk"]
    difference = change(before, after)
    assert difference.accuracy == pytest.approx(3 / 4 - 2 / 3)
    assert difference.dont_know is None  # no line without a topic any more
    assert difference.languages == {"de": pytest.approx(-1.0), "ar": pytest.approx(0.5),
                                    "uk": None}
    assert (difference.fixed, difference.broken) == (["b"], ["a"])
    assert (difference.added, difference.removed) == (1, 1)
    assert difference.file_changed and not difference.content_changed
    same = change(after, after)
    assert same.accuracy == 0 and not same.fixed and not same.file_changed


def test_the_desk_is_opened_again_after_the_city_edits_an_answer(tmp_path: Path) -> None:
    import shutil

    from bot.faq.checks import check_desk
    from tests.conftest import ROOT, make_settings

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    settings = make_settings("sqlite+aiosqlite:///x.db", content_dir=content)
    first = check_desk(settings)
    assert check_desk(settings) is first  # nothing changed: the same desk
    topic = content / "faq" / "german-courses.yaml"  # a sentence added to an answer
    topic.write_text(topic.read_text(encoding="utf-8").replace(
        "den passenden Kurs zu finden.",
        "den passenden Kurs zu finden. Abendkurse gibt es auch."), encoding="utf-8")
    again = check_desk(settings)
    assert again is not first
    assert "Abendkurse gibt es auch." in again.content.topics["german-courses"].answer["de"]
    assert content_digest(again.content) != content_digest(first.content)


async def test_two_consoles_asked_at_the_same_moment_start_one_run(
        db_url: str, clock: FakeClock) -> None:
    """Ana and Omar press "Run the check now" in two console processes at once: one run
    starts, the other is told one is under way (PostgreSQL: the start holds a lock)."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time; the console runs on PostgreSQL")
    engines = [make_engine(db_url) for _ in range(2)]

    async def press(engine: AsyncEngine) -> bool:
        async with transaction(make_sessions(engine)) as db:
            _, new = await begin(db, None, Path("held-out.jsonl"), clock())
            await asyncio.sleep(0.3)  # the transaction still open while the other presses
            return new

    try:
        started = await asyncio.gather(*(press(engine) for engine in engines))
    finally:
        for engine in engines:
            await engine.dispose()
    assert sorted(started) == [False, True]
