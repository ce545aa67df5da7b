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
