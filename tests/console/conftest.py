"""Fixtures of the staff console's tests, for every page's tests.

HTTP-level (in-process, httpx with ASGITransport), on the test's database and clock (the
`settings` and `clock` of tests/conftest.py):

    bench                the database and the clock without the wired bot (fast: no flows,
                         no FAQ): `bench.sessions`, `bench.clock()`
    console              the console's Starlette app on them
    client               an httpx.AsyncClient talking to it (no session; English)
    await staff_member(bench, "console:ana", role="admin")   a person with that role
    await sign_in(client, bench, "console:ana")              signed in by a one-time link;
                                                             returns the session's CSRF token
    await delivered(app)                                     the wired bot's outbox sender,
                                                             run once: what terminal users
                                                             got, by user
    csrf_of(html)                                            the hidden field's token

The helpers take the wired bot `app` (tests/conftest.py) as well as `bench`: a test that
needs the bot (a code sent, a booking made in the chat) asks for `app` too; both use the
same database and clock.

In a browser (headless Chromium, the system's /usr/bin/chromium; skipped without it):

    browser              one per test session (Playwright's sync API)
    console_server       the console served by uvicorn on 127.0.0.1 and a free port, in a
                         thread, with its own engine on the test's SQLite file; its URL
    page                 a new 1280x800 tab of `browser`
    browser_sign_in(page, console_server, settings, clock, "console:ana")   by a link

Browser tests are plain (not async) functions: Playwright's sync API runs its own loop, and
bot work inside them goes through `run(...)` (asyncio.run).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import re
import shutil
import socket
import threading
import time
from collections.abc import AsyncIterator, Coroutine, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from bot.app import App
from bot.config import Settings
from bot.console.app import build
from bot.db import people
from bot.db.session import make_engine, make_sessions, transaction
from bot.db.tables import Person
from bot.notices import topics
from tests.fakes import FakeClock

T = TypeVar("T")
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "img"
VIEWPORT = {"width": 1280, "height": 800}


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Bot work inside a browser test: asyncio.run, with Playwright's loop set aside."""
    with _set_aside():
        return asyncio.run(coro)


# Playwright's sync API runs its event loop in a greenlet of this thread, so while a browser
# is open this thread looks as if a loop were running: asyncio.run and pytest-asyncio would
# refuse to start. The loop is therefore set aside between browser tests (and for `run`), and
# set back while a browser test and its page fixture talk to the browser.
_PLAYWRIGHT_LOOP: list[asyncio.AbstractEventLoop] = []


@contextlib.contextmanager
def _set_aside() -> Iterator[None]:
    running = asyncio._get_running_loop()
    asyncio._set_running_loop(None)
    try:
        yield
    finally:
        asyncio._set_running_loop(running)


@contextlib.contextmanager
def _playwright_turn() -> Iterator[None]:
    before = asyncio._get_running_loop()
    asyncio._set_running_loop(_PLAYWRIGHT_LOOP[0] if _PLAYWRIGHT_LOOP else None)
    try:
        yield
    finally:
        asyncio._set_running_loop(before)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    if "page" in getattr(item, "fixturenames", ()):
        with _playwright_turn():
            return (yield)
    return (yield)


# -- in-process ---------------------------------------------------------------------------
@dataclass
class Bench:
    """The console's database and clock, without the wired bot."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: FakeClock


@pytest.fixture
async def bench(settings: Settings, clock: FakeClock) -> AsyncIterator[Bench]:
    engine = make_engine(settings.database_url)
    yield Bench(settings, engine, make_sessions(engine), clock)
    await engine.dispose()


def now_of(where: App | Bench) -> datetime:
    return where.clock() if isinstance(where, Bench) else where.runtime.clock()


@pytest.fixture
def console(bench: Bench) -> Starlette:
    return build(bench.settings, bench.engine, bench.clock)


@pytest.fixture
async def client(console: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=console)
    async with httpx.AsyncClient(transport=transport, base_url="http://console.test",
                                 headers={"Accept-Language": "en"}) as http:
        yield http


async def staff_member(app: App | Bench, who: str, *, role: str = "staff",
                       locale: str | None = "en") -> Person:
    channel, _, external_id = who.partition(":")
    async with transaction(app.sessions) as db:
        person = await people.set_role(db, channel, external_id, role, now_of(app))
        person.locale = locale
        person.consent, person.consent_at = "given", now_of(app)
    return person


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def sent_to_sign_in(client: httpx.AsyncClient, gets: Sequence[str],
                          posts: Sequence[str]) -> None:
    """Not signed in: every page in `gets` and every form in `posts` sends to /signin."""
    for path in gets:
        response = await client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith(
            "/signin"), path
    for path in posts:
        assert (await client.post(path, data={})).status_code == 303, path


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, app: App | Bench, who: str) -> str:
    """Signed in as `who` (who must be staff) by a one-time link; the session's CSRF token."""
    from bot.console import signin

    channel, _, external_id = who.partition(":")
    async with transaction(app.sessions) as db:
        person = await people.find(db, channel, external_id)
        assert person is not None
        token = await signin.make_link(db, person, now_of(app))
    shown = await client.get(f"/signin/link/{token}")
    response = await client.post("/signin/link", data={"token": token,
                                                       "csrf": csrf_of(shown.text)})
    assert response.status_code == 303, response.text
    return csrf_of((await client.get("/")).text)


async def delivered(app: App) -> dict[str, list[str]]:
    """Run the outbox sender until nothing is due; the texts each terminal user got."""
    from bot.channels.console import Console
    from bot.delivery.sender import Sender

    out = io.StringIO()
    terminal = Console(app.runtime, app.catalogs, user="staff-console-test", out=out,
                       as_json=True)
    await Sender(app.sessions, app.runtime, {"console": terminal}).drain()
    got: dict[str, list[str]] = {}
    for line in out.getvalue().splitlines():
        message = json.loads(line)
        got.setdefault(str(message.get("to", "staff-console-test")), []).append(
            message["text"])
    return got


def code_in(texts: list[str]) -> str:
    """The sign-in code in the messages a person got (the bot's menu may follow it)."""
    for text in texts:
        found = re.search(r"\b(\d{6})\b", text.replace("\u2068", "").replace("\u2069", ""))
        if found:
            return found.group(1)
    raise AssertionError(f"no code in {texts}")


# -- in a browser -------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.skip("browser tests need Chromium at /usr/bin/chromium "
                    "(apt-get install chromium; .ci/run installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser tests need the playwright package (make .venv/.installed-dev)")
    executable = CHROMIUM if CHROMIUM.exists() else Path(str(shutil.which("chromium")))
    with _set_aside():  # whatever runs now, Playwright's loop is its own
        playwright = sync_playwright().start()
        _PLAYWRIGHT_LOOP[:] = [asyncio._get_running_loop()]  # type: ignore[list-item]
        launched = playwright.chromium.launch(executable_path=str(executable), headless=True,
                                              args=["--no-sandbox"])
        asyncio._set_running_loop(None)
    try:
        yield launched
    finally:
        with _playwright_turn():
            launched.close()
            playwright.stop()
        _PLAYWRIGHT_LOOP.clear()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def console_server(settings: Settings, clock: FakeClock) -> Iterator[str]:
    """The console served by uvicorn on 127.0.0.1:<free port> in a thread (its own loop and
    engine on the test's database); its base URL."""
    import uvicorn

    engine = make_engine(settings.database_url)
    port = _free_port()
    config = uvicorn.Config(build(settings, engine, clock), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)

    def serve() -> None:
        async def go() -> None:
            try:
                await server.serve()
            finally:
                await engine.dispose()

        asyncio.run(go())

    thread = threading.Thread(target=serve, name="console-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the console server did not start")
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    with _playwright_turn():
        context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
        tab = context.new_page()
        tab.set_default_timeout(5000)
    yield tab
    with _playwright_turn():
        context.close()


def browser_sign_in(page: Any, base: str, settings: Settings, clock: FakeClock, who: str, *,
                    role: str = "admin") -> None:
    """`who` made staff (or `role`) and signed in through a one-time link."""
    from bot.console import signin

    async def link() -> str:
        engine = make_engine(settings.database_url)
        try:
            async with transaction(make_sessions(engine)) as db:
                channel, _, external_id = who.partition(":")
                person = await people.set_role(db, channel, external_id, role, clock())
                return await signin.make_link(db, person, clock())
        finally:
            await engine.dispose()

    token = run(link())
    page.goto(f"{base}/signin/link/{token}")
    page.get_by_role("button", name=re.compile("Sign in|Anmelden")).click()
    page.wait_for_url(f"{base}/")


def screenshot(page: Any, name: str) -> None:
    """docs/img/<name>.png, 1280x800 (rewritten each run)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


async def newcomer(bench: Bench, who: str, lang: str, *, seen_hours_ago: float) -> None:
    """A newcomer subscribed to health notices who last wrote `seen_hours_ago`."""
    person = await staff_member(bench, who, role="newcomer", locale=lang)
    async with transaction(bench.sessions) as db:
        found = await db.get(Person, person.id)
        assert found is not None
        found.last_seen_at = bench.clock() - timedelta(hours=seen_hours_ago)
        await topics.subscribe(db, person.id, ["health"], bench.clock())


async def heat_warning(client: httpx.AsyncClient, csrf: str) -> tuple[str, str]:
    """Staff write a short German health notice in the console: its id and its page."""
    written = await client.post("/notices/new", data={
        "source": "de", "title": "Hitze", "text": "Trinken Sie viel Wasser.",
        "topic": "health", "link": "", "expires": "", "csrf": csrf})
    assert written.status_code == 303
    location = written.headers["location"]
    return location.split("/")[-1].split("?")[0], (await client.get(location)).text


def paragraph(page: str, element_id: str) -> str:
    """The text of the paragraph with this id, its white space as one space each."""
    return " ".join(page.split(f'id="{element_id}">')[1].split("</p>")[0].split())
