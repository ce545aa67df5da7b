"""The working state of one `advance` call: where we are, what was said, what to do.

A step module gets the cursor, reads from it and records on it; the cursor never escapes
`advance`, which freezes it into a `Turn`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from bot.engine.definition import Target
from bot.engine.model import (
    GENDERS,
    JSON,
    Call,
    ConversationState,
    Effect,
    Lines,
    Param,
    Position,
    Reply,
    Text,
    TurnData,
    Verbatim,
    Waiting,
)

if TYPE_CHECKING:
    from bot.engine.load import Flow, FlowSet


@dataclass(frozen=True)
class Go:
    """Continue at `target` (None: the step after this one in the flow)."""

    target: Target | None = None


@dataclass(frozen=True)
class Wait:
    """Stop here until the user answers (`input`) or the runtime runs an action (`action`)."""

    waiting: Waiting


@dataclass(frozen=True)
class End:
    """The flow is done: go back to the interrupted question, or to the home flow."""


Outcome = Go | Wait | End


def as_param(value: Any) -> Param:
    """A value from the conversation's data as a message parameter. Actions keep messages
    for the reader's language as JSON, rendered only by the channel:

    {"msgid": "{count} seat left", "plural": "{count} seats left", "count": "count",
     "params": {"count": 3}}       a message (plural optional), its parameters the same way
    {"msgid": "🤝 Your buddy: {name}", "context": "female", ...}   a context (msgctxt)
    {"datetime": "2026-12-01T17:00:00+00:00"}, {"date": "2026-12-01"}   in the reader's locale
    {"verbatim": "Theaterhaus"}    shown as it is
    [a, b, ...]                    one per line
    """
    if isinstance(value, list):
        return Lines(tuple(as_param(item) for item in value))
    if not isinstance(value, Mapping):
        if value is None or isinstance(value, str | int | float | date | Text | Lines | Verbatim):
            return value  # a datetime is a date too
        return str(value)
    if "msgid" in value:
        params = value.get("params")
        return Text(str(value["msgid"]),
                    {str(k): as_param(v) for k, v in (params or {}).items()},
                    plural=value.get("plural"), count=value.get("count"),
                    context=value.get("context") or None)
    if "datetime" in value:
        return datetime.fromisoformat(str(value["datetime"]))
    if "date" in value:
        return date.fromisoformat(str(value["date"]))
    if "verbatim" in value:
        return Verbatim(str(value["verbatim"]))
    return str(value)


class Cursor:
    def __init__(
        self, flows: FlowSet, state: ConversationState, now: datetime, data: TurnData
    ) -> None:
        self.flows = flows
        self.now = now
        self.data = data
        self.lang = state.lang
        self.at = state.at
        self.waiting = state.waiting
        self.vars: dict[str, dict[str, JSON]] = {f: dict(v) for f, v in state.vars.items()}
        self.stack = list(state.stack)
        self.prompt = state.prompt
        self.misses = state.misses
        self.offered = state.offered
        self.declined = state.declined
        self.result: Any = data.result
        self.replies: list[Reply] = []
        self.effects: list[Effect] = []
        self.carry: dict[str, JSON] = {}
        """Values for the next step's flow, saved once the conversation has moved there
        (typed text a `free_text` sends on to another flow)."""

    # -- reading ------------------------------------------------------------------------
    @property
    def flow(self) -> Flow:
        assert self.at is not None
        return self.flows.flows[self.at.flow]

    def lookup(self, path: str) -> Any:
        """The value at a `Path` (see `definition.Path`); None where nothing is there."""
        root, _, rest = path.partition(".")
        value: Any
        if root == "var":
            value = self.vars.get(self.at.flow if self.at else "", {})
        elif root == "person":
            value = {"role": self.data.person.role, "consent": self.data.person.consent}
        elif root == "conversation":
            value = {"language": self.lang}
        elif root == "settings":
            value = self.data.settings
        else:
            value = self.result
        for key in rest.split(".") if rest else ():
            value = value.get(key) if isinstance(value, Mapping) else None
        return value

    def text(self, msgid: str, params: Mapping[str, str], *, gender: str | None = None,
             **extra: Param) -> Text:
        """A flow's text with its parameters; `gender` the path of the grammatical gender
        of the person it is about (a value of `GENDERS` picks that variant)."""
        values: dict[str, Param] = {name: as_param(self.lookup(path))
                                    for name, path in params.items()}
        values.update(extra)
        found = self.lookup(gender) if gender else None
        return Text(msgid, values, context=found if found in GENDERS else None)

    # -- recording ----------------------------------------------------------------------
    def say(self, text: Text) -> None:
        self.replies.append(Reply(text))

    def reply(self, reply: Reply) -> None:
        self.replies.append(reply)

    def call(self, action: str, args: Mapping[str, JSON]) -> None:
        self.effects.append(Call(action, dict(args)))

    def save(self, name: str, value: JSON) -> None:
        assert self.at is not None
        self.vars.setdefault(self.at.flow, {})[name] = value

    def next_prompt(self) -> int:
        self.prompt += 1
        return self.prompt

    def move(self, flow: str, step: str, *, fresh: bool) -> None:
        if fresh:
            self.vars.pop(flow, None)
        self.at = Position(flow, step)
        self.misses = 0
        self.offered = ()
        if self.carry:
            self.vars.setdefault(flow, {}).update(self.carry)
            self.carry = {}

    def language_at(self, path: str | None) -> str | None:
        """The supported language found at `path`, if any (for `language:` of a step)."""
        if path is None:
            return None
        found = self.lookup(path)
        return found if found in self.data.lexicon.languages else None

    def freeze(self) -> ConversationState:
        # Answers live as long as their flow: the current one or one waiting on the stack.
        live = {p.flow for p in self.stack} | ({self.at.flow} if self.at else set())
        kept = {f: v for f, v in self.vars.items() if v and f in live}
        if self.waiting != "action":
            # The turn is over: what actions returned with `keep: false` (other people's
            # names, a card to decide on) was shown and is not stored.
            kept = {f: {name: value for name, value in v.items()
                        if name not in self.flows.transient.get(f, ())}
                    for f, v in kept.items()}
            kept = {f: v for f, v in kept.items() if v}
        return ConversationState(
            lang=self.lang,
            at=self.at,
            waiting=self.waiting,
            vars=kept,
            stack=tuple(self.stack),
            prompt=self.prompt,
            misses=self.misses,
            offered=self.offered,
            declined=self.declined,
        )
