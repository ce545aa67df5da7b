"""Logs: `LOG_FORMAT=json` gives one JSON object per line, with the line's key=value pairs as
fields; nothing a person typed reaches the logs in either format; commands are quiet unless
asked (`welcomebot -v`), services log at LOG_LEVEL."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.app import App
from bot.cli import app as cli
from bot.commandline import log_level
from bot.logs import JsonFormatter, fields, formatter
from tests.conftest import make_settings
from tests.talk import Talk

runner = CliRunner()


def record(message: str, *args: object, level: int = logging.INFO,
           exc_info: object = None) -> logging.LogRecord:
    return logging.LogRecord("bot.runtime", level, __file__, 1, message, args,
                             exc_info, None)  # type: ignore[arg-type]


def test_a_json_line_has_time_level_logger_message_and_the_pairs_as_fields() -> None:
    line = JsonFormatter().format(record("turn who=%s kind=%s flow=%s step=%s",
                                         "telegram:40", "text", "menu", "start"))
    assert "\n" not in line
    data = json.loads(line)
    assert data["time"].endswith("Z") and data["time"][:2] == "20"
    assert data["level"] == "INFO" and data["logger"] == "bot.runtime"
    assert data["message"] == "turn who=telegram:40 kind=text flow=menu step=start"
    assert {k: data[k] for k in ("event", "who", "kind", "flow", "step")} == {
        "event": "turn", "who": "telegram:40", "kind": "text", "flow": "menu", "step": "start"}


def test_a_field_never_replaces_the_lines_own_keys() -> None:
    assert fields("outbox_batch level=5 message=x time=1 sent=3") == {
        "event": "outbox_batch", "sent": "3"}
    assert fields("Context impl SQLiteImpl.") == {}


def test_a_traceback_stays_in_its_one_json_line() -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        line = JsonFormatter().format(record("turn_failed who=%s", "console:x",
                                             level=logging.ERROR, exc_info=sys.exc_info()))
    assert "\n" not in line
    data = json.loads(line)
    assert data["event"] == "turn_failed" and data["level"] == "ERROR"
    assert "RuntimeError: boom" in data["exception"]


@pytest.mark.parametrize("kind", ["text", "json"])
async def test_nothing_a_user_types_reaches_the_logs_in_either_format(
        app: App, caplog: pytest.LogCaptureFixture, kind: str) -> None:
    caplog.set_level(logging.DEBUG)
    talk = Talk(app, "secret-keeper", hint="de")
    await talk.open()
    await talk.say("Mein Name ist Zebra-Geheimnis-4711")
    await talk.tap("Ja, ich stimme zu")
    await talk.say("/frage Zebra-Geheimnis-4711")
    await talk.say("Zebra-Geheimnis-4711 wo lerne ich deutsch")
    logged = "\n".join(formatter(kind).format(r) for r in caplog.records)
    assert "turn who=console:secret-keeper" in logged
    assert "Zebra" not in logged and "Geheimnis" not in logged and "4711" not in logged
    if kind == "json":
        lines = [json.loads(line) for line in logged.splitlines()]
        assert {"event": "turn", "who": "console:secret-keeper"}.items() <= lines[-1].items()


@pytest.mark.parametrize(("configured", "service", "verbose", "expected"), [
    ("INFO", False, False, logging.WARNING),   # a command: quiet
    ("INFO", False, True, logging.INFO),       # welcomebot -v
    ("DEBUG", False, True, logging.DEBUG),     # -v with LOG_LEVEL=DEBUG says more
    ("ERROR", False, False, logging.ERROR),    # LOG_LEVEL asks for less still
    ("INFO", True, False, logging.INFO),       # a service logs at LOG_LEVEL
    ("WARNING", True, True, logging.WARNING),
])
def test_the_log_level_of_commands_and_services(configured: str, service: bool, verbose: bool,
                                                expected: int) -> None:
    settings = make_settings("sqlite+aiosqlite://", log_level=configured)
    assert log_level(settings, service=service, verbose=verbose) == expected


@pytest.fixture
def env(cli_env: Path) -> Iterator[Path]:
    yield cli_env
    logging.basicConfig(level=logging.WARNING, force=True)  # no handler on a closed stream


def test_a_command_is_quiet_unless_asked(env: Path) -> None:
    result = runner.invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("database at migration")
    assert result.stderr == ""  # no Alembic lines, no INFO lines
    result = runner.invoke(cli, ["-v", "db", "current"])
    assert result.exit_code == 0, result.output
    assert "INFO alembic.runtime.migration Context impl" in result.stderr
    assert result.stdout.startswith("at ")


def test_a_service_logs_what_it_does_without_alembic_s_setup_lines(env: Path) -> None:
    from bot import commandline

    commandline.verbose(False)  # no -v
    commandline.settings(service=True)  # `run`, `deliver`, `chat --json`: at LOG_LEVEL
    assert logging.getLogger("bot.faq.desk").isEnabledFor(logging.INFO)
    assert not logging.getLogger("alembic.runtime.plugins").isEnabledFor(logging.INFO)
    assert logging.getLogger("alembic.runtime.migration").isEnabledFor(logging.WARNING)


def test_verbose_json_logs_are_one_object_a_line(env: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_FORMAT", "json")
    result = runner.invoke(cli, ["--verbose", "db", "upgrade"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert any(line["logger"] == "alembic.runtime.migration"
               and line["message"].startswith("Running upgrade") for line in lines)
    assert {line["level"] for line in lines} == {"INFO"}


def test_an_unknown_log_format_is_named_with_its_choices(env: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_FORMAT", "xml")
    result = runner.invoke(cli, ["db", "current"])
    assert result.exit_code == 2
    assert "LOG_FORMAT" in result.stderr and "'text' or 'json'" in result.stderr
