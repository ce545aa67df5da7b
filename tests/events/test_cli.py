"""`welcomebot events ...` as staff use it (in-process, Typer's runner, a real SQLite file)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def database(cli_env: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0


def test_the_demo_events_import_and_list_with_their_numbers() -> None:
    result = runner.invoke(app, ["events", "import", str(ROOT / "content" / "events.yaml")])
    assert result.exit_code == 0, result.output
    assert "7 series:" in result.stdout
    again = runner.invoke(app, ["events", "import", str(ROOT / "content" / "events.yaml")])
    assert "0 dates added, 0 updated" in again.stdout  # importing twice changes nothing
    listed = runner.invoke(app, ["events", "list"]).stdout.splitlines()
    assert listed and all("/" in line and "waiting 0" in line for line in listed)


def test_a_bad_events_file_names_every_problem_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "events.yaml"
    bad.write_text(
        "- id: cafe-ost\n"
        "  kind: party\n"                         # line 2: not a kind
        "  title: {de: Sprachcafé}\n"
        "  place: Bibliothek\n"
        "  address: Platz 1\n"
        "  district: Ost\n"
        "  languages: [de]\n"
        "  starts: 2026-12-01 18:00\n"
        "  minutes: 90\n"
        "  capacity: 10\n"
        "  repeat: EVERY TUESDAY\n"               # line 11: not an RRULE
        "- id: cafe-ost\n"                        # line 12: the same id again
        "  kind: dialogue\n"
        "  title: {de: Dialog}\n"
        "  place: Rathaus\n"
        "  address: Marktplatz 1\n"
        "  district: Mitte\n"
        "  languages: [de]\n"
        "  starts: 2026-12-02 18:00\n"
        "  minutes: 90\n"
        "  capacity: 4\n"
        "  seats: {newcomer: 3, local: 3}\n",     # line 22: more than the capacity
        encoding="utf-8")
    result = runner.invoke(app, ["events", "import", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:2: 'kind': Input should be 'dialogue' or 'language_cafe' (it is 'party')" in (
        result.output)
    assert f"{bad}:11: 'repeat':" in result.output and "FREQ=WEEKLY;BYDAY=TU" in result.output
    assert f"{bad}:12:" in result.output or "exceed the capacity" in result.output


def test_staff_add_a_weekly_cafe_cancel_one_date_and_get_a_csv_of_who_comes() -> None:
    added = runner.invoke(app, [
        "events", "add", "--id", "cafe-ost", "--kind", "language_cafe",
        "--title", "de=Sprachcafé Ost", "--title", "en=Language café East",
        "--place", "Bibliothek Ost", "--address", "Marktplatz 1, 70173 Stuttgart",
        "--district", "Ost", "--languages", "de,ar", "--starts", "2030-01-01 18:00",
        "--minutes", "90", "--capacity", "12", "--repeat", "FREQ=WEEKLY;BYDAY=TU"])
    assert added.exit_code == 0, added.output
    assert "saved, but no date falls in the coming weeks" in added.stdout  # 2030 is far
    listed = runner.invoke(app, ["events", "list"])
    assert "no events in the coming weeks" in listed.stdout
    wrong = runner.invoke(app, ["events", "add", "--id", "x", "--kind", "language_cafe",
                                "--title", "Sprachcafé", "--place", "p", "--address", "a",
                                "--district", "d", "--languages", "de", "--starts",
                                "2030-01-01 18:00", "--minutes", "90", "--capacity", "5"])
    assert wrong.exit_code == 2 and "--title 'Sprachcafé': write it as key=value" in (
        wrong.output)
    cancelled = runner.invoke(app, ["events", "cancel", "--series", "cafe-ost"])
    assert cancelled.exit_code == 0 and "0 booking(s)" in cancelled.stdout
    empty = runner.invoke(app, ["events", "attendees", "1", "--csv"])
    rows = list(csv.reader(io.StringIO(empty.stdout)))
    assert rows == [["booking", "person", "status", "group", "people", "children",
                     "booked_at", "first_name"]]


def test_someone_books_in_the_chat_and_staff_see_them_in_the_list_and_the_csv() -> None:
    runner.invoke(app, ["events", "import", str(ROOT / "content" / "events.yaml")])
    first = runner.invoke(app, ["events", "list"]).stdout.splitlines()[0]
    event_id = first.split()[0]
    # consent, the events command, all events, the first one, book, two people, one child;
    # a dialogue with seats per group asks once more (answer: new in the city)
    chat = "\n".join(["1", "/events", "3", "1", "1", "2", "2", "1", ""])
    result = runner.invoke(app, ["chat", "--user", "mina", "--lang", "en"], input=chat)
    assert result.exit_code == 0, result.output
    assert "Your seat is booked!" in result.stdout and ".ics" in result.stdout
    listed = runner.invoke(app, ["events", "list"]).stdout.splitlines()[0]
    assert listed.split()[0] == event_id and "  2/" in listed
    out = runner.invoke(app, ["events", "attendees", event_id, "--csv"]).stdout
    [header, row] = list(csv.reader(io.StringIO(out)))
    assert row[1:6] == ["console:mina", "booked", "newcomer", "2", "1"]
