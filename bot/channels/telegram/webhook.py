"""The Telegram webhook on the bot's HTTP server.

Telegram sends the secret we registered in `X-Telegram-Bot-Api-Secret-Token`; a request
without it, or with another, gets 401 and changes nothing. An update is answered only after
it has been handled (aiogram's own handler can answer first and handle in the background,
which loses the update if the process dies meanwhile); if the process dies first, Telegram
delivers it again.
"""

from __future__ import annotations

import hmac
import logging

from aiogram.types import Update
from aiohttp import web
from aiohttp.typedefs import Handler
from pydantic import ValidationError

from bot.channels.telegram.channel import TelegramChannel

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_handler(channel: TelegramChannel, secret: str) -> Handler:
    async def handle(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("telegram_webhook_bad_secret peer=%s", request.remote)
            channel.runtime.metrics.refused("telegram", "bad_secret")
            return web.json_response({"ok": False, "error": "unauthorized"}, status=401)
        try:
            update = Update.model_validate(await request.json(), context={"bot": channel.bot})
        except (ValueError, ValidationError):
            channel.runtime.metrics.refused("telegram", "bad_shape")
            return web.json_response({"ok": False, "error": "not an update"}, status=400)
        await channel.handle_update(update)
        return web.json_response({"ok": True})

    return handle
