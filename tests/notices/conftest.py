"""Shared by the notice tests: tiny translation models, built and installed once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.notices import translation
from tests.notices import tiny_argos

PAIRS = [("de", "en"), ("en", "ar"), ("en", "fa")]
"""Installed: German to English directly; Arabic and Persian through English; no model
reaches Ukrainian, Russian or Turkish."""


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """TRANSLATION_MODELS_DIR with the tiny packages installed by argostranslate itself
    (which `make translate` installs; `make test` does)."""
    pytest.importorskip("argostranslate", reason="`make translate` installs it (make test does)")
    root = tmp_path_factory.mktemp("argos")
    built = tiny_argos.build(root / "built", PAIRS)
    models = root / "models"
    translation.configure(models)
    translation._argos()
    from argostranslate import package

    for path in built:
        package.install_from_path(path)
    translation._models_dir = None  # others read TRANSLATION_MODELS_DIR as if never set
    yield models


@pytest.fixture
def models(models_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    translation.configure(models_dir)
    monkeypatch.setenv("TRANSLATION_MODELS_DIR", str(models_dir))
    yield models_dir
    translation._models_dir = None  # the next user reads its settings again
