"""The FAQ content: every fixed topic, in every language, with no invented contact data."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import yaml

from bot.faq.content import load_content
from bot.faq.desk import VECTORS_FILE, _corpus
from bot.faq.titles import TOPIC_IDS
from tests.faq.conftest import LANGS, ROOT

ALLOWED_NUMBERS = {"110", "112", "116117", "116016", "08001110111", "08001110222"}


def test_every_topic_has_its_file_and_every_language() -> None:
    contacts = set(yaml.safe_load((ROOT / "content" / "contacts.yaml").read_text()))
    content = load_content(ROOT / "content", LANGS, contacts)
    assert list(content.topics) == list(TOPIC_IDS) and len(TOPIC_IDS) == 37
    for topic in content.topics.values():
        assert set(topic.answer) >= set(LANGS) and topic.sources and topic.reviewed
        assert all(len(set(topic.questions[lang])) >= 6 for lang in LANGS)
    assert set(content.smalltalk) == {"greeting", "thanks", "goodbye", "offtopic"}


@pytest.mark.parametrize("topic", TOPIC_IDS)
def test_answers_hold_no_invented_phone_numbers(topic: str) -> None:
    data = yaml.safe_load((ROOT / "content" / "faq" / f"{topic}.yaml").read_text())
    for lang, answer in data["answer"].items():
        for number in re.findall(r"\+?\d[\d /-]{1,14}\d", answer):
            digits = re.sub(r"\D", "", number)
            # Phone-like: five digits or more, or a short service number (11x).
            # Counts such as "700 lessons" and years are not phone numbers.
            if len(digits) >= 5 or (len(digits) == 3 and digits.startswith("11")):
                assert digits in ALLOWED_NUMBERS, f"{topic} [{lang}]: {number!r}"


def test_the_committed_vectors_cover_the_content() -> None:
    """Else every fresh start embeds what is missing first (about 20 ms a text):
    run `welcomebot faq index` and commit content/faq-vectors.npz."""
    content = load_content(ROOT / "content", LANGS)
    texts, _, answers, _ = _corpus(content)
    with np.load(ROOT / "content" / VECTORS_FILE) as stored:
        assert len(stored["keys"]) >= len(set(texts)) + len(set(answers))


def test_a_broken_topic_file_is_reported_with_its_file(tmp_path: Path) -> None:
    from bot.faq.content import ContentError

    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "housing.yaml").write_text("id: housing\nanswer: {de: x}\n")
    with pytest.raises(ContentError) as caught:
        load_content(tmp_path, LANGS)
    assert f"{tmp_path / 'faq' / 'housing.yaml'}:1: 'reviewed' is missing; add it" in str(
        caught.value)
    assert f"{tmp_path / 'faq' / 'german-courses.yaml'}:1: missing" in str(caught.value)
