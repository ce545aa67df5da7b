"""The Welcome Buddies page (`/volunteers...`): volunteers waiting for approval with their
answers, approved or declined with a button (they are told in their language); open
requests and how long they wait; proposals and matches; reported problems; a matching round
started by hand.

The rules live in the feature (`bot.buddies.board`, shared with the chat and the command
line); a volunteer's answers are the bot's own texts, shown in the staff member's language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.buddies import board
from bot.console import web
from bot.console.pages.events import formats
from bot.console.web import N_
from bot.engine.cursor import as_param
from bot.engine.model import JSON
from bot.i18n import param_of

STATES = {"proposed": N_("waiting for the volunteer"),
          "accepted": N_("waiting for the newcomer to confirm"), "active": N_("active")}
SIDES = {"volunteer": N_("the volunteer"), "newcomer": N_("the newcomer")}


def _plain(text: str) -> str:
    """A chat line without its pictographs (the chat's markers; a table needs none)."""
    kept = "".join(c for c in text if unicodedata.category(c) != "So" and c != "\ufe0f")
    return re.sub(r"(?<=•) +| {2,}", " ", kept).strip()


def _lines(request: Request, lines: Sequence[JSON]) -> list[str]:
    """The bot's texts about a registration or request, in the staff member's language."""
    tr = web.console(request).chat_catalogs.translator(web.language(request))
    return [_plain(param_of(as_param(line), tr)) for line in lines]


async def show(request: Request) -> Response:
    async with web.transaction(request) as db:
        found = await board.board(db, web.now(request))
    query = request.query_params
    return web.page(request, "volunteers/board.html", board=found, title=N_("Welcome Buddies"),
                    lines=lambda answers: _lines(request, answers), states=STATES,
                    sides=SIDES, fmt=formats(request), done=query.get("done", ""),
                    name=query.get("name", ""),
                    report={key: int(query.get(key, "0") or 0) for key in (
                        "proposed", "expired", "lapsed", "escalated")
                        if query.get(key, "").isdigit()})


async def _decide(request: Request, approve: bool) -> Response:
    await web.form(request)
    volunteer_id = request.path_params["volunteer_id"]
    async with web.transaction(request) as db:
        found = await board.decide(db, volunteer_id, approve, web.now(request),
                                   who=web.staff(request).who, via="console")
        if found is None:
            raise HTTPException(404)
        name = found.first_name
    return web.redirect(request, f"/volunteers?done={'approved' if approve else 'declined'}"
                                 f"&name={quote(name)}")


async def approve(request: Request) -> Response:
    return await _decide(request, True)


async def decline(request: Request) -> Response:
    return await _decide(request, False)


async def match(request: Request) -> Response:
    """A matching round now: one at a time across the bot's processes (its lock)."""
    await web.form(request)
    async with web.transaction(request) as db:
        report = await board.match_now(db, web.now(request), web.console(request).settings,
                                       who=web.staff(request).who, via="console")
    return web.redirect(request, f"/volunteers?done=round&proposed={report.proposed}"
                                 f"&expired={report.expired}&lapsed={report.lapsed}"
                                 f"&escalated={report.escalated}")


routes: list[BaseRoute] = [
    Route("/volunteers", show),
    Route("/volunteers/{volunteer_id:int}/approve", approve, methods=["POST"]),
    Route("/volunteers/{volunteer_id:int}/decline", decline, methods=["POST"]),
    Route("/volunteers/round", match, methods=["POST"]),
]
