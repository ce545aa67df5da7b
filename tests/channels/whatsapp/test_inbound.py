"""Webhook notifications -> what people did, what became of our messages; the templates
file; the settings that switch WhatsApp on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.channels.whatsapp.inbound import Opened, Paged, Said, Status, language_hint, read
from bot.channels.whatsapp.templates import TemplatesError, load_templates
from bot.config import SettingsError, load_settings
from bot.engine.model import Inbound, InboundKind
from tests.channels.whatsapp.fake_cloud import PHONE_NUMBER_ID, FakeCloud
from tests.fakes import FakeClock

ROOT = Path(__file__).resolve().parents[3]
LANGS = ("de", "en", "ar", "fa", "uk", "ru", "tr")


def test_each_kind_of_message_becomes_an_inbound() -> None:
    cloud = FakeCloud(FakeClock())
    person = cloud.user("963944000501")
    messages = [
        person.message("text", {"body": "/help"}),
        person.message("interactive", {"type": "button_reply", "button_reply": {
            "id": "4|yes", "title": "نعم"}}),
        person.message("interactive", {"type": "list_reply", "list_reply": {
            "id": "5|flow:faq", "title": "💬", "description": "💬 اطرح سؤالًا"}}),
        person.message("interactive", {"type": "list_reply", "list_reply": {
            "id": "more:5:1", "title": "More choices"}}),
        person.message("button", {"payload": "open:42", "text": "Show me"},
                       context={"from": "4971121600", "id": "wamid.TEMPLATE"}),
        person.message("audio", {"id": "a", "mime_type": "audio/ogg", "voice": True}),
        person.message("image", {"id": "i", "mime_type": "image/jpeg"}),
        person.message("unsupported", {}),
        person.message("system", {"body": "changed their number"}),
    ]
    incoming, statuses = read(cloud.notification({"messages": messages}), PHONE_NUMBER_ID)
    assert statuses == []
    ids = [m["id"] for m in messages]
    assert incoming == [
        Said("963944000501", ids[0], Inbound(InboundKind.COMMAND, value="help")),
        Said("963944000501", ids[1], Inbound.button("yes", 4)),
        Said("963944000501", ids[2], Inbound.button("flow:faq", 5)),
        Paged("963944000501", ids[3], 5, 1),
        Opened("963944000501", ids[4], "wamid.TEMPLATE", "open:42"),
        Said("963944000501", ids[5], Inbound(InboundKind.MEDIA, media="voice")),
        Said("963944000501", ids[6], Inbound(InboundKind.MEDIA, media="photo")),
        Said("963944000501", ids[7], Inbound(InboundKind.MEDIA, media="other")),
    ]


def test_statuses_carry_their_error_code_and_other_numbers_are_not_ours() -> None:
    cloud = FakeCloud(FakeClock())
    notification = cloud.notification({"statuses": [
        {"id": "wamid.A", "status": "delivered", "recipient_id": "491", "timestamp": "1"},
        {"id": "wamid.B", "status": "failed", "recipient_id": "492", "timestamp": "1",
         "errors": [{"code": 131026, "title": "Message undeliverable"}]}]})
    assert read(notification, PHONE_NUMBER_ID) == ([], [
        Status("wamid.A", "delivered", "491"), Status("wamid.B", "failed", "492", 131026)])
    assert read(notification, "1234567") == ([], [])
    assert read({"object": "page", "entry": "nonsense"}, PHONE_NUMBER_ID) == ([], [])


@pytest.mark.parametrize(("wa_id", "lang"), [
    ("963944000111", "ar"), ("93700111222", "fa"), ("380501112233", "uk"),
    ("905321112233", "tr"), ("447911123456", "en"), ("79161112233", "ru"),
    ("4917612345678", None),  # the city's own country: ask
    ("8613800138000", None),  # no language of ours
])
def test_the_numbers_country_suggests_the_first_language(wa_id: str, lang: str | None) -> None:
    assert language_hint(wa_id, LANGS, "de") == lang


def test_the_shipped_templates_cover_every_push_of_the_flows() -> None:
    import re

    templates = load_templates(ROOT / "content" / "whatsapp-templates.yaml")
    pushes = []
    for path in (ROOT / "flows").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        flow = re.search(r"^flow: (\S+)", text, re.M)
        found = re.search(r"^pushes: \[(.*)\]", text, re.M)
        if flow and found:
            pushes += [f"{flow[1]}:{step.strip()}" for step in found[1].split(",")]
    assert pushes and all(templates.find(push, "de") for push in pushes)
    assert templates.find("notices:show", "ar").name == "welcome_notice"  # type: ignore[union-attr]
    assert templates.find("notices:show", "xx") is None


def test_a_broken_templates_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "whatsapp-templates.yaml"
    path.write_text("templates:\n  notices:show: {name: Bad Name!, languages: [de]}\n")
    with pytest.raises(TemplatesError, match="whatsapp-templates.yaml"):
        load_templates(path)
    assert load_templates(tmp_path / "missing.yaml").find("notices:show", "de") is None


def test_whatsapp_settings_go_together(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WHATSAPP_ACCESS_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WHATSAPP_PHONE_NUMBER_ID", "106540352242922")
    with pytest.raises(SettingsError, match="WHATSAPP_ACCESS_TOKEN, WHATSAPP_APP_SECRET, "
                                            "WHATSAPP_VERIFY_TOKEN"):
        load_settings(None)
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "EAAG")
    monkeypatch.setenv("WHATSAPP_APP_SECRET", "secret")
    monkeypatch.setenv("WHATSAPP_VERIFY_TOKEN", "verify")
    loaded = load_settings(None)
    assert loaded.whatsapp and loaded.whatsapp_rate == 80
    assert loaded.whatsapp_api_base.startswith("https://graph.facebook.com/v")
    monkeypatch.setenv("WHATSAPP_PHONE_NUMBER_ID", "+49 711 1234")
    with pytest.raises(SettingsError, match="WHATSAPP_PHONE_NUMBER_ID .*not the phone number"):
        load_settings(None)


@pytest.mark.parametrize(("body", "where"), [
    ({"object": "whatsapp_business_account", "entry": "nonsense"}, "entry is a text"),
    ({"object": "whatsapp_business_account", "entry": [{"changes": [
        {"field": "messages", "value": []}]}]}, "entry[0].changes[0].value is a list"),
    ({"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": {
        "metadata": {"phone_number_id": PHONE_NUMBER_ID},
        "messages": [{"from": {"wa_id": "491"}, "id": "wamid.X", "type": "text"}]}}]}]},
     "entry[0].changes[0].value.messages[0].from is an object, not a text"),
    ({"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": {
        "metadata": {"phone_number_id": PHONE_NUMBER_ID},
        "messages": [{"from": "491", "id": "wamid.X", "type": "interactive",
                      "interactive": {"type": "button_reply", "button_reply": "4|yes"}}]}}]}]},
     "messages[0].interactive.button_reply is a text, not an object"),
])
def test_a_notification_of_the_wrong_shape_says_which_part(body: dict[str, object],
                                                           where: str) -> None:
    from bot.channels.whatsapp.inbound import Malformed

    with pytest.raises(Malformed, match=re.escape(where)):
        read(body, PHONE_NUMBER_ID)
