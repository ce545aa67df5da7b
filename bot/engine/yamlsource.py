"""YAML with line numbers: every mapping, list and value knows the line it came from.

PyYAML's composer keeps each node's position; we build plain Python values from the nodes
and keep a map from each value's path (`("steps", 2, "next")`) to its 1-based line, which the
checks use to point at the exact line. Duplicate keys, which PyYAML silently overwrites, are
reported. `Source.explain(exc)` words a pydantic error about the parsed value as
`file:line: where: what to fix`, the way every content loader reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.engine.textfile import NotText, read_text

Loc = tuple[str | int, ...]


@dataclass
class Source:
    file: str
    value: Any = None
    lines: dict[Loc, int] = field(default_factory=dict)
    keys: dict[Loc, int] = field(default_factory=dict)
    """The line of each mapping key (a nested value starts on a later line)."""
    duplicates: list[tuple[Loc, int]] = field(default_factory=list)
    error: tuple[int, str] | None = None
    """(line, message) when the text is not valid YAML."""

    def line(self, loc: Iterable[str | int]) -> int:
        """The line of `loc`, or of its nearest ancestor that has one."""
        path = tuple(loc)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def key_line(self, loc: Iterable[str | int]) -> int:
        """The line of the key that names `loc`, or else `line(loc)`."""
        path = tuple(loc)
        return self.keys.get(path) or self.line(path)

    def explain(self, exc: ValidationError, prefix: Loc = ()) -> list[str]:
        """Each error of `exc` (raised validating the value at `prefix`) as `file:line: what is
        wrong`, worded for the person who edits the file; the keys that lead there from the
        list entry it is in name the place (list positions are left to the line number)."""
        inside = [part for part in prefix if isinstance(part, str)]
        if any(isinstance(part, int) for part in prefix):
            last = max(n for n, part in enumerate(prefix) if isinstance(part, int))
            inside = [part for part in prefix[last + 1:] if isinstance(part, str)]
        found = []
        for error in exc.errors():
            loc = (*prefix, *error["loc"])
            keys = [*inside, *(str(part) for part in error["loc"] if isinstance(part, str))]
            where = ".".join(keys)
            kind, given = error["type"], error.get("input")
            message = str(error["msg"]).removeprefix("Value error, ")
            if kind == "missing":
                what = f"'{where}' is missing; add it"
            elif kind == "extra_forbidden":
                what = f"unknown key '{loc[-1]}'; check its spelling, or remove it"
            elif not where:  # about the entry (or the file) as a whole
                what = message + _found(kind, given)
            else:
                what = f"'{where}': {message}" + _found(kind, given)
            line = self.key_line(loc) if kind == "extra_forbidden" else self.line(loc)
            found.append(f"{self.file}:{line}: {what}")
        return found


def _found(kind: str, given: object) -> str:
    if kind == "value_error":
        return ""
    if given is None:
        return " (it is empty)"
    if isinstance(given, dict | list):
        return f" (it is a {'mapping' if isinstance(given, dict) else 'list'})"
    shown = repr(given)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    if kind == "string_type" and isinstance(given, bool | int | float):
        return f" (YAML read {shown}: put the text in quotes)"
    return f" (it is {shown})"


def parse(text: str, file: str) -> Source:
    source = Source(file)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            source.value = _build(node, (), source, loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        source.error = (line, f"{exc.problem or exc.context}".strip())
    finally:
        loader.dispose()
    return source


def _build(node: yaml.Node, loc: Loc, source: Source, loader: yaml.SafeLoader) -> Any:
    source.lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in result:
                source.duplicates.append(((*loc, key), key_node.start_mark.line + 1))
            source.keys[(*loc, key)] = key_node.start_mark.line + 1
            result[key] = _build(value_node, (*loc, key), source, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*loc, i), source, loader) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


class YamlFileError(ValueError):
    """A file that cannot be read as YAML at all; the message names the file and line."""


def parse_file(path: Path) -> tuple[Source, list[str]]:
    """`path` read (UTF-8, or a byte order mark's encoding) and parsed with its lines, and
    each key given twice as a `file:line: ...` problem. Raises YamlFileError for a file that
    is no text or no YAML, so every content loader words these the same way."""
    try:
        source = parse(read_text(path), str(path))
    except NotText as exc:
        raise YamlFileError(str(exc)) from None
    if source.error is not None:
        raise YamlFileError(f"{path}:{source.error[0]}: not valid YAML: {source.error[1]}")
    return source, [f"{path}:{line}: '{loc[-1]}' is given twice; keep one"
                    for loc, line in source.duplicates]
