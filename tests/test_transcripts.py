"""Whole conversations, as people have them: tests/transcripts/*.yaml.

Each file is a dialogue: what the user sends (text, or `tap: <label>`) and every message the
bot answers, rendered in the user's language (and `file:` for a file it sends). `events:`
names a file of event series to add first, at the test clock's time. `volunteers:` are
Welcome Buddy volunteers registered and approved first (what they chose, as a volunteer
registers it); a turn `round: true` runs a matching round, every volunteer who got a proposal
says yes, and the bot's side is what then reaches the user; a turn `notice: <id>` sends that
notice of content/notices to everyone who wants its topic. `pytest --update` rewrites the
bot's side from what the bot says now; review the diff like any other change.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.app import App
from bot.buddies import rounds
from bot.buddies import store as buddies
from bot.channels.render import Rendered
from bot.db import people
from bot.db.session import transaction
from bot.db.tables import Person
from bot.delivery.sender import Sender
from bot.events import store
from bot.events.content import load_series
from bot.notices import store as notices
from bot.notices.audience import parse
from bot.notices.content import load_notice
from bot.service import notice_wanted
from tests.buddies.conftest import Handset, Phone
from tests.fakes import FakeClock

FOLDER = Path(__file__).parent / "transcripts"
ROOT = Path(__file__).parent.parent
READING = 4
"""Seconds a person takes to read and answer: the flood limit sees a person, not a script."""


def transcripts() -> list[Any]:
    return [pytest.param(p, id=p.stem) for p in sorted(FOLDER.glob("*.yaml"))]


@pytest.mark.parametrize("path", transcripts())
async def test_transcript(path: Path, app: App, clock: FakeClock,
                          request: pytest.FixtureRequest) -> None:
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    if script.get("events"):  # a file of event series, relative to the repository
        async with transaction(app.sessions) as session:
            await store.save_series(session, load_series(ROOT / script["events"]),
                                    app.runtime.clock(), ZoneInfo(app.settings.timezone))
    talk = _Reader(app, script["user"]["id"], hint=script["user"].get("lang"))
    phones = {talk.user: talk}
    for volunteer in script.get("volunteers") or ():
        phones[volunteer["id"]] = await _volunteer(app, volunteer)
    heard = []
    for turn in script["dialog"]:
        said = turn.get("user")
        clock.advance(seconds=READING)
        if turn.get("round"):
            shown = await _round(app, phones, talk)
        elif turn.get("notice"):
            shown = await _notice(app, phones, talk, str(turn["notice"]))
        elif said is None:
            shown = await talk.open()
        elif isinstance(said, dict):
            shown = await talk.tap(said["tap"])
        else:
            shown = await talk.say(str(said))
        heard.append([{"text": m.text, **({"buttons": [b.label for b in m.buttons]}
                                          if m.buttons else {})} for m in shown]
                     + [{"file": f.name} for f in talk.files])
    if request.config.getoption("--update"):
        for turn, bot in zip(script["dialog"], heard, strict=True):
            turn["bot"] = bot
        path.write_text(yaml.safe_dump(script, allow_unicode=True, sort_keys=False, width=100),
                        encoding="utf-8")
        return
    for number, (turn, bot) in enumerate(zip(script["dialog"], heard, strict=True), 1):
        assert bot == turn.get("bot"), f"{path.name}, turn {number} (user: {turn.get('user')!r})"


async def _volunteer(app: App, spec: dict[str, Any]) -> Phone:
    """A volunteer who registered with what `spec` says and whom staff approved."""
    now = app.runtime.clock()
    async with transaction(app.sessions) as session:
        person = await people.arrive(session, "console", spec["id"], now)
        await session.execute(Person.__table__.update().where(Person.id == person.id).values(
            district=spec.get("district"), consent="given", locale=spec["lang"]))
        registered = await buddies.register(session, person.id, {
            "first_name": spec["name"], "contact": {"kind": "chat", "value": ""},
            "languages": spec["languages"], "offers": spec["offers"], "times": spec["times"],
            "capacity": 1, "gender": spec.get("gender")}, now)
        await buddies.decide(session, registered.id, True, now)
    return Phone(app, spec["id"], hint=spec["lang"])


@dataclass
class _Reader(Phone):
    """The transcript's user: keeps every message that reached them on its own."""

    received: list[Rendered] = field(default_factory=list)

    def receive(self, shown: list[Rendered]) -> None:
        super().receive(shown)
        self.received += shown


async def _notice(app: App, phones: dict[str, Phone], user: _Reader,
                  notice_id: str) -> list[Rendered]:
    """Staff send a notice of content/notices to everyone who wants its topic (as
    `welcomebot notice send ID --audience topic:<its topic>` does); what reached `user`."""
    notice = load_notice(ROOT / "content" / "notices" / f"{notice_id}.yaml")
    expression = f"topic:{notice.topic}"
    now = app.runtime.clock()
    async with transaction(app.sessions) as session:
        await notices.queue(session, notice, expression,
                            parse(expression, tuple(app.settings.languages)),
                            send_at=now, expires_at=None, now=now)
    sender = Sender(app.sessions, app.runtime, {"console": Handset(app, phones)},
                    rng=random.Random(1), wanted={"notices": notice_wanted})
    before = len(user.received)
    while await sender.drain():
        pass
    user.files = []
    return user.received[before:]


async def _round(app: App, phones: dict[str, Phone], user: _Reader) -> list[Rendered]:
    """A matching round; each volunteer who got a proposal accepts it. What reached `user`."""
    sender = Sender(app.sessions, app.runtime, {"console": Handset(app, phones)},
                    rng=random.Random(1))

    async def deliver() -> None:
        while await sender.drain():
            pass

    before = len(user.received)
    others = [phone for phone in phones.values() if phone is not user]
    pushed = {phone.user: len(phone.pushes) for phone in others}
    await rounds.tick(app)
    await deliver()
    for phone in others:  # a proposal came: accept it
        buttons = phone.shown[-1].buttons if phone.shown else ()
        if len(phone.pushes) > pushed[phone.user] and any(b.value == "yes" for b in buttons):
            await phone.tap("yes")
    await deliver()
    user.files = []
    return user.received[before:]
