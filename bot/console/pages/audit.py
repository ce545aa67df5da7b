"""The audit log (`/audit`): who did what as staff, and which erasures were asked for
(`bot.audit`), newest first, filtered by person (as actor or target), action and dates.

    GET /audit?who=telegram:123&action=people.role&since=2026-12-01&until=2026-12-07

A date that is not a date gets a message at its field and no filtering by it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.console import web
from bot.console.web import N_
from bot.db.tables import AuditEntry

LIMIT = 200
VIA = {"chat": N_("chat"), "cli": N_("command line"), "console": N_("console"),
       "system": N_("system")}
BAD_DATE = N_("Write a date like 2026-12-01.")


async def entries(db: AsyncSession, *, who: str | None, action: str | None,
                  since: dt.datetime | None, until: dt.datetime | None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(LIMIT)
    if who:
        query = query.where((AuditEntry.who == who) | (AuditEntry.target == who))
    if action:
        query = query.where(AuditEntry.action == action)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    return list(await db.scalars(query))


def _day(text: str, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), tz)


async def show(request: Request) -> Response:
    params = request.query_params
    who, action = params.get("who", "").strip(), params.get("action", "").strip()
    tz = ZoneInfo(web.console(request).settings.timezone)
    errors: dict[str, str] = {}
    bounds: dict[str, dt.datetime | None] = {"since": None, "until": None}
    for name in bounds:
        text = params.get(name, "").strip()
        if text:
            try:
                bounds[name] = _day(text, tz)
            except ValueError:
                errors[name] = BAD_DATE
    until = bounds["until"]
    async with web.transaction(request) as db:
        found = await entries(db, who=who or None, action=action or None,
                              since=bounds["since"],
                              until=until + dt.timedelta(days=1) if until else None)
        actions = sorted(set(await db.scalars(select(AuditEntry.action).distinct())))
    context: dict[str, Any] = {"found": found, "actions": actions, "who": who, "action": action,
               "since": params.get("since", ""), "until": params.get("until", ""),
               "errors": errors, "via": VIA, "limit": LIMIT}
    status = 422 if errors else 200
    if web.is_htmx(request):
        return web.page(request, "audit/_entries.html", status_code=status, **context)
    return web.page(request, "audit/show.html", status_code=status, **context)


routes: list[BaseRoute] = [Route("/audit", show)]
