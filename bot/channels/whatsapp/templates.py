"""Approved message templates (`content/whatsapp-templates.yaml`): how a push reaches someone
outside WhatsApp's 24-hour customer service window.

```yaml
templates:
  notices:show:                 # a push ("flow:step"), or a whole flow ("buddies")
    name: welcome_notice        # as approved in the WhatsApp Manager
    languages: [de, en, ar]     # the languages Meta approved it in
    body: "There is a new notice from the Welcome Center for you."
    button: "Show me"           # a quick-reply button: tapping it shows the whole message
```

Only `name` and `languages` are sent; `body` and `button` are the English wording submitted
for approval, kept here so that staff know what each template says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.engine.yamlsource import YamlFileError, parse_file
from bot.errors import StartupError

FILE = "whatsapp-templates.yaml"
"""In the content folder (`CONTENT_DIR`)."""
OPEN = "open"
"""The payload of every template's quick-reply button: show the message it stands for.
Followed by ":<outbox message id>" (`payload`), so that a tap finds the message at once,
even before the outbox has noted the template's receipt (a tap a second after it arrived)."""


def payload(held: int | None) -> str:
    """The payload of the button of a template standing for outbox message `held`."""
    return OPEN if held is None else f"{OPEN}:{held}"


def held_in(payload: str) -> int | None:
    """The outbox message id a tapped button's payload names (None: a plain "open")."""
    head, _, tail = payload.partition(":")
    return int(tail) if head == OPEN and tail.isdigit() and len(tail) < 19 else None


class Template(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9_]{1,512}$")
    languages: tuple[str, ...]
    body: str = ""
    button: str = Field(default="", max_length=25)


class TemplateFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    templates: dict[str, Template] = {}


class TemplatesError(StartupError):
    """The templates file is not right; the message says where: `file:line: what`."""


@dataclass(frozen=True)
class Templates:
    by_push: Mapping[str, Template]

    def find(self, push: str | None, lang: str) -> Template | None:
        """The template for `push` ("events:reminder"; else its flow's, "events") approved in
        `lang`; None when there is none."""
        if push is None:
            return None
        found = self.by_push.get(push) or self.by_push.get(push.partition(":")[0])
        return found if found is not None and lang in found.languages else None


def load_templates(path: Path) -> Templates:
    """The templates in `path`; none when the file does not exist (every push to someone
    outside the window is then skipped, with that reason in the tally)."""
    if not path.exists():
        return Templates({})
    try:
        source, problems = parse_file(path)
    except YamlFileError as exc:
        raise TemplatesError(str(exc)) from None
    try:
        loaded = TemplateFile.model_validate(source.value if source.value is not None else {})
    except ValidationError as exc:
        problems += source.explain(exc)
    if problems:
        raise TemplatesError("\n".join(problems))
    return Templates(loaded.templates)
