"""The question inside a long message.

People often tell their story first and ask at the end: "We came two years ago, my wife and
children are still in Kabul, ... How do I register my address?". Looked at as a whole, such a
message is about the family; the question is about the address. So a message of `LONG`
characters or more that has several sentences is looked at through its question: the last
sentence that asks (ends with "?" or "؟"), else its last sentence. If that finds a topic, it
is the answer (`FaqDesk.classify`); a question that is small talk by itself ("What should I
do now?", "Thanks in advance!") leaves the decision to the whole message. Measured by
`python -m benchmarks.faq_methods` on the content's questions with sentences of
`benchmarks/faq_stories.yaml` before and after them (adding the scores of the whole and the
question, or taking the last sentence that finds a topic, did no better).
"""

from __future__ import annotations

import re

LONG = 200
"""Characters from which a message is also looked at through its question."""
_BREAK = re.compile(r"(?<=[.!?؟…])\s+|\s*\n\s*")
_LETTER = re.compile(r"[^\W\d_]")


def sentences(text: str) -> list[str]:
    """The sentences of `text`: split after . ! ? ؟ … and at line breaks."""
    return [part.strip() for part in _BREAK.split(text) if _LETTER.search(part)]


def question_in(text: str) -> str | None:
    """The question of a long message of several sentences, None for any other message."""
    if len(text) < LONG:
        return None
    parts = sentences(text)
    if len(parts) < 2:
        return None
    asking = [part for part in parts if part.endswith(("?", "؟"))]
    return (asking or parts)[-1]
