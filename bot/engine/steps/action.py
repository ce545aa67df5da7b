"""action: ask the runtime to run a named action, then go on with its result.

```yaml
- id: book
  action: events.book              # registered by a service (bot/actions.py lists them)
  args: {waitlist: true}           # literal arguments
  params: {event: var.event, seats: var.seats}   # arguments taken from the conversation
  save: booking                    # optional: keep the result as var.booking
  next: confirm                    # the result is `result` for the steps of this turn
```
The action runs inside the turn's transaction, so what it writes commits with the state.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from bot.engine.cursor import Cursor, Go, Outcome, Wait
from bot.engine.definition import Name, Path, StepBase
from bot.engine.model import JSON, Inbound

ActionName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")]


class Action(StepBase):
    action: ActionName
    args: dict[Name, JSON] = {}
    params: dict[Name, Path] = {}
    save: Name | None = None


def enter(step: Action, cur: Cursor, again: bool) -> Outcome:
    args = dict(step.args)
    args.update({name: cur.lookup(path) for name, path in step.params.items()})
    cur.call(step.action, args)
    return Wait("action")


def receive(step: Action, cur: Cursor, inbound: Inbound) -> Outcome:
    if step.save is not None:
        cur.save(step.save, cur.result)
    return Go()
