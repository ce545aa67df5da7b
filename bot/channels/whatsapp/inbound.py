"""Webhook notifications -> what people did and what became of our messages. Nothing here
decides anything.

A notification (`{"object": "whatsapp_business_account", "entry": [{"changes": [{"field":
"messages", "value": {...}}]}]}`) carries `messages` people sent and `statuses` of messages
the bot sent; several may come in one call. Changes for another phone number of the same
app are not ours and are left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import phonenumbers
from babel.languages import get_official_languages

from bot.channels.whatsapp.render import More, parse_id
from bot.engine.model import Inbound, InboundKind
from bot.i18n import negotiate

log = logging.getLogger(__name__)

# Message types that carry something other than text, as the engine names them.
_MEDIA = {"image": "photo", "video": "video", "document": "document", "sticker": "sticker",
          "location": "location", "contacts": "contact", "reaction": "reaction",
          "audio": "audio"}


@dataclass(frozen=True)
class Said:
    """A message, a button tap or a list choice: a turn for the engine."""

    wa_id: str
    id: str
    inbound: Inbound


@dataclass(frozen=True)
class Opened:
    """A tap on a template's button: show the message the template stood for."""

    wa_id: str
    id: str
    template: str
    """Meta's id of the template message whose button was tapped."""
    payload: str = ""
    """The button's payload, as the bot set it when it sent the template."""


@dataclass(frozen=True)
class Paged:
    """A tap on "More choices" in a long list."""

    wa_id: str
    id: str
    prompt: int | None
    page: int


Incoming = Said | Opened | Paged


@dataclass(frozen=True)
class Status:
    """What became of a message the bot sent: sent, delivered, read or failed."""

    id: str
    status: str
    wa_id: str
    error: int | None = None


class Malformed(ValueError):
    """A notification whose parts have another shape than Meta documents (a list where an
    object belongs, a number for a text); the message says which part. The webhook answers
    400: the same body sent again would fail again."""


def read(body: Mapping[str, Any], phone_number_id: str) -> tuple[list[Incoming], list[Status]]:
    """The messages and statuses in a notification for our phone number; Malformed when a
    part we read has the wrong shape."""
    incoming: list[Incoming] = []
    statuses: list[Status] = []
    if body.get("object", "whatsapp_business_account") != "whatsapp_business_account":
        log.warning("whatsapp_other_object object=%s", str(body.get("object"))[:40])
        return incoming, statuses
    for i, entry in enumerate(_objects(body, "entry", "")):
        for j, change in enumerate(_objects(entry, "changes", f"entry[{i}]")):
            if change.get("field") != "messages":
                continue
            where = f"entry[{i}].changes[{j}].value"
            value = change.get("value")
            if not isinstance(value, dict):
                raise Malformed(f"{where} is {_shape(value)}, not an object")
            ours = _object(value, "metadata", where).get("phone_number_id")
            if str(ours) != phone_number_id:
                log.warning("whatsapp_other_number phone_number_id=%s", ours)
                continue
            for k, message in enumerate(_objects(value, "messages", where)):
                found = _message(message, f"{where}.messages[{k}]")
                if found is not None:
                    incoming.append(found)
            for k, status in enumerate(_objects(value, "statuses", where)):
                at = f"{where}.statuses[{k}]"
                errors = _objects(status, "errors", at)
                code = errors[0].get("code") if errors else None
                if status.get("id") and status.get("status"):
                    statuses.append(Status(_text(status, "id", at), _text(status, "status", at),
                                           _text(status, "recipient_id", at),
                                           code if isinstance(code, int) else None))
            for error in _objects(value, "errors", where):
                log.error("whatsapp_webhook_error code=%s", error.get("code"))
    return incoming, statuses


def _message(message: Mapping[str, Any], where: str) -> Incoming | None:
    wa_id, message_id, kind = (_text(message, k, where) for k in ("from", "id", "type"))
    if not wa_id or not message_id:
        return None
    if kind == "text":
        return Said(wa_id, message_id,
                    Inbound.message(_text(_object(message, "text", where), "body", where)))
    if kind == "interactive":
        interactive = _object(message, "interactive", where)
        chosen = _text(interactive, "type", f"{where}.interactive")
        if chosen in ("button_reply", "list_reply"):
            tapped = _object(interactive, chosen, f"{where}.interactive")
            found = parse_id(_text(tapped, "id", f"{where}.interactive.{chosen}"))
            if isinstance(found, More):
                return Paged(wa_id, message_id, found.prompt, found.page)
            return Said(wa_id, message_id, Inbound.button(found.value, found.prompt))
    if kind == "button":  # a template's quick-reply button: the only buttons templates have
        context = _object(message, "context", where)
        return Opened(wa_id, message_id, _text(context, "id", f"{where}.context"),
                      _text(_object(message, "button", where), "payload", f"{where}.button"))
    if kind == "system":  # "the person changed their number": nothing to answer
        log.info("whatsapp_system_message")
        return None
    media = _MEDIA.get(kind, "other")
    if kind == "audio" and _object(message, "audio", where).get("voice"):
        media = "voice"
    return Said(wa_id, message_id, Inbound(InboundKind.MEDIA, media=media))


def _object(container: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    """`container[key]`, an object (missing: empty); Malformed for anything else."""
    value = container.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Malformed(f"{where}.{key} is {_shape(value)}, not an object".lstrip("."))
    return value


def _objects(container: Mapping[str, Any], key: str, where: str) -> list[Mapping[str, Any]]:
    """`container[key]`, a list of objects (missing: empty); Malformed for anything else."""
    value = container.get(key)
    if value is None:
        return []
    at = f"{where}.{key}".lstrip(".")
    if not isinstance(value, list):
        raise Malformed(f"{at} is {_shape(value)}, not a list")
    for n, item in enumerate(value):
        if not isinstance(item, dict):
            raise Malformed(f"{at}[{n}] is {_shape(item)}, not an object")
    return value


def _text(container: Mapping[str, Any], key: str, where: str) -> str:
    """`container[key]`, a text (a number is taken as its digits; missing: "")."""
    value = container.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise Malformed(f"{where}.{key} is {_shape(value)}, not a text")
    return str(value)


def _shape(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a text", bool: "true or false",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def language_hint(wa_id: str, languages: Sequence[str], default: str) -> str | None:
    """A guess from the number's country (WhatsApp tells no app language): +963 (Syria) ->
    "ar", +93 (Afghanistan) -> "fa", +380 -> "uk". None for a number from the city's own
    language area: a German number says nothing about what a newcomer reads (then the bot
    asks, in every language)."""
    try:
        number = phonenumbers.parse(f"+{wa_id}")
    except phonenumbers.NumberParseException:
        return None
    # By the country code alone (+7: Russia, +1: the USA): new numbers need not be known yet.
    region = phonenumbers.region_code_for_country_code(number.country_code or 0)
    for code in get_official_languages(region, de_facto=True):
        found = negotiate(code, languages)
        if found is not None:
            return None if found == default else found
    return None
