"""Where the city allows Telegram paid broadcasts (`TELEGRAM_PAID_BROADCAST`), staff see
what one would cost before they send, and may send a notice as urgent: it goes to Telegram
with `allow_paid_broadcast`, up to 1,000 a second (tests/channels/telegram/test_pushes.py).
Where it is not allowed, neither the cost nor the choice is shown."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.db.tables import AuditEntry, OutboxMessage
from tests.conftest import make_settings
from tests.console.conftest import (
    Bench,
    heat_warning,
    newcomer,
    paragraph,
    sign_in,
    staff_member,
)

ANA = "console:ana"


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url, telegram_paid_broadcast=True)


async def test_staff_see_what_a_paid_broadcast_costs_and_may_send_it_urgent(
        bench: Bench, client: httpx.AsyncClient) -> None:
    await staff_member(bench, ANA)
    csrf = await sign_in(client, bench, ANA)
    for n in range(12):
        await newcomer(bench, f"telegram:88{n:02d}", "ar", seen_hours_ago=100)
    notice_id, page = await heat_warning(client, csrf)
    assert paragraph(page, "paid-cost") == (
        "As a paid broadcast, the 12 people on Telegram get it at up to 1000 messages a "
        "second, for about 1.2 Telegram Stars from the bot's balance (0.1 a message).")
    assert 'name="paid"' in page
    sent = await client.post(f"/notices/{notice_id}/send", data={
        "audience": "topic:health", "paid": "yes", "csrf": csrf})
    assert sent.status_code == 303
    async with bench.sessions() as db:
        payloads = list(await db.scalars(select(OutboxMessage.payload)))
        audit = await db.scalar(select(AuditEntry.detail).where(
            AuditEntry.action == "notices.send"))
    assert len(payloads) == 12 and all(p.get("urgent") is True for p in payloads)
    assert audit is not None and audit.endswith(" paid")
