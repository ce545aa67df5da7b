"""The Graph API calls the bot makes: send a message, upload a file, and ask which message
templates Meta approved in which language (`message_templates`). No retries here
(`sender.py` decides what to do with each error).

Errors come as `{"error": {"code": 130429, "message": ..., "error_data": {"details": ...}}}`,
mostly with HTTP 400 whatever the cause, so they are told apart by `code`, as Meta advises,
not by the HTTP status. A proxy's HTML error page has no code; its status says it all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx

log = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(15.0, connect=5.0)
PAGES = 50
"""At most this many pages of templates are read (at 100 a page: more than a WABA holds)."""


class CloudError(Exception):
    """The Cloud API refused a call. `code` is Meta's error code (None when the answer was
    not the API's own, e.g. a proxy's 502 page)."""

    def __init__(self, status: int, code: int | None, title: str) -> None:
        super().__init__(f"HTTP {status}, code {code}: {title}")
        self.status = status
        self.code = code
        self.title = title


class CloudApi:
    """One business phone number's messages endpoint: `{base}/{phone_number_id}/messages`."""

    def __init__(self, *, base: str, phone_number_id: str, token: str,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.http = httpx.AsyncClient(
            base_url=f"{base.rstrip('/')}/{phone_number_id}",
            headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
            transport=transport)

    async def send(self, to: str, message: dict[str, Any]) -> str:
        """Send one message (a text, an interactive message, a template...) to `to` (the
        person's WhatsApp id); returns Meta's id for it (wamid.XXX)."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                **message}
        answer = _answer(await self.http.post("/messages", json=body))
        try:
            return str(answer["messages"][0]["id"])
        except (KeyError, IndexError, TypeError):
            raise CloudError(200, None, "an answer without a message id") from None

    async def upload(self, name: str, media_type: str, content: bytes) -> str:
        """Upload a file for a document message; returns its media id."""
        answer = _answer(await self.http.post(
            "/media", data={"messaging_product": "whatsapp", "type": media_type},
            files={"file": (name, content, media_type)}))
        return str(answer["id"])

    async def close(self) -> None:
        await self.http.aclose()


@dataclass(frozen=True)
class TemplateStatus:
    """A message template in one language as Meta has it."""

    name: str
    language: str
    """As Meta writes it: "de", "en_US"."""
    status: str
    """APPROVED | PENDING | REJECTED | PAUSED | DISABLED (and any Meta adds)."""


async def message_templates(*, base: str, business_account_id: str, token: str,
                            transport: httpx.AsyncBaseTransport | None = None,
                            limit: int = 100) -> list[TemplateStatus]:
    """Every message template of the WhatsApp Business Account in every language, with its
    status: `GET {base}/{WABA id}/message_templates?fields=name,language,status`, page after
    page (Graph's cursor paging: `paging.cursors.after` while `paging.next` is there). The
    token needs the whatsapp_business_management permission. Raises `CloudError` as `send`
    does; a page that is not the API's shape is a `CloudError` too."""
    found: list[TemplateStatus] = []
    async with httpx.AsyncClient(base_url=f"{base.rstrip('/')}/{business_account_id}",
                                 headers={"Authorization": f"Bearer {token}"},
                                 timeout=TIMEOUT, transport=transport) as http:
        after: str | None = None
        for _ in range(PAGES):
            params = {"fields": "name,language,status", "limit": str(limit)}
            if after:
                params["after"] = after
            answer = _answer(await http.get("/message_templates", params=params))
            data, paging = answer.get("data"), answer.get("paging") or {}
            if not isinstance(data, list) or not isinstance(paging, dict):
                raise CloudError(200, None, "message_templates without data")
            for item in data:
                if isinstance(item, dict) and all(isinstance(item.get(key), str)
                                                  for key in ("name", "language", "status")):
                    found.append(TemplateStatus(item["name"], item["language"],
                                                item["status"]))
            cursors = paging.get("cursors")
            after = cursors.get("after") if isinstance(cursors, dict) else None
            if not paging.get("next") or not isinstance(after, str) or not after:
                break
    return found


def _answer(response: httpx.Response) -> dict[str, Any]:
    try:
        answer = response.json()
    except ValueError:
        raise CloudError(response.status_code, None, response.reason_phrase) from None
    if response.status_code != 200 or not isinstance(answer, dict) or "error" in answer:
        error = answer.get("error") if isinstance(answer, dict) else None
        error = error if isinstance(error, dict) else {}
        code = error.get("code")
        raise CloudError(response.status_code, code if isinstance(code, int) else None,
                         str(error.get("message") or response.reason_phrase))
    return answer
