"""say: send a message, then go on.

```yaml
- id: thanks
  say: "Thank you, {name}! We will write to you before the event."
  params: {name: var.name}
  next: back_to_menu
```
"""

from __future__ import annotations

from bot.engine.cursor import Cursor, Go, Outcome
from bot.engine.definition import Message, Name, Path, StepBase


class Say(StepBase):
    say: Message
    params: dict[Name, Path] = {}


def enter(step: Say, cur: Cursor, again: bool) -> Outcome:
    cur.say(cur.text(step.say, step.params))
    return Go()
