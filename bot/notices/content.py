"""Notice files: `content/notices/<id>.yaml`.

```yaml
id: aha-hygiene
topic: health                     # health | events | courses | general
source: de                        # the language the others are translated from
allow_machine_translation: false  # may a machine draft go out (with a note saying so)?
expires: 2026-12-31 23:00         # optional, Europe/Berlin: not sent after this
texts:
  de: {title: "...", text: "...", video: "https://..."}     # video or image link: optional
  ar: {title: "...", text: "...", based_on: 3f2a9c1e}      # reviewed against that source
  fa: {title: "...", text: "...", machine: true, based_on: 3f2a9c1e}  # a machine draft
```
`based_on` is stamped by `welcomebot notice review ID --lang ar`: the fingerprint of the
source text the translation was checked against. When the source changes, the translation
is stale until someone reviews it again. On a machine draft (`welcomebot notice translate`,
until a person reviews it) it is the source text it was translated from: a draft of an older
source is not sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.engine.yamlsource import parse

Topic = Literal["health", "events", "courses", "general"]
HUMAN = ("source", "reviewed", "unreviewed", "stale")
"""States of a text a person wrote."""


class Text(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=120)
    text: str = Field(min_length=1, max_length=3500)
    video: str | None = Field(default=None, pattern=r"^https://\S+$")
    machine: bool = False
    based_on: str | None = None


class NoticeFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")
    topic: Topic
    source: str
    allow_machine_translation: bool = False
    expires: dt.datetime | None = None
    texts: dict[str, Text] = Field(min_length=1)

    @model_validator(mode="after")
    def _source_present(self) -> NoticeFile:
        if self.source not in self.texts:
            raise ValueError(f"the source language '{self.source}' has no text")
        return self

    def fingerprint(self) -> str:
        source = self.texts[self.source]
        return hashlib.sha256(f"{source.title}\n{source.text}".encode()).hexdigest()[:8]

    def state(self, lang: str) -> Literal["source", "reviewed", "unreviewed", "stale",
                                          "machine", "missing"]:
        """How far the text in `lang` can be trusted."""
        if lang == self.source:
            return "source"
        text = self.texts.get(lang)
        if text is None:
            return "missing"
        if text.machine:
            return "machine"
        if text.based_on is None:
            return "unreviewed"
        return "reviewed" if text.based_on == self.fingerprint() else "stale"

    def outgoing(self, lang: str, fallback: str) -> tuple[str, Literal["own", "machine",
                                                                      "fallback"]]:
        """The language of the text a person whose language is `lang` gets, and how: their
        own text; a machine draft, with a note, only where staff allowed machine translation
        and only a draft of the source as it is now; else, with a note, the first of
        `fallback`, English and the source that has a text a person wrote."""
        state = self.state(lang)
        if state in HUMAN:
            return lang, "own"
        if (state == "machine" and self.allow_machine_translation
                and self.texts[lang].based_on in (None, self.fingerprint())):
            return lang, "machine"
        return next(code for code in (fallback, "en", self.source)
                    if self.state(code) in HUMAN), "fallback"


class NoticeError(Exception):
    """The file has problems; each is `file:line: what`."""


def load_notice(path: Path) -> NoticeFile:
    source = parse(path.read_text(encoding="utf-8"), str(path))
    if source.error is not None:
        line, message = source.error
        raise NoticeError(f"{path}:{line}: not valid YAML: {message}")
    try:
        notice = NoticeFile.model_validate(source.value)
    except ValidationError as exc:
        raise NoticeError("\n".join(
            f"{path}:{source.line(error['loc'])}: "
            f"{'.'.join(str(p) for p in error['loc']) or 'notice'}: {error['msg']}"
            for error in exc.errors())) from None
    if notice.id != path.stem:
        raise NoticeError(f"{path}:{source.line(('id',))}: id '{notice.id}' must be the file "
                          f"name '{path.stem}'")
    return notice


def notice_path(content_dir: Path, notice_id: str) -> Path:
    return content_dir / "notices" / f"{notice_id}.yaml"


def expires_at(notice: NoticeFile, tz: dt.tzinfo) -> dt.datetime | None:
    if notice.expires is None:
        return None
    when = notice.expires
    return (when if when.tzinfo else when.replace(tzinfo=tz)).astimezone(dt.UTC)
