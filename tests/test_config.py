"""Settings: every one is explained in .env.example, and a bad one is named with its place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[1]


def test_env_example_names_and_explains_every_setting() -> None:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    named = re.findall(r"^([A-Z_]+)=", text, re.M)
    assert sorted(named) == sorted(name.upper() for name in Settings.model_fields)
    blocks = text.split("\n\n")
    for name in named:
        block = next(b for b in blocks if re.search(rf"^{name}=", b, re.M))
        assert block.lstrip().startswith("#"), f"{name} has no explanation above it"


def test_env_example_itself_loads() -> None:
    loaded = load_settings(ROOT / ".env.example")
    assert loaded.languages == ["de", "en", "ar", "fa", "uk", "ru", "tr"]
    assert loaded.telegram_bot_token is None and loaded.admins == []


def test_a_bad_setting_names_the_variable_the_file_line_and_the_fix(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = tmp_path / ".env"
    env.write_text("# mine\nLANGUAGES=de,en,xx\nRETENTION_DAYS=-3\nADMINS=telegram\n",
                   encoding="utf-8")
    for name in ("LANGUAGES", "RETENTION_DAYS", "ADMINS"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SettingsError) as caught:
        load_settings(env)
    message = str(caught.value)
    assert f"LANGUAGES ({env}:2): 'xx' is not a language code" in message
    assert f"RETENTION_DAYS ({env}:3)" in message
    assert f"ADMINS ({env}:4): 'telegram' is not channel:id" in message
    assert message.count("See .env.example") == 3


def test_the_environment_wins_and_is_named(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIMEZONE", "Mars/Olympus")
    with pytest.raises(SettingsError, match=r"TIMEZONE \(set in the environment\)"):
        load_settings(None)


def test_a_webhook_without_a_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:ABC-def")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://bot.example.org/telegram/webhook")
    monkeypatch.delenv("TELEGRAM_WEBHOOK_SECRET", raising=False)
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET"):
        load_settings(None)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "short")
    with pytest.raises(SettingsError, match=r"TELEGRAM_WEBHOOK_SECRET \(set in the environment"):
        load_settings(None)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "a" * 32)
    assert load_settings(None).telegram_webhook_secret is not None


FOLDER_SETTINGS = ("FLOWS_DIR", "CONTENT_DIR", "TRANSLATIONS_DIR")


def test_the_folders_are_the_working_directorys_then_the_checkouts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in FOLDER_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "flows").mkdir()
    monkeypatch.setenv("TRANSLATIONS_DIR", "")  # as in .env.example: the default
    loaded = load_settings(None)
    assert loaded.flows_dir == Path("flows")  # as named: messages say flows/menu.yaml
    assert loaded.content_dir == ROOT / "content"
    assert loaded.translations_dir == ROOT / "translations"


def test_an_installed_package_finds_the_copies_it_ships(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot import paths

    for name in FOLDER_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(paths, "CHECKOUT", tmp_path / "site-packages")  # no pyproject.toml
    monkeypatch.setattr(paths, "SHIPPED", tmp_path / "site-packages" / "bot" / "shipped")
    (paths.SHIPPED / "content").mkdir(parents=True)
    monkeypatch.setenv("CONTENT_DIR", str(tmp_path / "city"))
    loaded = load_settings(None)
    assert loaded.content_dir == tmp_path / "city"  # a setting always wins
    monkeypatch.delenv("CONTENT_DIR")
    loaded = load_settings(None)
    assert loaded.content_dir == paths.SHIPPED / "content"
    assert loaded.flows_dir == Path("flows")  # nowhere: the error names the folder it wanted


def _problems(env: Path, text: str | bytes) -> str:
    if isinstance(text, str):
        env.write_text(text, encoding="utf-8")
    else:
        env.write_bytes(text)
    with pytest.raises(SettingsError) as caught:
        load_settings(env)
    return str(caught.value)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("LOG_LEVEL", "TELEGRAM_BOT_TOKEN", "DATABASE_URL", "WHATSAPP_APP_SECRET",
                 "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_VERIFY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / ".env"


def test_log_level_is_one_of_four_in_any_case(env: Path) -> None:
    assert _problems(env, "LOG_LEVEL=verbose\n") == (
        f"Some settings are not right:\n  LOG_LEVEL ({env}:1): use one of debug, info, warning, "
        "error. See .env.example for what it takes.")
    env.write_text("LOG_LEVEL=Warning\n", encoding="utf-8")
    assert load_settings(env).log_level == "WARNING"


@pytest.mark.parametrize(("line", "said"), [
    ("TELEGRAM_BOT_TOKEN 123456:AAHsecret", "the line starting TELEGRAM_BOT_TOKEN is not "
                                            "NAME=value"),
    ("TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_TOKEN has no '=': write TELEGRAM_BOT_TOKEN=value"),
    ("123456:AAHsecret", "this line has no '='"),
    ('TELEGRAM_BOT_TOKEN="123456:AAHsecret', "the line starting TELEGRAM_BOT_TOKEN is not "
                                             "NAME=value (an '=' missing, or a quote not "
                                             "closed?)"),
    ("TELEGRAM_BOT_TOKN=123456:AAHsecret", "TELEGRAM_BOT_TOKN is not a setting; did you mean "
                                           "TELEGRAM_BOT_TOKEN?"),
])
def test_a_env_line_that_sets_nothing_is_an_error_naming_its_line(env: Path, line: str,
                                                                   said: str) -> None:
    """Such a line only warned: a mistyped token started the terminal chat, not Telegram."""
    message = _problems(env, f"# my settings\n\nLOG_LEVEL=info\n{line}\n")
    assert f"  {env}:4: {said}" in message
    assert "AAHsecret" not in message  # what may be a secret is never shown


def test_other_variables_in_env_are_left_alone(env: Path) -> None:
    env.write_text("TEST_DATABASE_URL=postgresql+asyncpg://x@h/t\nPYTHONPATH=.\n"
                   "export LOG_LEVEL=error\nMULTI=\"a\nb\"\n", encoding="utf-8")
    assert load_settings(env).log_level == "ERROR"


@pytest.mark.parametrize(("value", "said"), [
    ('" "', "it is only spaces: write the secret itself, or leave it empty"),
    ('" abc"', "it has spaces at its start or end: remove them"),
])
def test_a_blank_or_padded_secret_is_an_error(env: Path, value: str, said: str) -> None:
    text = ("WHATSAPP_PHONE_NUMBER_ID=123456789012345\nWHATSAPP_ACCESS_TOKEN=token\n"
            f"WHATSAPP_APP_SECRET={value}\nWHATSAPP_VERIFY_TOKEN=verify\n")
    assert f"WHATSAPP_APP_SECRET ({env}:3): {said}" in _problems(env, text)


def test_a_database_url_without_an_async_driver_is_an_error(env: Path) -> None:
    message = _problems(env, "DATABASE_URL=postgres://bot:pw@db.example.org/bot\n")
    assert f"DATABASE_URL ({env}:1): use postgresql+asyncpg://user:password@host:5432/name" in (
        message)


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16"])
def test_a_env_file_with_a_byte_order_mark_is_read(env: Path, codec: str) -> None:
    env.write_bytes("LOG_LEVEL=error\nTIMEZONE=Europe/Berlin\n".encode(codec))
    assert load_settings(env).log_level == "ERROR"  # the first line too, BOM and all


def test_a_env_file_that_is_not_utf8_is_named(env: Path) -> None:
    message = _problems(env, "LOG_LEVEL=error\n".encode("utf-16-le"))
    assert (f"{env}:1: not UTF-8 text (it looks like UTF-16 without a byte order mark); save "
            "it as UTF-8; until then it is not read") in message


def test_telegram_rate_reads_its_old_name_outbox_rate_with_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("TELEGRAM_RATE", "OUTBOX_RATE"):
        monkeypatch.delenv(name, raising=False)
    assert load_settings(None).telegram_rate == 25
    env = tmp_path / ".env"
    env.write_text("OUTBOX_RATE=20\n", encoding="utf-8")
    loaded = load_settings(env)
    assert loaded.telegram_rate == loaded.outbox_rate == 20
    assert f"OUTBOX_RATE ({env}:1) is the old name of TELEGRAM_RATE" in caplog.text
    caplog.clear()
    env.write_text("OUTBOX_RATE=20\nTELEGRAM_RATE=28\n", encoding="utf-8")
    assert load_settings(env).telegram_rate == 28  # the new name wins
    assert "old name" not in caplog.text
    env.write_text("TELEGRAM_RATE=31\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=rf"TELEGRAM_RATE \({re.escape(str(env))}:1\)"):
        load_settings(env)  # Telegram allows about 30


@pytest.mark.parametrize(("rate", "fine"), [("79", False), ("80", True), ("1000", True),
                                            ("1001", False)])
def test_whatsapp_rate_is_the_numbers_throughput_80_to_1000(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rate: str, fine: bool) -> None:
    monkeypatch.delenv("WHATSAPP_RATE", raising=False)
    env = tmp_path / ".env"
    env.write_text(f"WHATSAPP_RATE={rate}\n", encoding="utf-8")
    if fine:
        assert load_settings(env).whatsapp_rate == float(rate)
    else:
        with pytest.raises(SettingsError, match=r"WHATSAPP_RATE \("):
            load_settings(env)
