"""end: this flow is done. The conversation goes back to the question that a command
interrupted (after /help, say), or else to the home flow (the main menu).

```yaml
- id: done
  end: true
```
A flow that runs past its last step ends the same way.
"""

from __future__ import annotations

from typing import Literal

from bot.engine.cursor import Cursor, End, Outcome
from bot.engine.definition import StepBase


class EndStep(StepBase):
    end: Literal[True]


def enter(step: EndStep, cur: Cursor, again: bool) -> Outcome:
    return End()
