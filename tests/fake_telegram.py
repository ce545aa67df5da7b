"""A fake Telegram Bot API server on 127.0.0.1 that speaks the real HTTP protocol, so the
unmodified aiogram `Bot` talks to it over a socket (`TELEGRAM_API_BASE`).

Parameters come as the real API takes them: a form (urlencoded or multipart, as aiogram
sends them; objects JSON-encoded in their fields) or a JSON body (application/json).
It keeps what the bot sent per chat, hands out updates to `getUpdates` (long polling), and
can be told to misbehave: a scripted failure for the next calls of a method (429 with
retry_after, 403, a 502 HTML page from the "front proxy", 500), users who blocked the bot,
and a global limit of messages per second answered with 429, as Telegram does.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 123456
TOKEN = f"{BOT_ID}:TEST-token-for-the-fake-server"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Welcome Bot", "username": "welcome_bot"}


@dataclass
class Sent:
    method: str
    chat_id: int
    text: str
    buttons: list[list[dict[str, Any]]]
    at: float
    file: bytes = b""
    """sendDocument: the file's bytes (`text` is its name)."""


@dataclass
class Failure:
    status: int
    body: str
    content_type: str = "application/json"


@dataclass
class FakeTelegram:
    rate_limit: float | None = None
    """sendMessage calls allowed per second across all chats (None: no limit)."""
    updates: deque[dict[str, Any]] = field(default_factory=deque)
    sent: dict[int, list[Sent]] = field(default_factory=lambda: defaultdict(list))
    calls: list[tuple[str, dict[str, Any], float]] = field(default_factory=list)
    failures: dict[str, deque[Failure]] = field(default_factory=lambda: defaultdict(deque))
    blocked: set[int] = field(default_factory=set)
    answered_callbacks: list[str] = field(default_factory=list)
    too_many: int = 0
    """429 answers given because of `rate_limit`."""
    early: int = 0
    """sendMessage calls that came before the retry_after of a 429 had passed."""
    _quiet_until: float = 0.0

    def __post_init__(self) -> None:
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._arrived = asyncio.Event()
        self._window: deque[float] = deque()
        self.runner: web.AppRunner | None = None
        self.base = ""

    # -- server -------------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._dispatch)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{port}"
        return self.base

    async def stop(self) -> None:
        if self.runner is not None:
            self._arrived.set()  # a long poll still open answers now, not at its timeout
            await self.runner.cleanup()

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != TOKEN:
            return _error(401, "Unauthorized")
        method = request.match_info["method"].lower()
        if request.content_type == "application/json":  # as the Bot API takes it too
            try:
                params = await request.json()
            except ValueError:
                return _error(400, "Bad Request: can't parse JSON body")
            if not isinstance(params, dict):
                return _error(400, "Bad Request: the JSON body must be an object")
        else:  # a form, urlencoded or multipart (aiogram's way), JSON in its fields
            params = {k: _decode(v) for k, v in (await request.post()).items()}
        self.calls.append((method, params, time.monotonic()))
        scripted = self.failures.get(method)
        if scripted:
            failure = scripted.popleft()
            return web.Response(status=failure.status, text=failure.body,
                                content_type=failure.content_type)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        return await handler(params)

    # -- methods ------------------------------------------------------------------------
    async def _m_getme(self, params: dict[str, Any]) -> web.Response:
        return _ok(BOT_USER)

    async def _m_getupdates(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        while self.updates and self.updates[0]["update_id"] < offset:
            self.updates.popleft()  # confirmed by the offset, as Telegram does
        if not self.updates:
            self._arrived.clear()
            timeout = float(params.get("timeout") or 0)
            try:
                await asyncio.wait_for(self._arrived.wait(), min(timeout, 1.0))
            except TimeoutError:
                pass
        return _ok(list(itertools.islice(self.updates, 100)))

    async def _m_sendmessage(self, params: dict[str, Any]) -> web.Response:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        if self.rate_limit is not None:
            now = time.monotonic()
            if now < self._quiet_until:
                self.early += 1
            while self._window and now - self._window[0] >= 1.0:
                self._window.popleft()
            if len(self._window) >= self.rate_limit:
                self.too_many += 1
                self._quiet_until = now + 1
                return _error(429, "Too Many Requests: retry after 1", retry_after=1)
            self._window.append(now)
        text = str(params["text"])
        if len(text.encode("utf-16-le")) // 2 > 4096 + text.count("&") * 4:
            return _error(400, "Bad Request: message is too long")
        markup = params.get("reply_markup") or {}
        message_id = next(self._message_ids)
        self.sent[chat_id].append(Sent("sendMessage", chat_id, text,
                                       markup.get("inline_keyboard", []), time.monotonic()))
        return _ok({"message_id": message_id, "date": int(time.time()), "text": text,
                    "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER,
                    **({"reply_markup": markup} if markup else {})})

    async def _m_senddocument(self, params: dict[str, Any]) -> web.Response:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        document = params.get("document")
        if isinstance(document, str) and document.startswith("attach://"):
            document = params.get(document.removeprefix("attach://"))  # as aiogram uploads
        if not isinstance(document, web.FileField):
            return _error(400, "Bad Request: there is no document in the request")
        content = document.file.read()
        self.sent[chat_id].append(Sent("sendDocument", chat_id, document.filename, [],
                                       time.monotonic(), content))
        return _ok({"message_id": next(self._message_ids), "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER,
                    "document": {"file_id": f"f{chat_id}", "file_unique_id": f"u{chat_id}",
                                 "file_name": document.filename}})

    async def _m_answercallbackquery(self, params: dict[str, Any]) -> web.Response:
        self.answered_callbacks.append(str(params["callback_query_id"]))
        return _ok(True)

    async def _m_setmycommands(self, params: dict[str, Any]) -> web.Response:
        return _ok(True)

    async def _m_setwebhook(self, params: dict[str, Any]) -> web.Response:
        return _ok(True)

    async def _m_deletewebhook(self, params: dict[str, Any]) -> web.Response:
        return _ok(True)

    # -- what tests do ------------------------------------------------------------------
    def fail(self, method: str, failure: Failure, times: int = 1) -> None:
        self.failures[method.lower()].extend([failure] * times)

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **update}
        self.updates.append(update)
        self._arrived.set()
        return update

    def user(self, user_id: int, language_code: str | None = None,
             chat_type: str = "private") -> FakeUser:
        return FakeUser(self, user_id, language_code, chat_type)

    def commands(self) -> dict[str | None, list[dict[str, str]]]:
        """The command menus set, by language code."""
        return {params.get("language_code"): params["commands"]
                for method, params, _ in self.calls if method == "setmycommands"}

    def calls_of(self, method: str) -> list[tuple[dict[str, Any], float]]:
        return [(params, at) for name, params, at in self.calls if name == method.lower()]

    async def wait_for(self, chat_id: int, count: int, timeout: float = 10.0) -> list[Sent]:
        """Wait until the chat has received `count` messages in all; return them."""
        deadline = time.monotonic() + timeout
        while len(self.sent[chat_id]) < count:
            if time.monotonic() > deadline:
                texts = [s.text[:60] for s in self.sent[chat_id]]
                raise AssertionError(f"chat {chat_id}: {len(texts)} of {count} messages: {texts}")
            await asyncio.sleep(0.01)
        return self.sent[chat_id]


@dataclass
class FakeUser:
    """A Telegram user: what they do becomes updates in the fake's queue."""

    api: FakeTelegram
    id: int
    language_code: str | None
    chat_type: str = "private"

    @property
    def json(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": f"User{self.id}"}
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    @property
    def chat(self) -> dict[str, Any]:
        if self.chat_type == "private":
            return {"id": self.id, "type": "private", "first_name": f"User{self.id}"}
        return {"id": -self.id, "type": self.chat_type, "title": "A group"}

    def message(self, **content: Any) -> dict[str, Any]:
        return {"message": {"message_id": next(self.api._message_ids), "date": int(time.time()),
                            "chat": self.chat, "from": self.json, **content}}

    def says(self, text: str) -> dict[str, Any]:
        entities = ([{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
                    if text.startswith("/") else [])
        return self.api.push(self.message(text=text, **({"entities": entities} if entities
                                                         else {})))

    def sends(self, **content: Any) -> dict[str, Any]:
        return self.api.push(self.message(**content))

    def edits(self, text: str) -> dict[str, Any]:
        update = self.message(text=text, edit_date=int(time.time()))
        return self.api.push({"edited_message": update["message"]})

    def taps(self, label: str, *, message: Sent | None = None) -> dict[str, Any]:
        """Tap the button with this label on `message` (default: the last one with buttons)."""
        return self.api.push(self.tap_update(label, message=message))

    def tap_update(self, label: str, *, message: Sent | None = None) -> dict[str, Any]:
        chat_id = self.chat["id"]
        if message is None:
            message = [m for m in self.api.sent[chat_id] if m.buttons][-1]
        button = next(b for row in message.buttons for b in row if b["text"] == label)
        return {"callback_query": {
            "id": f"cb{next(self.api._message_ids)}", "from": self.json, "chat_instance": "ci",
            "data": button["callback_data"],
            "message": {"message_id": 1, "date": int(time.time()), "chat": self.chat,
                        "from": BOT_USER, "text": message.text}}}

    def blocks(self, blocked: bool = True) -> dict[str, Any]:
        member = {"status": "member", "user": BOT_USER}
        kicked = {"status": "kicked", "user": BOT_USER, "until_date": 0}
        old, new = (member, kicked) if blocked else (kicked, member)
        return self.api.push({"my_chat_member": {
            "chat": self.chat, "from": self.json, "date": int(time.time()),
            "old_chat_member": old, "new_chat_member": new}})

    @property
    def inbox(self) -> list[Sent]:
        return self.api.sent[self.chat["id"]]


def _decode(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(status: int, description: str, **parameters: Any) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


PROXY_502 = Failure(502, "<html><head><title>502 Bad Gateway</title></head><body><center>"
                         "<h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body>"
                         "</html>", "text/html")
SERVER_500 = Failure(500, json.dumps({"ok": False, "error_code": 500,
                                      "description": "Internal Server Error"}))


def too_many(retry_after: int) -> Failure:
    return Failure(429, json.dumps({"ok": False, "error_code": 429,
                                    "description": f"Too Many Requests: retry after {retry_after}",
                                    "parameters": {"retry_after": retry_after}}))
