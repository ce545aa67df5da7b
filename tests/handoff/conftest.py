"""Shared by the handoff tests: the wired bot (on SQLite, and PostgreSQL when
TEST_DATABASE_URL is set), tiny translation models between Arabic and German (built once),
and the people of a story: newcomers on their phones, staff in the terminal chat.

Tests that take `models` translate with argostranslate's tiny model package
(tests/notices/tiny_argos.py: nonsense, but real translations); the others run without any
model, as `make chat` does.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App, open_app
from bot.channels.render import render
from bot.config import Settings
from bot.db import people
from bot.db.session import transaction
from bot.delivery.sender import Sender
from bot.delivery.transport import Transmitted
from bot.notices import translation
from bot.runtime import Outbound
from tests.buddies.conftest import Phone, Said, said
from tests.channels.whatsapp.conftest import (  # noqa: F401  the fake Cloud API's fixtures
    cloud,
    server,
    templates,
    whatsapp,
)
from tests.conftest import make_settings
from tests.fakes import FakeClock
from tests.notices import tiny_argos
from tests.talk import Talk

PAIRS = [("ar", "en"), ("en", "de"), ("de", "en"), ("en", "ar")]
"""Arabic to German and back, through English; no model reaches Persian."""
STAFF_CHAT = "-1001234567890"
CONSOLE_URL = "https://console.welcome.example.org"

TUESDAY_MORNING = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
"""10:00 in Stuttgart: the Welcome Center is open (content/office-hours.yaml)."""


@pytest.fixture(scope="session")
def handoff_models(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    pytest.importorskip("argostranslate", reason="`make translate` installs it (make test does)")
    root = tmp_path_factory.mktemp("argos-handoff")
    built = tiny_argos.build(root / "built", PAIRS)
    models = root / "models"
    translation.configure(models)
    translation._argos()
    from argostranslate import package

    for path in built:
        package.install_from_path(path)
    translation._models_dir = None
    yield models


@pytest.fixture
def models(handoff_models: Path) -> Iterator[Path]:
    translation.configure(handoff_models)
    yield handoff_models
    translation._models_dir = None


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(TUESDAY_MORNING)


@pytest.fixture
def models_setting(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """TRANSLATION_MODELS_DIR: none installed, unless the test asks for `models`."""
    if "models" in request.fixturenames:
        return Path(request.getfixturevalue("models"))
    return tmp_path / "no-models"


@pytest.fixture
def settings(db_url: str, models_setting: Path) -> Settings:
    return make_settings(db_url, translation_models_dir=models_setting,
                         staff_chat_id=STAFF_CHAT, console_url=CONSOLE_URL)


@pytest.fixture
async def app(settings: Settings, clock: FakeClock) -> AsyncIterator[App]:
    async with open_app(settings, clock=clock) as wired:
        yield wired


class Screens:
    """The platforms as the outbox sees them: each message goes to the person's phone, or,
    for anyone else (the staff's group, staff in the terminal), to `elsewhere`."""

    def __init__(self, center: Center) -> None:
        self.center = center

    async def transmit(self, outbound: Outbound) -> Transmitted:
        shown = [render(r, outbound.lang, self.center.app.catalogs) for r in outbound.replies]
        phone = self.center.phones.get(outbound.identity.external_id)
        if phone is not None:
            phone.receive(shown)
        else:
            self.center.elsewhere.setdefault(outbound.identity.external_id, []).append(
                "\n\n".join(m.text for m in shown))
        return Transmitted.SENT


class Center:
    """The bot, newcomers on phones (Telegram) and staff in the terminal chat."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.phones: dict[str, Phone] = {}
        self.elsewhere: dict[str, list[str]] = {}
        """What the outbox sent to others than the phones, by chat: the staff's group."""

    async def newcomer(self, user: str, lang: str, channel: str = "telegram") -> Phone:
        """Someone who opened the chat and agreed to the privacy note."""
        phone = Phone(self.app, user, channel=channel, hint=lang)
        self.phones[user] = phone
        await phone.open()
        await phone.tap("yes")
        await phone.tap("no")  # no notices
        return phone

    async def staff(self, user: str, lang: str = "de") -> Talk:
        """A staff member in the terminal chat (`welcomebot chat --user maria`)."""
        talk = Talk(self.app, user, channel="console", hint=lang)
        async with transaction(self.app.sessions) as session:
            await people.set_role(session, "console", user, "staff", self.app.runtime.clock())
        await talk.open()
        await talk.tap("yes")
        await talk.tap("no")
        return talk

    async def deliver(self) -> int:
        """Send everything due now to the phones."""
        screens = Screens(self)
        sender = Sender(self.app.sessions, self.app.runtime,
                        {"telegram": screens, "console": screens}, rng=random.Random(1))
        total = 0
        while sent := await sender.drain():
            total += sent
        return total


@pytest.fixture
def center(app: App) -> Center:
    return Center(app)


def plain(text: str) -> str:
    """Without the marks that make mixed right-to-left and left-to-right text read right."""
    return "".join(ch for ch in text if ch not in "\u2066\u2067\u2068\u2069\u200e\u200f")


def shows(text: str, who: Talk | str, msgid: str, **params: str | int) -> bool:
    """Whether `text` shows `msgid` in `who`'s language (through the real catalogs, up to
    its first parameter without a value; a leading `{about}` left empty)."""
    if msgid.startswith("{about}"):
        params = {"about": Said(""), **params}
    return plain(said(who, msgid, **params)).strip() in plain(text)
