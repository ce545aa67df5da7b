"""The staff console as one Starlette application: `build(settings, engine, clock)`.

Every page module's routes in one list (each page serves its own paths: `/events...` are
`pages/events.py`'s), the static files (the stylesheet, htmx), the guard before every request
(`web.Guard`: signed in, role staff or admin) and the error pages. `welcomebot console`
serves it with uvicorn on CONSOLE_HOST:CONSOLE_PORT; the tests call it in-process (httpx's
ASGITransport) or serve it on a free port for the browser (tests/console/conftest.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.config import Settings
from bot.console import web
from bot.console.lang import ConsoleCatalogs
from bot.console.pages import (
    audit,
    cases,
    events,
    faq,
    faq_quality,
    notices,
    overview,
    people,
    review,
    signin,
    volunteers,
)
from bot.db.session import make_sessions
from bot.i18n import Catalogs

STATIC = Path(__file__).parent / "static"


def utc_now() -> datetime:
    return datetime.now(UTC)


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


def routes() -> list[BaseRoute]:
    return [
        *signin.routes,
        *overview.routes,
        *events.routes,        # /events...
        *notices.routes,       # /notices...
        *volunteers.routes,    # /volunteers...
        *cases.routes,         # /cases...
        *faq_quality.routes,   # /faq/helpful, /faq/check: before the FAQ pages' /faq/{topic}
        *people.routes,
        *review.routes,        # /review... (reviewers too)
        *audit.routes,
        *faq.routes,           # /faq...: last, as /faq/{topic} takes any name
        Route("/healthz", healthz),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


def build(settings: Settings, engine: AsyncEngine,
          clock: Callable[[], datetime] = utc_now) -> Starlette:
    """The console on this database; `clock` gives the time (tests pass a FakeClock)."""
    app = Starlette(routes=routes(), middleware=[Middleware(web.Guard)],
                    exception_handlers={HTTPException: web.on_http_error})
    app.state.console = web.Console(
        settings=settings, sessions=make_sessions(engine), clock=clock,
        templates=web.environment(), catalogs=ConsoleCatalogs(settings.translations_dir),
        chat_catalogs=Catalogs(settings.translations_dir, settings.languages,
                               default=settings.default_language, timezone=settings.timezone))
    return app
