"""The matching rounds on the test's clock: a proposal nobody answers goes to the next
volunteer, a newcomer who never confirms is told we stopped, a request nobody fits or that
waits too long reaches staff (once), and the times are settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.app import App, open_app
from bot.buddies import store
from bot.db import people
from bot.db.session import transaction
from bot.db.tables import BuddyMatch, BuddyRequest
from bot.engine.model import Inbound
from tests.buddies.conftest import OFFER, PROPOSAL, City, said
from tests.conftest import make_settings
from tests.fakes import FakeClock

STILL_LOOKING = ("We are still looking for a Welcome Buddy for you. It is taking longer than "
                 "usual, and we are sorry. The Welcome Center's team knows and will help. You "
                 "don't need to do anything: I will write to you here as soon as someone is "
                 "found.")
"""A newcomer's request has waited long (volunteers here chat in German, newcomers in
Ukrainian)."""
NOBODY_FITS = ("Right now none of our volunteers fits what you asked for. The Welcome Center's "
               "team knows and is looking for someone. You don't need to do anything: I will "
               "write to you here as soon as someone is found.")
"""No volunteer fits at all: said at once, so not "longer than usual" (the newcomer was just
told how long it usually takes)."""


async def volunteer(city: City, user: str, languages: dict[str, int], district: str,
                    **changes: Any) -> None:
    """An approved volunteer, registered straight into the database."""
    await city.person(user, "de")
    now = city.app.runtime.clock()
    async with transaction(city.app.sessions) as session:
        person = await people.find(session, "telegram", user)
        assert person is not None
        person.district = district
        profile = {"first_name": user.title(), "contact": {"kind": "chat", "value": ""},
                   "languages": languages, "offers": ["documents"], "times": ["evenings"],
                   "capacity": 1, "gender": None, **changes}
        found = await store.register(session, person.id, profile, now)
        await store.decide(session, found.id, True, now)
    await city.deliver()


async def newcomer(city: City, user: str, languages: dict[str, int], district: str) -> None:
    await city.person(user, "uk")
    async with transaction(city.app.sessions) as session:
        person = await people.find(session, "telegram", user)
        assert person is not None
        person.district = district
        await store.ask(session, person.id, {
            "first_name": user.title(), "contact": {"kind": "chat", "value": ""},
            "needs": ["documents"], "languages": languages, "times": ["evenings"],
            "wants": None}, city.app.runtime.clock())


async def statuses(app: App) -> list[tuple[int, str]]:
    async with app.sessions() as session:
        return [tuple(row) for row in (await session.execute(
            select(BuddyMatch.volunteer_id, BuddyMatch.status).order_by(BuddyMatch.id))).all()]


async def test_no_answer_in_48_hours_and_the_next_volunteer_is_asked(
        any_city: City, clock: FakeClock) -> None:
    city, app = any_city, any_city.app
    await volunteer(city, "anna", {"uk": 3}, "Ost")
    await volunteer(city, "ben", {"uk": 2}, "Ost")
    await newcomer(city, "olena", {"uk": 3}, "Ost")
    await city.round()
    anna, ben = city.phones["anna"], city.phones["ben"]
    assert anna.last_push().startswith(said(anna, PROPOSAL))
    clock.advance(hours=47, minutes=59)
    assert (await city.round()).expired == 0
    clock.advance(minutes=2)
    report = await city.round()
    assert (report.expired, report.proposed) == (1, 1)
    assert anna.pushes[-1].startswith(said(
        anna, "We did not hear from you in time, so we asked another volunteer. That is fine! "
        "If you are away for a while, you can take a pause: type /volunteer."))
    assert ben.last_push().startswith(said(ben, PROPOSAL))
    late = await anna.say("/buddy")  # her proposal is no longer hers to answer
    assert said(anna, "📨 A newcomer is waiting for your answer") not in late[0].text
    assert late[0].text == said(anna, "🙌 You are a Welcome Buddy volunteer.")
    assert await statuses(app) == [(1, "expired"), (2, "proposed")]


async def test_a_newcomer_who_never_confirms_is_told_and_the_volunteer_is_free(
        city: City, app: App, clock: FakeClock) -> None:
    await volunteer(city, "anna", {"uk": 3}, "Ost")
    await newcomer(city, "olena", {"uk": 3}, "Ost")
    await city.round()
    await city.phones["anna"].tap("yes")
    await city.deliver()
    olena = city.phones["olena"]
    assert olena.last_push().startswith(said(olena, OFFER))
    confirm = olena.shown[-1]
    clock.advance(hours=49)
    assert (await city.round()).lapsed == 1
    assert olena.last_push().startswith(said(
        olena, "We did not hear back from you, so we have stopped looking for a Welcome Buddy "
        "for now. If you would still like one, choose “🤝 Find a Welcome Buddy” in the /menu."))
    anna = city.phones["anna"]
    assert anna.last_push().startswith(said(
        anna, "The newcomer we proposed to you has decided otherwise, so you are free again. "
        "Thank you for saying yes!"))
    too_late = await olena.send(Inbound.button("yes", confirm.prompt))  # the old message
    assert too_late[0].text.startswith("Ця кнопка — зі старого повідомлення")  # in Ukrainian
    again = await olena.say("/buddy")
    assert said(olena, "📨 A volunteer said yes: please answer") not in again[0].text
    assert again[0].text == said(olena, "You have not asked for a Welcome Buddy yet, and you "
                                 "are not registered as a volunteer.")
    async with app.sessions() as session:
        assert await session.scalar(select(BuddyRequest.status)) == "closed"


async def test_nobody_fits_staff_are_told_at_once_and_only_once(any_city: City) -> None:
    city = any_city
    staff = await city.staff("boss")
    await volunteer(city, "anna", {"de": 3}, "Ost")
    await newcomer(city, "amal", {"ar": 3}, "Mitte")  # Arabic only: no volunteer speaks it
    report = await city.round()
    assert report.escalated == 1 and report.proposed == 0
    amal = city.phones["amal"]
    assert amal.last_push().startswith(said(amal, NOBODY_FITS))  # in her chat's Ukrainian
    assert not amal.last_push().startswith(said(amal, STILL_LOOKING))
    assert "no volunteer fits request #1 (telegram:amal)" in staff.last_push()
    assert "العربية" in staff.last_push()
    assert (await city.round()).escalated == 0
    assert len(amal.pushes) == 1 and len(staff.pushes) == 1

    await volunteer(city, "samir", {"ar": 3, "de": 3}, "Mitte")  # then one who does
    assert (await city.round()).proposed == 1
    samir = city.phones["samir"]
    assert samir.last_push().startswith(said(samir, PROPOSAL))


async def test_seven_days_without_a_match_reach_staff(city: City, clock: FakeClock) -> None:
    staff = await city.staff("boss")
    await volunteer(city, "anna", {"uk": 3}, "Ost")
    await newcomer(city, "first", {"uk": 3}, "Ost")
    await city.round()
    await city.phones["anna"].tap("yes")  # Anna has room for one: "first" gets her
    await city.deliver()
    await city.phones["first"].tap("yes")
    await city.deliver()
    await newcomer(city, "second", {"uk": 3}, "Ost")
    assert (await city.round()) == type(await city.round())()  # waits: Anna is not free
    clock.advance(days=6, hours=23)
    assert (await city.round()).escalated == 0
    clock.advance(hours=2)
    assert (await city.round()).escalated == 1
    assert "request #2 (telegram:second) has waited 7 days" in staff.last_push()
    second = city.phones["second"]
    assert second.last_push().startswith(said(second, STILL_LOOKING))


async def test_the_times_are_settings(clock: FakeClock, sqlite_url: str) -> None:
    settings = make_settings(sqlite_url, buddies_answer_hours=1, buddies_give_up_days=1)
    async with open_app(settings, clock=clock) as app:
        city = City(app)
        await volunteer(city, "anna", {"uk": 3}, "Ost")
        await volunteer(city, "ben", {"uk": 3}, "West")
        await newcomer(city, "olena", {"uk": 3}, "Ost")
        await city.round()
        clock.advance(minutes=61)
        report = await city.round()
        assert (report.expired, report.proposed) == (1, 1)
        clock.advance(hours=23)
        assert (await city.round()).escalated == 1
