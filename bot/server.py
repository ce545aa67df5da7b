"""The bot's one HTTP server (aiohttp on HTTP_HOST:HTTP_PORT): every webhook (Telegram,
WhatsApp), `/healthz` for the load balancer and `/metrics` for Prometheus (`bot.metrics`).

`/metrics` reads the outbox gauges with one indexed query per scrape (at most one every
`bot.metrics.BACKLOG_MAX_AGE` seconds), through the app's sessions: an await, never a block
of the event loop; the counters are kept in memory as things happen."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import outbox
from bot.metrics import CONTENT_TYPE, Backlog, Metrics

log = logging.getLogger(__name__)

Route = tuple[str, str, Callable[..., object]]
"""(method, path, handler)."""


def build_app(sessions: async_sessionmaker[AsyncSession], routes: Iterable[Route] = (), *,
              metrics: Metrics | None = None,
              clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> web.Application:
    """The server's routes; `/metrics` when given the app's `metrics` (`clock`: the app's,
    for the age of the oldest due message)."""
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
    if metrics is not None:
        async def backlog() -> list[Backlog]:
            now = clock()
            async with sessions() as session:
                rows = await outbox.backlog(session, now)
            return [Backlog(channel, pending, due,
                            max(0.0, (now - oldest).total_seconds()) if due and oldest else 0.0)
                    for channel, pending, due, oldest in rows]

        async def scrape(request: web.Request) -> web.Response:
            await metrics.outbox.refresh(backlog)
            return web.Response(body=metrics.render(), headers={"Content-Type": CONTENT_TYPE})

        app.router.add_get("/metrics", scrape)
    for method, path, handler in routes:
        app.router.add_route(method, path, handler)  # type: ignore[arg-type]
    return app


async def serve(app: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)  # access logs would carry query strings
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("http_listening host=%s port=%s", host, port)
    return runner
