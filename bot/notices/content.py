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

Reading is `load_notice`; writing, each keeping the file whole for a reader at any moment
where it replaces it:
    write_texts(path, notice, langs)      some languages' texts, the rest of the file kept
    mark_reviewed(path, langs, stamp)     `based_on` stamped, `machine` dropped
Notices staff write in the chat have the same shape but live in the database
(`bot.notices.drafts`); `reviewed` stamps one of those.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.engine.textfile import NotText, read_text
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
    reviewed_by: str | None = None
    """Who reviewed it last ("telegram:12345"), where the console's review page did it."""
    reviewed_at: dt.datetime | None = None


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
    try:
        source = parse(read_text(path), str(path))
    except NotText as exc:
        raise NoticeError(str(exc)) from None
    if source.error is not None:
        line, message = source.error
        raise NoticeError(f"{path}:{line}: not valid YAML: {message}")
    problems = [f"{path}:{line}: '{loc[-1]}' is given twice; keep one"
                for loc, line in source.duplicates]
    try:
        notice = NoticeFile.model_validate(source.value)
    except ValidationError as exc:
        raise NoticeError("\n".join(problems + source.explain(exc))) from None
    if notice.id != path.stem:
        problems.append(f"{path}:{source.line(('id',))}: id '{notice.id}' must be the file "
                        f"name '{path.stem}'")
    if problems:
        raise NoticeError("\n".join(problems))
    return notice


def notice_path(content_dir: Path, notice_id: str) -> Path:
    return content_dir / "notices" / f"{notice_id}.yaml"


def expires_at(notice: NoticeFile, tz: dt.tzinfo) -> dt.datetime | None:
    if notice.expires is None:
        return None
    when = notice.expires
    return (when if when.tzinfo else when.replace(tzinfo=tz)).astimezone(dt.UTC)


class NoText(NoticeError):
    """The notice file has no text in `lang`."""

    def __init__(self, lang: str) -> None:
        super().__init__(f"the notice has no text in {lang}")
        self.lang = lang


class TextDumper(yaml.SafeDumper):
    """Dumps texts of several lines as `|` blocks, as people write them."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value,
                                   style="|" if "\n" in value else None)


TextDumper.add_representer(str, _represent_text)


def _header(original: str) -> str:
    """The file's comment lines, which a file written anew keeps at its top."""
    return "".join(line for line in original.splitlines(True) if line.startswith("#"))


def write_texts(path: Path, notice: NoticeFile, langs: Sequence[str]) -> None:
    """Put the texts `notice` has in `langs` into the file at `path`, keeping the rest of it
    as it is (comments, quoting, order; see `edited_texts`). Where the edited file would not
    read back as `notice`, or the file is laid out in a way this cannot follow, it is written
    anew from its own data with those texts replaced, keeping its comment lines at the top.
    Written beside it, then moved: a reader never sees half a file."""
    original = path.read_text(encoding="utf-8")
    updated = edited_texts(original, notice, langs)
    try:
        ok = updated is not None and NoticeFile.model_validate(
            yaml.safe_load(updated)).model_dump() == notice.model_dump()
    except (yaml.YAMLError, ValueError):
        ok = False
    if updated is None or not ok:
        data = yaml.safe_load(original)
        for code in langs:
            data["texts"][code] = text_data(notice.texts[code])
        updated = _header(original) + yaml.dump(data, Dumper=TextDumper, allow_unicode=True,
                                                sort_keys=False, width=100)
    partial = path.with_suffix(".yaml.part")
    partial.write_text(updated, encoding="utf-8")
    partial.replace(path)


def edited_texts(original: str, notice: NoticeFile, langs: Sequence[str]) -> str | None:
    """`original` (a notice file's text) with the entries of `langs` under `texts:` replaced
    by those of `notice`, each from its key's line to its last more indented line, or added
    after the last entry; every other line is kept as it is. None if `original` is not
    YAML or its `texts` is not a non-empty block mapping."""
    try:
        root = yaml.compose(original, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    texts = next((value for key, value in getattr(root, "value", [])
                  if getattr(key, "value", None) == "texts"), None)
    if not isinstance(texts, yaml.MappingNode) or texts.flow_style or not texts.value:
        return None
    lines = original.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    indent = texts.value[0][0].start_mark.column
    first = texts.value[0][1]
    step = (first.value[0][0].start_mark.column - indent
            if isinstance(first, yaml.MappingNode) and not first.flow_style else 2)

    def end(start: int) -> int:
        stop = start + 1
        while stop < len(lines) and (not lines[stop].strip() or
                                     len(lines[stop]) - len(lines[stop].lstrip(" ")) > indent):
            stop += 1
        while stop > start + 1 and not lines[stop - 1].strip():
            stop -= 1
        return stop

    keys = {key.value: key.start_mark.line for key, _ in texts.value}
    edits: list[tuple[int, int, str]] = []
    added = ""
    for code in langs:
        block = text_entry(code, notice.texts[code], indent, step)
        if code in keys:
            edits.append((keys[code], end(keys[code]), block))
        else:
            added += block
    if added:
        at = end(texts.value[-1][0].start_mark.line)
        edits.append((at, at, added))
    for start, stop, block in sorted(edits, reverse=True):
        lines[start:stop] = [block]
    return "".join(lines)


def text_data(text: Text) -> dict[str, Any]:
    """A text as the file holds it: title, text, and video, machine and based_on where set
    (`machine: false` is written too)."""
    return text.model_dump(include={"title", "text", "video", "machine", "based_on"},
                           exclude_none=True, exclude_defaults=False)


def text_entry(code: str, text: Text, indent: int, step: int) -> str:
    """The lines of `code: {...}` under `texts:` as a block: the key `indent` spaces in, its
    fields `step` further, texts of several lines as `|` blocks; ends with a newline."""
    dumped = yaml.dump({code: text_data(text)}, Dumper=TextDumper, allow_unicode=True,
                       sort_keys=False, width=100, indent=step)
    return "".join(" " * indent + line if line.strip() else line
                   for line in dumped.splitlines(True))


def reviewed(notice: NoticeFile, langs: Sequence[str], stamp: str, *, who: str | None = None,
             at: dt.datetime | None = None) -> NoticeFile:
    """`notice` with the texts of `langs` stamped as checked by a person against the source
    whose fingerprint is `stamp` (`based_on: stamp`, no longer a machine draft), and by
    `who` at `at` where given. Raises `NoText` for the first of `langs` it has no text in."""
    texts = dict(notice.texts)
    for code in langs:
        if code not in texts:
            raise NoText(code)
        texts[code] = texts[code].model_copy(update={"based_on": stamp, "machine": False,
                                                     "reviewed_by": who, "reviewed_at": at})
    return notice.model_copy(update={"texts": texts})


def mark_reviewed(path: Path, langs: Sequence[str], stamp: str) -> None:
    """Stamp the texts of `langs` in the file at `path` as checked by a person against the
    source whose fingerprint is `stamp` (`based_on: stamp`, `machine` removed). The file is
    written anew from its data, keeping its comment lines at the top. Raises `NoText` for the
    first of `langs` the file has no text in, before anything is written."""
    original = path.read_text(encoding="utf-8")
    data = yaml.safe_load(original)
    for code in langs:
        if code not in data["texts"]:
            raise NoText(code)
        data["texts"][code]["based_on"] = stamp
        data["texts"][code].pop("machine", None)
    path.write_text(_header(original) + yaml.safe_dump(data, allow_unicode=True,
                                                       sort_keys=False, width=100),
                    encoding="utf-8")
