"""`welcomebot notice ...` and `welcomebot people import` as staff use them."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def database(cli_env: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0


def subscribers(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "subscribers.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_subscriber_file_names_each_bad_line_and_imports_nothing(tmp_path: Path) -> None:
    bad = subscribers(tmp_path, "channel,id,locale,topics\n"
                                "telegram,111,ar,health\n"
                                "telegram,12ab,ar,health\n"
                                "telegram,113,xx,health;flu\n")
    result = runner.invoke(app, ["people", "import", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:3: '12ab' is not a telegram id" in result.output
    assert f"{bad}:4: locale 'xx'" in result.output and "unknown topic(s) flu" in result.output
    assert "nothing was imported" in result.output
    dry = runner.invoke(app, ["notice", "send", "aha-hygiene", "--audience", "topic:health",
                              "--dry-run"])
    assert "0 people would get 'aha-hygiene'" in dry.stdout  # not even the good first row


def test_dry_run_says_who_gets_what_and_how_long_then_sending_queues_each_once(
        tmp_path: Path) -> None:
    good = subscribers(tmp_path, "channel,id,locale,topics\n"
                                 + "".join(f"telegram,{200 + n},ar,health\n" for n in range(3))
                                 + "telegram,300,fa,health;events\n"
                                 + "telegram,301,uk,events\n")
    imported = runner.invoke(app, ["people", "import", str(good)])
    assert imported.exit_code == 0 and "5 people imported" in imported.stdout
    dry = runner.invoke(app, ["notice", "send", "aha-hygiene", "--audience",
                              "topic:health locale:ar,fa", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "4 people would get 'aha-hygiene'" in dry.stdout
    assert "ar:      3" in dry.stdout and "fa:      1" in dry.stdout
    assert "about 0:00:01" in dry.stdout
    wrong = runner.invoke(app, ["notice", "send", "aha-hygiene", "--audience", "lang:ar"])
    assert wrong.exit_code == 2 and "topic:health locale:ar,fa" in wrong.output
    sent = runner.invoke(app, ["notice", "send", "aha-hygiene", "--audience", "topic:health"])
    assert "queued for 4 people" in sent.stdout
    again = runner.invoke(app, ["notice", "send", "aha-hygiene", "--audience", "topic:health"])
    assert "queued for 0 people" in again.stdout
    paused = runner.invoke(app, ["notice", "pause", "aha-hygiene"])
    assert "paused: 4 messages wait" in paused.stdout
    status = runner.invoke(app, ["notice", "status", "aha-hygiene", "--no-follow"])
    assert status.stdout.splitlines()[-1].split() == ["all", "4"]
    resumed = runner.invoke(app, ["notice", "resume", "aha-hygiene"])
    assert "resumed: 4 messages go out" in resumed.stdout
    cancelled = runner.invoke(app, ["notice", "cancel", "aha-hygiene"])
    assert "cancelled: 4 messages will not go out" in cancelled.stdout
    status = runner.invoke(app, ["notice", "status", "aha-hygiene", "--no-follow"])
    assert status.stdout.splitlines()[0].split() == ["cancelled"]
    assert status.stdout.splitlines()[-1].split() == ["all", "4"]


def test_the_dry_run_says_who_waits_for_whatsapps_daily_limit_and_when_they_go(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A new number may write first to 2 people a day (its tier, here); five subscribers
    # on WhatsApp have not written for two days: a template opens a conversation with each.
    monkeypatch.setenv("WHATSAPP_DAILY_LIMIT", "2")
    good = subscribers(tmp_path, "channel,id,locale,topics\n" + "".join(
        f"whatsapp,4915112345{n:02d},uk,health\n" for n in range(5)))
    assert runner.invoke(app, ["people", "import", str(good)]).exit_code == 0
    database = sqlite3.connect(tmp_path / "bot.db")
    two_days_ago = (datetime.now(UTC) - timedelta(days=2)).isoformat(sep=" ")
    database.execute("UPDATE people SET last_seen_at = ?", (two_days_ago,))
    database.commit()
    database.close()
    dry = runner.invoke(app, ["notice", "send", "aha-hygiene", "--audience", "topic:health",
                              "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert ("WhatsApp: 5 of them have not written for 24 hours: they get the template first, "
            "and the number may write first to 2 people a day") in dry.stdout
    assert "2 go now; the others wait for room: 2 within 24 hours, 1 within 48 hours" \
        in dry.stdout


def test_a_paid_broadcast_is_refused_unless_allowed_and_its_dry_run_says_what_it_costs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = subscribers(tmp_path, "channel,id,locale,topics\n" + "".join(
        f"telegram,{700 + n},ar,health\n" for n in range(30)))
    assert runner.invoke(app, ["people", "import", str(good)]).exit_code == 0
    refused = runner.invoke(app, ["notice", "send", "aha-hygiene", "--audience",
                                  "topic:health", "--paid"])
    assert refused.exit_code == 2 and "TELEGRAM_PAID_BROADCAST=true" in refused.output
    monkeypatch.setenv("TELEGRAM_PAID_BROADCAST", "true")
    dry = runner.invoke(app, ["notice", "send", "aha-hygiene", "--audience", "topic:health",
                              "--paid", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert ("Telegram, a PAID broadcast: 30 messages at up to 1000 a second, 0.1 Star each: "
            "about 3 Telegram Stars from the bot's balance") in dry.stdout
    sent = runner.invoke(app, ["notice", "send", "aha-hygiene", "--audience", "topic:health",
                               "--paid"])
    assert "queued for 30 people" in sent.stdout
    database = sqlite3.connect(tmp_path / "bot.db")
    payloads = {row[0] for row in database.execute("SELECT payload FROM outbox")}
    database.close()
    assert payloads == {'{"notice": "aha-hygiene", "urgent": true}'}
