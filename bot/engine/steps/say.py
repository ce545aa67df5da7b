"""say: send a message, then go on.

```yaml
- id: thanks
  say: "Thank you, {name}! We will write to you before the event."
  params: {name: var.name}
  attach: var.booked.calendar     # optional: a file {name, type, content} found there
                                  # (content: its text, sent as UTF-8)
  next: back_to_menu

- id: ended
  say: "{name} has ended your Welcome Buddy match."
  params: {name: var.b.name}
  gender: var.b.gender            # optional: "female" or "male" picks the catalog's variant
                                  # (msgctxt) for a person of that gender; else the text as is
```
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.engine.cursor import Cursor, Go, Outcome
from bot.engine.definition import Message, Name, Path, StepBase
from bot.engine.model import Attachment, Reply


class Say(StepBase):
    say: Message
    params: dict[Name, Path] = {}
    language: Path | None = None
    """Show this message in the language found there instead of the conversation's."""
    attach: Path | None = None
    gender: Path | None = None
    """The grammatical gender of the person the text is about (see `model.GENDERS`)."""


def enter(step: Say, cur: Cursor, again: bool) -> Outcome:
    cur.reply(Reply(cur.text(step.say, step.params, gender=step.gender),
                    lang=cur.language_at(step.language),
                    attachment=_attachment(cur.lookup(step.attach) if step.attach else None)))
    return Go()


def _attachment(found: object) -> Attachment | None:
    if not isinstance(found, Mapping):
        return None
    name, media_type, content = (found.get(k) for k in ("name", "type", "content"))
    if not (isinstance(name, str) and isinstance(media_type, str) and isinstance(content, str)):
        return None
    return Attachment(name, media_type, content.encode("utf-8"))
