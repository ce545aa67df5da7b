"""`welcomebot faq ...` as evaluation tools and staff use it (in-process, Typer's runner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_env_file(cli_env: Path) -> None:
    """Each test on its own database file (see tests/conftest.py `cli_env`)."""


def test_the_batch_interface_answers_one_json_line_per_question(tmp_path: Path) -> None:
    questions = tmp_path / "questions.jsonl"
    questions.write_text("\n".join([
        json.dumps({"id": "q1", "text": "wo kann ich einen deutschkurs machen", "lang": "de"}),
        json.dumps({"id": 2, "text": "мне нужна медицинская страховка, что делать?"}),
        "",
        json.dumps({"id": "q3", "text": "asdkjh qwpoe zmxn"}),
        "not json at all",
    ]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["faq", "ask", "--json", "--batch", str(questions)])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["q1", 2, "q3", None]
    assert (out[0]["topic"], out[0]["lang"]) == ("german-courses", "de")
    assert (out[1]["topic"], out[1]["lang"]) == ("health-insurance", "ru")
    assert out[2]["topic"] is None and isinstance(out[2]["score"], float)
    assert out[3]["error"] == "line 5: not a JSON object with a text"


def test_one_question_answers_in_the_language_it_is_written_in() -> None:
    result = runner.invoke(app, ["faq", "ask", "--lang", "en", "--json",
                                 "шукаю роботу, куди звернутися?"])
    answer = json.loads(result.stdout)
    assert (answer["kind"], answer["topic"], answer["lang"], answer["switch"]) == (
        "answer", "job-search", "uk", True)


def test_eval_reports_accuracy_dont_know_languages_and_latency(tmp_path: Path) -> None:
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in [
        {"id": "a", "lang": "tr", "text": "almanca kursu nerede bulurum",
         "topic": "german-courses"},
        {"id": "b", "lang": "fa", "text": "بیمه درمانی ندارم چکار کنم",
         "topic": "health-insurance"},
        {"id": "c", "lang": "en", "text": "who won the football game yesterday", "topic": None},
        {"id": "d", "lang": "en", "text": "how do i renew my passport from my country",
         "topic": "vaccination"},  # labelled wrongly on purpose: it must show as a miss
    ]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["faq", "eval", str(labelled)])
    assert result.exit_code == 0, result.output
    assert "on-topic accuracy: 2/3 = 0.667" in result.output
    assert "correct don't-know: 1/1 = 1.000" in result.output
    assert "per language (on-topic): en 0/1, fa 1/1, tr 1/1" in result.output
    assert "latency per question: p50" in result.output and "d [en] expected vaccination" in (
        result.output)


def test_gaps_lists_what_people_asked_that_had_no_answer_without_their_numbers() -> None:
    question = "wer hat gestern das fußballspiel gewonnen? ich bin Ali, 0176 1234567"
    chat = "\n".join(["1", "3", question, "/menu", question, ""])  # consent, no notices
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["chat", "--user", "tester", "--lang", "de"], input=chat)
    assert result.exit_code == 0, result.output
    gaps = runner.invoke(app, ["faq", "gaps"])
    assert gaps.exit_code == 0, gaps.output
    [line] = gaps.stdout.splitlines()
    assert line.split()[:2] == ["2", "de"] and "1234567" not in line
