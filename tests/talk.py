"""Talking to the wired bot in-process, as a channel does: send, render, press by label."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.app import App
from bot.channels.render import Rendered, render
from bot.engine.model import Attachment, Inbound, InboundKind
from bot.runtime import Identity


@dataclass
class Talk:
    app: App
    user: str
    channel: str = "console"
    hint: str | None = None
    shown: list[Rendered] = field(default_factory=list)
    lang: str | None = None
    files: list[Attachment] = field(default_factory=list)
    """Files the bot sent with its last answer (a booking's calendar entry)."""

    @property
    def who(self) -> Identity:
        return Identity(self.channel, self.user)

    async def send(self, inbound: Inbound) -> list[Rendered]:
        out = await self.app.runtime.handle(self.who, inbound, locale_hint=self.hint)
        self.lang = out.lang
        self.shown = [render(r, out.lang, self.app.catalogs) for r in out.replies]
        self.files = [r.attachment for r in out.replies if r.attachment is not None]
        return self.shown

    async def open(self) -> list[Rendered]:
        return await self.send(Inbound(InboundKind.WAKE))

    async def say(self, text: str) -> list[Rendered]:
        return await self.send(Inbound.message(text))

    async def tap(self, label: str) -> list[Rendered]:
        """Press the button with this label (or this value) on the last question shown."""
        asked = [m for m in self.shown if m.buttons][-1]
        button = next(b for b in asked.buttons if label in (b.label, b.value))
        return await self.send(Inbound.button(button.value, asked.prompt))

    @property
    def texts(self) -> list[str]:
        return [m.text for m in self.shown]
