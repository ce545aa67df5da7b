"""Babel extractors: flow files, so `pybabel extract` collects flow texts beside the Python
strings (babel.cfg: `[bot.engine.gettext.extract: flows/**.yaml]`), and Python with gendered
messages (`[bot.engine.gettext.extract_python: bot/**.py]`).

Each text comes with its line and a translator comment naming the flow and step; YAML the
checks would reject still yields what it can, so translators are never blocked by a typo.
A text about a person (a step with `gender:`, a Python `NG_(...)`) comes three times: without
a context (neutral wording, for when the gender is not known) and with the msgctxt "female"
and "male"; a button with `context:` comes with that msgctxt.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from typing import Any, BinaryIO

from babel.messages.extract import extract_python as _babel_python

from bot.engine.model import GENDERS
from bot.engine.steps import STEPS
from bot.engine.yamlsource import Source, parse

Extracted = tuple[int, str, str | tuple[str, str], list[str]]

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
    yield from _text(source, ("consent_reason",),
                     f"flow {flow}: why it needs consent, said before the consent question")
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
                if step.get("gender"):
                    for gender in GENDERS:
                        yield from _text(source, ("steps", i, key),
                                         f"{where}: said about a {_PERSON[gender]}", gender)
        choices = step.get("choices")
        if isinstance(choices, list):
            for j, choice in enumerate(choices):
                context = choice.get("context") if isinstance(choice, dict) else None
                yield from _text(source, ("steps", i, "choices", j, "label"),
                                 f"{where}: button (keep it short)",
                                 context if isinstance(context, str) else None)


def extract_python(fileobj: BinaryIO, keywords: Mapping[str, Any],
                   comment_tags: Collection[str], options: Mapping[str, Any]
                   ) -> Iterator[Extracted]:
    """Babel's Python extractor, with `NG_("...")` yielding its gendered variants too."""
    python: Any = _babel_python  # typed for a keyword mapping; Babel passes the names
    found: Iterator[Extracted] = python(fileobj, [*keywords, "NG_"], comment_tags, options)
    for lineno, funcname, messages, comments in found:
        if funcname != "NG_":
            yield lineno, funcname, messages, comments
            continue
        msgid = messages[0] if isinstance(messages, tuple | list) else messages
        if not isinstance(msgid, str):
            continue
        yield lineno, "N_", msgid, comments
        for gender in GENDERS:
            yield lineno, "pgettext", (gender, msgid), [*comments, f"said about a "
                                                         f"{_PERSON[gender]}"]


_PERSON = {"female": "woman", "male": "man"}


def _text(source: Source, loc: tuple[str | int, ...], comment: str,
          context: str | None = None) -> Iterator[Extracted]:
    value: Any = source.value
    for key in loc:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return
    # "{answer}" alone has nothing to translate: content arrives already in its language.
    if isinstance(value, str) and _PLACEHOLDERS.sub("", value).strip():
        if context is None:
            yield source.line(loc), "_", value, [comment]
        else:
            yield source.line(loc), "pgettext", (context, value), [comment]
