"""Pydantic models of a flow file (`flows/*.yaml`): the shape pass of checking.

A flow file holds one flow::

    flow: privacy                      # the flow's id, unique across files
    menu: {label: "🔒 My data", order: 80}        # optional: an entry in the main menu
    commands:                          # optional: /mydata jumps here from anywhere
      - {name: mydata, step: show, description: "See what is stored about you"}
    consent: required                  # optional: ask for consent before entering
    consent_reason: "To book a seat I must keep your booking."   # said before asking it
    roles: [staff, admin]              # optional: who may enter (default: everyone)
    steps:
      - id: show
        action: privacy.export
        next: tell
      - id: tell
        say: "This is everything we store about you:\\n{details}"
        params: {details: result}

Step kinds live in `bot/engine/steps/`, one module each; `STEPS` maps the key that names a
kind (`say`, `ask`, ...) to its model. Texts are English source strings: gettext msgids.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, model_validator

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
"""Step ids, variable names and command names: lower-case ASCII, digits and underscores."""

FlowId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=40)]

Value = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.:-]*$", max_length=40)]
"""A choice's value: short ASCII, because it travels in a button's callback data."""

Message = Annotated[StrictStr, Field(min_length=1)]
"""A text shown to users: a plain English string that gettext translates."""

Path = Annotated[
    str, Field(pattern=r"^(var|person|conversation|result|settings)(\.[a-z0-9_]+)*$")
]
"""Where a value comes from: `var.<name>` (entered in this flow), `person.role`,
`person.consent`, `conversation.language`, `settings.<name>` (what the deployment configured,
e.g. `settings.retention_days`), or `result` / `result.<key>` (the last action's result)."""

Role = Literal["newcomer", "volunteer", "staff", "admin", "reviewer"]
ROLES: tuple[str, ...] = ("newcomer", "volunteer", "staff", "admin", "reviewer")
"""`reviewer`: a translator, who signs in to the console to review texts in their
languages (`bot.reviewers`); in the chat they are treated as a newcomer."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(Strict):
    """Where to go: a step of this flow, or another flow (at its first step or a named one)."""

    step: Name | None = None
    flow: FlowId | None = None

    @model_validator(mode="after")
    def _one(self) -> Target:
        if self.step is None and self.flow is None:
            raise ValueError("give `step:` (a step of this flow) or `flow:` (another flow)")
        return self


class Condition(Strict):
    """`{value: person.role, in: [staff, admin]}`, `{value: var.consent, equals: true}`,
    `{value: conversation.language, present: true}`, or `all`/`any`/`not` of conditions."""

    value: Path | None = None
    equals: StrictStr | StrictBool | int | None = None
    in_: list[StrictStr | int] | None = Field(default=None, alias="in")
    present: StrictBool | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        combinators = [c for c in (self.all, self.any, self.not_) if c is not None]
        tests = [t for t in (self.equals, self.in_, self.present) if t is not None]
        if combinators:
            if len(combinators) > 1 or self.value is not None or tests:
                raise ValueError("use one of `all`, `any`, `not` on its own")
        elif self.value is None or len(tests) != 1:
            raise ValueError("a condition needs `value:` and one of `equals`, `in`, `present`")
        return self


class MenuEntry(Strict):
    label: Message
    order: int = 50
    roles: list[Role] | None = None
    """Shown only to these roles (default: everyone the flow admits)."""


class Command(Strict):
    name: Name
    description: Message
    step: Name | None = None
    """The step the command starts at (default: the flow's first step)."""
    resume: StrictBool = True
    """After the flow ends, ask the interrupted question again (False for /start and /menu)."""
    words: list[Annotated[StrictStr, Field(min_length=1, max_length=40)]] = []
    """Words that, typed alone as a whole message, act as this command in any language
    (WhatsApp has no command menu: people type "STOP", "стоп", "توقف")."""


class FlowFile(Strict):
    flow: FlowId
    description: StrictStr = ""
    menu: MenuEntry | None = None
    commands: list[Command] = []
    consent: Literal["required", "none"] = "none"
    consent_reason: Message | None = None
    """With `consent: required`: why this flow must store something, said before the consent
    question to someone who has not agreed yet."""
    roles: list[Role] | None = None
    pushes: list[Name] = []
    """Steps where the bot may start speaking on its own (a reminder queued in the outbox
    names "flow:step"); only these may be started that way."""
    steps: Annotated[list[dict[str, Any]], Field(min_length=1)]
    """Checked one by one against the model of their kind (see `bot/engine/load.py`)."""


class StepBase(Strict):
    id: Name | None = None
    next: Name | None = None
    """The step that follows; default: the next one in the list (after the last: the end)."""


class InputSpec(Strict):
    """`input: number` or `input: {type: number, min: 1, max: 10}`; `type` names a validator
    (`bot/engine/validators.py`), the other keys narrow it."""

    type: StrictStr
    min: int | None = None
    max: int | None = None
    max_length: int | None = Field(default=None, gt=0)
    when: Literal["past", "future"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"type": data} if isinstance(data, str) else data
