"""The command line as staff and developers use it (in-process, through Typer's runner)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.engine.harness import BASE_FLOWS, write_flows

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def no_env_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no developer .env; paths below are absolute
    monkeypatch.setenv("TRANSLATIONS_DIR", str(ROOT / "translations"))
    monkeypatch.setenv("CONTENT_DIR", str(ROOT / "content"))


def test_flows_check_passes_on_the_projects_flows() -> None:
    result = runner.invoke(app, ["flows", "check", str(ROOT / "flows")])
    flows = len(list((ROOT / "flows").glob("*.yaml")))
    assert result.exit_code == 0 and f"{flows} flows OK" in result.output


def test_a_dangling_goto_fails_the_check_with_file_and_line(tmp_path: Path) -> None:
    folder = write_flows(tmp_path / "flows", BASE_FLOWS)
    (folder / "events.yaml").write_text(
        "flow: events\nsteps:\n  - say: \"Soon.\"\n  - goto: {step: sign_up}\n",
        encoding="utf-8")
    result = runner.invoke(app, ["flows", "check", str(folder)])
    assert result.exit_code == 1
    assert f"{folder / 'events.yaml'}:4: error: flow 'events'" in result.output
    assert "goes to step 'sign_up', which is not a step of flow 'events'" in result.output
    assert "1 error(s)" in result.output


def test_the_bot_refuses_to_start_with_bad_flows(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_flows(tmp_path / "flows", BASE_FLOWS)
    (folder / "bad.yaml").write_text("flow: bad\nsteps:\n  - action: no.such\n", encoding="utf-8")
    monkeypatch.setenv("FLOWS_DIR", str(folder))
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    result = runner.invoke(app, ["chat", "--user", "x"], input="hello\n")
    assert result.exit_code == 2
    assert "fix them first" in result.output and "unknown action 'no.such'" in result.output


def test_an_unmigrated_database_is_named_with_the_fix(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWS_DIR", str(ROOT / "flows"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'new.db'}")
    result = runner.invoke(app, ["chat"], input="")
    assert result.exit_code == 2 and "Run: welcomebot db upgrade" in result.output
    upgraded = runner.invoke(app, ["db", "upgrade"])
    from bot.db.migrate import head

    assert upgraded.exit_code == 0 and f"database at migration {head()}" in upgraded.output
    assert runner.invoke(app, ["chat"], input="").exit_code == 0


def test_roles_are_given_on_the_command_line(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'r.db'}")
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["people", "role", "telegram:99", "staff"]).exit_code == 0
    bad = runner.invoke(app, ["people", "role", "telegram:99", "boss"])
    assert bad.exit_code == 2 and "unknown role 'boss'" in bad.output


def test_run_without_a_channel_says_so_and_opens_the_terminal_chat(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWS_DIR", str(ROOT / "flows"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'run.db'}")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["run"], input="2\n")
    assert result.exit_code == 0
    assert "No channel is configured" in result.output and "[1] Yes, I agree" in result.output


def test_version_prints_the_installed_version() -> None:
    from importlib.metadata import version

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output == f"welcomebot {version('welcomebot')}\n"


REFUSED = "postgresql+asyncpg://bot@127.0.0.1:1/nope"  # nothing listens on port 1


@pytest.mark.parametrize("command", [["db", "current"], ["db", "upgrade"], ["people", "purge"],
                                     ["events", "list"], ["chat"]])
def test_a_database_that_cannot_be_reached_is_one_line_naming_host_and_port(
        monkeypatch: pytest.MonkeyPatch, command: list[str]) -> None:
    """It was 533 lines of traceback and exit 1."""
    monkeypatch.setenv("FLOWS_DIR", str(ROOT / "flows"))
    monkeypatch.setenv("DATABASE_URL", REFUSED)
    result = runner.invoke(app, command, input="")
    assert result.exit_code == 2
    assert result.output == (
        "Cannot reach the database at 127.0.0.1:1 (DATABASE_URL): connection refused. Check "
        "that PostgreSQL runs on 127.0.0.1 and listens on port 1, and the host and port in "
        "DATABASE_URL.\n")


@pytest.mark.parametrize(("url", "said"), [
    ("postgresql+asyncpg://bot@no-such-host.invalid:5432/bot",
     "Cannot reach the database at no-such-host.invalid:5432 (DATABASE_URL): no host "
     "'no-such-host.invalid' is known"),
    ("sqlite+aiosqlite:///{tmp}/no/such/folder/bot.db",
     "DATABASE_URL (set in the environment): the folder {tmp}/no/such/folder of the SQLite "
     "file does not exist: create it, or name another file."),
])
def test_other_unreachable_databases_are_one_line_too(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str, said: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url.format(tmp=tmp_path))
    result = runner.invoke(app, ["db", "current"])
    assert result.exit_code == 2 and len(result.output.splitlines()) <= 2  # settings: heading
    assert said.format(tmp=tmp_path) in result.output


def test_a_postgresql_that_refuses_the_database_or_the_user_says_what_to_check(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from sqlalchemy.engine import make_url

    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("needs the PostgreSQL of TEST_DATABASE_URL (.ci/run sets it)")
    url = make_url(base)
    where = f"{url.host}:{url.port or 5432}"
    monkeypatch.setenv("DATABASE_URL", url.set(database="welcomebot_no_such_db")
                       .render_as_string(hide_password=False))
    result = runner.invoke(app, ["db", "current"])
    assert result.exit_code == 2 and len(result.output.splitlines()) == 1
    assert (f"The database 'welcomebot_no_such_db' does not exist on the PostgreSQL server at "
            f"{where} (DATABASE_URL): create it") in result.output
    monkeypatch.setenv("DATABASE_URL", url.set(username="welcomebot_nobody", password="x")
                       .render_as_string(hide_password=False))
    result = runner.invoke(app, ["db", "current"])
    assert result.exit_code == 2 and len(result.output.splitlines()) == 1
    assert (f"The PostgreSQL server at {where} (DATABASE_URL) refused user "
            "'welcomebot_nobody'") in result.output


def test_a_bad_log_level_is_a_settings_error_not_a_traceback(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "verbose")
    result = runner.invoke(app, ["db", "current"])
    assert result.exit_code == 2
    assert result.output == (
        "Some settings are not right:\n  LOG_LEVEL (set in the environment): use one of "
        "debug, info, warning, error. See .env.example for what it takes.\n")


def test_an_excel_unicode_export_of_people_is_imported(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Excel's "Unicode text": UTF-16 with a byte order mark, columns split by tabs."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'p.db'}")
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    people = tmp_path / "people.txt"
    people.write_bytes("channel\tid\tlocale\ttopics\r\ntelegram\t1001\tar\thealth events\r\n"
                       "telegram\t1002\tuk\tgeneral\r\n".encode("utf-16"))
    result = runner.invoke(app, ["people", "import", str(people)])
    assert result.exit_code == 0 and "2 people imported" in result.output


@pytest.mark.parametrize(("data", "said"), [
    ("channel,id,locale,topics\ntelegram,1,de,health\ntelegram,2,de,Gesundheit für alle\n"
     .encode("cp1252"), ":3: not UTF-8 text (byte 0xFC is not UTF-8: it looks like "
                        "Windows-1252 or Latin-1); save it as UTF-8 (in Excel: Save As \"CSV "
                        "UTF-8\")"),
    ("channel,id,locale,topics\ntelegram,1,de,health\n".encode("utf-16-le"),
     ":1: not UTF-8 text (it looks like UTF-16 without a byte order mark); save it as UTF-8 "
     "(in Excel: Save As \"CSV UTF-8\")"),
])
def test_a_people_file_that_is_not_utf8_is_named(tmp_path: Path, data: bytes,
                                                 said: str) -> None:
    people = tmp_path / "people.csv"
    people.write_bytes(data)
    result = runner.invoke(app, ["people", "import", str(people)])
    assert result.exit_code == 2
    assert result.output == f"{people}{said}\nnothing was imported\n"


def test_a_port_in_use_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """What `welcomebot run` says when HTTP_PORT is taken (the server of bot/server.py)."""
    import socket

    import typer
    from aiohttp import web

    from bot.commandline import run_async
    from bot.server import serve

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(typer.Exit) as exited:
            run_async(serve(web.Application(), "127.0.0.1", port))
    assert exited.value.exit_code == 2
    assert capsys.readouterr().err == (
        "The HTTP server cannot listen: error while attempting to bind on address "
        f"('127.0.0.1', {port}): address already in use. Set HTTP_HOST and HTTP_PORT to an "
        "address of this machine and a free port (or stop what uses it).\n")
