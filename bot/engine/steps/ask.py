"""ask: ask a question and wait for the answer; a button tap or typed input.

```yaml
- id: seats
  ask: "How many people are coming, children included?"
  input: {type: number, min: 1, max: 10}    # text | number | yesno | date | phone | email
  save: seats
  next: confirm

- id: what
  ask: "What would you like to do?"
  choices:                                  # buttons
    - {label: "See my data", value: show, next: show}
    - {label: "Back to the menu", value: menu, flow: menu}
  save: what

- id: main
  ask: "How can I help you?"
  choices: menu          # one button per flow with a `menu:` entry the person may use

- id: language
  ask: "Please choose your language."
  choices: languages     # each language in its own script; choosing sets the language
```
Instead of tapping, people may type a button's number or its label in any supported
language. Anything else (a photo, an empty line, text where a button is expected, an answer
the validator rejects) gets a short explanation and the same question again; what the flow
already saved stays.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator

from bot.engine import messages as m
from bot.engine.cursor import Cursor, Go, Outcome, Wait
from bot.engine.definition import (
    FlowId,
    InputSpec,
    Message,
    Name,
    Path,
    StepBase,
    Strict,
    Target,
    Value,
)
from bot.engine.model import Button, Inbound, InboundKind, Reply, Text, Verbatim
from bot.engine.normalize import normalize
from bot.engine.validators import VALIDATORS, Invalid, yes_no

STUCK_AFTER = 3
"""After this many unexpected answers in a row, remind the user how to get out."""


class Choice(Strict):
    label: Message
    value: Value
    next: Name | None = None
    flow: FlowId | None = None

    @model_validator(mode="after")
    def _one_target(self) -> Choice:
        if self.next is not None and self.flow is not None:
            raise ValueError("a choice goes to `next:` (a step) or `flow:`, not both")
        return self


class Ask(StepBase):
    id: Name
    ask: Message
    params: dict[Name, Path] = {}
    choices: list[Choice] | Literal["menu", "languages"] | None = None
    input: InputSpec | None = None
    save: Name | None = None

    @model_validator(mode="before")
    @classmethod
    def _choices_or_input(cls, data: Any) -> Any:
        if isinstance(data, dict) and ("choices" in data) == ("input" in data):
            raise ValueError("an ask step needs exactly one of `choices:` or `input:`")
        return data


def buttons(step: Ask, cur: Cursor) -> tuple[Button, ...]:
    if step.choices == "menu":
        return tuple(
            Button(Text(entry.label), f"flow:{flow_id}")
            for flow_id, entry in cur.flows.menu_for(cur.data.person.role)
        )
    if step.choices == "languages":
        names = cur.data.lexicon.endonyms
        return tuple(Button(Verbatim(names[code]), f"lang:{code}") for code in names)
    if step.choices is not None:
        return tuple(Button(Text(c.label), c.value) for c in step.choices)
    if step.input is not None and step.input.type == "yesno":
        return (Button(Text(m.YES), "yes"), Button(Text(m.NO), "no"))
    return ()


def question(step: Ask, cur: Cursor, prompt: int) -> Reply:
    return Reply(
        cur.text(step.ask, step.params),
        buttons(step, cur),
        prompt,
        every_language=step.choices == "languages" and cur.lang is None,
    )


def enter(step: Ask, cur: Cursor, again: bool) -> Outcome:
    cur.reply(question(step, cur, cur.prompt if again else cur.next_prompt()))
    return Wait("input")


def receive(step: Ask, cur: Cursor, inbound: Inbound) -> Outcome:
    offered = buttons(step, cur)
    if inbound.kind is InboundKind.MEDIA:
        return reject(step, cur, Text(m.UNEXPECTED_MEDIA))
    if inbound.kind is InboundKind.BUTTON:
        if any(b.value == inbound.value for b in offered):
            return choose(step, cur, inbound.value)
        return reject(step, cur, Text(m.NOT_A_CHOICE))
    typed = inbound.text
    if not typed.strip():
        return reject(step, cur, Text(m.EMPTY_MESSAGE))
    picked = match_typed(offered, typed, cur)
    if picked is not None:
        return choose(step, cur, picked)
    if step.input is None:
        return reject(step, cur, Text(m.NOT_A_CHOICE))
    outcome = VALIDATORS[step.input.type](typed, step.input, cur.now)
    if isinstance(outcome, Invalid):
        return reject(step, cur, outcome.reason)
    if step.save is not None:
        cur.save(step.save, outcome.value)
    return Go()


def match_typed(offered: tuple[Button, ...], typed: str, cur: Cursor) -> str | None:
    """The value of the button the user meant by typing its number or label, if any."""
    word = normalize(typed)
    if word.isdigit() and 1 <= int(word) <= len(offered):
        return offered[int(word) - 1].value
    lexicon = cur.data.lexicon
    for button in offered:
        if isinstance(button.label, Text) and lexicon.matches(button.label.msgid, typed):
            return button.value
        if button.value.startswith("lang:"):
            code = button.value[5:]
            if word == code or word in lexicon.forms.get(f"lang:{code}", ()):
                return button.value
        elif isinstance(button.label, Verbatim) and normalize(button.label.text) == word:
            return button.value
    if any(b.value == "yes" for b in offered):
        said = yes_no(typed, InputSpec(type="yesno"), cur.now)
        if not isinstance(said, Invalid):
            return "yes" if said.value else "no"
    return None


def choose(step: Ask, cur: Cursor, value: str) -> Outcome:
    if value.startswith("flow:"):
        return Go(Target(flow=value[5:]))
    if value.startswith("lang:"):
        cur.lang = value[5:]
        if step.save is not None:
            cur.save(step.save, cur.lang)
        return Go()
    if step.input is not None:  # yes/no buttons
        if step.save is not None:
            cur.save(step.save, value == "yes")
        return Go()
    if step.save is not None:
        cur.save(step.save, value)
    assert isinstance(step.choices, list)
    picked = next(c for c in step.choices if c.value == value)
    if picked.next is None and picked.flow is None:
        return Go()
    return Go(Target(step=picked.next, flow=picked.flow))


def reject(step: Ask, cur: Cursor, reason: Text) -> Outcome:
    cur.misses += 1
    cur.say(reason)
    if cur.misses % STUCK_AFTER == 0:
        cur.say(Text(m.STUCK_HINT))
    cur.reply(question(step, cur, cur.prompt))
    return Wait("input")
