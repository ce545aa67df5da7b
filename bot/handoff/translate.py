"""Two-way translation of a case's messages, offline, with argostranslate (`make translate`):
a newcomer's message into German for staff, staff's German or English into the person's
language. It goes the way notice drafts go (`bot.notices.translation`: the installed models,
directly or through English); where no model reaches a language, the message stays as it
was written, and both sides are told.

Blocking and CPU-heavy with real models: from async code, `await translated(...)`, which runs
it in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

STAFF_LANGUAGE = "de"
"""What staff read: the German translation beside every message."""
STAFF_WRITES = ("de", "en")


@dataclass(frozen=True)
class Translated:
    text: str | None
    """The translation; None when no model reaches the language (or the same language)."""
    machine: bool


SAME = Translated(None, False)


def translate(text: str, source: str, target: str, models_dir: Path) -> Translated:
    """`text` from `source` into `target` by an installed model; `Translated(None, False)`
    for the same language, without argostranslate, or without a model for the pair."""
    from bot.notices import translation
    from bot.notices.content import NoticeFile, Text

    if source == target or not text.strip() or not can_translate(source, target, models_dir):
        return SAME
    notice = NoticeFile(id="handoff-message", topic="general", source=source,
                        texts={source: Text(title="-", text=text)})
    try:
        drafted = translation.draft(notice, [target])
    except translation.TranslationError:
        log.exception("handoff_translation_failed source=%s target=%s", source, target)
        return SAME
    if target not in drafted.drafted:
        return SAME
    return Translated(drafted.notice.texts[target].text.strip(), True)


def can_translate(source: str, target: str, models_dir: Path) -> bool:
    """Whether a model reaches `target` from `source` here (without translating)."""
    from bot.notices import translation

    if source == target:
        return True
    packages = models_dir.expanduser() / "packages"
    if not packages.is_dir() or not any(packages.iterdir()):
        return False  # the usual case without `make translate`: argostranslate not loaded
    translation.configure(models_dir)
    if translation.unavailable() is not None:
        return False
    return not translation.missing_pairs(source, [target])


async def translated(text: str, source: str, target: str, models_dir: Path) -> Translated:
    return await asyncio.to_thread(translate, text, source, target, models_dir)
