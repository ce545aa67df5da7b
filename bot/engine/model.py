"""Values that cross the engine's boundary: what comes in, what goes out, what is stored.

All are frozen dataclasses. Replies carry message ids and parameters, never rendered text: a
channel renders them in the conversation's language (see `bot/render.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal, TypeAlias

JSON: TypeAlias = Any
"""A value that survives `json.dumps`: what flows may store in conversation variables."""


@dataclass(frozen=True)
class Text:
    """A message in the reader's language: a gettext msgid, optionally a plural, and parameters.

    `Text("Hello {name}", {"name": "Amina"})`; with `plural` set, the parameter named by `count`
    picks the CLDR plural form (Arabic has six). `context` is the gettext msgctxt: the same
    English text meant two ways ("No, keep it": a booking, a match), or a variant for the
    grammatical gender of the person the text is about (`GENDERS`); a context the catalog
    does not translate falls back to the text without one.
    """

    msgid: str
    params: Mapping[str, Param] = field(default_factory=dict)
    plural: str | None = None
    count: str | None = None
    context: str | None = None

    def __hash__(self) -> int:
        """By value, like the other frozen models (its `params` are a mapping, which
        Python does not hash): a channel keys what it rendered on the replies (the same
        notice to 10,000 people is rendered once per language). A parameter that cannot
        be hashed raises TypeError."""
        return hash((self.msgid, frozenset(self.params.items()), self.plural, self.count,
                     self.context))

    @property
    def key(self) -> str:
        """The message's key in a GNU catalog: the msgid, after its context and EOT if any."""
        return f"{self.context}{CONTEXT_END}{self.msgid}" if self.context else self.msgid


CONTEXT_END = "\x04"
"""Between a msgctxt and its msgid in a catalog key (GNU gettext's convention)."""

GENDERS = ("female", "male")
"""The contexts of a text's gendered variants: "female" where the person it is about is a
woman, "male" a man; the text without a context where that is not known (neutral wording)."""


@dataclass(frozen=True)
class Verbatim:
    """Text shown as it is in every language (a language's own name, a user's answer)."""

    text: str


@dataclass(frozen=True)
class Lines:
    """Several parameters joined: one per line, or with another separator."""

    items: tuple[Param, ...]
    sep: str = "\n"


Param: TypeAlias = "str | int | float | date | datetime | Text | Verbatim | Lines | None"
"""What a message parameter may be. `str` is content or user text: escaped and, in right-to-left
languages, isolated; numbers and dates are formatted for the reader's locale."""


@dataclass(frozen=True)
class Button:
    """A choice under a question. `value` is short ASCII (it travels in callback data)."""

    label: Text | Verbatim
    value: str


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message: a booking's calendar entry (`text/calendar`). Its bytes
    travel with the message, made for it alone: a channel sends them as they are (no file
    is written anywhere, where another message's file of the same name could replace it)."""

    name: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class Reply:
    """One message to the user. `prompt` numbers the question whose buttons these are."""

    text: Text
    buttons: tuple[Button, ...] = ()
    prompt: int | None = None
    every_language: bool = False
    """Show the text in every supported language (the language picker of a new user)."""
    lang: str | None = None
    """Show this message in this language rather than the conversation's (an answer in the
    language a question was asked in)."""
    attachment: Attachment | None = None


class InboundKind(StrEnum):
    TEXT = "text"
    BUTTON = "button"
    COMMAND = "command"
    MEDIA = "media"
    WAKE = "wake"
    """The user reopened the chat (the terminal chat starting): ask the current question again."""
    RESUME = "resume"
    """The runtime ran the action the conversation waits on; its result is in `TurnData`."""
    PUSH = "push"
    """The bot speaks first (a reminder, "you got a seat"): `value` is "flow:step", `data`
    the values that flow reads as `var.*`. The question being answered is put aside and
    asked again when that flow ends."""


@dataclass(frozen=True)
class Inbound:
    """One thing the user did, already translated from the platform's update.

    TEXT: `text`. BUTTON: `value` and the `prompt` the button belonged to. COMMAND: `value` is
    the command without "/", `text` its argument. MEDIA: `media` names the kind (photo, voice,
    sticker, document, location, video, contact, other).
    """

    kind: InboundKind
    text: str = ""
    value: str = ""
    prompt: int | None = None
    media: str = ""
    data: Mapping[str, JSON] = field(default_factory=dict)

    @classmethod
    def push(cls, entry: str, data: Mapping[str, JSON]) -> Inbound:
        return cls(InboundKind.PUSH, value=entry, data=dict(data))

    @classmethod
    def message(cls, text: str) -> Inbound:
        """Typed text; a leading "/word" is a command, as on every chat platform."""
        stripped = text.strip()
        if stripped.startswith("/") and len(stripped) > 1 and not stripped[1].isspace():
            head, _, rest = stripped[1:].partition(" ")
            name = head.split("@", 1)[0].lower()  # Telegram groups send /help@SomeBot
            return cls(InboundKind.COMMAND, text=rest.strip(), value=name)
        return cls(InboundKind.TEXT, text=text)

    @classmethod
    def button(cls, value: str, prompt: int | None) -> Inbound:
        return cls(InboundKind.BUTTON, value=value, prompt=prompt)


Waiting: TypeAlias = Literal["input", "action"]


@dataclass(frozen=True)
class Position:
    flow: str
    step: str


@dataclass(frozen=True)
class ConversationState:
    """Where a conversation is and what the user entered; stored after every turn.

    `vars` keeps one namespace per flow, so a question interrupted by /help or a language change
    keeps what was already entered. `stack` holds the positions to go back to when an
    interrupting flow ends.
    """

    lang: str | None = None
    at: Position | None = None
    waiting: Waiting | None = None
    vars: Mapping[str, Mapping[str, JSON]] = field(default_factory=dict)
    stack: tuple[Position, ...] = ()
    prompt: int = 0
    misses: int = 0
    offered: tuple[str, ...] = ()
    """The values of the buttons the question waiting for an answer offered from data that
    was not kept (`keep: false`): a tap is checked against them, the labels are gone."""
    declined: tuple[str, ...] = ()
    """Languages the person said no to switching to (`set: {decline_language: ...}`): the
    FAQ does not offer them again."""

    def to_json(self) -> dict[str, JSON]:
        data: dict[str, JSON] = {
            "lang": self.lang,
            "at": [self.at.flow, self.at.step] if self.at else None,
            "waiting": self.waiting,
            "vars": {flow: dict(values) for flow, values in self.vars.items()},
            "stack": [[p.flow, p.step] for p in self.stack],
            "prompt": self.prompt,
            "misses": self.misses,
        }
        if self.offered:
            data["offered"] = list(self.offered)
        if self.declined:
            data["declined"] = list(self.declined)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, JSON]) -> ConversationState:
        at = data.get("at")
        return cls(
            lang=data.get("lang"),
            at=Position(*at) if at else None,
            waiting=data.get("waiting"),
            vars={flow: dict(values) for flow, values in (data.get("vars") or {}).items()},
            stack=tuple(Position(*p) for p in data.get("stack") or ()),
            prompt=int(data.get("prompt") or 0),
            misses=int(data.get("misses") or 0),
            offered=tuple(str(v) for v in data.get("offered") or ()),
            declined=tuple(str(v) for v in data.get("declined") or ()),
        )

    def evolve(self, **changes: Any) -> ConversationState:
        return replace(self, **changes)


@dataclass(frozen=True)
class Call:
    """Effect: run the named action (registered by a service) and resume with its result.

    The runtime runs it inside the turn's transaction, so what the action writes (a booking,
    outbox rows) commits together with the conversation state.
    """

    action: str
    args: Mapping[str, JSON] = field(default_factory=dict)


Effect: TypeAlias = Call


@dataclass(frozen=True)
class Turn:
    """What `advance` decided: the state to store, the replies to send, the effects to apply."""

    state: ConversationState
    replies: tuple[Reply, ...] = ()
    effects: tuple[Effect, ...] = ()

    @property
    def call(self) -> Call | None:
        """The action the conversation waits on, if any."""
        if self.state.waiting != "action":
            return None
        return next((e for e in self.effects if isinstance(e, Call)), None)


ConsentAnswer: TypeAlias = Literal["given", "declined"]


@dataclass(frozen=True)
class PersonFacts:
    """What flows may branch on about the person (`person.role`, `person.consent`)."""

    role: str = "newcomer"
    consent: ConsentAnswer | None = None


@dataclass(frozen=True)
class Lexicon:
    """The supported languages and, per button label msgid, its normalized forms in all of them.

    Built once from the catalogs (`bot.i18n.Catalogs.lexicon`), so a user who types "نعم" or "Ja"
    instead of tapping "Yes" is understood.
    """

    languages: tuple[str, ...]
    endonyms: Mapping[str, str]
    """Each language's name in its own script, in picker order: {"ar": "العربية", ...}."""
    forms: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """msgid -> normalized translations; `lang:<code>` -> the language's names in all."""

    def matches(self, msgid: str, typed: str) -> bool:
        from bot.engine.normalize import normalize

        wanted = normalize(typed)
        source = msgid.rpartition(CONTEXT_END)[2]  # a key (context EOT msgid) or a msgid
        return bool(wanted) and (wanted == normalize(source) or wanted in self.forms.get(msgid, ()))


@dataclass(frozen=True)
class TurnData:
    """What the runtime fetched for this turn."""

    person: PersonFacts
    lexicon: Lexicon
    settings: Mapping[str, JSON] = field(default_factory=dict)
    """Deployment facts flows may show (`settings.retention_days`)."""
    result: JSON = None
    """The result of the action the conversation waits on (with `InboundKind.RESUME`)."""
