"""set: store values in the conversation, then go on.

```yaml
- id: switch
  set:
    language: var.found.lang      # `language` sets the conversation's language
    topic: result.topic           # any other name is a variable of this flow
- id: keep_language
  set: {decline_language: var.found.lang}   # remembered: the person said no to it
```
A language that is not supported is ignored. `decline_language` adds a language to the
conversation's `declined` ones (the FAQ does not offer to switch to them again).
"""

from __future__ import annotations

from bot.engine.cursor import Cursor, Go, Outcome
from bot.engine.definition import Name, Path, StepBase


class SetStep(StepBase):
    set: dict[Name, Path]


def enter(step: SetStep, cur: Cursor, again: bool) -> Outcome:
    for name, path in step.set.items():
        if name == "language":
            cur.lang = cur.language_at(path) or cur.lang
        elif name == "decline_language":
            declined = cur.language_at(path)
            if declined and declined not in cur.declined:
                cur.declined = (*cur.declined, declined)
        else:
            cur.save(name, cur.lookup(path))
    return Go()
