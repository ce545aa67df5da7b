"""The staff's board, as the console shows it: a volunteer waiting with their answers is
approved and told in their language, open requests with how long they wait, a round started
by hand proposes, proposals and matches with a reported problem. Every change audited. On
SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

from sqlalchemy import select

from bot.buddies import board
from bot.db import people
from bot.db.session import transaction
from bot.db.tables import AuditEntry, BuddyMatch
from tests.buddies.conftest import City, register, said
from tests.buddies.test_rounds import newcomer
from tests.fakes import FakeClock

STAFF = "console:maria"


async def test_staff_approve_a_volunteer_on_the_board_and_start_a_round(
        any_city: City, clock: FakeClock) -> None:
    city = any_city
    karl = await city.person("201", "de")
    await register(karl, name="Karl", languages={"uk": "3", "de": "3"}, district="Ost",
                   times=["evenings"], offers=["documents"])
    await newcomer(city, "olena", {"uk": 3}, "Ost")
    clock.advance(days=2)
    async with city.app.sessions() as session:
        found = await board.board(session, clock())
    [waiting] = found.pending
    assert (waiting.first_name, waiting.person, waiting.district) == ("Karl", "telegram:201",
                                                                      "Ost")
    assert waiting.languages == {"uk": 3, "de": 3} and waiting.offers == ["documents"]
    assert waiting.answers  # the lines of the card staff see in the chat
    [olena] = found.open_requests
    assert olena.first_name == "Olena" and 2 <= olena.waiting_days < 2.1
    assert olena.proposal is None and found.proposals == [] and found.matches == []

    async with transaction(city.app.sessions) as session:
        decided = await board.decide(session, waiting.id, True, clock(), who=STAFF,
                                     via="console")
        assert decided is not None and decided.status == "approved"
        assert await board.decide(session, 99, True, clock(), who=STAFF,
                                  via="console") is None
    await city.deliver()
    assert karl.last_push().startswith(said(karl, (
        "🎉 Welcome to the Welcome Buddies! The team has approved you. When a newcomer who "
        "fits you is looking for a buddy, I will write to you here. To take a pause or "
        "change what you offer, type /volunteer.")))  # in German

    async with transaction(city.app.sessions) as session:
        report = await board.match_now(session, clock(), city.app.settings, who=STAFF,
                                       via="console")
    assert report.proposed == 1
    async with city.app.sessions() as session:
        found = await board.board(session, clock())
        audit = [(a.who, a.via, a.action, a.target) for a in await session.scalars(
            select(AuditEntry).order_by(AuditEntry.id))]
    assert found.pending == [] and found.open_requests[0].proposal == "proposed"
    [proposal] = found.proposals
    assert proposal.volunteer == "Karl (telegram:201)" and proposal.status == "proposed"
    assert audit == [(STAFF, "console", "buddies.approve", "volunteer:1"),
                     (STAFF, "console", "buddies.match", None)]


async def test_a_problem_reported_at_the_check_in_is_on_the_board(any_city: City,
                                                                   clock: FakeClock) -> None:
    from tests.buddies.test_rounds import volunteer

    city = any_city
    await volunteer(city, "anna", {"uk": 3}, "Ost")
    await newcomer(city, "olena", {"uk": 3}, "Ost")
    await city.round()
    await city.agree(city.phones["anna"], city.phones["olena"])
    async with transaction(city.app.sessions) as session:
        match = await session.scalar(select(BuddyMatch))
        assert match is not None and match.status == "active"
        match.checkin_newcomer = "problem"
    async with city.app.sessions() as session:
        found = await board.board(session, clock())
    [active] = found.matches
    assert active.problem == ["newcomer"] and found.problems == [active]
    assert active.newcomer == "Olena (telegram:olena)" and found.open_requests == []


async def test_the_chat_and_the_command_line_decide_the_same_way(any_city: City) -> None:
    city = any_city
    staff = await city.staff("100")
    karl = await city.person("201", "de")
    await register(karl, name="Karl", languages={"de": "3"}, district="Mitte",
                   times=["mornings"], offers=["job"])
    await city.deliver()
    await staff.say("/buddies")
    await staff.tap("volunteer:1")
    await staff.tap("approve")
    async with city.app.sessions() as session:
        [entry] = await session.scalars(select(AuditEntry))
        person = await people.find(session, "telegram", "201")
    assert (entry.who, entry.via, entry.action) == ("telegram:100", "chat", "buddies.approve")
    assert person is not None and person.role == "volunteer"
