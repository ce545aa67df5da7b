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
