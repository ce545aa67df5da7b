"""What every page of the staff console shares. **The contract for page authors.**

A page is a module in `bot/console/pages/` with `routes: list[BaseRoute]` (full paths:
`pages/events.py` serves `/events...`), added to the list in `bot/console/app.py`, and its
templates in `templates/<page>/`, each extending `base.html`. Before any handler runs, the
guard (`Guard`, every request) has found the session: not signed in -> redirected to
/signin; signed in without the role staff or admin (as the database says now) -> 403 (a
reviewer, a translator, may use /review... only: `staff(request).reviews(lang)`); any
request but a GET without the session's CSRF token -> 403. So a handler only asks
`staff(request)` who it is (`.who`, `.role`, `.admin`).

    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import BaseRoute, Route

    from bot.console import web
    from bot.console.web import N_

    async def show(request: Request) -> Response:                       # a GET page
        async with web.transaction(request) as db:
            rows = await store.upcoming(db, web.now(request))
        return web.page(request, "events/list.html", rows=rows, title=N_("Events"))

    async def cancel(request: Request) -> Response:                     # a POST form
        data = await web.form(request)       # refuses (403) without the session's CSRF token
        reason = str(data.get("reason", "")).strip()
        if not reason:                       # a message at the field; nothing saved
            return web.page(request, "events/cancel.html", status_code=422,
                            errors={"reason": N_("Say why, in a few words.")})
        async with web.transaction(request) as db:   # all or nothing
            await store.cancel_event(db, event_id, web.now(request))
            await web.audit(request, db, "events.cancel", target=f"event:{event_id}")
        return web.redirect(request, "/events?done=cancelled")   # 303 (HX-Redirect for htmx)

    routes: list[BaseRoute] = [Route("/events", show),
                               Route("/events/{id:int}/cancel", cancel, methods=["POST"])]

In a template (Jinja2 with the i18n extension, gettext domain `console`, German and
English: `make i18n` extracts it):

    {% extends "base.html" %}
    {% block title %}{{ _("Events") }}{% endblock %}
    {% block content %}
      <h1>{{ _("Events") }}</h1>
      <form method="post" action="/events/{{ event.id }}/cancel">
        {{ csrf_input() }}                       the session's token, a hidden field
        {{ field("reason", _("Reason"), errors) }}   label, input, the message at the field
        <button>{{ _("Cancel the event") }}</button>
      </form>
    {% endblock %}

htmx requests carry the token in the `X-CSRF-Token` header (base.html sets it with
`hx-headers`), so `web.form` accepts them too; `web.is_htmx(request)` tells a page to answer
with a fragment (`web.page(request, "events/_rows.html", ...)`). Texts in Python are marked
`N_("...")` and translated in the template (`{{ _(message) }}`); `web.gettext(request, text)`
translates one in Python. `web.when(request, moment)` and the `when` filter show a time in
the city's time zone in the staff member's language. Charts are SVG strings from
`bot.console.charts`. Every change is audited (`web.audit`: via="console", who = the staff
member's identity), in the transaction that makes it. The bot's own texts (a feature's
`Text`, `Lines`: what people read in the chat) are rendered with
`bot.i18n.param_of(value, web.console(request).chat_catalogs.translator(lang))`, never
with `bot.channels.render`: the console imports neither the channels nor the runtime
(tests/console/test_layers.py).

Tests (tests/console/conftest.py): `client` (httpx on the app in-process, English), `bench`
(its database and clock; or the wired bot `app`, on the same ones, where the bot must act),
`await staff_member(bench, "console:ana", role="admin")`, `csrf = await sign_in(client,
bench, "console:ana")`, then `await client.post("/events/1/cancel", data={"reason": "ill",
"csrf": csrf})`; `await delivered(app)` runs the bot's sender and says who got what. In a browser
(plain, not async, tests): `page`, `console_server` (its URL), `browser_sign_in(page,
console_server, settings, clock, "console:ana")`, `screenshot(page, "events")` into
docs/img/, and `run(coro)` for bot work in between.
"""

from __future__ import annotations

import contextvars
import gettext as gettext_module
import hmac
import secrets
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import dates
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot import audit as audit_log
from bot.config import Settings
from bot.console import lang as console_lang
from bot.console import sessions
from bot.console.sessions import Staff
from bot.db.session import transaction as db_transaction
from bot.i18n import Catalogs

TEMPLATES = Path(__file__).parent / "templates"
PRESIGN = "console_presign"
"""The cookie that ties a sign-in form to its browser before there is a session (its value
is the form's CSRF token)."""
LANG_COOKIE = "console_lang"
OPEN_PATHS = ("/signin", "/signout", "/static/", "/language", "/healthz")
"""What may be asked without being signed in."""
REVIEW_PATH = "/review"
"""The pages a reviewer (a translator) may use, besides the open ones."""


def N_(message: str) -> str:  # noqa: N802 (the gettext marker)
    """Marks a text for `make i18n` (domain `console`); it is translated where shown."""
    return message


@dataclass(frozen=True)
class Console:
    """What the pages share: built once by `bot.console.app.build`."""

    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    clock: Callable[[], datetime]
    templates: Environment
    catalogs: console_lang.ConsoleCatalogs
    chat_catalogs: Catalogs
    """The bot's own catalogs (domain `messages`), for what a person reads in the chat
    (their /mydata lines)."""

    @property
    def idle(self) -> timedelta:
        return timedelta(minutes=self.settings.console_idle_minutes)


def console(request: Request) -> Console:
    found: Console = request.app.state.console
    return found


def now(request: Request) -> datetime:
    return console(request).clock()


def staff(request: Request) -> Staff:
    """The signed-in staff member (the guard let the request through only with one)."""
    found = request.scope.get("console.staff")
    if found is None:
        raise HTTPException(401)
    assert isinstance(found, Staff)
    return found


def signed_in(request: Request) -> Staff | None:
    """The signed-in staff member or reviewer, if any (a reviewer reaches `REVIEW_PATH`
    only: the guard sees to that)."""
    found = request.scope.get("console.staff")
    return found if isinstance(found, Staff) and found.signed_in else None


def language(request: Request) -> str:
    """The staff member's console language: de or en."""
    who = request.scope.get("console.staff")
    chosen = who.lang if isinstance(who, Staff) else None
    if chosen is None and request.cookies.get(LANG_COOKIE) in console_lang.LANGUAGES:
        chosen = request.cookies.get(LANG_COOKIE)
    return console_lang.choose(chosen, who.locale if isinstance(who, Staff) else None,
                               request.headers.get("accept-language"),
                               console(request).settings.console_language)


def gettext(request: Request, message: str) -> str:
    return console(request).catalogs.get(language(request)).gettext(message)


@asynccontextmanager
async def transaction(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction: committed when the block ends, rolled back on an error."""
    async with db_transaction(console(request).sessions) as db:
        yield db


async def audit(request: Request, db: AsyncSession, action: str, target: str | None = None,
                detail: str | None = None) -> None:
    """An audit entry by the signed-in staff member, in `db`'s transaction."""
    await audit_log.record(db, now(request), who=staff(request).who, via="console",
                           action=action, target=target, detail=detail)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def redirect(request: Request, url: str) -> Response:
    """After a form: 303 to `url` (htmx follows HX-Redirect instead)."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def _csrf_token(request: Request) -> str:
    who = signed_in(request)
    if who is not None:
        return who.csrf
    token = request.scope.get("console.presign") or request.cookies.get(PRESIGN)
    if not token:
        token = secrets.token_urlsafe(32)
        request.scope["console.presign"] = token
    return str(token)


async def form(request: Request) -> FormData:
    """The posted form, after checking its CSRF token (the hidden field `csrf` or the header
    X-CSRF-Token) against the session's, or before signing in against the sign-in cookie's.
    Refused with 403 when it is missing or wrong (the guard has checked it already, for every
    request that is not a GET; this is the second lock)."""
    data = await request.form()
    if not await _csrf_ok(request):
        raise HTTPException(403, "csrf")
    return data


def when(request: Request, moment: datetime | None, form: str = "medium") -> str:
    """`moment` in the city's time zone, in the staff member's language: "medium" (the
    date, then the time without seconds), "short", or a CLDR pattern ("EEE d MMM, HH:mm")."""
    if moment is None:
        return ""
    tz = ZoneInfo(console(request).settings.timezone)
    lang = language(request)
    if form == "medium":
        return (f"{dates.format_date(moment.astimezone(tz), 'medium', locale=lang)}, "
                f"{dates.format_time(moment, 'short', tzinfo=tz, locale=lang)}")
    return dates.format_datetime(moment, form, tzinfo=tz, locale=lang)


def set_cookie(request: Request, response: Response, name: str, value: str, *,
               max_age: int | None = None) -> None:
    """HttpOnly, SameSite=Strict; Secure when the console is behind HTTPS (CONSOLE_URL)."""
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict",
                        secure=console(request).settings.console_secure, path="/")


NAV = (
    ("/", N_("Overview")),
    ("/events", N_("Events")),
    ("/volunteers", N_("Welcome Buddies")),
    ("/people", N_("People")),
    ("/audit", N_("Audit log")),
    (REVIEW_PATH, N_("Review")),
)
REVIEWER_NAV = ((REVIEW_PATH, N_("Review")),)
"""A reviewer's nav: their one section."""


def _current(path: str) -> str:
    for href, _ in reversed(NAV):
        if href != "/" and (path == href or path.startswith(href + "/")):
            return href
    return "/" if path == "/" else ""


def page(request: Request, template: str, *, status_code: int = 200,
         headers: Mapping[str, str] | None = None, **context: Any) -> HTMLResponse:
    """`template` rendered in the staff member's language, with what base.html needs: who
    is signed in, the nav (`aria-current` on this page's entry), the CSRF token, the
    language. Before sign-in, it sets the sign-in cookie its forms are checked against."""
    found = console(request)
    lang = language(request)
    translations = found.catalogs.get(lang)
    token = _csrf_token(request)
    who = signed_in(request)
    values = {"request": request, "staff": who, "lang": lang, "csrf": token,
              "nav": REVIEWER_NAV if who is not None and who.reviewer else NAV,
              "current": _current(request.url.path), "errors": {},
              "htmx": is_htmx(request), **context}
    reset = _TRANSLATIONS.set(translations)
    try:
        html = found.templates.get_template(template).render(values)
    finally:
        _TRANSLATIONS.reset(reset)
    response = HTMLResponse(html, status_code=status_code, headers=dict(headers or {}))
    if signed_in(request) is None and request.cookies.get(PRESIGN) != token:
        set_cookie(request, response, PRESIGN, token)
    return response


# -- templates ----------------------------------------------------------------------------
_TRANSLATIONS: contextvars.ContextVar[gettext_module.NullTranslations | None] = (
    contextvars.ContextVar("console_translations", default=None))
_UNTRANSLATED = gettext_module.NullTranslations()


def _gettext(message: str) -> str:
    return (_TRANSLATIONS.get() or _UNTRANSLATED).gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return (_TRANSLATIONS.get() or _UNTRANSLATED).ngettext(singular, plural, n)


@pass_context
def _csrf_input(context: Context) -> Markup:
    return Markup('<input type="hidden" name="csrf" value="{}">').format(context["csrf"])


@pass_context
def _field(context: Context, name: str, label: str, errors: Mapping[str, str] | None = None,
           *, value: Any = None, type: str = "text", hint: str | None = None,
           **attributes: Any) -> Markup:
    """A labelled input; with an error for `name`, the message under it, tied to the input
    (aria-describedby, aria-invalid) so that a screen reader reads it."""
    errors = errors or {}
    ident = f"f-{name}"
    described = []
    parts = [Markup('<div class="field{}">').format(" invalid" if name in errors else ""),
             Markup('<label for="{}">{}</label>').format(ident, label)]
    if hint:
        parts.append(Markup('<p class="hint" id="{}-hint">{}</p>').format(ident, hint))
        described.append(f"{ident}-hint")
    if name in errors:
        parts.append(Markup('<p class="error" id="{}-error">{}</p>').format(
            ident, _gettext(errors[name])))
        described.append(f"{ident}-error")
    extra = Markup("").join(Markup(' {}="{}"').format(key.replace("_", "-"), val)
                            for key, val in attributes.items() if val is not None
                            and val is not False)
    parts.append(Markup('<input id="{}" name="{}" type="{}" value="{}"{}{}{}>').format(
        ident, name, type, "" if value is None else value,
        Markup(' aria-describedby="{}"').format(" ".join(described)) if described else "",
        Markup(' aria-invalid="true"') if name in errors else "", extra))
    parts.append(Markup("</div>"))
    return Markup("").join(parts)


@pass_context
def _when(context: Context, moment: datetime | None, form: str = "medium") -> str:
    return when(context["request"], moment, form)


def environment() -> Environment:
    """Jinja2 for the console's templates: autoescaped, with the i18n extension (domain
    `console`, the request's language) and the helpers in the contract above."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(csrf_input=_csrf_input, field=_field)
    env.filters["when"] = _when
    return env


# -- the guard ----------------------------------------------------------------------------
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
     b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]
"""On every answer: scripts from the console only (htmx), never framed by another site."""
MAX_BODY = 1024 * 1024
"""Bytes a form may send (the nginx site allows as much)."""


class Guard:
    """Before every request: the session from the cookie, the person's current role. Not
    signed in -> /signin (with `next`); signed in without the role staff or admin -> 403,
    except that a reviewer (a translator) may use `REVIEW_PATH...` (and is sent there from /).
    Every request that is not a GET carries the CSRF token (form field `csrf` or header
    X-CSRF-Token) of its session, or before sign-in of the sign-in cookie: else 403, before
    any handler runs (`form` checks it again). The sign-in pages and static files are open."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_headers(send)
        request = Request(scope)
        found = console(request)
        path = scope["path"]
        token = request.cookies.get(sessions.COOKIE)
        who = None
        if token and not path.startswith("/static/"):  # the stylesheet needs no session
            async with db_transaction(found.sessions) as db:
                who = await sessions.find(db, token, found.clock(), found.idle)
        scope["console.staff"] = who
        response: Response | None = None
        if not any(path == p.rstrip("/") or path.startswith(p) for p in OPEN_PATHS):
            if who is None:
                target = "/signin" + (f"?next={escape_next(path)}" if path != "/" else "")
                response = (Response(status_code=401, headers={"HX-Redirect": target})
                            if is_htmx(request)
                            else RedirectResponse(target, status_code=303))
            elif who.reviewer and path in ("/", ""):
                response = RedirectResponse(REVIEW_PATH, status_code=303)
            elif who.reviewer and (path == REVIEW_PATH or path.startswith(REVIEW_PATH + "/")):
                pass  # a translator's pages: each checks the language (`Staff.reviews`)
            elif not who.allowed:
                response = page(request, "error.html", status_code=403, status=403)
        if response is None and scope["method"] not in SAFE_METHODS:
            body = await _body(receive)
            if body is None:
                response = PlainTextResponse("too large", status_code=413)
            else:
                if not await _csrf_ok(Request(scope, _replay(body, receive))):
                    response = page(request, "error.html", status_code=403, status=403,
                                    detail="csrf")
                receive = _replay(body, receive)  # the handler reads the body again
        if response is None:
            await self.app(scope, receive, send)
        else:
            await response(scope, receive, send)


def _with_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *HEADERS]}
        await send(message)

    return sending


async def _body(receive: Receive) -> bytes | None:
    """The whole request body (None past MAX_BODY)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands out `body` again, then whatever the client does next."""
    given = False

    async def again() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


async def _csrf_ok(request: Request) -> bool:
    sent = request.headers.get("x-csrf-token")
    if not sent and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = str((await request.form()).get("csrf") or "")
    who = signed_in(request)
    expected = who.csrf if who is not None else request.cookies.get(PRESIGN, "")
    return bool(sent and expected and hmac.compare_digest(sent, expected))


def escape_next(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path of this console only (never another site)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


async def on_http_error(request: Request, exc: Exception) -> Response:
    """403 (a form without its token), 404, 405...: a page that says so in the staff
    member's language."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return page(request, "error.html", status_code=status, status=status,
                detail=str(escape(getattr(exc, "detail", "") or "")))
