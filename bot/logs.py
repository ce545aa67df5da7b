"""How log lines look (`LOG_FORMAT`): `text`, one readable line each, or `json`, one JSON
object per line for a log collector:

    {"time": "2026-12-07T03:10:00.679Z", "level": "INFO", "logger": "bot.runtime",
     "message": "turn who=telegram:40 kind=text flow=menu step=start", "event": "turn",
     "who": "telegram:40", "kind": "text", "flow": "menu", "step": "start"}

Our log messages are an event name and key=value pairs (`turn who=... kind=...`); the JSON
line carries them as fields too (`event`, `who`...), besides the whole `message`; a field
never replaces time, level, logger or message. A traceback comes as `exception`, in the same
line. Nothing is added that the text line does not hold: logs carry ids and event names,
never what people wrote.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"

_PAIR = re.compile(r"(?<!\S)([A-Za-z_][\w.]*)=(\S*)")
_EVENT = re.compile(r"[a-z][a-z0-9_]*")
RESERVED = frozenset({"time", "level", "logger", "message", "event", "exception"})


def fields(message: str) -> dict[str, str]:
    """`event` (the first word, when it is a name like `turn`) and the key=value pairs."""
    found: dict[str, str] = {}
    first = message.split(" ", 1)[0]
    if _EVENT.fullmatch(first):
        found["event"] = first
    for key, value in _PAIR.findall(message):
        if key not in RESERVED:
            found.setdefault(key, value)
    return found


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": message,
            **fields(message),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def formatter(kind: str) -> logging.Formatter:
    """The formatter of `LOG_FORMAT` (`text` or `json`)."""
    return JsonFormatter() if kind == "json" else logging.Formatter(TEXT_FORMAT)
