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
from bot.engine.model import Reply


class Say(StepBase):
    say: Message
    params: dict[Name, Path] = {}
    language: Path | None = None
    """Show this message in the language found there instead of the conversation's."""


def enter(step: Say, cur: Cursor, again: bool) -> Outcome:
    cur.reply(Reply(cur.text(step.say, step.params), lang=cur.language_at(step.language)))
    return Go()
