"""ask: ask a question and wait for the answer; a button tap or typed input.

```yaml
- id: seats
  ask: "How many people are coming, children included?"
  input: {type: number, min: 1, max: 10}  # text|paragraphs|number|yesno|date|phone|email
  save: seats
  next: confirm

- id: what
  ask: "What would you like to do?"
  choices:                                  # buttons
    - {label: "See my data", value: show, next: show}
    - {label: "Back to the menu", value: menu, flow: menu}
    - {label: "No, keep it", value: "no", context: "buddy match"}
                                  # context: the msgctxt of a label meant differently elsewhere
  save: what

- id: main
  ask: "How can I help you?"
  choices: menu          # one button per flow with a `menu:` entry the person may use

- id: language
  ask: "Please choose your language."
  choices: languages     # each language in its own script; choosing sets the language

- id: feedback
  ask: "Did this help?"
  language: var.found.lang        # show this message in another language than the chat's
  choices:
    - {label: "Yes", value: "yes", next: thanks}
  choices_from: {path: var.found.related, save: topic, next: show_topic}
                                  # more buttons from data: a list of {label, value}
  free_text: {save: question, next: look_up}
                                  # typed text that is no button goes there, instead of
                                  # being refused (or {save: ..., flow: faq, step: look_up})
  resume: false                   # put aside (a notice arrived, a command), it is not asked
                                  # again: "Did this help?" no longer fits after a booking

- id: question
  ask: "What would you like to know?"
  input: text
  save: question
  keep: false                     # used in this turn (looked up), then gone: not stored

- id: decide
  ask: "{card}\n\nApprove this volunteer?"
  params: {card: var.v.card}      # var.v was saved with `keep: false` (someone else's data)
  choices:
    - {label: "✅ Approve", value: approve, next: approve}
  resume: card                    # asked again (after an interruption or an answer that is
                                  # no choice), it starts at step `card`, which fetches anew
```
Instead of tapping, people may type a button's number or its label in any supported
language. Anything else (a photo, an empty line, text where a button is expected, an answer
the validator rejects) gets a short explanation and the same question again; what the flow
already saved stays.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictStr, model_validator

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
    context: Annotated[StrictStr, Field(min_length=1, max_length=40)] | None = None
    """The label's msgctxt, when the same English label means something else elsewhere."""

    @model_validator(mode="after")
    def _one_target(self) -> Choice:
        if self.next is not None and self.flow is not None:
            raise ValueError("a choice goes to `next:` (a step) or `flow:`, not both")
        return self


class DynamicChoices(Strict):
    """Buttons from data: `path` holds a list of `{label, value}` (labels already in the
    reader's language, values short ASCII). The picked value is saved as `save`."""

    path: Path
    save: Name
    next: Name | None = None
    flow: FlowId | None = None


class FreeText(Strict):
    """Where typed text goes when it is none of the buttons: saved as `save`, then `next`
    (a step of this flow) or `flow` (at `step`, or its first)."""

    save: Name
    next: Name | None = None
    flow: FlowId | None = None
    step: Name | None = None

    @model_validator(mode="after")
    def _one_target(self) -> FreeText:
        if (self.next is None) == (self.flow is None):
            raise ValueError("free text goes to `next:` (a step) or `flow:`, one of them")
        return self

    @property
    def target(self) -> Target:
        return Target(step=self.next or self.step, flow=self.flow)


FREE_TEXT_LIMIT = 2000
"""Typed text longer than this is refused before it goes anywhere."""


class Ask(StepBase):
    id: Name
    ask: Message
    params: dict[Name, Path] = {}
    language: Path | None = None
    choices: list[Choice] | Literal["menu", "languages"] | None = None
    choices_from: DynamicChoices | None = None
    input: InputSpec | None = None
    free_text: FreeText | None = None
    save: Name | None = None
    keep: StrictBool = True
    """False: the answer (`save`, and whatever a `free_text` saves under the same name) lasts
    for this turn only: used (looked up, passed to an action), never stored."""
    resume: StrictBool | Name = True
    """Asked again after an interruption: True as it is; False not at all (it no longer
    fits); a step id: from that step (which fetches what the question shows anew)."""
    gender: Path | None = None
    """The grammatical gender of the person the question is about (see `model.GENDERS`)."""

    @model_validator(mode="before")
    @classmethod
    def _choices_or_input(cls, data: Any) -> Any:
        if isinstance(data, dict):
            buttons = "choices" in data or "choices_from" in data
            if buttons == ("input" in data):
                raise ValueError("an ask step needs `choices:` (or `choices_from:`) or "
                                 "`input:`, one of them")
            if "input" in data and "free_text" in data:
                raise ValueError("`free_text:` goes with buttons; `input:` takes typed text")
        return data


def buttons(step: Ask, cur: Cursor) -> tuple[Button, ...]:
    if step.choices == "menu":
        return cur.flows.menu_buttons(cur.data.person.role)
    if step.choices == "languages":
        names = cur.data.lexicon.endonyms
        return tuple(Button(Verbatim(names[code]), f"lang:{code}") for code in names)
    if step.input is not None and step.input.type == "yesno":
        return (Button(Text(m.YES), "yes"), Button(Text(m.NO), "no"))
    static = tuple(Button(Text(c.label, context=c.context), c.value)
                   for c in step.choices or ())
    return static + dynamic_buttons(step, cur)


def dynamic_buttons(step: Ask, cur: Cursor) -> tuple[Button, ...]:
    if step.choices_from is None:
        return ()
    found = cur.lookup(step.choices_from.path)
    if found is None and cur.offered:
        # Shown from data not kept (`keep: false`): the values are all that is left.
        return tuple(Button(Verbatim(value), value) for value in cur.offered)
    return tuple(  # labels are msgids when there is a translation, else shown as they are
        Button(Text(str(item["label"]), context=item.get("context") or None),
               str(item["value"]))
        for item in (found if isinstance(found, list) else ())
        if isinstance(item, dict) and item.get("label") and _short_ascii(item.get("value"))
    )


def _short_ascii(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 40 and value.isascii()


def question(step: Ask, cur: Cursor, prompt: int) -> Reply:
    return Reply(
        cur.text(step.ask, step.params, gender=step.gender),
        buttons(step, cur),
        prompt,
        every_language=step.choices == "languages" and cur.lang is None,
        lang=cur.language_at(step.language),
    )


def enter(step: Ask, cur: Cursor, again: bool) -> Outcome:
    reply = question(step, cur, cur.prompt if again else cur.next_prompt())
    cur.reply(reply)
    cur.offered = tuple(b.value for b in dynamic_buttons(step, cur))
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
    if step.free_text is not None and not any(ch.isalpha() for ch in typed):
        # "9" under five buttons is a mistyped choice and "🙂🙂" no question: show the
        # buttons again rather than look either up.
        return reject(step, cur, Text(m.NOT_A_CHOICE))
    if step.free_text is not None:
        if len(typed) > FREE_TEXT_LIMIT:
            return reject(step, cur, Text(m.TOO_LONG, {"max": FREE_TEXT_LIMIT}))
        cur.carry[step.free_text.save] = " ".join(typed.split())
        return Go(step.free_text.target)
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
        if isinstance(button.label, Text) and lexicon.matches(button.label.key, typed):
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
    static = step.choices if isinstance(step.choices, list) else []
    if step.choices_from is not None and not any(c.value == value for c in static):
        cur.save(step.choices_from.save, value)
        dynamic = step.choices_from
        if dynamic.next is None and dynamic.flow is None:
            return Go()
        return Go(Target(step=dynamic.next, flow=dynamic.flow))
    if step.save is not None:
        cur.save(step.save, value)
    picked = next(c for c in static if c.value == value)
    if picked.next is None and picked.flow is None:
        return Go()
    return Go(Target(step=picked.next, flow=picked.flow))


def reject(step: Ask, cur: Cursor, reason: Text) -> Outcome:
    cur.misses += 1
    cur.say(reason)
    if cur.misses % STUCK_AFTER == 0:
        cur.say(Text(m.STUCK_HINT))
    if isinstance(step.resume, str):  # what it shows was not kept: fetch it again
        return Go(Target(step=step.resume))
    cur.reply(question(step, cur, cur.prompt))
    return Wait("input")
