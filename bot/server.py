"""The bot's one HTTP server (aiohttp on HTTP_HOST:HTTP_PORT): every webhook (Telegram,
WhatsApp) and `/healthz` for the load balancer."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

log = logging.getLogger(__name__)

Route = tuple[str, str, Callable[..., object]]
"""(method, path, handler)."""


def build_app(sessions: async_sessionmaker[AsyncSession], routes: Iterable[Route] = ()
              ) -> web.Application:
    app = web.Application(client_max_size=1 << 20)

    async def healthz(request: web.Request) -> web.Response:
        try:
            async with sessions() as session:
                await session.execute(text("SELECT 1"))
        except Exception:
            log.exception("healthz_database_down")
            return web.json_response({"status": "database unavailable"}, status=503)
        return web.json_response({"status": "ok"})

    app.router.add_get("/healthz", healthz)
    for method, path, handler in routes:
        app.router.add_route(method, path, handler)  # type: ignore[arg-type]
    return app


async def serve(app: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)  # access logs would carry query strings
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("http_listening host=%s port=%s", host, port)
    return runner
