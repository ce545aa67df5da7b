"""Signing in to the staff console: the code through the bot, the link, sessions, CSRF,
the rate limit, the role checked on every request."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from bot.app import App
from bot.db.session import transaction
from bot.db.tables import AuditEntry, ConsoleCode, OutboxMessage
from tests.console.conftest import Bench, code_in, csrf_of, delivered, sign_in, staff_member
from tests.fakes import FakeClock


async def ask_code(client: httpx.AsyncClient, who: str) -> httpx.Response:
    start = await client.get("/signin")
    return await client.post("/signin", data={"who": who, "csrf": csrf_of(start.text),
                                              "next": "/people"})


async def enter(client: httpx.AsyncClient, who: str, code: str) -> httpx.Response:
    shown = await client.get("/signin/code", params={"who": who})
    return await client.post("/signin/code", data={"who": who, "code": code,
                                                   "csrf": csrf_of(shown.text),
                                                   "next": "/people"})


async def test_not_signed_in_every_page_sends_you_to_sign_in(client: httpx.AsyncClient) -> None:
    for path in ("/", "/people", "/audit", "/people/1", "/events", "/volunteers"):
        response = await client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/signin"), path
    htmx = await client.get("/people", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"] == "/signin?next=/people"


async def test_the_code_comes_through_the_bot_in_the_persons_language_and_works_once(
        app: App, client: httpx.AsyncClient) -> None:
    await staff_member(app, "console:ana", role="staff", locale="de")
    asked = await ask_code(client, "console:ana")
    assert asked.status_code == 303
    assert asked.headers["location"] == "/signin/code?who=console%3Aana&next=%2Fpeople"
    got = await delivered(app)
    assert "Anmeldecode" in got["ana"][0]  # German: the person's language
    code = code_in(got["ana"])
    async with transaction(app.sessions) as db:
        stored = (await db.scalars(select(ConsoleCode))).one()
        assert code not in stored.digest  # only a hash is kept
    signed = await enter(client, "console:ana", code)
    assert signed.status_code == 303 and signed.headers["location"] == "/people"
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "Secure" not in cookie
    assert (await client.get("/")).status_code == 200
    async with transaction(app.sessions) as db:
        row = (await db.scalars(select(OutboxMessage))).one()
        assert row.payload == {}  # the code left the outbox once used
        entry = (await db.scalars(select(AuditEntry))).one()
        assert (entry.who, entry.via, entry.action) == ("console:ana", "console",
                                                         "console.signin")
    client.cookies.clear()
    again = await enter(client, "console:ana", code)
    assert again.status_code == 422 and "wrong, used or expired" in again.text
    assert 'aria-invalid="true"' in again.text


async def test_an_expired_code_is_refused(app: App, client: httpx.AsyncClient,
                                          clock: FakeClock) -> None:
    await staff_member(app, "console:ana")
    await ask_code(client, "console:ana")
    code = code_in((await delivered(app))["ana"])
    clock.advance(minutes=10, seconds=1)
    response = await enter(client, "console:ana", code)
    assert response.status_code == 422
    assert (await client.get("/")).status_code == 303


async def test_nobody_learns_who_is_staff_and_only_staff_get_a_code(
        app: App, client: httpx.AsyncClient) -> None:
    await staff_member(app, "console:olga", role="newcomer")
    for who in ("console:olga", "console:nobody"):
        response = await ask_code(client, who)
        assert response.status_code == 303 and "/signin/code" in response.headers["location"]
    assert await delivered(app) == {}


async def test_a_malformed_id_gets_a_message_at_the_field(client: httpx.AsyncClient) -> None:
    for typed in ("ana", "telegram:abc", "fax:123"):
        response = await ask_code(client, typed)
        assert response.status_code == 422
        assert 'id="f-who-error"' in response.text and 'aria-invalid="true"' in response.text


async def test_failed_codes_are_limited_per_id_and_per_address(
        app: App, client: httpx.AsyncClient, clock: FakeClock) -> None:
    await staff_member(app, "console:ana")
    await ask_code(client, "console:ana")
    code = code_in((await delivered(app))["ana"])
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert (await enter(client, "console:ana", wrong)).status_code == 422
    blocked = await enter(client, "console:ana", code)
    assert blocked.status_code == 429 and "Too many wrong codes" in blocked.text
    clock.advance(minutes=16)
    await ask_code(client, "console:ana")
    fresh = code_in((await delivered(app))["ana"])
    assert (await enter(client, "console:ana", fresh)).status_code == 303
    # per address: 20 wrong codes for different ids from one client
    client.cookies.clear()
    for n in range(20):
        await enter(client, f"console:x{n}", wrong)
    assert (await enter(client, "console:someone", wrong)).status_code == 429


async def test_a_link_signs_in_once(bench: Bench, client: httpx.AsyncClient) -> None:
    from bot.console import signin
    from bot.db import people

    await staff_member(bench, "telegram:42", role="admin")
    async with transaction(bench.sessions) as db:
        person = await people.find(db, "telegram", "42")
        assert person is not None
        token = await signin.make_link(db, person, bench.clock())
    shown = await client.get(f"/signin/link/{token}")
    assert shown.status_code == 200
    used = await client.post("/signin/link", data={"token": token, "csrf": csrf_of(shown.text)})
    assert used.status_code == 303
    client.cookies.clear()
    assert (await client.get(f"/signin/link/{token}")).status_code == 410


async def test_forms_without_the_csrf_token_are_refused(bench: Bench,
                                                        client: httpx.AsyncClient) -> None:
    assert (await client.post("/signin", data={"who": "console:ana"})).status_code == 403
    await staff_member(bench, "console:ana")
    csrf = await sign_in(client, bench, "console:ana")
    refused = await client.post("/language", data={"lang": "de", "csrf": "wrong"})
    assert refused.status_code == 403 and "expired" in refused.text
    ok = await client.post("/language", data={"lang": "de", "csrf": csrf})
    assert ok.status_code == 303
    assert '<html lang="de">' in (await client.get("/")).text
    via_header = await client.post("/language", data={"lang": "en"},
                                   headers={"X-CSRF-Token": csrf})
    assert via_header.status_code == 303


async def test_the_role_is_checked_on_every_request(
        bench: Bench, client: httpx.AsyncClient) -> None:
    from bot.db import people

    await staff_member(bench, "console:ana")
    await sign_in(client, bench, "console:ana")
    assert (await client.get("/")).status_code == 200
    async with transaction(bench.sessions) as db:
        await people.set_role(db, "console", "ana", "volunteer", bench.clock())
    response = await client.get("/")
    assert response.status_code == 403 and "Not allowed" in response.text


async def test_an_idle_session_ends(bench: Bench, client: httpx.AsyncClient,
                                    clock: FakeClock) -> None:
    await staff_member(bench, "console:ana")
    await sign_in(client, bench, "console:ana")
    clock.advance(minutes=29)
    assert (await client.get("/")).status_code == 200
    clock.advance(minutes=29)  # still within 30 minutes of the last request
    assert (await client.get("/")).status_code == 200
    clock.advance(minutes=31)
    assert (await client.get("/")).status_code == 303


async def test_signing_out_ends_the_session(bench: Bench, client: httpx.AsyncClient) -> None:
    await staff_member(bench, "console:ana")
    csrf = await sign_in(client, bench, "console:ana")
    assert (await client.post("/signout", data={"csrf": csrf})).status_code == 303
    assert (await client.get("/")).status_code == 303


async def test_static_files_and_health_need_no_session(client: httpx.AsyncClient) -> None:
    assert (await client.get("/static/console.css")).status_code == 200
    htmx = await client.get("/static/htmx.min.js")
    assert htmx.status_code == 200 and "Zero-Clause BSD" in htmx.text[:200]
    assert (await client.get("/healthz")).text == "ok"


async def test_what_is_old_is_cleared_at_the_next_sign_in(bench: Bench, client: httpx.AsyncClient,
                                                          clock: FakeClock) -> None:
    from sqlalchemy import func

    from bot.db.tables import ConsoleAttempt, ConsoleSession

    await staff_member(bench, "console:ana")
    await staff_member(bench, "console:bo")
    await sign_in(client, bench, "console:ana")
    await enter(client, "console:ana", "999999")  # a failed attempt
    client.cookies.clear()
    clock.advance(days=2)
    await sign_in(client, bench, "console:bo")
    async with transaction(bench.sessions) as db:
        for model in (ConsoleSession, ConsoleCode, ConsoleAttempt):
            left = await db.scalar(select(func.count()).select_from(model))
            assert left == (1 if model is not ConsoleAttempt else 0), model


async def test_every_answer_forbids_framing_and_foreign_scripts(client: httpx.AsyncClient) -> None:
    for path in ("/signin", "/", "/static/console.css"):
        headers = (await client.get(path)).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"]


def test_chat_ids_are_read_as_people_type_them() -> None:
    import pytest

    from bot.console.signin import BadIdentity, parse_identity

    assert parse_identity(" Telegram:12345 ") == ("telegram", "12345")
    assert parse_identity("whatsapp:+49 176-1234567") == ("whatsapp", "491761234567")
    assert parse_identity("console:ana") == ("console", "ana")
    for typed, problem in (("12345", "channel"), ("fax:1", "channel"), ("telegram:", "channel"),
                           ("telegram:ana", "id"), ("console:a b", "id")):
        with pytest.raises(BadIdentity, match=problem):
            parse_identity(typed)


async def test_an_unknown_page_says_so_in_the_console(bench: Bench,
                                                      client: httpx.AsyncClient) -> None:
    await staff_member(bench, "console:ana")
    await sign_in(client, bench, "console:ana")
    response = await client.get("/nowhere")
    assert response.status_code == 404 and "Not found" in response.text
    assert 'aria-current="page"' not in response.text  # no section is the current one


async def test_the_daily_housekeeping_clears_old_sign_ins(bench: Bench,
                                                          client: httpx.AsyncClient) -> None:
    from bot.privacy import expire

    await staff_member(bench, "console:ana")
    await sign_in(client, bench, "console:ana")
    await enter(client, "console:ana", "999999")
    bench.clock.advance(days=2)
    async with transaction(bench.sessions) as db:
        assert (await expire(db, bench.clock(), bench.settings))["console"] == 3


async def test_an_unused_codes_text_leaves_the_outbox_once_it_has_expired(
        app: App, client: httpx.AsyncClient, clock: FakeClock) -> None:
    from bot.privacy import expire

    await staff_member(app, "console:ana")
    await ask_code(client, "console:ana")
    code_in((await delivered(app))["ana"])
    clock.advance(minutes=11)
    async with transaction(app.sessions) as db:
        await expire(db, clock(), app.settings)
    async with transaction(app.sessions) as db:
        row = (await db.scalars(select(OutboxMessage))).one()
        assert row.status == "sent" and row.payload == {}
