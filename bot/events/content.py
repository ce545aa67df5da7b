"""Reading event series from a YAML file, with every problem's file and line."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from bot.engine.textfile import NotText, read_text
from bot.engine.yamlsource import parse
from bot.events.series import Series


class EventsFileError(Exception):
    """The file has problems; the message lists each as `file:line: what is wrong`."""


def load_series(path: Path) -> list[Series]:
    """Every series of `path` (a list of mappings), or EventsFileError naming them all."""
    try:
        source = parse(read_text(path), str(path))
    except NotText as exc:
        raise EventsFileError(str(exc)) from None
    if source.error is not None:
        line, message = source.error
        raise EventsFileError(f"{path}:{line}: not valid YAML: {message}")
    items = source.value or []
    if not isinstance(items, list):
        raise EventsFileError(f"{path}:1: expected a list of events (each starting with '- id:')")
    problems = [f"{path}:{line}: '{loc[-1]}' is given twice; keep one"
                for loc, line in source.duplicates]
    found: list[Series] = []
    seen: dict[str, int] = {}
    for n, item in enumerate(items):
        try:
            series = Series.model_validate(item)
        except ValidationError as exc:
            problems += source.explain(exc, (n,))
            continue
        if series.id in seen:
            problems.append(f"{path}:{source.line((n, 'id'))}: id '{series.id}' is used "
                            f"already on line {seen[series.id]}; ids must be unique")
        seen[series.id] = source.line((n, "id"))
        found.append(series)
    if problems:
        raise EventsFileError("\n".join(problems))
    return found
