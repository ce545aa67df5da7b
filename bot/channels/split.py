"""Long texts cut to a platform's limit, at the most natural place that fits.

Both platforms count a message's length in UTF-16 code units (`utf16_len`: an emoji outside
the Basic Multilingual Plane counts two); each channel passes its own limit. The contract of
`split(text, limit, length)`:

- every piece has `length(piece) <= limit`;
- a piece ends at the last paragraph break that fits, else the last line break, else the
  last sentence end (. ! ? ؟ 。), else the last space; the break itself is dropped, and so
  is the whitespace at the end of a piece;
- only a run without any of these (a word longer than the limit) is cut between two
  characters (code points), never inside one;
- a text within the limit is one piece, unchanged (the empty text too); after a cut, the
  last piece loses its trailing whitespace, and a tail of whitespace only is dropped.

`length` must never shrink as a text grows, and count every character (as `utf16_len` and
`len` do).
"""

from __future__ import annotations

import re
from collections.abc import Callable

Length = Callable[[str], int]
"""How a platform counts a text's length."""

BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"(?<=[.!?؟。])\s+"),
          re.compile(r"\s+"))
"""Where a text may be cut, best first: a paragraph, a line, a sentence, a space."""


def utf16_len(text: str) -> int:
    """UTF-16 code units: how Telegram and WhatsApp count characters."""
    return len(text.encode("utf-16-le")) // 2


def split(text: str, limit: int, length: Length = utf16_len) -> list[str]:
    """Pieces of at most `limit` (by `length`), cut as the module says."""
    pieces: list[str] = []
    rest = text
    while length(rest) > limit:
        head = prefix_within(rest, limit, length)
        cut = None
        for pattern in BREAKS:
            found = [m for m in pattern.finditer(head) if m.start() > 0]
            if found:
                cut = found[-1]
                break
        if cut is None:
            pieces.append(head)
            rest = rest[len(head):]
        else:
            pieces.append(head[:cut.start()].rstrip())
            rest = rest[cut.end():]
    if rest.strip() or not pieces:
        pieces.append(rest.rstrip() if pieces else rest)
    return pieces


def prefix_within(text: str, limit: int, length: Length = utf16_len) -> str:
    """The longest prefix of whole characters within `limit` (by `length`)."""
    if length(text) <= limit:
        return text
    fits, over = 0, len(text)  # length(text[:fits]) <= limit < length(text[:over])
    while over - fits > 1:
        middle = (fits + over) // 2
        if length(text[:middle]) <= limit:
            fits = middle
        else:
            over = middle
    return text[:fits]
