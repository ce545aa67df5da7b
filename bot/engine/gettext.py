"""A Babel extractor for flow files, so `pybabel extract` collects flow texts beside the
Python strings (babel.cfg: `[bot.engine.gettext.extract: flows/**.yaml]`).

Each text comes with its line and a translator comment naming the flow and step; YAML the
checks would reject still yields what it can, so translators are never blocked by a typo.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from typing import Any, BinaryIO

from bot.engine.steps import STEPS
from bot.engine.yamlsource import Source, parse

Extracted = tuple[int, str, str, list[str]]

_PLACEHOLDERS = re.compile(r"\{[a-z_]+\}")


def extract(fileobj: BinaryIO, keywords: Mapping[str, Any], comment_tags: Collection[str],
            options: Mapping[str, Any]) -> Iterator[Extracted]:
    source = parse(fileobj.read().decode("utf-8"), getattr(fileobj, "name", "<flow>"))
    data = source.value
    if source.error is not None or not isinstance(data, dict):
        return
    flow = data.get("flow", "?")
    menu = data.get("menu")
    if isinstance(menu, dict):
        yield from _text(source, ("menu", "label"), f"flow {flow}: menu entry")
    for i, command in enumerate(data.get("commands") or []):
        if isinstance(command, dict):
            name = command.get("name", "?")
            yield from _text(source, ("commands", i, "description"),
                             f"flow {flow}: description of the command /{name} (short)")
    for i, step in enumerate(data.get("steps") or []):
        if not isinstance(step, dict):
            continue
        where = f"flow {flow}, step {step.get('id', i + 1)}"
        for key in ("say", "ask"):
            if key in STEPS and key in step:
                yield from _text(source, ("steps", i, key), where)
        choices = step.get("choices")
        if isinstance(choices, list):
            for j in range(len(choices)):
                yield from _text(source, ("steps", i, "choices", j, "label"),
                                 f"{where}: button (keep it short)")


def _text(source: Source, loc: tuple[str | int, ...], comment: str) -> Iterator[Extracted]:
    value: Any = source.value
    for key in loc:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return
    # "{answer}" alone has nothing to translate: content arrives already in its language.
    if isinstance(value, str) and _PLACEHOLDERS.sub("", value).strip():
        yield source.line(loc), "_", value, [comment]
