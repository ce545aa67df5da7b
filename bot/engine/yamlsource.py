"""YAML with line numbers: every mapping, list and value knows the line it came from.

PyYAML's composer keeps each node's position; we build plain Python values from the nodes
and keep a map from each value's path (`("steps", 2, "next")`) to its 1-based line, which the
checks use to point at the exact line. Duplicate keys, which PyYAML silently overwrites, are
reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

Loc = tuple[str | int, ...]


@dataclass
class Source:
    file: str
    value: Any = None
    lines: dict[Loc, int] = field(default_factory=dict)
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
            result[key] = _build(value_node, (*loc, key), source, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*loc, i), source, loader) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)
