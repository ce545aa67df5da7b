"""The real FAQ desk, loaded once: the bundled model and the committed vectors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.faq.desk import FaqDesk, shared_desk

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("de", "en", "ar", "fa", "uk", "ru", "tr")


@pytest.fixture(scope="session")
def desk() -> FaqDesk:
    return shared_desk(ROOT / "content", LANGS, ("de", "en"))
