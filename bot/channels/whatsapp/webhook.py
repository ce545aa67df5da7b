"""The WhatsApp webhook on the bot's HTTP server (`/whatsapp/webhook`).

GET is Meta's verification handshake: `hub.mode=subscribe` with our verify token gets the
`hub.challenge` echoed back; a wrong token gets 403.

POST carries notifications, signed: `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body
with the app secret>`. The signature is checked over the bytes as they came, before anything
is parsed (parsing and serializing again would change them); unsigned or wrongly signed
calls get 401 and change nothing; a signed body that is not a notification of the shape Meta
documents gets 400 and a log line (`whatsapp_webhook_malformed`). A notification is answered
once its messages have been handled; if the process dies first, Meta sends it again, and a
message seen before is acknowledged and ignored (the runtime remembers the last message ids
per person).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web

from bot.channels.whatsapp.channel import CHANNEL, WhatsAppChannel
from bot.channels.whatsapp.inbound import Malformed, read

if TYPE_CHECKING:
    from bot.metrics import Metrics

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.Response]]

PATH = "/whatsapp/webhook"
SIGNATURE_HEADER = "X-Hub-Signature-256"


def signature(body: bytes, app_secret: str) -> str:
    """What Meta sends in `X-Hub-Signature-256` for `body`."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def verification_handler(verify_token: str, metrics: Metrics | None = None) -> Handler:
    async def verify(request: web.Request) -> web.Response:
        query = request.query
        given = query.get("hub.verify_token", "")
        if query.get("hub.mode") != "subscribe" or not hmac.compare_digest(
                given.encode(), verify_token.encode()):
            log.warning("whatsapp_verification_refused peer=%s", request.remote)
            if metrics is not None:
                metrics.refused(CHANNEL, "bad_verify_token")
            return web.Response(status=403, text="wrong verify token")
        return web.Response(text=query.get("hub.challenge", ""))

    return verify


def notification_handler(channel: WhatsAppChannel, app_secret: str) -> Handler:
    async def notify(request: web.Request) -> web.Response:
        body = await request.read()
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not hmac.compare_digest(given.encode(), signature(body, app_secret).encode()):
            log.warning("whatsapp_webhook_bad_signature peer=%s", request.remote)
            channel.runtime.metrics.refused(CHANNEL, "bad_signature")
            return web.json_response({"error": "bad signature"}, status=401)
        try:
            notification = json.loads(body)
        except ValueError:
            channel.runtime.metrics.refused(CHANNEL, "bad_shape")
            return web.json_response({"error": "not JSON"}, status=400)
        if not isinstance(notification, dict):
            channel.runtime.metrics.refused(CHANNEL, "bad_shape")
            return web.json_response({"error": "not a notification"}, status=400)
        try:
            incoming, statuses = read(notification, channel.phone_number_id)
        except Malformed as exc:
            log.warning("whatsapp_webhook_malformed peer=%s where=%s", request.remote, exc)
            channel.runtime.metrics.refused(CHANNEL, "bad_shape")
            return web.json_response({"error": f"not a notification: {exc}"}, status=400)
        await channel.receive(incoming, statuses)
        return web.json_response({"ok": True})

    return notify


def routes(channel: WhatsAppChannel, *, app_secret: str, verify_token: str
           ) -> list[tuple[str, str, Handler]]:
    """The webhook's routes for `bot.server.build_app`."""
    return [("GET", PATH, verification_handler(verify_token, channel.runtime.metrics)),
            ("POST", PATH, notification_handler(channel, app_secret))]
