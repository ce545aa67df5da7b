"""Reading a text file people edit (a flow, a content file, a CSV export, `.env`).

`read_text(path)` reads UTF-8, with or without a byte order mark, and UTF-16 when a byte order
mark says so (what Excel's "Unicode text" and some Windows editors write); anything else is
`NotText`, whose message names the file, the line of the first byte that is not UTF-8, what
the file looks like instead and how to save it. Nothing is guessed: a file is read only when
its encoding is certain.
"""

from __future__ import annotations

import codecs
from pathlib import Path

_MARKS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
          (codecs.BOM_UTF16_BE, "utf-16"))
FIX = "save it as UTF-8"
_EXCEL = ' (in Excel: Save As "CSV UTF-8")'


class NotText(ValueError):
    """The file is not text in an encoding we can be sure of; the message says which file,
    where, and how to save it."""

    def __init__(self, file: str, line: int, what: str) -> None:
        super().__init__(f"{file}:{line}: {what}")
        self.file = file
        self.line = line
        self.what = what
        """What is wrong and how to fix it, without the place."""


def encoding_of(data: bytes) -> str:
    """The codec for `data`: from its byte order mark, else UTF-8."""
    return next((codec for mark, codec in _MARKS if data.startswith(mark)), "utf-8")


def decode(data: bytes, file: str) -> str:
    """`data` as text (see the module docstring); NotText names `file` otherwise."""
    codec = encoding_of(data)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        if codec == "utf-16":
            raise NotText(file, 1, "starts with a UTF-16 byte order mark but is not UTF-16 "
                          f"text; {_fix(file)}") from None
        looks = _looks_like(data, exc.start)
        line = 1 if data.count(0) else data[:exc.start].count(b"\n") + 1
        raise NotText(file, line, f"not UTF-8 text ({looks}); {_fix(file)}") from None
    if "\x00" in text:
        raise NotText(file, 1, f"not UTF-8 text ({_looks_like(data, 0)}); {_fix(file)}")
    return text


def _fix(file: str) -> str:
    return FIX + (_EXCEL if file.lower().endswith((".csv", ".tsv", ".txt")) else "")


def read_text(path: Path | str) -> str:
    """The text of the file at `path`; NotText when it is not text we can read for sure.
    OSError (a missing file, no permission) comes through unchanged."""
    return decode(Path(path).read_bytes(), str(path))


def _looks_like(data: bytes, start: int) -> str:
    head = data[:4096]
    if head.count(0):
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if max(even, odd) > len(head) // 4 and min(even, odd) <= max(even, odd) // 8:
            return "it looks like UTF-16 without a byte order mark"
        return "it looks like a binary file, not text"
    return f"byte 0x{data[start]:02X} is not UTF-8: it looks like Windows-1252 or Latin-1"
