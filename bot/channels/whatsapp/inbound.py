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


def read(body: Mapping[str, Any], phone_number_id: str) -> tuple[list[Incoming], list[Status]]:
    """The messages and statuses in a notification for our phone number."""
    incoming: list[Incoming] = []
    statuses: list[Status] = []
    for entry in _list(body.get("entry")):
        for change in _list(entry.get("changes")):
            value = change.get("value")
            if change.get("field") != "messages" or not isinstance(value, dict):
                continue
            ours = (value.get("metadata") or {}).get("phone_number_id")
            if str(ours) != phone_number_id:
                log.warning("whatsapp_other_number phone_number_id=%s", ours)
                continue
            for message in _list(value.get("messages")):
                found = _message(message)
                if found is not None:
                    incoming.append(found)
            for status in _list(value.get("statuses")):
                errors = _list(status.get("errors"))
                code = errors[0].get("code") if errors else None
                if status.get("id") and status.get("status"):
                    statuses.append(Status(str(status["id"]), str(status["status"]),
                                           str(status.get("recipient_id") or ""),
                                           code if isinstance(code, int) else None))
            for error in _list(value.get("errors")):
                log.error("whatsapp_webhook_error code=%s", error.get("code"))
    return incoming, statuses


def _message(message: Mapping[str, Any]) -> Incoming | None:
    wa_id, message_id, kind = (str(message.get(k) or "") for k in ("from", "id", "type"))
    if not wa_id or not message_id:
        return None
    if kind == "text":
        body = (message.get("text") or {}).get("body")
        return Said(wa_id, message_id, Inbound.message(str(body or "")))
    if kind == "interactive":
        interactive = message.get("interactive") or {}
        tapped = interactive.get(str(interactive.get("type")))
        if interactive.get("type") in ("button_reply", "list_reply") and isinstance(tapped, dict):
            found = parse_id(str(tapped.get("id") or ""))
            if isinstance(found, More):
                return Paged(wa_id, message_id, found.prompt, found.page)
            return Said(wa_id, message_id, Inbound.button(found.value, found.prompt))
    if kind == "button":  # a template's quick-reply button: the only buttons templates have
        context = message.get("context") or {}
        return Opened(wa_id, message_id, str(context.get("id") or ""))
    if kind == "system":  # "the person changed their number": nothing to answer
        log.info("whatsapp_system_message")
        return None
    media = _MEDIA.get(kind, "other")
    if kind == "audio" and (message.get("audio") or {}).get("voice"):
        media = "voice"
    return Said(wa_id, message_id, Inbound(InboundKind.MEDIA, media=media))


def _list(value: object) -> Sequence[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


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
