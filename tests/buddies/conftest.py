"""People on their phones: each a `Phone` that chats with the wired bot and also receives what
the outbox sends (through a transport at the sender's boundary), so a test sees every
message anyone was shown, pushed or answered."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from bot.app import App, open_app
from bot.buddies import rounds
from bot.channels.render import Rendered, render
from bot.db import people
from bot.db.session import transaction
from bot.delivery.sender import Sender, Transmitted
from bot.engine.model import Inbound
from bot.runtime import Outbound
from tests.conftest import make_settings
from tests.fakes import FakeClock
from tests.talk import Talk


@dataclass
class Phone(Talk):
    heard: list[str] = field(default_factory=list)
    """Every text this person was shown, answers and pushes, in order."""
    pushes: list[str] = field(default_factory=list)
    """What each message from the outbox said (a push and the question after it)."""

    async def send(self, inbound: Inbound) -> list[Rendered]:
        shown = await super().send(inbound)
        self.heard += [m.text for m in shown]
        return shown

    def receive(self, shown: list[Rendered]) -> None:
        """A push arrived: its buttons are the ones to tap now."""
        self.shown = shown
        self.pushes.append("\n".join(m.text for m in shown))
        self.heard += [m.text for m in shown]

    def last_push(self) -> str:
        return self.pushes[-1] if self.pushes else ""


class Handset:
    """The platform as the outbox sees it: hands each person's messages to their phone."""

    def __init__(self, app: App, phones: dict[str, Phone]) -> None:
        self.app = app
        self.phones = phones

    async def transmit(self, outbound: Outbound) -> Transmitted:
        phone = self.phones[outbound.identity.external_id]
        phone.receive([render(r, outbound.lang, self.app.catalogs) for r in outbound.replies])
        return Transmitted.SENT


@dataclass
class City:
    """The bot, its people and the outbox, on the test's clock."""

    app: App
    phones: dict[str, Phone] = field(default_factory=dict)

    async def person(self, user: str, lang: str) -> Phone:
        """Someone who opened the chat and agreed to the privacy note."""
        phone = Phone(self.app, user, channel="telegram", hint=lang)
        self.phones[user] = phone
        await phone.open()
        await phone.tap("yes")
        await phone.tap("no")  # no notices
        return phone

    async def staff(self, user: str, lang: str = "en") -> Phone:
        phone = await self.person(user, lang)
        async with transaction(self.app.sessions) as session:
            await people.set_role(session, "telegram", user, "staff", self.app.runtime.clock())
        return phone

    async def deliver(self) -> int:
        """Send everything due now, as a fresh sender would (a restart loses nothing)."""
        sender = Sender(self.app.sessions, self.app.runtime,
                        {"telegram": Handset(self.app, self.phones)}, rng=random.Random(1))
        total = 0
        while sent := await sender.drain():
            total += sent
        return total

    async def round(self) -> rounds.Report:
        """A matching round, then whatever it queued goes out."""
        report = await rounds.tick(self.app)
        await self.deliver()
        return report


@pytest.fixture
def city(app: App) -> City:
    return City(app)


@pytest.fixture
async def any_city(db_url: str, clock: FakeClock) -> AsyncIterator[City]:
    """A city on each database: SQLite, and PostgreSQL when TEST_DATABASE_URL is set."""
    async with open_app(make_settings(db_url), clock=clock) as app:
        yield City(app)


async def register(phone: Phone, *, name: str, languages: dict[str, str], district: str,
                   times: list[str], offers: list[str], capacity: str = "1",
                   gender: str = "none", contact: tuple[str, str] = ("chat", "")) -> None:
    """A volunteer registers in the chat (`languages`: code -> "1".."3")."""
    await phone.say("/volunteer")
    await phone.tap("yes")
    await phone.say(name)
    for code in languages:
        await phone.tap(code)
    await phone.tap("done")
    for level in languages.values():
        await phone.tap(level)
    await phone.say(district)
    for time in times:
        await phone.tap(time)
    await phone.tap("done")
    for offer in offers:
        await phone.tap(offer)
    await phone.tap("done")
    await phone.tap(capacity)
    await phone.tap(gender)
    await answer_contact(phone, contact)
    await phone.tap("yes")


async def answer_contact(phone: Phone, contact: tuple[str, str]) -> None:
    kind, value = contact
    await phone.tap(kind)
    if kind != "chat":
        await phone.say(value)


async def ask_for_buddy(phone: Phone, *, name: str, needs: list[str], languages: list[str],
                        german: str, district: str, times: list[str], wants: str = "any",
                        contact: tuple[str, str] = ("chat", "")) -> list[Rendered]:
    """A newcomer asks for a buddy from the menu (`languages` other than the chat's)."""
    await phone.say("/menu")
    await phone.tap("flow:buddies")
    await phone.tap("yes")
    for need in needs:
        await phone.tap(need)
    await phone.tap("done")
    for code in languages:
        await phone.tap(code)
    await phone.tap("done")
    await phone.tap(german)
    await phone.say(district)
    for time in times:
        await phone.tap(time)
    await phone.tap("done")
    await phone.tap(wants)
    await phone.say(name)
    await answer_contact(phone, contact)
    return await phone.tap("yes")

