"""Settings, read once from the environment and `.env` (see `.env.example` for each one).

`load_settings()` turns a bad value into an error that names the variable, where it was set
(`.env` line, or the environment) and how to fix it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from babel import Locale, UnknownLocaleError
from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core.core_schema import ValidationInfo
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.engine.textfile import NotText, encoding_of, read_text
from bot.paths import default_dir

ENV_FILE = ".env"

CommaList = Annotated[list[str], NoDecode]

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
"""What LOG_LEVEL may say (in any case)."""

WHATSAPP_API_BASE = "https://graph.facebook.com/v23.0"
"""Meta's Graph API, at the version the WhatsApp channel was written against."""


OLD_NAMES = {"TELEGRAM_RATE": "OUTBOX_RATE"}
"""Settings renamed: the old name is still read (when the new one is not set)."""


def _split(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=ENV_FILE, env_file_encoding="utf-8",
                                      extra="ignore", frozen=True)

    database_url: str = "sqlite+aiosqlite:///welcomebot.db"
    flows_dir: Path = Field(default_factory=lambda: default_dir("flows"))
    content_dir: Path = Field(default_factory=lambda: default_dir("content"))
    translations_dir: Path = Field(default_factory=lambda: default_dir("translations"))
    """Unset or empty: ./flows (./content...) if there, else the checkout's, else the copies
    installed with the package (bot/paths.py)."""
    translation_models_dir: Path = Path("data/translation-models")
    """argostranslate's models for `welcomebot notice translate` (argospm installs there)."""
    languages: CommaList = ["de", "en", "ar", "fa", "uk", "ru", "tr"]
    default_language: str = "de"
    timezone: str = "Europe/Berlin"
    admins: CommaList = []
    retention_days: int = Field(default=365, ge=1)
    faq_gaps_days: int = Field(default=90, ge=1, le=3650)
    """Days a question the FAQ could not answer is kept for staff (at most)."""
    faq_held_out: Path | None = None
    """The city's held-out file of labelled questions (JSON lines {"id", "text", "lang",
    "topic"}, topic null where the bot should not answer: what `welcomebot faq eval` reads),
    which the console's /faq/check runs the FAQ on. Unset: the page says how to set it."""
    audit_days: int = Field(default=730, ge=30, le=3650)
    """Days the audit log of staff actions and erasures is kept."""
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    """text: one readable line per record; json: one JSON object per line (time, level,
    logger, message, and the line's key=value pairs as fields) for a log collector."""
    flood_burst: int = Field(default=8, ge=1)
    flood_per_minute: float = Field(default=20, gt=0)
    event_reminders: CommaList = ["24", "2"]
    """Hours before an event that people who booked are reminded; the first asks whether
    they are still coming."""
    telegram_rate: float = Field(default=25, gt=0, le=30, validation_alias=AliasChoices(
        "telegram_rate", "outbox_rate"))
    """Messages a second the bot sends on Telegram at most, for the whole deployment
    (Telegram allows about 30). `OUTBOX_RATE` is its old name, still read when
    `TELEGRAM_RATE` is not set."""
    telegram_paid_broadcast: bool = False
    """Whether staff may send an urgent notice as a Telegram paid broadcast
    (`allow_paid_broadcast`: up to 1,000 messages a second beyond the free 30, for 0.1
    Telegram Star a message from the bot's balance; Telegram grants it to bots with at
    least 100,000 monthly users and 10,000 Stars). Off: never."""
    telegram_paid_rate: float = Field(default=1000, ge=30, le=1000)
    """Messages a second of a paid broadcast (Telegram: at most 1,000)."""
    outbox_lease: float = Field(default=120, gt=0, le=3600)
    """Seconds a sender holds the messages it took; a crashed one's are taken over after."""
    outage_seconds: float = Field(default=60, gt=0, le=600)
    """Seconds what people write is held in memory while the database cannot be reached
    (they are told it takes a moment); after that they get an apology."""
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
    console_host: str = "127.0.0.1"
    console_port: int = Field(default=8090, ge=0, le=65535)
    """The staff console (`welcomebot console`): its own process, never the webhook port."""
    console_url: str | None = None
    """The console's address as staff open it (behind the nginx site): sign-in links name
    it, and an https one makes the session cookie Secure."""
    console_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    """Minutes without a request after which a console session ends."""
    console_language: Literal["de", "en"] = "de"
    """The console's language for staff whose own language is neither German nor English
    (and whose browser asks for neither)."""
    staff_chat_id: str | None = None
    """A Telegram chat of the Welcome Center's staff (a group's id, "-100..."): each new
    conversation with a person (`bot.handoff`) is announced there with its number and link."""
    case_days: int = Field(default=180, ge=1, le=3650)
    """Days a closed conversation with the Welcome Center's staff is kept, then erased."""
    telegram_bot_token: SecretStr | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_base: str | None = None
    whatsapp_phone_number_id: str | None = None
    whatsapp_access_token: SecretStr | None = None
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_api_base: str = WHATSAPP_API_BASE
    whatsapp_rate: float = Field(default=80, ge=80, le=1000)
    """Messages a second the bot sends on WhatsApp at most: the phone number's throughput
    (Cloud API: 80 a second, up to 1,000 once Meta raises it)."""
    whatsapp_daily_limit: int = Field(default=1000, ge=0)
    """Different people the phone number may write to first in 24 hours (WhatsApp's
    messaging limit, by the number's tier: 250, 1,000, 10,000, 100,000; 0: unlimited).
    Pushes beyond it wait until there is room (`bot.delivery.daily`)."""
    whatsapp_business_account_id: str | None = None
    """The WhatsApp Business Account (WABA) the phone number belongs to: with it the bot asks
    Meta about hourly which message templates are approved in which language, and the staff
    console shows it (`bot/channels/whatsapp/client.py`: `message_templates`). Without it the
    templates' approval is not checked."""

    @property
    def outbox_rate(self) -> float:
        """`telegram_rate` by its old name (what a notice's sending time is reckoned at)."""
        return self.telegram_rate

    @field_validator("telegram_bot_token", "telegram_webhook_url", "telegram_webhook_secret",
                     "telegram_api_base", "whatsapp_phone_number_id", "whatsapp_access_token",
                     "whatsapp_app_secret", "whatsapp_verify_token", "faq_held_out",
                     mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("whatsapp_api_base", mode="before")
    @classmethod
    def _empty_is_default(cls, value: object) -> object:
        return WHATSAPP_API_BASE if value == "" else value

    @field_validator("telegram_bot_token", "telegram_webhook_secret", "whatsapp_access_token",
                     "whatsapp_app_secret", "whatsapp_verify_token", mode="before")
    @classmethod
    def _no_stray_spaces(cls, value: object) -> object:
        if isinstance(value, str) and value and not value.strip():
            raise ValueError("it is only spaces: write the secret itself, or leave it empty "
                             "(NAME=) to leave it unset")
        if isinstance(value, str) and value != value.strip():
            raise ValueError("it has spaces at its start or end: remove them (the platform "
                             "would not recognise it)")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not re.match(r"(sqlite\+aiosqlite|postgresql\+asyncpg)://", value):
            raise ValueError("use postgresql+asyncpg://user:password@host:5432/name for "
                             "PostgreSQL, or sqlite+aiosqlite:///file.db for SQLite (with the "
                             "driver after the '+')")
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(value)
        except (ArgumentError, ValueError) as exc:
            raise ValueError(f"it is not a database URL ({exc}); write it as "
                             "postgresql+asyncpg://user:password@host:5432/name") from None
        file = value.removeprefix("sqlite+aiosqlite:///").partition("?")[0]
        if value.startswith("sqlite+aiosqlite:///") and file and file != ":memory:" and not (
                Path(file).parent.is_dir()):
            raise ValueError(f"the folder {Path(file).parent} of the SQLite file does not "
                             "exist: create it, or name another file")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().upper() in LOG_LEVELS:
            return value.strip().upper()
        raise ValueError(f"use one of {', '.join(level.lower() for level in LOG_LEVELS)}")

    @field_validator("flows_dir", "content_dir", "translations_dir", mode="before")
    @classmethod
    def _empty_is_default_dir(cls, value: object, info: ValidationInfo) -> object:
        return default_dir(str(info.field_name).removesuffix("_dir")) if value == "" else value

    @field_validator("whatsapp_phone_number_id")
    @classmethod
    def _phone_number_id(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d{5,30}", value):
            raise ValueError("the phone number ID is digits (WhatsApp > API Setup in the Meta "
                             "app), not the phone number itself")
        return value

    @field_validator("whatsapp_business_account_id", mode="before")
    @classmethod
    def _business_account_id(cls, value: object) -> object:
        if value == "" or value is None:
            return None
        if not isinstance(value, str) or not re.fullmatch(r"\d{5,30}", value.strip()):
            raise ValueError("the WhatsApp Business Account ID is digits (WhatsApp > API "
                             "Setup in the Meta app, under the phone number)")
        return value.strip()

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

    @field_validator("console_url", mode="before")
    @classmethod
    def _console_url(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().rstrip("/") or None
        if isinstance(value, str) and not re.match(r"https?://[^/\s]+", value):
            raise ValueError(f"'{value}' is not an address the console is opened at: write "
                             "https://console.example.org (or http://127.0.0.1:8090)")
        return value

    @property
    def console_secure(self) -> bool:
        """The console is behind HTTPS: its cookies are sent over HTTPS only."""
        return bool(self.console_url and self.console_url.startswith("https://"))

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
    def _console_beside_the_webhooks(self) -> Settings:
        if self.console_port and self.console_port == self.http_port:
            raise ValueError(f"CONSOLE_PORT {self.console_port} is HTTP_PORT too: the staff "
                             "console listens on a port of its own, never on the public "
                             "webhook port (the default is 8090)")
        return self

    @model_validator(mode="after")
    def _default_is_supported(self) -> Settings:
        if self.default_language not in self.languages:
            raise ValueError(f"DEFAULT_LANGUAGE '{self.default_language}' must be one of "
                             f"LANGUAGES ({','.join(self.languages)})")
        return self


class SettingsError(Exception):
    """A setting is wrong; the message says which, where, and how to fix it."""

    @property
    def problems(self) -> list[str]:
        """One line per problem: the message without its heading."""
        return [line.strip() for line in str(self).splitlines()[1:]]


def load_settings(env_file: Path | str | None = ENV_FILE) -> Settings:
    """The settings; SettingsError naming every bad value and every `.env` line that is not
    `NAME=value` (a line without "=", a name that looks like a setting's misspelt)."""
    path = Path(env_file) if env_file else None
    problems, encoding = _env_file_problems(path)
    # python-dotenv would warn about each line it cannot parse: they are errors in `problems`.
    logging.getLogger("dotenv.main").setLevel(logging.ERROR)
    try:
        loaded = Settings(_env_file=env_file if encoding else None,  # type: ignore[call-arg]
                          _env_file_encoding=encoding)
    except ValidationError as exc:
        raise SettingsError(describe(exc, path, problems)) from None
    if problems:
        raise SettingsError(describe(None, path, problems))
    old = _where(OLD_NAMES["TELEGRAM_RATE"], path)
    if old and not _where("TELEGRAM_RATE", path):
        logging.getLogger(__name__).warning(
            "OUTBOX_RATE%s is the old name of TELEGRAM_RATE: rename it (it is still read)", old)
    return loaded


def lenient_settings(env_file: Path | str | None = ENV_FILE) -> Settings | None:
    """The settings with every value a problem names at its default (None if that does not
    help), so that `welcomebot check` can check the flows and content beside the settings'
    own problems."""
    path = Path(env_file) if env_file else None
    encoding = _env_file_problems(path)[1]
    reset: dict[str, Any] = {}
    for _ in range(5):
        try:
            return Settings(_env_file=env_file if encoding else None,  # type: ignore[call-arg]
                            _env_file_encoding=encoding, **reset)
        except ValidationError as exc:
            named = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
            for error in exc.errors():  # a rule across settings names them in its message
                for word in re.findall(r"\b[A-Z][A-Z0-9_]+\b", str(error["msg"])):
                    group = word.lower().split("_")[0]
                    named |= {n for n in Settings.model_fields
                              if n == word.lower() or n.split("_")[0] == group}
            if named <= reset.keys():
                return None
            for name in named:
                reset[name] = Settings.model_fields[name].get_default(call_default_factory=True)
    return None


def describe(exc: ValidationError | None, env_file: Path | None,
             lines_wrong: Sequence[str] = ()) -> str:
    """One line per problem: each bad setting with where it was set, then each `.env` line."""
    lines = ["Some settings are not right:"]
    for error in exc.errors() if exc is not None else ():
        name = str(error["loc"][0]).upper() if error["loc"] else "Settings"
        where = _where(name, env_file) if error["loc"] else ""
        message = str(error["msg"]).removeprefix("Value error, ")
        lines.append(f"  {name}{where}: {message}. See .env.example for what it takes.")
    lines += [f"  {line}" for line in lines_wrong]
    return "\n".join(lines)


def _env_file_problems(env_file: Path | None) -> tuple[list[str], str | None]:
    """The lines of `env_file` that set nothing the way they look as if they would, and the
    file's encoding (None when there is no file we can read)."""
    import difflib
    import io

    from dotenv.parser import parse_stream

    if env_file is None or not env_file.is_file():
        return [], None
    try:
        text = read_text(env_file)
    except NotText as exc:
        return [f"{exc}; until then it is not read"], None
    known = [name.upper() for name in Settings.model_fields] + list(OLD_NAMES.values())
    problems = []
    for binding in parse_stream(io.StringIO(text)):
        original = binding.original.string
        line = binding.original.line + original[:len(original) - len(original.lstrip())].count(
            "\n")
        if binding.error:  # the rest of the line may be a secret: never shown
            named = re.match(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\b", original)
            start = f"the line starting {named[1]}" if named else "this line"
            problems.append(f"{env_file}:{line}: {start} is not NAME=value (an '=' missing, "
                            "or a quote not closed?); write NAME=value, or start the line "
                            "with # for a note")
        elif binding.key is not None and binding.value is None:
            name = binding.key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", binding.key) else None
            problems.append(f"{env_file}:{line}: {name or 'this line'} has no '=': write "
                            f"{name or 'NAME'}=value (or {name or 'NAME'}= for none), or "
                            "start the line with # for a note")
        elif binding.key is not None and binding.key.upper() not in known:
            close = [name for name in difflib.get_close_matches(binding.key.upper(), known, 1,
                                                                0.85)
                     if name not in binding.key.upper() and binding.key.upper() not in name]
            if close:
                problems.append(f"{env_file}:{line}: {binding.key} is not a setting; did you "
                                f"mean {close[0]}?")
    return problems, encoding_of(env_file.read_bytes())


def _where(name: str, env_file: Path | None) -> str:
    import os

    if name in os.environ:
        return " (set in the environment)"
    if env_file and env_file.exists():
        try:
            text = read_text(env_file)
        except (NotText, OSError):
            return ""
        for number, line in enumerate(text.splitlines(), 1):
            if line.split("=", 1)[0].strip().removeprefix("export ").strip() == name:
                return f" ({env_file}:{number})"
    return ""
