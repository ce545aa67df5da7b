"""The console's Welcome Buddies page over HTTP: every route signed out (-> sign-in), with
the wrong role (403), without the CSRF token (refused, nothing changed); a volunteer waiting
with their answers is approved and told in their language; one is declined; a matching round
started by hand proposes, and the proposal, the match and a reported problem are on the
page. Then in a browser: approving a volunteer, who is told in German."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from bot.app import App, open_app
from bot.buddies import store
from bot.config import Settings
from bot.db import people
from bot.db.session import transaction
from bot.db.tables import AuditEntry, BuddyMatch, BuddyVolunteer
from tests.buddies.conftest import said
from tests.console.conftest import (
    browser_sign_in,
    delivered,
    run,
    screenshot,
    sign_in,
    staff_member,
)
from tests.fakes import FakeClock

ANA = "console:ana"
APPROVED = ("🎉 Welcome to the Welcome Buddies! The team has approved you. When a newcomer who "
            "fits you is looking for a buddy, I will write to you here. To take a pause or "
            "change what you offer, type /volunteer.")
DECLINED = ("Thank you for wanting to be a Welcome Buddy. The team cannot approve you at the "
            "moment. If you have questions, type /contact.")
POSTS = ["/volunteers/1/approve", "/volunteers/1/decline", "/volunteers/round"]


async def volunteer(app: App, user: str, *, locale: str = "de", approve: bool = False,
                    languages: dict[str, int] | None = None) -> int:
    """Someone on the terminal chat who registered as a volunteer (waiting, or approved)."""
    now = app.runtime.clock()
    async with transaction(app.sessions) as db:
        person = await people.set_role(db, "console", user, "newcomer", now)
        person.locale, person.district = locale, "Ost"
        person.consent, person.consent_at = "given", now
        found = await store.register(db, person.id, {
            "first_name": user.title(), "contact": {"kind": "chat", "value": ""},
            "languages": languages or {"uk": 3, "de": 3}, "offers": ["documents"],
            "times": ["evenings"], "capacity": 1, "gender": None}, now)
        if approve:
            await store.decide(db, found.id, True, now)
        return found.id


async def newcomer(app: App, user: str) -> None:
    now = app.runtime.clock()
    async with transaction(app.sessions) as db:
        person = await people.set_role(db, "console", user, "newcomer", now)
        person.locale, person.district = "uk", "Ost"
        person.consent, person.consent_at = "given", now
        await store.ask(db, person.id, {
            "first_name": user.title(), "contact": {"kind": "chat", "value": ""},
            "needs": ["documents"], "languages": {"uk": 3}, "times": ["evenings"],
            "wants": None}, now)


async def status_of(app: App, volunteer_id: int) -> str:
    async with app.sessions() as session:
        found = await session.get(BuddyVolunteer, volunteer_id)
        assert found is not None
        return found.status


async def test_every_route_asks_to_sign_in_then_checks_the_role_and_the_token(
        app: App, client: httpx.AsyncClient) -> None:
    await volunteer(app, "karl")
    assert (await client.get("/volunteers")).status_code == 303
    for path in POSTS:
        assert (await client.post(path, data={})).status_code == 303, path
    await staff_member(app, ANA)
    csrf = await sign_in(client, app, ANA)
    for path in POSTS:
        assert (await client.post(path, data={})).status_code == 403, path
        assert (await client.post(path, data={"csrf": "wrong"})).status_code == 403, path
    assert await status_of(app, 1) == "pending"
    async with transaction(app.sessions) as db:
        await people.set_role(db, "console", "ana", "volunteer", app.runtime.clock())
    assert (await client.get("/volunteers")).status_code == 403
    for path in POSTS:
        assert (await client.post(path, data={"csrf": csrf})).status_code == 403, path
    assert await status_of(app, 1) == "pending"


async def test_staff_approve_and_decline_and_the_volunteers_are_told_in_their_language(
        app: App, client: httpx.AsyncClient) -> None:
    await volunteer(app, "karl", locale="de")
    await volunteer(app, "olena", locale="uk")
    await staff_member(app, ANA)
    csrf = await sign_in(client, app, ANA)
    board = await client.get("/volunteers")
    assert "Karl" in board.text and "Olena" in board.text
    assert "Українська (fluently)" in board.text and "Letters and documents" in board.text
    approved = await client.post("/volunteers/1/approve", data={"csrf": csrf})
    assert approved.status_code == 303
    assert "Karl is approved" in (await client.get(approved.headers["location"])).text
    declined = await client.post("/volunteers/2/decline", data={"csrf": csrf})
    assert declined.status_code == 303
    assert (await client.post("/volunteers/9/approve", data={"csrf": csrf})).status_code == 404
    assert (await status_of(app, 1), await status_of(app, 2)) == ("approved", "declined")
    told = await delivered(app)
    assert told["karl"][0].startswith(said("de", APPROVED))
    assert told["olena"][0].startswith(said("uk", DECLINED))
    async with app.sessions() as session:
        audit = [(a.who, a.via, a.action, a.target) for a in await session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("buddies.%")))]
    assert audit == [(ANA, "console", "buddies.approve", "volunteer:1"),
                     (ANA, "console", "buddies.decline", "volunteer:2")]


async def test_a_round_started_by_hand_proposes_and_the_page_shows_it_and_problems(
        app: App, client: httpx.AsyncClient, clock: FakeClock) -> None:
    await volunteer(app, "anna", approve=True, languages={"uk": 3})
    await newcomer(app, "oksana")
    clock.advance(days=3)
    await staff_member(app, ANA)
    csrf = await sign_in(client, app, ANA)
    board = await client.get("/volunteers")
    assert "Oksana" in board.text and "3 days" in board.text and "searching" in board.text
    started = await client.post("/volunteers/round", data={"csrf": csrf})
    assert started.status_code == 303
    shown = (await client.get(started.headers["location"])).text
    assert "Matching round done: 1 proposed" in shown
    assert "Anna (console:anna)" in shown and "waiting for the volunteer" in shown
    async with transaction(app.sessions) as db:
        match = await db.scalar(select(BuddyMatch))
        assert match is not None
        match.status, match.checkin_volunteer = "active", "problem"
    shown = (await client.get("/volunteers")).text
    assert "problem reported by the volunteer" in shown


# -- in a browser -------------------------------------------------------------------------
def test_approving_a_volunteer_in_the_browser_tells_them_in_german(
        page: Any, console_server: str, settings: Settings, clock: FakeClock) -> None:
    async def registered() -> None:
        async with open_app(settings, clock=clock) as app:
            await volunteer(app, "karl", locale="de")
            await newcomer(app, "oksana")

    run(registered())
    browser_sign_in(page, console_server, settings, clock, ANA)
    page.goto(f"{console_server}/volunteers")
    card = page.locator("article", has_text="Karl")
    assert "Letters and documents" in card.inner_text()
    screenshot(page, "volunteers")
    card.get_by_role("button", name="Approve").click()
    page.wait_for_url(f"{console_server}/volunteers?done=approved&name=Karl")
    assert "Karl is approved" in page.inner_text("main")

    async def told() -> dict[str, list[str]]:
        async with open_app(settings, clock=clock) as app:
            return await delivered(app)

    assert run(told())["karl"][0].startswith(said("de", APPROVED))
