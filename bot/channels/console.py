"""The terminal chat: `welcomebot chat --user ID [--lang L] [--json]`.

Reads one message per line from standard input and prints the bot's messages; buttons print
as `[1] Label`, and typing the number or the exact label presses the button. A file the bot
sends (a booking's calendar entry) is printed after its message, under its name: nothing is
written to disk. With `--json` each bot message is one line `{"text": "...", "buttons":
["...", ...]}` (and `"file"`: `{"name", "type", "content"}` of a file it sent; `"to"`, another
user it is for).
It runs on the same runtime, flows and database as every other channel, so the same `--user`
continues the same conversation next time.

What the bot sends on its own (a notice, a reminder, a Welcome Buddy proposal) comes through
the outbox while the chat runs, like on a phone; one for another terminal user is printed
under their name, so one terminal can play several people.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TextIO

from bot.channels.render import Rendered, render
from bot.delivery.transport import Transmitted
from bot.engine.model import Attachment, Inbound, InboundKind
from bot.i18n import Catalogs
from bot.runtime import Identity, Outbound, Runtime

CHANNEL = "console"


class Console:
    def __init__(self, runtime: Runtime, catalogs: Catalogs, *, user: str,
                 lang: str | None = None, as_json: bool = False,
                 out: TextIO | None = None) -> None:
        self.runtime = runtime
        self.catalogs = catalogs
        self.who = Identity(CHANNEL, user)
        self.lang_hint = lang
        self.as_json = as_json
        self.out = out or sys.stdout
        self.shown: Rendered | None = None
        """The last message with buttons: what a typed number or label refers to."""

    async def open(self) -> None:
        """Greet a new user, or ask a returning one the question they were at."""
        await self.send(Inbound(InboundKind.WAKE))

    async def said(self, line: str) -> None:
        await self.send(self.to_inbound(line))

    def to_inbound(self, line: str) -> Inbound:
        typed = line.strip()
        if self.shown is not None and typed:
            buttons = self.shown.buttons
            if typed.isdigit() and 1 <= int(typed) <= len(buttons):
                return Inbound.button(buttons[int(typed) - 1].value, self.shown.prompt)
            for button in buttons:
                if typed.casefold() == button.label.strip().casefold():
                    return Inbound.button(button.value, self.shown.prompt)
        return Inbound.message(line)

    async def send(self, inbound: Inbound) -> None:
        outbound = await self.runtime.handle(self.who, inbound, locale_hint=self.lang_hint,
                                             later=self.later)
        self.show(outbound)

    async def later(self, outbound: Outbound) -> None:
        """Replies that come after their turn (held while the database was out)."""
        self.show(outbound)

    async def transmit(self, outbound: Outbound) -> Transmitted:
        """The outbox's way in (`bot.delivery.transport.Transport`): print it now."""
        self.show(outbound, to=None if outbound.identity == self.who
                  else outbound.identity.external_id)
        return Transmitted.SENT

    @staticmethod
    def content(attachment: Attachment) -> str:
        """A file the bot sends, as the terminal shows it: a text file's text (a calendar
        entry), else its size."""
        if attachment.media_type.startswith("text/"):
            return attachment.data.decode("utf-8", errors="replace").replace("\r\n", "\n")
        return f"({len(attachment.data)} bytes)"

    def show(self, outbound: Outbound, *, to: str | None = None) -> None:
        """Print the bot's messages; `to`: another terminal user they are for."""
        if to is not None and not self.as_json:
            self.out.write(f"── for {to} ──\n")
        for reply in outbound.replies:
            rendered = render(reply, outbound.lang, self.catalogs)
            if rendered.buttons:
                self.shown = rendered
            attached = reply.attachment
            if self.as_json:
                file = ({"name": attached.name, "type": attached.media_type,
                         "content": self.content(attached)} if attached else None)
                line = json.dumps({"text": rendered.text,
                                   "buttons": [b.label for b in rendered.buttons],
                                   **({"file": file} if file else {}),
                                   **({"to": to} if to is not None else {})},
                                  ensure_ascii=False)
                self.out.write(line + "\n")
            else:
                self.out.write(rendered.text + "\n")
                if attached:
                    self.out.write(f"📎 {attached.name}\n{self.content(attached).rstrip()}\n")
                for number, button in enumerate(rendered.buttons, 1):
                    self.out.write(f"[{number}] {button.label}\n")
                self.out.write("\n")
        self.out.flush()


async def run_console(console: Console, stdin: TextIO | None = None) -> None:
    """Talk until the end of input."""
    stdin = stdin or sys.stdin
    await console.open()
    interactive = stdin.isatty() and not console.as_json
    while True:
        if interactive:
            console.out.write("> ")
            console.out.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            return
        await console.said(line.rstrip("\r\n"))
