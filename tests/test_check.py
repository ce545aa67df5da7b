"""`welcomebot check`: the settings, every flow and every content file, each problem once with
its file:line and the fix, all at once; `run` and `chat` refuse to start on any."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def city(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A copy of the project's flows and content to break, in a folder without a .env."""
    monkeypatch.chdir(tmp_path)
    for name in ("flows", "content"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("*.npz"))
    monkeypatch.setenv("FLOWS_DIR", str(tmp_path / "flows"))
    monkeypatch.setenv("CONTENT_DIR", str(tmp_path / "content"))
    monkeypatch.setenv("TRANSLATIONS_DIR", str(ROOT / "translations"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    for name in ("LOG_LEVEL", "TELEGRAM_BOT_TOKEN", "WHATSAPP_APP_SECRET", "LANGUAGES"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text in line)


def test_the_projects_settings_flows_and_content_are_all_good(city: Path) -> None:
    result = runner.invoke(app, ["check"])
    flows = len(list((ROOT / "flows").glob("*.yaml")))
    assert result.exit_code == 0, result.output
    assert f"all good: settings, {flows} flows," in result.output


def test_every_problem_of_every_file_is_reported_at_once_with_file_line_and_fix(
        city: Path) -> None:
    content = city / "content"
    edit(content / "contacts.yaml", '  phone: ""', '  phone: ["+49 711 1"]\n  fax: "1"')
    edit(content / "districts.yaml", "neighbours: [Nord, Ost, Süd, West]",
         "neighbours: [Nord, Ost, Sued, West]")
    smalltalk = content / "smalltalk.yaml"
    with smalltalk.open("a", encoding="utf-8") as f:
        f.write("weather:\n  de: [wetter]\n")
    weather = smalltalk.read_text(encoding="utf-8").splitlines().index("weather:") + 1
    edit(content / "whatsapp-templates.yaml", "name: welcome_notice", "name: Welcome Notice!")
    edit(content / "faq" / "housing.yaml", "related: [social-benefits,",
         "related: [socail-benefits,")
    notice = content / "notices" / "aha-hygiene.yaml"
    notice.write_bytes(notice.read_text(encoding="utf-8").encode("utf-16-le"))  # no BOM
    (content / "events.yaml").write_text("- id: cafe\n  kind: party\n", encoding="utf-8")
    (content / "glossary.yaml").write_text("languages: [de\n", encoding="utf-8")
    edit(city / "flows" / "help.yaml", "flow: help", "flow: help\nfoo: 1")

    result = runner.invoke(app, ["check"])

    assert result.exit_code == 1
    out = result.output
    assert "Traceback" not in out
    expected = [
        f"{content / 'contacts.yaml'}:24: 'welcome_center.phone': Input should be a valid "
        "string (it is a list)",
        f"{content / 'contacts.yaml'}:25: unknown key 'fax'; check its spelling, or remove it",
        f"{content / 'districts.yaml'}:{line_of(content / 'districts.yaml', 'Sued')}: "
        "neighbour 'Sued' of 'Mitte' is no district of this file (check the spelling)",
        f"{smalltalk}:{weather}: "
        "'weather' is not one of greeting, thanks, goodbye, offtopic",
        f"{content / 'whatsapp-templates.yaml'}:"
        f"{line_of(content / 'whatsapp-templates.yaml', 'Welcome Notice!')}: "
        "'templates.notices:show.name': String should match pattern",
        f"{content / 'faq' / 'housing.yaml'}:{line_of(content / 'faq' / 'housing.yaml', 'socail')}"
        ": related 'socail-benefits' is not another topic id",
        f"{notice}:1: not UTF-8 text (it looks like UTF-16 without a byte order mark); save it "
        "as UTF-8",
        f"{content / 'events.yaml'}:2: 'kind': Input should be",
        f"{content / 'glossary.yaml'}:2: not valid YAML",
        f"{city / 'flows' / 'help.yaml'}:2: error: flow 'help': unknown key 'foo'",
    ]
    for line in expected:
        assert line in out, f"missing: {line}\n---\n{out}"
    lines = out.strip().splitlines()
    assert lines[-1].startswith(f"{len(lines) - 1} problem(s): fix them")
    assert all(":" in line.split(" ")[0] for line in lines[:-1])  # each opens with file:line


def test_bad_settings_and_broken_content_are_reported_together(city: Path) -> None:
    (city / ".env").write_text("LOG_LEVEL=verbose\nTELEGRAM_BOT_TOKEN 123:AAH\n",
                               encoding="utf-8")
    edit(city / "content" / "districts.yaml", "also: [Stuttgart-Mitte, Innenstadt, Zentrum]",
         "also: Zentrum")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert "LOG_LEVEL (.env:1): use one of debug, info, warning, error." in result.output
    assert ".env:2: the line starting TELEGRAM_BOT_TOKEN is not NAME=value" in result.output
    assert "123:AAH" not in result.output  # what may be a secret is never shown
    districts = city / "content" / "districts.yaml"
    assert (f"{districts}:{line_of(districts, 'also: Zentrum')}: 'also': Input should be a "
            "valid list (it is 'Zentrum')") in result.output
    assert "3 problem(s)" in result.output


@pytest.mark.parametrize("command", [["run"], ["chat", "--user", "x"]])
def test_run_and_chat_refuse_to_start_with_a_broken_districts_file(
        city: Path, command: list[str]) -> None:
    """Today's districts file was read only when someone was asked their district: everyone
    who accepted notices got "something went wrong"."""
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    edit(city / "content" / "districts.yaml", "neighbours: [Nord, Ost, Süd, West]",
         "neighbours: [Nord, Ost, Süd, West, Nowhere]")
    result = runner.invoke(app, command, input="hello\n")
    assert result.exit_code == 2
    assert "The bot does not start with these 1 problem(s); fix them first" in result.output
    assert f"{city / 'content' / 'districts.yaml'}:" in result.output
    assert "neighbour 'Nowhere' of 'Mitte' is no district of this file" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("file", "text", "found"), [
    ("contacts.yaml", "welcome_center: [\n", ":2: not valid YAML"),
    ("contacts.yaml", "- welcome_center\n", ":1: expected one entry per office"),
    ("smalltalk.yaml", "greeting: [hallo]\n", ":1: 'greeting': Input should be a valid "
                                              "dictionary (it is a list)"),
    ("smalltalk.yaml", "greeting:\n  de: [hallo, yes, 1]\n",
     ":2: 'greeting.de': Input should be a valid string (YAML read True: put the text in "
     "quotes)"),
    ("whatsapp-templates.yaml", "templates:\n  notices:show: {languages: [de]}\n",
     ":2: 'templates.notices:show.name' is missing; add it"),
    ("whatsapp-templates.yaml", "templates: {a: 1}\ntemplates: {}\n",
     ":2: 'templates' is given twice; keep one"),
    ("faq/housing.yaml", "id: housing\nreviewed: [\n", ":3: not valid YAML"),
    ("faq/housing.yaml", "id: housing\nreviewed: soon\n",
     ":2: 'reviewed': Input should be a valid date"),
    ("districts.yaml", "districts:\n  - id: mitte\n", ":2: 'name' is missing; add it"),
    ("office-hours.yaml", "days:\n  mon: 9-16\n", ":2: '9-16' is no time range"),
    ("notices/aha-hygiene.yaml", "id: aha-hygiene\ntopic: weather\n",
     ":2: 'topic': Input should be"),
])
def test_each_content_file_names_file_line_and_fix(city: Path, file: str, text: str,
                                                   found: str) -> None:
    path = city / "content" / file
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert f"{path}{found}" in result.output, result.output
    *problems, summary = result.output.splitlines()
    assert all(line.startswith(f"{path}:") for line in problems)  # no traceback, no noise
    assert summary == f"{len(problems)} problem(s): fix them, then run welcomebot check again"


def test_files_with_a_byte_order_mark_are_read(city: Path) -> None:
    """Windows editors and Excel write UTF-8 with a BOM, or UTF-16 with one: their encoding
    is certain, so they are read."""
    for path, codec in ((city / "flows" / "help.yaml", "utf-16"),
                        (city / "content" / "districts.yaml", "utf-8-sig"),
                        (city / "content" / "notices" / "aha-hygiene.yaml", "utf-16-be")):
        data = path.read_text(encoding="utf-8").encode(codec)
        path.write_bytes(b"\xfe\xff" + data if codec == "utf-16-be" else data)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output


def test_a_flow_in_windows_1252_is_named_with_its_line(city: Path) -> None:
    path = city / "flows" / "extra.yaml"
    path.write_bytes('flow: extra\n# für alle\nsteps:\n  - say: "Grüße"\n'.encode("cp1252"))
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert (f"{path}:2: error: not UTF-8 text (byte 0xFC is not UTF-8: it looks like "
            "Windows-1252 or Latin-1); save it as UTF-8 [not-utf8]") in result.output


def test_a_missing_catalog_and_content_folder_are_named(city: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGES", "de,en,ar,fa,uk,ru,tr,pl")
    monkeypatch.setenv("CONTENT_DIR", str(city / "nowhere"))
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert f"{ROOT / 'translations' / 'pl' / 'LC_MESSAGES' / 'messages.po'}:1: missing" in (
        result.output)
    assert f"{city / 'nowhere'}:1: the content folder does not exist; set CONTENT_DIR" in (
        result.output)
