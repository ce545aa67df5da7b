"""Settings, read once from the environment and `.env` (see `.env.example` for each one).

`load_settings()` turns a bad value into an error that names the variable, where it was set
(`.env` line, or the environment) and how to fix it.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated

from babel import Locale, UnknownLocaleError
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ENV_FILE = ".env"

CommaList = Annotated[list[str], NoDecode]

WHATSAPP_API_BASE = "https://graph.facebook.com/v23.0"
"""Meta's Graph API, at the version the WhatsApp channel was written against."""


def _split(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=ENV_FILE, env_file_encoding="utf-8",
                                      extra="ignore", frozen=True)

    database_url: str = "sqlite+aiosqlite:///welcomebot.db"
    flows_dir: Path = Path("flows")
    content_dir: Path = Path("content")
    translations_dir: Path = Path("translations")
    translation_models_dir: Path = Path("data/translation-models")
    """argostranslate's models for `welcomebot notice translate` (argospm installs there)."""
    languages: CommaList = ["de", "en", "ar", "fa", "uk", "ru", "tr"]
    default_language: str = "de"
    timezone: str = "Europe/Berlin"
    admins: CommaList = []
    retention_days: int = Field(default=365, ge=1)
    faq_gaps_days: int = Field(default=90, ge=1, le=3650)
    """Days a question the FAQ could not answer is kept for staff (at most)."""
    audit_days: int = Field(default=730, ge=30, le=3650)
    """Days the audit log of staff actions and erasures is kept."""
    log_level: str = "INFO"
    flood_burst: int = Field(default=8, ge=1)
    flood_per_minute: float = Field(default=20, gt=0)
    event_reminders: CommaList = ["24", "2"]
    """Hours before an event that people who booked are reminded; the first asks whether
    they are still coming."""
    outbox_rate: float = Field(default=25, gt=0, le=30)
    """Messages a second the outbox sends at most (Telegram allows about 30)."""
    outbox_lease: float = Field(default=120, gt=0, le=3600)
    """Seconds a sender holds the messages it took; a crashed one's are taken over after."""
    buddies_answer_hours: float = Field(default=48, gt=0, le=24 * 14)
    """Hours a volunteer has to answer a proposal (then the next one is asked), and a
    newcomer to confirm."""
    buddies_give_up_days: float = Field(default=7, gt=0, le=90)
    """Days without a match after which staff are told and the newcomer gets an update."""
    buddies_check_in_days: float = Field(default=7, gt=0, le=90)
    """Days after a match that both are asked whether they met and all is well."""
    buddies_round_minutes: float = Field(default=5, gt=0, le=24 * 60)
    """How often `welcomebot run` proposes matches and applies the timeouts."""
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    telegram_bot_token: SecretStr | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_base: str | None = None
    whatsapp_phone_number_id: str | None = None
    whatsapp_access_token: SecretStr | None = None
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_api_base: str = WHATSAPP_API_BASE
    whatsapp_rate: float = Field(default=80, gt=0, le=1000)
    """Messages a second the bot sends on WhatsApp at most (Cloud API: 80 per phone number,
    more after Meta raises it)."""

    @field_validator("telegram_bot_token", "telegram_webhook_url", "telegram_webhook_secret",
                     "telegram_api_base", "whatsapp_phone_number_id", "whatsapp_access_token",
                     "whatsapp_app_secret", "whatsapp_verify_token", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("whatsapp_api_base", mode="before")
    @classmethod
    def _empty_is_default(cls, value: object) -> object:
        return WHATSAPP_API_BASE if value == "" else value

    @field_validator("whatsapp_phone_number_id")
    @classmethod
    def _phone_number_id(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d{5,30}", value):
            raise ValueError("the phone number ID is digits (WhatsApp > API Setup in the Meta "
                             "app), not the phone number itself")
        return value

    @property
    def whatsapp(self) -> bool:
        """Whether the WhatsApp channel is configured (all four WHATSAPP_* values set)."""
        return self.whatsapp_phone_number_id is not None

    @field_validator("event_reminders")
    @classmethod
    def _hours(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                hours = float(item)
            except ValueError:
                raise ValueError(f"'{item}' is not a number of hours (for example 24,2)") from None
            if not 0 < hours <= 24 * 14:
                raise ValueError(f"{item} hours: give hours between 0 and 336")
        return value

    @property
    def reminders(self) -> list[timedelta]:
        return [timedelta(hours=float(item)) for item in self.event_reminders]

    @field_validator("languages", "admins", "event_reminders", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        return _split(value)

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, value: list[str]) -> list[str]:
        for code in value:
            try:
                Locale.parse(code)
            except (UnknownLocaleError, ValueError):
                raise ValueError(f"'{code}' is not a language code Babel knows "
                                 "(use codes like de, en, ar, fa, uk, ru, tr)") from None
        if not value:
            raise ValueError("name at least one language")
        return value

    @field_validator("admins")
    @classmethod
    def _identities(cls, value: list[str]) -> list[str]:
        for item in value:
            channel, _, external_id = item.partition(":")
            if not channel or not external_id:
                raise ValueError(f"'{item}' is not channel:id (for example telegram:123456789)")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not an IANA time zone such as Europe/Berlin") from None
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"\d+:[\w-]+", value.get_secret_value()):
            raise ValueError("a bot token looks like 123456789:AAH... (ask @BotFather)")
        return value

    @field_validator("telegram_webhook_url", "telegram_api_base", "whatsapp_api_base")
    @classmethod
    def _https_url(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
            raise ValueError(f"'{value}' is not an http(s) URL")
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{16,256}",
                                                  value.get_secret_value()):
            raise ValueError("use 16-256 letters, digits, _ or - (Telegram's rule); "
                             "for example: python -c 'import secrets; "
                             "print(secrets.token_urlsafe(32))'")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.telegram_webhook_url and not self.telegram_webhook_secret:
            raise ValueError("TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET: without it "
                             "anyone could post fake updates to the webhook")
        return self

    @model_validator(mode="after")
    def _whatsapp_all_or_nothing(self) -> Settings:
        names = ("whatsapp_phone_number_id", "whatsapp_access_token", "whatsapp_app_secret",
                 "whatsapp_verify_token")
        missing = [name.upper() for name in names if getattr(self, name) is None]
        if missing and len(missing) < len(names):
            raise ValueError(f"WhatsApp needs {', '.join(missing)} too: the phone number ID, "
                             "the access token, the app secret (to check that webhook calls "
                             "come from Meta) and the verify token go together")
        return self

    @model_validator(mode="after")
    def _default_is_supported(self) -> Settings:
        if self.default_language not in self.languages:
            raise ValueError(f"DEFAULT_LANGUAGE '{self.default_language}' must be one of "
                             f"LANGUAGES ({','.join(self.languages)})")
        return self


class SettingsError(Exception):
    """A setting is wrong; the message says which, where, and how to fix it."""


def load_settings(env_file: Path | str | None = ENV_FILE) -> Settings:
    try:
        return Settings(_env_file=env_file)  # type: ignore[call-arg]
    except ValidationError as exc:
        raise SettingsError(describe(exc, Path(env_file) if env_file else None)) from None


def describe(exc: ValidationError, env_file: Path | None) -> str:
    lines = ["Some settings are not right:"]
    for error in exc.errors():
        name = str(error["loc"][0]).upper() if error["loc"] else "Settings"
        where = _where(name, env_file) if error["loc"] else ""
        message = str(error["msg"]).removeprefix("Value error, ")
        lines.append(f"  {name}{where}: {message}. See .env.example for what it takes.")
    return "\n".join(lines)


def _where(name: str, env_file: Path | None) -> str:
    import os

    if name in os.environ:
        return " (set in the environment)"
    if env_file and env_file.exists():
        for number, line in enumerate(env_file.read_text(encoding="utf-8").splitlines(), 1):
            if line.split("=", 1)[0].strip().removeprefix("export ").strip() == name:
                return f" ({env_file}:{number})"
    return ""
