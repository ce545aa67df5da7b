"""People (`/people...`): find a person, see their data as `/mydata` shows it, change their
role, export their data or erase them on request.

    GET  /people?q=              by id (telegram:12345, or part of it) or first name (what
                                 they told the Welcome Buddies); htmx swaps the results only
    GET  /people/{id}            their data, the role form, export and erase
    POST /people/{id}/role       staff may give newcomer, volunteer, staff or reviewer (with
                                 the languages they review: at least one); only an admin
                                 makes or unmakes an admin; nobody changes their own role
    GET  /people/{id}/export     everything as a JSON download (audited)
    GET  /people/{id}/erase      the confirmation step: type the id again
    POST /people/{id}/erase      what /delete does (`bot.privacy.erase_slices`), audited

Every change is audited by the staff member, in the transaction that makes it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot import reviewers
from bot.console import texts, web
from bot.console.web import N_
from bot.db import people
from bot.db.tables import BuddyRequest, BuddyVolunteer, Person
from bot.engine.definition import ROLES
from bot.feature import Erasure
from bot.privacy import erase_slices

ROLE_NAMES = {"newcomer": N_("Newcomer"), "volunteer": N_("Volunteer"), "staff": N_("Staff"),
              "admin": N_("Administrator"), "reviewer": N_("Reviewer (translator)")}
CHANNEL_NAMES = {"telegram": "Telegram", "whatsapp": "WhatsApp", "console": N_("Terminal")}
LIMIT = 50
DONE = {"role": N_("The role is changed."), "erased": N_("The person and all their data "
                                                         "are erased.")}


async def _names(db: AsyncSession, ids: list[int]) -> dict[int, str]:
    """First names people gave the Welcome Buddies (volunteer or request)."""
    found: dict[int, str] = {}
    for model in (BuddyVolunteer, BuddyRequest):
        rows = await db.execute(select(model.person_id, model.first_name)
                                .where(model.person_id.in_(ids)))
        for person_id, name in rows.all():
            found.setdefault(person_id, name)
    return found


async def search(db: AsyncSession, q: str) -> list[Person]:
    """By id (whole, "telegram:12345", or part of the number) or first name."""
    q = q.strip()
    if not q:
        return []
    channel, colon, rest = q.partition(":")
    pattern = f"%{(rest if colon else q).strip().lower()}%"
    by_id: ColumnElement[bool] = func.lower(Person.external_id).like(pattern)
    if colon:
        by_id = and_(by_id, Person.channel == channel.strip().lower())
    named = (select(BuddyVolunteer.person_id).where(func.lower(BuddyVolunteer.first_name)
                                                    .like(f"%{q.lower()}%"))
             .union(select(BuddyRequest.person_id).where(
                 func.lower(BuddyRequest.first_name).like(f"%{q.lower()}%"))))
    query = (select(Person).where(or_(by_id, Person.id.in_(named)))
             .order_by(Person.last_seen_at.desc()).limit(LIMIT))
    return list(await db.scalars(query))


async def find_people(request: Request) -> Response:
    q = request.query_params.get("q", "")
    async with web.transaction(request) as db:
        found = await search(db, q)
        names = await _names(db, [p.id for p in found])
    context: dict[str, Any] = {"q": q, "found": found, "names": names, "roles": ROLE_NAMES,
               "channels": CHANNEL_NAMES, "done": DONE.get(request.query_params.get("done", "")),
               "languages": web.console(request).chat_catalogs.endonyms()}
    if web.is_htmx(request):
        return web.page(request, "people/_results.html", **context)
    return web.page(request, "people/search.html", **context)


async def _person(db: AsyncSession, request: Request) -> Person:
    person = await db.get(Person, request.path_params["id"])
    if person is None:
        raise HTTPException(404)
    return person


async def _detail(request: Request, db: AsyncSession, person: Person, *,
                  errors: dict[str, str] | None = None, status_code: int = 200,
                  done: str | None = None, langs: list[str] | None = None) -> Response:
    found = web.console(request)
    lines = await texts.mydata(db, person, lang=web.language(request), now=web.now(request),
                               settings=found.settings, catalogs=found.chat_catalogs)
    names = await _names(db, [person.id])
    me = web.staff(request)
    return web.page(request, "people/detail.html", status_code=status_code, person=person,
                    who=people.identity(person.channel, person.external_id),
                    name=names.get(person.id), lines=lines, roles=ROLE_NAMES,
                    channels=CHANNEL_NAMES, errors=errors or {}, done=done,
                    grantable=_grantable(me.admin), myself=me.person_id == person.id,
                    languages=found.chat_catalogs.endonyms(),
                    bot_languages=list(found.settings.languages),
                    review_langs=(langs if langs is not None
                                  else list(await reviewers.languages_of(db, person.id))))


def _grantable(admin: bool) -> list[str]:
    return list(ROLES) if admin else [r for r in ROLES if r != "admin"]


async def detail(request: Request) -> Response:
    async with web.transaction(request) as db:
        person = await _person(db, request)
        return await _detail(request, db, person,
                             done=DONE.get(request.query_params.get("done", "")))


async def change_role(request: Request) -> Response:
    data = await web.form(request)
    role = str(data.get("role", ""))
    langs = [str(code) for code in data.getlist("langs")]
    me = web.staff(request)
    async with web.transaction(request) as db:
        person = await _person(db, request)
        problem = None
        field = "role"
        if role not in ROLES:
            problem = N_("Choose one of the roles in the list.")
        elif person.id == me.person_id:
            problem = N_("You cannot change your own role; ask another administrator.")
        elif "admin" in (role, person.role) and not me.admin:
            problem = N_("Only an administrator can make someone an administrator or take "
                         "it away.")
        elif role == reviewers.ROLE and (
                not langs or not set(langs) <= set(web.console(request).settings.languages)):
            problem, field = N_("Choose the languages they review (at least one)."), "langs"
        if problem is not None:
            return await _detail(request, db, person, errors={field: problem},
                                 status_code=422, langs=langs)
        kept = list(await reviewers.languages_of(db, person.id))
        wanted = sorted(set(langs)) if role == reviewers.ROLE else []
        if role != person.role or kept != wanted:
            person.role = role
            await reviewers.set_languages(db, person.id, wanted)
            await web.audit(request, db, "people.role",
                            target=people.identity(person.channel, person.external_id),
                            detail=role + (f" langs={','.join(wanted)}" if wanted else ""))
    return web.redirect(request, f"/people/{person.id}?done=role")


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


async def export(request: Request) -> Response:
    found = web.console(request)
    async with web.transaction(request) as db:
        person = await _person(db, request)
        who = people.identity(person.channel, person.external_id)
        lang = person.locale if person.locale in found.settings.languages else "en"
        lines = await texts.mydata(db, person, lang=lang, now=web.now(request),
                                   settings=found.settings, catalogs=found.chat_catalogs)
        body = {
            "id": who, "channel": person.channel, "language": person.locale,
            "role": person.role, "consent": person.consent, "consent_at": person.consent_at,
            "consent_source": person.consent_source, "first_contact": person.created_at,
            "last_message": person.last_seen_at, "unreachable_since": person.unreachable_at,
            "district": person.district, "mydata": {"language": lang, "lines": lines},
            "exported_at": web.now(request),
        }
        await web.audit(request, db, "privacy.export", target=who)
    name = f"welcomebot-{person.channel}-{person.external_id}.json"
    return Response(json.dumps(body, ensure_ascii=False, indent=2, default=_json_default),
                    media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


async def erase_form(request: Request) -> Response:
    async with web.transaction(request) as db:
        person = await _person(db, request)
    return web.page(request, "people/erase.html", person=person,
                    who=people.identity(person.channel, person.external_id))


async def erase(request: Request) -> Response:
    data = await web.form(request)
    typed = str(data.get("confirm", "")).strip()
    me = web.staff(request)
    async with web.transaction(request) as db:
        person = await _person(db, request)
        who = people.identity(person.channel, person.external_id)
        problem = None
        if person.id == me.person_id:
            problem = N_("You cannot erase yourself here; ask another member of staff.")
        elif typed != who:
            problem = N_("Type the id exactly as shown to confirm.")
        if problem is not None:
            return web.page(request, "people/erase.html", status_code=422, person=person,
                            who=who, errors={"confirm": problem}, typed=typed)
        now = web.now(request)
        await web.audit(request, db, "privacy.erase", target=who)
        await erase_slices(Erasure(db, [person.id], now, web.console(request).settings))
        await people.erase(db, person)
    return web.redirect(request, "/people?done=erased")


routes: list[BaseRoute] = [
    Route("/people", find_people),
    Route("/people/{id:int}", detail),
    Route("/people/{id:int}/role", change_role, methods=["POST"]),
    Route("/people/{id:int}/export", export),
    Route("/people/{id:int}/erase", erase_form),
    Route("/people/{id:int}/erase", erase, methods=["POST"]),
]
