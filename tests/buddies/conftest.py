"""People on their phones: each a `Phone` that chats with the wired bot and also receives what
the outbox sends (through a transport at the sender's boundary), so a test sees every
message anyone was shown, pushed or answered."""

from __future__ import annotations

import random
import string
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from bot.app import App, open_app
from bot.buddies import rounds
from bot.channels.render import Rendered, render
from bot.db import people
from bot.db.session import transaction
from bot.delivery.sender import Sender
from bot.delivery.transport import Transmitted
from bot.engine.model import Inbound
from bot.i18n import Catalogs
from bot.runtime import Outbound
from tests.conftest import make_settings
from tests.fakes import FakeClock
from tests.talk import Talk

_SETTINGS = make_settings("sqlite+aiosqlite://")
CATALOGS = Catalogs(_SETTINGS.translations_dir, _SETTINGS.languages,
                    default=_SETTINGS.default_language, timezone=_SETTINGS.timezone)
"""The repository's catalogs, as the app loads them."""


# What the bot says most often in these tests, as msgids (see flows/buddies_match.yaml).
PROPOSAL = ("🤝 A newcomer is looking for a Welcome Buddy, and you would fit well.\n\n"
            "They would like help with:\n{needs}\n\nThey speak:\n{languages}\n\n"
            "📍 {district}\n\nThey can meet:\n{times}\n\nWould you like to accompany "
            "them? You will get their first name and contact only when they have agreed too. "
            "Please answer by {due}.")
OFFER = ("🤝 Good news: a volunteer would like to be your Welcome Buddy!\n\nThey speak:\n"
         "{languages}\n\n📍 {district}\n\nThey can help with:\n{offers}\n\nThey can "
         "meet:\n{times}\n\nDo you agree? Only then will you both get each other's first "
         "name and contact. Please answer by {due}.")
INTRODUCTION = ("🎉 You have a Welcome Buddy: {name}!\n\n{contact}\n\n{name} has your first "
                "name and the way to reach you that you chose. Please get in touch soon and "
                "agree where and when to meet. Type /buddy at any time to see this again, to "
                "write through this chat, or to end the match.")


READING = 3
"""Seconds a person on a phone takes to read and answer (the flood limit refills one typed
message every 3 seconds)."""


class Said(str):
    """Text already in the reader's language: a parameter that is not isolated again."""


def said(who: Talk | str, msgid: str | tuple[str, str], **params: str | int) -> Said:
    """What the bot says to `who` for `msgid`: its translation in the language the test gave
    that person (`hint`, or a language code), through the real catalogs, with `params` filled
    in as the renderer does (in Arabic and Persian, left-to-right runs and values isolated).

    `msgid` may be a (singular, plural) pair: the one int parameter chooses the form. A
    placeholder without a value ends the text there, so `.startswith(said(...))` checks the
    beginning of a message whose later values the test does not know (never an empty one).
    An untranslated msgid comes back as it is, as gettext gives it to the bot."""
    lang = who if isinstance(who, str) else who.hint
    assert lang in CATALOGS.languages, f"{who!r} has no language of the bot"
    tr = CATALOGS.translator(lang)
    if isinstance(msgid, tuple):
        [n] = [v for v in params.values() if isinstance(v, int)]
        template = tr.ngettext(*msgid, n)
    else:
        template = tr.gettext(msgid)
    text = ""
    for literal, name, _spec, _conversion in string.Formatter().parse(tr.template(template)):
        text += literal
        if name is None:
            continue
        if name not in params:
            assert text.strip(), f"{msgid!r} begins with {{{name}}}: give it a value"
            break
        value = params[name]
        if isinstance(value, Said):
            text += value
        else:
            text += tr.isolate(tr.number(value) if isinstance(value, int) else value)
    return Said(text)


@dataclass
class Phone(Talk):
    heard: list[str] = field(default_factory=list)
    """Every text this person was shown, answers and pushes, in order."""
    pushes: list[str] = field(default_factory=list)
    """What each message from the outbox said (a push and the question after it)."""

    async def send(self, inbound: Inbound) -> list[Rendered]:
        clock = self.app.runtime.clock
        if isinstance(clock, FakeClock):  # a person reads and answers; the flood limit sees one
            clock.advance(seconds=READING)
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

    async def agree(self, volunteer: Phone, newcomer: Phone) -> None:
        """The volunteer says yes to the proposal, then the newcomer: they are matched."""
        await volunteer.tap("yes")
        await self.deliver()
        await newcomer.tap("yes")
        await self.deliver()

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

