"""branch: go where the first matching condition says, else to `else`.

```yaml
- id: route
  branch:
    - if: {value: person.consent, equals: given}
      next: welcome_back             # a step of this flow...
    - if: {value: person.role, in: [staff, admin]}
      flow: staff                    # ...or another flow
  else: ask_consent                  # a step, or {flow: ...}
```
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from bot.engine.cursor import Cursor, Go, Outcome
from bot.engine.definition import Condition, FlowId, Name, StepBase, Strict, Target


class Case(Strict):
    if_: Condition = Field(alias="if")
    next: Name | None = None
    flow: FlowId | None = None

    @model_validator(mode="after")
    def _one_target(self) -> Case:
        if (self.next is None) == (self.flow is None):
            raise ValueError("a case needs exactly one of `next:` (a step) or `flow:`")
        return self

    @property
    def target(self) -> Target:
        return Target(step=self.next, flow=self.flow)


class Branch(StepBase):
    branch: list[Case] = Field(min_length=1)
    else_: Target = Field(alias="else")

    @model_validator(mode="before")
    @classmethod
    def _step_shorthand(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("else"), str):
            return {**data, "else": {"step": data["else"]}}
        return data


def holds(cond: Condition, cur: Cursor) -> bool:
    if cond.all is not None:
        return all(holds(c, cur) for c in cond.all)
    if cond.any is not None:
        return any(holds(c, cur) for c in cond.any)
    if cond.not_ is not None:
        return not holds(cond.not_, cur)
    assert cond.value is not None
    value = cur.lookup(cond.value)
    if cond.present is not None:
        return (value is not None and value != "") == cond.present
    if cond.in_ is not None:
        return value in cond.in_
    return bool(value == cond.equals)


def enter(step: Branch, cur: Cursor, again: bool) -> Outcome:
    for case in step.branch:
        if holds(case.if_, cur):
            return Go(case.target)
    return Go(step.else_)
