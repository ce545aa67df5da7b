"""The console's settings, its commands (`welcomebot console`, `console link`) and its
catalogs (German and English, gettext domain `console`)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from bot import catalogs
from bot.cli import app as cli
from bot.config import Settings, SettingsError, load_settings
from bot.console.app import build
from tests.conftest import ROOT
from tests.console.conftest import Bench, csrf_of, staff_member

runner = CliRunner()


def test_the_console_never_shares_the_webhook_port(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("HTTP_PORT=8090\nCONSOLE_PORT=8090\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="CONSOLE_PORT 8090 is HTTP_PORT too"):
        load_settings(env)
    env.write_text("CONSOLE_URL=ftp://console\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="CONSOLE_URL"):
        load_settings(env)
    env.write_text("CONSOLE_URL=https://console.welcome.internal/\nCONSOLE_IDLE_MINUTES=15\n",
                   encoding="utf-8")
    loaded = load_settings(env)
    assert loaded.console_url == "https://console.welcome.internal" and loaded.console_secure
    assert (loaded.console_host, loaded.console_port) == ("127.0.0.1", 8090)


async def test_behind_https_the_cookies_are_secure(bench: Bench) -> None:
    secure: Settings = bench.settings.model_copy(update={"console_url": "https://c.example"})
    console = build(secure, bench.engine, bench.clock)
    await staff_member(bench, "console:ana")
    transport = httpx.ASGITransport(app=console)
    async with httpx.AsyncClient(transport=transport, base_url="https://c.example") as client:
        shown = await client.get("/signin")
        assert "Secure" in shown.headers["set-cookie"]
        asked = await client.post("/signin", data={"who": "console:ana",
                                                   "csrf": csrf_of(shown.text)})
        assert asked.status_code == 303


def test_console_link_prints_a_one_time_link_for_staff_only(cli_env: Path) -> None:
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(cli, ["people", "role", "telegram:42", "admin"]).exit_code == 0
    made = runner.invoke(cli, ["console", "link", "telegram:42"])
    assert made.exit_code == 0, made.output
    assert made.stdout.startswith("http://127.0.0.1:8090/signin/link/")
    refused = runner.invoke(cli, ["console", "link", "telegram:43"])
    assert refused.exit_code == 1 and "is not staff" in refused.output
    bad = runner.invoke(cli, ["console", "link", "ana"])
    assert bad.exit_code == 2 and "is not channel:id" in bad.output
    audit = runner.invoke(cli, ["audit", "--action", "console.link"])
    assert "telegram:42" in audit.stdout


def test_the_console_refuses_to_start_on_an_unmigrated_database(cli_env: Path) -> None:
    result = runner.invoke(cli, ["console"])
    assert result.exit_code == 2 and "welcomebot db upgrade" in result.output


def test_the_console_template_holds_every_text_of_the_console() -> None:
    """`make i18n` was run after the console's last text changed."""
    from babel.messages.frontend import CommandLineInterface

    out = ROOT / "translations" / "console.pot"
    fresh = Path(__file__).parent / "_fresh_console.pot"
    try:
        CommandLineInterface().run([
            "pybabel", "-q", "extract", "-F", str(ROOT / "babel-console.cfg"), "-k", "N_",
            "-o", str(fresh), str(ROOT)])
        assert _ids(fresh) == _ids(out), "run `make i18n`: console.pot is out of date"
    finally:
        fresh.unlink(missing_ok=True)


def _ids(pot: Path) -> set[object]:
    return {(m.context, m.id) for m in catalogs.read(pot, "en", "console") if m.id}


def test_the_console_speaks_german_and_english_completely() -> None:
    assert catalogs.console_problems(ROOT / "translations") == []


def test_the_console_checker_catches_a_lost_placeholder(tmp_path: Path) -> None:
    pot = tmp_path / "console.pot"
    po = catalogs.po_path(tmp_path, "de", "console")
    po.parent.mkdir(parents=True)
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
    pot.write_text(header + 'msgid "Erase %(who)s?"\nmsgstr ""\n', encoding="utf-8")
    po.write_text(header + 'msgid "Erase %(who)s?"\nmsgstr "Löschen?"\n', encoding="utf-8")
    found = catalogs.problems(tmp_path, "de", pot, "console")
    assert len(found) == 1 and "%(name)s" in found[0]


def test_welcomebot_check_warns_when_the_consoles_catalogs_are_missing(tmp_path: Path) -> None:
    import shutil

    from bot.check import check_files
    from tests.conftest import make_settings

    translations = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", translations,
                    ignore=shutil.ignore_patterns("console.*"))
    report = check_files(make_settings("sqlite+aiosqlite://", translations_dir=translations))
    missing = [w for w in report.warnings if "console.po" in w]
    assert len(missing) == 2 and "staff console" in missing[0]
    assert not any("console.po" in p for p in report.problems)
