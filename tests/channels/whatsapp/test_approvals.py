"""Which WhatsApp templates Meta approved in which language: the real client reads them from
the fake Cloud API page after page, in the Graph API's shape; the bot's service asks about
hourly, once across processes, at once when staff asked for it in the console, and keeps
Meta's whole answer for the console (`bot.notices.approvals`)."""

from __future__ import annotations

import pytest

from bot.app import open_app
from bot.channels.whatsapp.client import CloudError, TemplateStatus, message_templates
from bot.db.session import transaction
from bot.notices import approvals
from bot.service import check_templates
from tests.channels.whatsapp.fake_cloud import TOKEN, FakeCloud, graph_error
from tests.channels.whatsapp.fake_cloud import WABA_ID as WABA
from tests.channels.whatsapp.test_service import whatsapp_settings
from tests.fakes import FakeClock


async def test_every_template_in_every_language_is_read_page_after_page(
        clock: FakeClock) -> None:
    cloud = FakeCloud(clock, approved={("welcome_notice", lang) for lang in ("de", "ar", "uk")},
                      statuses={("welcome_notice", "fa"): "PENDING",
                                ("welcome_notice", "tr"): "REJECTED",
                                ("welcome_event_news", "de"): "PAUSED",
                                ("old_promo", "en_US"): "DISABLED"}, page_size=3)
    await cloud.start()
    try:
        found = await message_templates(base=cloud.base, business_account_id=WABA,
                                         token=TOKEN)
        with pytest.raises(CloudError) as refused:
            await message_templates(base=cloud.base, business_account_id=WABA,
                                    token="expired")
    finally:
        await cloud.stop()
    assert sorted(found, key=lambda t: (t.name, t.language)) == [
        TemplateStatus("old_promo", "en_US", "DISABLED"),
        TemplateStatus("welcome_event_news", "de", "PAUSED"),
        TemplateStatus("welcome_notice", "ar", "APPROVED"),
        TemplateStatus("welcome_notice", "de", "APPROVED"),
        TemplateStatus("welcome_notice", "fa", "PENDING"),
        TemplateStatus("welcome_notice", "tr", "REJECTED"),
        TemplateStatus("welcome_notice", "uk", "APPROVED")]
    pages = [query for method, query, _ in cloud.calls if method == "message_templates"]
    assert len(pages) == 3  # seven templates, three a page (the refused call is not counted)
    assert all(page["fields"] == "name,language,status" for page in pages)
    assert "after" not in pages[0] and pages[1]["after"] != pages[2]["after"]
    assert refused.value.code == 190


async def test_the_service_asks_hourly_once_and_at_once_when_staff_ask(
        sqlite_url: str, clock: FakeClock) -> None:
    cloud = FakeCloud(clock, approved={("welcome_notice", "de")},
                      statuses={("welcome_notice", "ar"): "PENDING"})
    await cloud.start()
    try:
        without = whatsapp_settings(sqlite_url, cloud)
        async with open_app(without, clock=clock) as app:
            assert await check_templates(app) is False  # no WABA id: not asked
        assert cloud.calls == []
        settings = whatsapp_settings(sqlite_url, cloud, whatsapp_business_account_id=WABA)
        async with open_app(settings, clock=clock) as app:
            assert await check_templates(app) is True
            assert await check_templates(app) is False  # asked a moment ago
            async with app.sessions() as session:
                known = await approvals.known(session)
                answered, asked = await approvals.last_checked(session)
            assert {key: row.status for key, row in known.items()} == {
                ("welcome_notice", "de"): "APPROVED", ("welcome_notice", "ar"): "PENDING"}
            assert answered == asked == clock()

            cloud.approved.add(("welcome_notice", "ar"))  # Meta approves the Arabic one
            del cloud.statuses["welcome_notice", "ar"]
            clock.advance(minutes=30)
            assert await check_templates(app) is False  # not yet an hour
            async with transaction(app.sessions) as session:
                await approvals.check_soon(session)  # the console's "Check now"
            assert await check_templates(app) is True
            async with app.sessions() as session:
                known = await approvals.known(session)
            assert known["welcome_notice", "ar"].status == "APPROVED"

            clock.advance(hours=1)
            cloud.approved.clear()
            cloud.failures.append(graph_error(200, "Requires whatsapp_business_management "
                                                   "permission", status=403))
            assert await check_templates(app) is False  # Meta refused: the last answer stays
            async with app.sessions() as session:
                assert len(await approvals.known(session)) == 2
                answered, asked = await approvals.last_checked(session)
            assert asked == clock() and answered is not None and answered < asked
    finally:
        await cloud.stop()

