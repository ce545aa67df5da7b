"""The webhook on the bot's real HTTP server: Meta's verification handshake, signatures
checked before anything is read, and notifications delivered more than once."""

from __future__ import annotations

import aiohttp
import pytest

from bot.app import App
from bot.channels.whatsapp.webhook import PATH
from bot.db import people
from tests.channels.whatsapp.fake_cloud import APP_SECRET, VERIFY_TOKEN, FakeCloud


async def get(url: str, params: dict[str, str]) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url, params=params) as response:
        return response.status, await response.text()


async def test_the_verification_handshake_echoes_the_challenge(server: str) -> None:
    status, text = await get(f"{server}{PATH}", {
        "hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"})
    assert (status, text) == (200, "1158201444")


@pytest.mark.parametrize("params", [
    {"hub.mode": "subscribe", "hub.verify_token": "guessed", "hub.challenge": "1"},
    {"hub.mode": "subscribe", "hub.challenge": "1"},
    {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
])
async def test_a_wrong_verify_token_gets_403(server: str, params: dict[str, str]) -> None:
    status, text = await get(f"{server}{PATH}", params)
    assert status == 403 and "1" not in text


@pytest.mark.parametrize("secret", [None, "not-the-app-secret", ""])
async def test_unsigned_or_wrongly_signed_calls_get_401_and_change_nothing(
        server: str, cloud: FakeCloud, app: App, secret: str | None) -> None:
    person = cloud.user("963944000111")
    assert await person.send(person.message("text", {"body": "مرحبا"}), secret=secret) == 401
    assert not cloud.calls
    async with app.sessions() as session:
        assert await people.find(session, "whatsapp", "963944000111") is None


async def test_a_body_changed_after_signing_is_refused(server: str, cloud: FakeCloud) -> None:
    import hashlib
    import hmac
    import json

    person = cloud.user("963944000112")
    signed = json.dumps(person.notification(person.message("text", {"body": "hi"}))).encode()
    digest = hmac.new(APP_SECRET.encode(), signed, hashlib.sha256).hexdigest()
    tampered = signed.replace(b"963944000112", b"963944000113")
    async with aiohttp.ClientSession() as http, http.post(
            f"{server}{PATH}", data=tampered,
            headers={"X-Hub-Signature-256": f"sha256={digest}"}) as response:
        assert response.status == 401
    assert not cloud.calls


async def test_a_notification_delivered_twice_is_answered_once(server: str,
                                                              cloud: FakeCloud) -> None:
    person = cloud.user("380501112233")
    message = person.message("text", {"body": "Привіт"})
    assert await person.send(message) == 200
    answered = len(person.inbox)
    assert answered >= 1
    assert await person.send(message) == 200  # Meta did not see our 200 and sends it again
    assert len(person.inbox) == answered


async def test_signed_garbage_is_a_bad_request(server: str, cloud: FakeCloud) -> None:
    import hashlib
    import hmac

    body = b"not json"
    digest = hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    async with aiohttp.ClientSession() as http, http.post(
            f"{server}{PATH}", data=body,
            headers={"X-Hub-Signature-256": f"sha256={digest}"}) as response:
        assert response.status == 400


async def test_messages_for_another_number_of_the_app_are_left_alone(
        server: str, cloud: FakeCloud, app: App) -> None:
    person = cloud.user("963944000114")
    other = cloud.notification({"messages": [person.message("text", {"body": "hi"})]},
                               phone_number_id="999999999999")
    assert await cloud.post(other) == 200
    assert not cloud.calls


async def test_healthz_is_on_the_same_server(server: str) -> None:
    async with aiohttp.ClientSession() as http, http.get(f"{server}/healthz") as response:
        assert response.status == 200


@pytest.mark.parametrize(("value", "where"), [
    ({"messages": [{"from": "491", "id": "wamid.X", "type": "text", "text": "hi"}]},
     "entry[0].changes[0].value.messages[0].text is a text, not an object"),
    ({"metadata": ["102290129340398"]}, "entry[0].changes[0].value.metadata is a list"),
    ({"messages": {"from": "491"}}, "entry[0].changes[0].value.messages is an object, not a list"),
    ({"statuses": [{"id": "wamid.A", "status": "read", "errors": "none"}]},
     "entry[0].changes[0].value.statuses[0].errors is a text, not a list"),
    ({"messages": [{"from": "491", "id": "wamid.Y", "type": "button", "context": "wamid.T"}]},
     "entry[0].changes[0].value.messages[0].context is a text, not an object"),
])
async def test_a_signed_body_of_the_wrong_shape_is_a_bad_request_with_a_log_line(
        server: str, cloud: FakeCloud, caplog: pytest.LogCaptureFixture,
        value: dict[str, object], where: str) -> None:
    notification = cloud.notification({})
    notification["entry"][0]["changes"][0]["value"].update(value)
    with caplog.at_level("WARNING", logger="bot.channels.whatsapp.webhook"):
        assert await cloud.post(notification) == 400  # not 500: Meta would send it again
    [record] = [r for r in caplog.records if "whatsapp_webhook_malformed" in r.getMessage()]
    assert where in record.getMessage() and record.exc_info is None
    assert not cloud.calls


async def test_a_body_whose_entry_is_not_a_list_is_a_bad_request(server: str,
                                                                 cloud: FakeCloud) -> None:
    assert await cloud.post({"object": "whatsapp_business_account", "entry": "nonsense"}) == 400
    assert await cloud.post({"object": "whatsapp_business_account", "entry": [42]}) == 400
