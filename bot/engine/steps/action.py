"""action: ask the runtime to run a named action, then go on with its result.

```yaml
- id: book
  action: events.book              # registered by a service (bot/actions.py lists them)
  args: {waitlist: true}           # literal arguments
  params: {event: var.event, seats: var.seats}   # arguments taken from the conversation
  save: booking                    # optional: keep the result as var.booking
  next: confirm                    # the result is `result` for the steps of this turn

- id: card
  action: buddies.card
  params: {volunteer: var.volunteer_id}
  save: v
  keep: false                      # var.v is for this turn only: shown, never stored
```
The action runs inside the turn's transaction, so what it writes commits with the state.
A conversation's stored state keeps ids, not other people's data: save what an action
returns about someone else with `keep: false`, and give the question that shows it
`resume: <this step>`, so that asking it again fetches it again.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictBool

from bot.engine.cursor import Cursor, Go, Outcome, Wait
from bot.engine.definition import Name, Path, StepBase
from bot.engine.model import JSON, Inbound

ActionName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")]


class Action(StepBase):
    action: ActionName
    args: dict[Name, JSON] = {}
    params: dict[Name, Path] = {}
    save: Name | None = None
    keep: StrictBool = True
    """False: `save` lasts until the turn waits for the person, and is never stored."""


def enter(step: Action, cur: Cursor, again: bool) -> Outcome:
    args = dict(step.args)
    args.update({name: cur.lookup(path) for name, path in step.params.items()})
    cur.call(step.action, args)
    return Wait("action")


def receive(step: Action, cur: Cursor, inbound: Inbound) -> Outcome:
    if step.save is not None:
        cur.save(step.save, cur.result)
    return Go()
