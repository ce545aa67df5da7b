"""goto: continue in another flow (at its first step, or a named one) or at a step of this one.

```yaml
- id: to_menu
  goto: menu                 # a flow id; or {flow: events, step: list}; or {step: ask_again}
```
"""

from __future__ import annotations

from typing import Any

from pydantic import model_validator

from bot.engine.cursor import Cursor, Go, Outcome
from bot.engine.definition import StepBase, Target


class Goto(StepBase):
    goto: Target

    @model_validator(mode="before")
    @classmethod
    def _flow_shorthand(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("goto"), str):
            return {**data, "goto": {"flow": data["goto"]}}
        return data


def enter(step: Goto, cur: Cursor, again: bool) -> Outcome:
    return Go(step.goto)
