"""Signing in and out, and the language switch (open without a session).

    GET  /signin               the id field (telegram:12345, whatsapp:49176..., console:ana)
    POST /signin               sends a code to that chat if the id is a staff member's
    GET  /signin/code          the code field
    POST /signin/code          a live code starts a session; a wrong one counts (rate limit)
    GET  /signin/link/{token}  a link from `welcomebot console link`: one button to sign in
    POST /signin/link          (a GET never signs in: link previews in chats would use it up)
    POST /signout
    POST /language             de or en, kept on the session (and a cookie before sign-in)

The page says the same whether or not the id belongs to staff, so nobody learns who does.
"""

from __future__ import annotations

from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot import audit
from bot.console import lang as console_lang
from bot.console import sessions, signin, web
from bot.console.web import N_
from bot.db.people import identity
from bot.db.tables import Person

WRONG_CODE = N_("This code is wrong, used or expired. Ask for a new one if needed.")
TOO_MANY = N_("Too many wrong codes. Wait 15 minutes, then ask for a new code.")
ID_PROBLEMS = {
    "channel": N_("Write the chat and the id with a colon between, for example "
                  "telegram:12345678 or whatsapp:4917612345678."),
    "id": N_("Telegram and WhatsApp ids are digits only, for example telegram:12345678."),
}


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def start(request: Request) -> Response:
    nxt = web.safe_next(request.query_params.get("next"))
    if web.signed_in(request) is not None:
        return web.redirect(request, nxt)
    return web.page(request, "signin/start.html", next=nxt,
                    who=request.query_params.get("who", ""))


async def ask(request: Request) -> Response:
    data = await web.form(request)
    typed = str(data.get("who", "")).strip()
    nxt = web.safe_next(str(data.get("next") or ""))
    try:
        channel, external_id = signin.parse_identity(typed)
    except signin.BadIdentity as problem:
        return web.page(request, "signin/start.html", status_code=422, next=nxt, who=typed,
                        errors={"who": ID_PROBLEMS[str(problem)]})
    async with web.transaction(request) as db:
        person = await signin.staff_member(db, channel, external_id)
        if person is not None:
            await signin.send_code(db, person, web.now(request))
    query = urlencode({"who": identity(channel, external_id), "next": nxt})
    return web.redirect(request, f"/signin/code?{query}")


async def code_form(request: Request) -> Response:
    who = request.query_params.get("who", "")
    return web.page(request, "signin/code.html", who=who,
                    next=web.safe_next(request.query_params.get("next")))


async def use_code(request: Request) -> Response:
    data = await web.form(request)
    typed = str(data.get("who", ""))
    nxt = web.safe_next(str(data.get("next") or ""))
    code = str(data.get("code", ""))
    try:
        channel, external_id = signin.parse_identity(typed)
    except signin.BadIdentity:
        return web.redirect(request, "/signin")
    who, now, address = identity(channel, external_id), web.now(request), _address(request)

    def again(message: str, status: int) -> Response:
        return web.page(request, "signin/code.html", status_code=status, who=who, next=nxt,
                        errors={"code": message})

    if not "".join(code.split()).isdigit():
        return again(N_("The code is the six digits the bot sent you."), 422)
    async with web.transaction(request) as db:
        if await signin.blocked(db, who, address, now):
            return again(TOO_MANY, 429)
        person = await signin.staff_member(db, channel, external_id)
        if person is None or not await signin.use_code(db, person, code, now):
            await signin.failed(db, who, address, now)
            person = None
        else:
            token = await _session(request, db, person, "code")
    if person is None:
        return again(WRONG_CODE, 422)
    return _signed_in(request, token, nxt)


async def _session(request: Request, db: AsyncSession, person: Person, how: str) -> str:
    """A session for the person, audited ("console.signin", how: code or link). Sessions
    idle too long, old codes and old failed attempts of anyone are cleared away."""
    now = web.now(request)
    await sessions.purge(db, now, web.console(request).idle)
    await signin.tidy(db, now)
    token = await sessions.start(db, person.id, now)
    await audit.record(db, now, who=identity(person.channel, person.external_id),
                       via="console", action="console.signin", detail=how)
    return token


def _signed_in(request: Request, token: str, nxt: str) -> Response:
    response = web.redirect(request, nxt)
    web.set_cookie(request, response, sessions.COOKIE, token)
    response.delete_cookie(web.PRESIGN, path="/")
    return response


async def link(request: Request) -> Response:
    token = request.path_params["token"]
    async with web.transaction(request) as db:
        live = await signin.link_is_live(db, token, web.now(request))
    if not live:
        return web.page(request, "signin/link.html", status_code=410, token=None)
    return web.page(request, "signin/link.html", token=token)


async def use_link(request: Request) -> Response:
    data = await web.form(request)
    now = web.now(request)
    async with web.transaction(request) as db:
        person_id = await signin.use_link(db, str(data.get("token", "")), now)
        person = await db.get(Person, person_id) if person_id is not None else None
        if person is None or person.role not in signin.STAFF_ROLES:
            token = None
        else:
            token = await _session(request, db, person, "link")
    if token is None:
        return web.page(request, "signin/link.html", status_code=410, token=None)
    return _signed_in(request, token, "/")


async def sign_out(request: Request) -> Response:
    await web.form(request)
    token = request.cookies.get(sessions.COOKIE)
    if token:
        async with web.transaction(request) as db:
            await sessions.end(db, token)
    response = web.redirect(request, "/signin")
    response.delete_cookie(sessions.COOKIE, path="/")
    return response


async def choose_language(request: Request) -> Response:
    data = await web.form(request)
    lang = str(data.get("lang", ""))
    nxt = web.safe_next(str(data.get("next") or ""))
    if lang not in console_lang.LANGUAGES:
        return web.redirect(request, nxt)
    who = web.signed_in(request)
    if who is not None:
        async with web.transaction(request) as db:
            await sessions.choose_language(db, who.session_id, lang)
    response = web.redirect(request, nxt)
    web.set_cookie(request, response, web.LANG_COOKIE, lang, max_age=365 * 24 * 3600)
    return response


routes: list[BaseRoute] = [
    Route("/signin", start),
    Route("/signin", ask, methods=["POST"]),
    Route("/signin/code", code_form),
    Route("/signin/code", use_code, methods=["POST"]),
    Route("/signin/link/{token}", link),
    Route("/signin/link", use_link, methods=["POST"]),
    Route("/signout", sign_out, methods=["POST"]),
    Route("/language", choose_language, methods=["POST"]),
]
