"""A fake WhatsApp Cloud API on 127.0.0.1 that speaks the Graph API's JSON, so the real
client talks to it over a socket (`WHATSAPP_API_BASE`), and fake people who post signed
webhook notifications to the bot's real HTTP server.

It checks what the bot sends as Meta does (the limits of texts, buttons and lists; templates
only under an approved name and language; the bearer token) and answers a breach with
Meta's error body. It keeps the 24-hour window per person: a free-form message to someone
who has not written for 24 hours is accepted, as Meta does, and then reported failed with
131047 through the webhook. It can be told to fail the next calls (130429, 131056, 500...).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import itertools
import json
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes import FakeClock

PHONE_NUMBER_ID = "106540352242922"
WABA_ID = "102290129340398"
"""The WhatsApp Business Account the phone number belongs to (its message templates)."""
TOKEN = "EAAG-test-token-for-the-fake-cloud-api"
APP_SECRET = "the-app-secret-of-the-meta-app"
VERIFY_TOKEN = "the-verify-token-0123456789"
VERSION = "v23.0"
WINDOW = timedelta(hours=24)


@dataclass
class Sent:
    """A message the bot sent, as the person's phone shows it."""

    id: str
    to: str
    kind: str
    """text | button | list | template | document"""
    text: str
    choices: list[dict[str, str]]
    """Reply buttons and list rows: {"id", "title"[, "description"]}."""
    raw: dict[str, Any]
    at: float

    @property
    def titles(self) -> list[str]:
        return [c["title"] for c in self.choices]


@dataclass
class Failure:
    status: int
    body: str
    content_type: str = "application/json"


def graph_error(code: int, message: str, status: int = 400) -> Failure:
    return Failure(status, json.dumps({"error": {
        "message": f"(#{code}) {message}", "type": "OAuthException", "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": message},
        "fbtrace_id": "AbCdEf123"}}))


THROUGHPUT = graph_error(130429, "Rate limit hit")
PAIR_RATE = graph_error(131056, "(Business Account, Consumer Account) pair rate limit hit")
SERVER_500 = graph_error(131000, "Something went wrong", status=500)


@dataclass
class FakeCloud:
    clock: FakeClock
    approved: set[tuple[str, str]] = field(default_factory=set)
    """(template name, language) pairs Meta has approved."""
    statuses: dict[tuple[str, str], str] = field(default_factory=dict)
    """Other (template name, language) pairs Meta has, with their status ("PENDING",
    "REJECTED", "PAUSED", "DISABLED"); `message_templates` lists them with the approved."""
    page_size: int = 25
    """Templates per page of `GET /{WABA}/message_templates` at most (Meta: `limit`, 25 by
    default)."""
    sent: dict[str, list[Sent]] = field(default_factory=lambda: defaultdict(list))
    calls: list[tuple[str, dict[str, Any], float]] = field(default_factory=list)
    failures: deque[Failure] = field(default_factory=deque)
    refused: list[str] = field(default_factory=list)
    """Why messages were refused (a limit broken): a test that sees one has found a bug."""
    outside_window: list[str] = field(default_factory=list)
    """Free-form messages sent to people outside their 24-hour window."""
    last_inbound: dict[str, Any] = field(default_factory=dict)
    webhook: str = ""
    """The bot's webhook URL, for statuses the fake reports by itself (131047)."""
    tap_at_once: set[str] = field(default_factory=set)
    """People who tap a template's button the moment it reaches them: before the bot has
    even had Meta's answer to sending it."""

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)
        self.runner: web.AppRunner | None = None
        self.base = ""
        self.uploads: dict[str, tuple[str, str, bytes]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- server -------------------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application()
        app.router.add_post(f"/{VERSION}/{{phone}}/messages", self._messages)
        app.router.add_post(f"/{VERSION}/{{phone}}/media", self._media)
        app.router.add_get(f"/{VERSION}/{{waba}}/message_templates", self._templates)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{port}/{VERSION}"
        return self.base

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.runner is not None:
            await self.runner.cleanup()

    def _check_caller(self, request: web.Request) -> web.Response | None:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return _error(graph_error(190, "Invalid OAuth access token", status=401))
        if request.match_info.get("phone", PHONE_NUMBER_ID) != PHONE_NUMBER_ID:
            return _error(graph_error(100, "Unsupported post request"))
        if request.match_info.get("waba", WABA_ID) != WABA_ID:
            return _error(graph_error(100, "Unsupported get request"))
        return None

    async def _templates(self, request: web.Request) -> web.Response:
        """Graph's shape: `{"data": [...], "paging": {"cursors": {"before", "after"},
        "next"}}`, `next` only while there is a next page; only the `fields` asked for
        (and `id`, which Graph always gives)."""
        refused = self._check_caller(request)
        if refused is not None:
            return refused
        self.calls.append(("message_templates", dict(request.query), time.monotonic()))
        if self.failures:
            return _error(self.failures.popleft())
        every = sorted({**{pair: "APPROVED" for pair in self.approved}, **self.statuses}.items())
        fields = request.query.get("fields", "name,language,status,category,components")
        limit = min(int(request.query.get("limit", "25")), self.page_size)
        start = int(_cursor_of(request.query["after"])) if "after" in request.query else 0
        page = every[start:start + limit]
        data = [{key: value for key, value in (("name", name), ("language", lang),
                                                ("status", status), ("category", "UTILITY"))
                 if key in fields.split(",")} | {"id": str(10**14 + start + n)}
                for n, ((name, lang), status) in enumerate(page)]
        end = start + len(page)
        paging: dict[str, Any] = {"cursors": {"before": _cursor(start), "after": _cursor(end)}}
        if end < len(every):
            paging["next"] = (f"https://graph.facebook.com/{VERSION}/"
                              f"{request.match_info['waba']}/message_templates?"
                              f"fields={fields}&limit={limit}&after={_cursor(end)}")
        return web.json_response({"data": data, "paging": paging})

    async def _media(self, request: web.Request) -> web.Response:
        refused = self._check_caller(request)
        if refused is not None:
            return refused
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField) or form.get("messaging_product") != "whatsapp":
            return _error(graph_error(100, "Param file is required"))
        media = f"media{next(self._ids)}"
        self.uploads[media] = (upload.filename, str(form.get("type")), upload.file.read())
        return web.json_response({"id": media})

    async def _messages(self, request: web.Request) -> web.Response:
        refused = self._check_caller(request)
        if refused is not None:
            return refused
        body = await request.json()
        self.calls.append(("messages", body, time.monotonic()))
        if self.failures:
            failure = self.failures.popleft()
            return web.Response(status=failure.status, text=failure.body,
                                content_type=failure.content_type)
        to, kind = str(body.get("to", "")), str(body.get("type", "text"))
        refusal = (None if body.get("messaging_product") == "whatsapp"
                   else "messaging_product must be whatsapp") or problem(body, self.approved)
        if refusal:
            self.refused.append(refusal)
            code = 132001 if refusal.startswith("template") else 131009
            return _error(graph_error(code, refusal))
        message_id = f"wamid.HBgM{next(self._ids):06d}"
        sent = _shown(message_id, to, body)
        self.sent[to].append(sent)
        if kind == "template" and to in self.tap_at_once:
            await self.user(to).opens(sent)  # answered only after the tap was handled
        if kind != "template" and not self.in_window(to):
            self.outside_window.append(f"{to}: {sent.text[:40]}")
            self._later(self.report(to, message_id, "failed", code=131047))
        return web.json_response({
            "messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": message_id, **({"message_status": "accepted"}
                                               if kind == "template" else {})}]})

    def in_window(self, wa_id: str) -> bool:
        last = self.last_inbound.get(wa_id)
        return last is not None and self.clock() - last < WINDOW

    def _later(self, coro: Any) -> None:
        async def quietly() -> None:  # the bot's server may be gone when a test ends
            with contextlib.suppress(aiohttp.ClientError, OSError):
                await coro

        task = asyncio.create_task(quietly())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- what tests do ------------------------------------------------------------------------
    def fail(self, failure: Failure, times: int = 1) -> None:
        self.failures.extend([failure] * times)

    def user(self, wa_id: str, name: str = "Amal") -> FakePerson:
        return FakePerson(self, wa_id, name)

    def notification(self, value: dict[str, Any],
                     phone_number_id: str = PHONE_NUMBER_ID) -> dict[str, Any]:
        return {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398",
                "changes": [{"field": "messages", "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "4971121600",
                                 "phone_number_id": phone_number_id}, **value}}]}]}

    async def post(self, notification: dict[str, Any], *, secret: str | None = APP_SECRET,
                   url: str | None = None) -> int:
        """Post a notification to the bot's webhook as Meta does: signed with the app
        secret (`secret=None`: unsigned). Returns the HTTP status of the answer."""
        body = json.dumps(notification, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            headers["X-Hub-Signature-256"] = f"sha256={digest}"
        async with aiohttp.ClientSession() as http, http.post(
                url or self.webhook, data=body, headers=headers) as response:
            return response.status

    async def report(self, wa_id: str, message_id: str, status: str,
                     code: int | None = None) -> int:
        """A status notification: sent, delivered, read, or failed with an error code."""
        await asyncio.sleep(0)
        item: dict[str, Any] = {"id": message_id, "status": status, "recipient_id": wa_id,
                                "timestamp": str(int(self.clock().timestamp()))}
        if code is not None:
            item["errors"] = [{"code": code, "title": "failed", "message": "failed",
                               "error_data": {"details": "failed"}}]
        return await self.post(self.notification({"statuses": [item]}))

    def messages_to(self, wa_id: str) -> list[Sent]:
        return self.sent[wa_id]


@dataclass
class FakePerson:
    """Someone on WhatsApp: what they do is posted to the bot's webhook, which answers once
    the bot has replied, so the replies are in `inbox` when these return."""

    cloud: FakeCloud
    wa_id: str
    name: str

    @property
    def inbox(self) -> list[Sent]:
        return self.cloud.sent[self.wa_id]

    def message(self, kind: str, content: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return {"from": self.wa_id, "id": f"wamid.IN{next(self.cloud._ids):06d}",
                "timestamp": str(int(self.cloud.clock().timestamp())), "type": kind,
                kind: content, **extra}

    def notification(self, message: dict[str, Any]) -> dict[str, Any]:
        return self.cloud.notification({
            "contacts": [{"profile": {"name": self.name}, "wa_id": self.wa_id}],
            "messages": [message]})

    async def send(self, message: dict[str, Any], *, secret: str | None = APP_SECRET) -> int:
        self.cloud.last_inbound[self.wa_id] = self.cloud.clock()  # Meta has it: window open
        return await self.cloud.post(self.notification(message), secret=secret)

    async def says(self, text: str) -> list[Sent]:
        """Write `text`; returns the replies."""
        return await self._replies(self.message("text", {"body": text}))

    async def sends(self, kind: str, content: dict[str, Any]) -> list[Sent]:
        return await self._replies(self.message(kind, content))

    async def taps(self, label: str) -> list[Sent]:
        """Tap the reply button or list row showing `label` (as its title, or whole in its
        description under a shortened title) on the last message with any."""
        last = [m for m in self.inbox if m.choices][-1]
        choice = next(c for c in last.choices if label in (c["title"], c.get("description")))
        kind = "button_reply" if last.kind == "button" else "list_reply"
        return await self._replies(self.message(
            "interactive", {"type": kind, kind: choice},
            context={"from": "4971121600", "id": last.id}))

    async def opens(self, template: Sent) -> list[Sent]:
        """Tap the button of a template message: its payload comes back as the bot set it."""
        [button] = template.raw["template"]["components"]
        [parameter] = button["parameters"]
        return await self._replies(self.message(
            "button", {"payload": parameter["payload"], "text": "Show me"},
            context={"from": "4971121600", "id": template.id}))

    async def _replies(self, message: dict[str, Any]) -> list[Sent]:
        before = len(self.inbox)
        assert await self.send(message) == 200
        return self.inbox[before:]


def _cursor(index: int) -> str:
    """An opaque-looking cursor, as Graph's are (base64 of the position)."""
    return base64.b64encode(str(index).encode()).decode()


def _cursor_of(cursor: str) -> str:
    return base64.b64decode(cursor.encode()).decode()


def _error(failure: Failure) -> web.Response:
    return web.Response(status=failure.status, text=failure.body,
                        content_type=failure.content_type)


def _len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def problem(body: dict[str, Any], approved: set[tuple[str, str]]) -> str | None:
    """What Meta would refuse in a message, or None."""
    kind = body.get("type", "text")
    if kind == "text":
        text = body["text"]["body"]
        return "text too long" if _len(text) > 4096 else None if text.strip() else "empty text"
    if kind == "template":
        template = body["template"]
        found = (template["name"], template["language"]["code"])
        return None if found in approved else f"template {found} does not exist"
    if kind == "document":
        return None if body["document"].get("id") else "document without id"
    if kind != "interactive":
        return f"unexpected type {kind}"
    interactive = body["interactive"]
    text = interactive["body"]["text"]
    if not text.strip() or _len(text) > 1024:
        return "interactive body empty or over 1024"
    action = interactive["action"]
    if interactive["type"] == "button":
        buttons = action["buttons"]
        ids = [b["reply"]["id"] for b in buttons]
        titles = [b["reply"]["title"] for b in buttons]
        if not 1 <= len(buttons) <= 3 or len(set(ids)) != len(ids) or len(set(titles)) != len(
                titles):
            return "1-3 buttons with distinct ids and titles"
        if any(not t.strip() or _len(t) > 20 for t in titles) or any(len(i) > 256 for i in ids):
            return f"button title over 20: {titles}"
        return None
    if interactive["type"] == "list":
        if not action["button"].strip() or _len(action["button"]) > 20:
            return "list button over 20"
        rows = [row for section in action["sections"] for row in section["rows"]]
        if not 1 <= len(rows) <= 10 or len({r["id"] for r in rows}) != len(rows):
            return "1-10 rows with distinct ids"
        for row in rows:
            if not row["title"].strip() or _len(row["title"]) > 24:
                return f"row title over 24: {row['title']}"
            if _len(row.get("description", "")) > 72 or len(row["id"]) > 200:
                return f"row description over 72: {row.get('description')}"
        return None
    return f"unexpected interactive {interactive['type']}"


def _shown(message_id: str, to: str, body: dict[str, Any]) -> Sent:
    kind = body.get("type", "text")
    at = time.monotonic()
    if kind == "text":
        return Sent(message_id, to, "text", body["text"]["body"], [], body, at)
    if kind == "template":
        template = body["template"]
        return Sent(message_id, to, "template",
                    f"{template['name']}:{template['language']['code']}", [], body, at)
    if kind == "document":
        return Sent(message_id, to, "document", body["document"].get("filename", ""), [], body,
                    at)
    interactive = body["interactive"]
    if interactive["type"] == "button":
        choices = [dict(b["reply"]) for b in interactive["action"]["buttons"]]
        return Sent(message_id, to, "button", interactive["body"]["text"], choices, body, at)
    rows = [dict(r) for s in interactive["action"]["sections"] for r in s["rows"]]
    return Sent(message_id, to, "list", interactive["body"]["text"], rows, body, at)
