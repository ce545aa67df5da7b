"""`welcomebot run`: the configured channels (Telegram, WhatsApp), the HTTP server with
their webhooks, the outbox sender and the housekeeping, until stopped (SIGTERM or Ctrl-C)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.app import App
from bot.buddies.rounds import keep_matching
from bot.db.locks import take_turn
from bot.db.session import fold_log, transaction
from bot.delivery.bucket import TokenBucket
from bot.delivery.daily import DailyLimit
from bot.delivery.election import election_for
from bot.delivery.outbox import Due
from bot.delivery.receipts import Receipts
from bot.delivery.sender import Sender, batch_for, window_for
from bot.delivery.shared import SharedLimits
from bot.delivery.transport import Transport
from bot.events import store as events
from bot.faq import current, tally
from bot.notices import approvals, drafts
from bot.notices import store as notices
from bot.privacy import expire

if TYPE_CHECKING:
    import httpx
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.channels.telegram.channel import TelegramChannel
    from bot.channels.whatsapp.channel import WhatsAppChannel
from bot.server import Route, build_app, serve

log = logging.getLogger(__name__)

HOUSEKEEPING_EVERY = 24 * 3600.0
HOUSEKEEPING_LOOK = 3600.0
"""Seconds between two looks whether the housekeeping is due (another process may have
done it, or died before it was due)."""
STOP_GRACE = 10.0
"""Seconds the sender and the rounds get to finish what they are doing when stopped."""
FAQ_DAYS_EVERY = 60.0
"""Seconds between two additions of the FAQ's counts to the day's numbers."""
TEMPLATES_LOOK = 60.0
"""Seconds between two looks whether Meta is to be asked about the WhatsApp templates (an
hour after the last ask, or at once when staff asked for it in the console)."""


def settle() -> None:
    """Once everything is loaded: leave the start-up objects out of garbage collection.

    aiogram alone builds hundreds of thousands of objects at import; without this every
    full collection walks them all again while people wait for answers.
    """
    gc.collect()
    gc.freeze()


async def run_channels(app: App, stop: asyncio.Event | None = None) -> None:
    """Every configured channel (Telegram, WhatsApp) with their webhooks on the one HTTP
    server, the outbox sender and the housekeeping, until `stop` is set (by SIGINT or
    SIGTERM when none is given)."""
    settings = app.settings
    telegram = telegram_channel(app) if settings.telegram_bot_token is not None else None
    whatsapp = whatsapp_channel(app) if settings.whatsapp else None
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
    routes: list[Route] = []
    if telegram is not None and settings.telegram_webhook_url:
        from bot.channels.telegram.webhook import webhook_handler

        assert settings.telegram_webhook_secret is not None
        secret = settings.telegram_webhook_secret.get_secret_value()
        path = urlsplit(settings.telegram_webhook_url).path or "/"
        routes.append(("POST", path, webhook_handler(telegram, secret)))
    if whatsapp is not None:
        from bot.channels.whatsapp import webhook

        assert settings.whatsapp_app_secret and settings.whatsapp_verify_token
        routes += webhook.routes(
            whatsapp, app_secret=settings.whatsapp_app_secret.get_secret_value(),
            verify_token=settings.whatsapp_verify_token.get_secret_value())
        log.info("whatsapp_webhook url_path=%s", webhook.PATH)
    metrics = app.deps.metrics
    metrics.outbox.expect(name for name, on in (("telegram", telegram), ("whatsapp", whatsapp))
                          if on is not None)
    runner = await serve(build_app(app.sessions, routes, metrics=metrics, clock=app.runtime.clock),
                         settings.http_host, settings.http_port)
    app.http_addresses[:] = [address[:2] for address in runner.addresses]
    settle()
    sender = outbox_sender(app, telegram, whatsapp)
    tasks = [asyncio.create_task(housekeeping(app, stop)),
             asyncio.create_task(keep_faq_days(app, stop)),
             asyncio.create_task(keep_faq_current(app, stop)),  # staff's FAQ edits
             asyncio.create_task(keep_matching(app, stop)),  # Welcome Buddies' rounds
             asyncio.create_task(sender.run(stop))]
    if whatsapp is not None and settings.whatsapp_business_account_id:
        tasks.append(asyncio.create_task(keep_template_approvals(app, stop)))
    try:
        if telegram is not None:
            await telegram.setup_commands()
            if settings.telegram_webhook_url:
                await telegram.start_webhook(settings.telegram_webhook_url, secret)
                log.info("telegram_webhook url_path=%s", routes[0][1])
            else:
                log.info("telegram_polling")
                tasks.append(asyncio.create_task(telegram.poll(stop)))
        await stop.wait()
    finally:
        stop.set()
        # Each task ends at its next look at `stop`. One cancelled inside a database call
        # leaves the driver's thread (aiosqlite) answering an event loop that may be gone.
        _, late = await asyncio.wait(tasks, timeout=STOP_GRACE)
        for task in late:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await runner.cleanup()
        for channel in (telegram, whatsapp):
            if channel is not None:
                await channel.close()


run_telegram = run_channels
"""Its first name, from when Telegram was the only channel."""


def telegram_channel(app: App) -> TelegramChannel:
    from bot.channels.telegram.channel import TelegramChannel

    assert app.settings.telegram_bot_token is not None
    return TelegramChannel(app.runtime, app.catalogs, app.deps.flows,
                           token=app.settings.telegram_bot_token.get_secret_value(),
                           api_base=app.settings.telegram_api_base)


def whatsapp_channel(app: App) -> WhatsAppChannel:
    from bot.channels.whatsapp.channel import WhatsAppChannel
    from bot.channels.whatsapp.templates import FILE, load_templates

    settings = app.settings
    assert settings.whatsapp_phone_number_id and settings.whatsapp_access_token
    return WhatsAppChannel(app.runtime, app.catalogs, load_templates(settings.content_dir / FILE),
                           phone_number_id=settings.whatsapp_phone_number_id,
                           token=settings.whatsapp_access_token.get_secret_value(),
                           api_base=settings.whatsapp_api_base, rate=settings.whatsapp_rate,
                           receipts=Receipts(app.runtime))


def outbox_sender(app: App, telegram: TelegramChannel | None = None,
                  whatsapp: WhatsAppChannel | None = None, *,
                  console: Transport | None = None) -> Sender:
    """The sender of everything the bot pushes. Each channel paces its own platform's
    messages; its replies share the limit with its pushes. `console`: the terminal chat."""
    transports: dict[str, Transport] = {}
    rates = [0.0]
    if console is not None:
        transports["console"] = console
    if telegram is not None:
        telegram.bucket = TokenBucket(app.settings.telegram_rate, burst=1)
        transports["telegram"] = telegram
        rates.append(app.settings.telegram_rate)
        if app.settings.telegram_paid_broadcast:  # urgent notices, paid, up to 1,000/s
            telegram.paid_bucket = TokenBucket(app.settings.telegram_paid_rate, burst=1)
            rates.append(app.settings.telegram_paid_rate)
    if whatsapp is not None:
        transports["whatsapp"] = whatsapp
        rates.append(app.settings.whatsapp_rate)
    # The window of messages sent and not yet recorded (what a crash may send twice)
    # follows the fastest platform: 8 for Telegram, a tenth of a second at WhatsApp's rate.
    in_flight = window_for(max(rates))
    # One process sends each platform (the others take over when it stops); on PostgreSQL
    # the replies of the others count against its limits.
    election = election_for(app.engine, transports)
    shared = None
    if app.engine.dialect.name == "postgresql":
        shared = SharedLimits(app.sessions, election)
        if telegram is not None:
            shared.watch("telegram", telegram.bucket, telegram.chat_pace)
        if whatsapp is not None:
            shared.watch("whatsapp", whatsapp.bucket, whatsapp.pairs)
    daily = ({"whatsapp": DailyLimit(app.settings.whatsapp_daily_limit)}
             if whatsapp is not None else {})
    return Sender(app.sessions, app.runtime, transports,
                  batch=batch_for(in_flight), in_flight=in_flight,
                  lease=timedelta(seconds=app.settings.outbox_lease),
                  wanted={"notices": notice_wanted}, election=election, shared=shared,
                  daily=daily)


async def notice_wanted(session: AsyncSession, messages: Sequence[Due]) -> set[int]:
    """The notices whose person still subscribes to their topic (one query a notice)."""
    by_notice: dict[str, list[Due]] = {}
    for message in messages:
        by_notice.setdefault(str(message.payload.get("notice")), []).append(message)
    wanted: set[int] = set()
    for notice_id, group in by_notice.items():
        keep = await notices.still_wanted(session, [m.person_id for m in group], notice_id)
        wanted |= {m.id for m in group if m.person_id in keep}
    return wanted


async def keep_faq_days(app: App, stop: asyncio.Event, every: float = FAQ_DAYS_EVERY) -> None:
    """About once a minute, and once more when stopping: the questions the FAQ took, into
    the day's numbers the staff console shows (`bot/faq/tally.py`)."""
    while not stop.is_set():
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
        await save_faq_counts(app)


async def save_faq_counts(app: App) -> None:
    counts = app.deps.metrics.take_faq_counts()
    if not counts:
        return
    day = app.runtime.clock().astimezone(ZoneInfo(app.settings.timezone)).date()
    try:
        async with transaction(app.sessions) as session:
            await tally.add(session, day, counts)
    except Exception:  # numbers for an overview: not worth more than a line in the log
        log.exception("faq_days_failed questions=%d", sum(counts.values()))


async def keep_faq_current(app: App, stop: asyncio.Event,
                           every: float = current.EVERY) -> None:
    """About every `every` seconds until stopped: staff's FAQ edits taken up
    (`renew_faq`)."""
    while not stop.is_set():
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
        if not stop.is_set():
            await renew_faq(app)


async def renew_faq(app: App) -> bool:
    """If staff changed the FAQ in the console, the desk built again with their edits (in
    a thread) and answering from then on (`bot.faq.current`); whether it was."""
    try:
        return await app.faq.renew(app.sessions)
    except Exception:  # the desk in use goes on answering; the next look tries again
        log.exception("faq_renew_failed")
        return False


async def keep_template_approvals(app: App, stop: asyncio.Event,
                                  every: float = TEMPLATES_LOOK) -> None:
    """About hourly across all of the bot's processes, and soon after staff ask for it in
    the console: which WhatsApp templates Meta approved in which language (`check_templates`).
    Each process looks every `every` seconds whether it is due."""
    while not stop.is_set():
        try:
            await check_templates(app)
        except Exception:
            log.exception("template_check_failed")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


async def check_templates(app: App, transport: httpx.AsyncBaseTransport | None = None
                          ) -> bool:
    """Ask Meta for the approval of every message template in every language and keep the
    answer (`bot.notices.approvals`), if it is this process's turn (`take_turn`: once an
    hour across processes; the console's "Check now" clears the time). Whether it asked and
    Meta answered. The turn is taken in a transaction of its own, so no lock is held while
    Meta answers; a failed ask waits for the next turn (the log says why, by code)."""
    import httpx

    from bot.channels.whatsapp.client import CloudError, message_templates

    settings = app.settings
    if not settings.whatsapp or not settings.whatsapp_business_account_id:
        return False
    assert settings.whatsapp_access_token is not None
    async with transaction(app.sessions) as session:
        if not await take_turn(session, approvals.CHORE, app.runtime.clock(), approvals.EVERY):
            return False
    try:
        found = await message_templates(
            base=settings.whatsapp_api_base,
            business_account_id=settings.whatsapp_business_account_id,
            token=settings.whatsapp_access_token.get_secret_value(), transport=transport)
    except CloudError as exc:
        log.warning("template_check_refused status=%d code=%s", exc.status, exc.code)
        return False
    except httpx.HTTPError as exc:
        log.warning("template_check_failed error=%s", type(exc).__name__)
        return False
    async with transaction(app.sessions) as session:
        kept = await approvals.save(session, [(t.name, t.language, t.status) for t in found],
                                    app.runtime.clock())
    log.info("template_check templates=%d approved=%d", kept,
             sum(t.status == "APPROVED" for t in found))
    return True


async def housekeeping(app: App, stop: asyncio.Event) -> None:
    """Once a day: erase people past the retention period; store the next dates of
    repeating events. Once a day across all of the bot's processes: each looks every
    `HOUSEKEEPING_LOOK` seconds, and does it when no other is doing it and it was last done
    a day ago (`bot.db.locks.take_turn`)."""
    while not stop.is_set():
        try:
            await keep_house(app)
        except Exception:
            log.exception("housekeeping_failed")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), min(HOUSEKEEPING_EVERY, HOUSEKEEPING_LOOK))


async def keep_house(app: App) -> bool:
    """The housekeeping, if it is this process's turn; whether it was."""
    now = app.runtime.clock()
    async with transaction(app.sessions) as session:
        if not await take_turn(session, "housekeeping", now,
                               timedelta(seconds=HOUSEKEEPING_EVERY)):
            return False
        expired = await expire(session, now, app.settings)
        dates = await events.extend_all(session, now, ZoneInfo(app.settings.timezone))
        old_drafts = await drafts.purge(session, now)
    await fold_log(app.engine)
    log.info("housekeeping erased=%d faq_gaps=%d audit=%d event_dates_added=%d "
             "notice_drafts_dropped=%d", expired["people"], expired["faq_gaps"],
             expired["audit"], dates.added, old_drafts)
    return True
