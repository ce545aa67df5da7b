"""Telegram's limits: 4,096 UTF-16 units a message, 64 bytes of callback data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import checked_flows, lexicon_for
from bot.channels.render import Rendered, RenderedButton, render
from bot.channels.telegram.render import (
    callback_data,
    merge,
    parse_callback_data,
    pieces,
    split,
    utf16_len,
)
from bot.engine.model import Reply, Text
from bot.engine.steps.ask import Ask, buttons
from bot.i18n import Catalogs

ROOT = Path(__file__).resolve().parents[3]


def test_long_texts_split_at_paragraphs_then_sentences_within_the_limit() -> None:
    paragraph = "Das ist ein Satz über Deutschkurse. " * 40  # ~1,440 characters
    text = "\n\n".join([paragraph.strip()] * 7)
    parts = split(text)
    assert all(utf16_len(p) <= 4096 for p in parts) and len(parts) == 4  # 2+2+2+1 paragraphs
    assert all(p.endswith("Deutschkurse.") for p in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())  # nothing lost


def test_the_limit_counts_utf16_units_so_emoji_count_twice() -> None:
    text = "🙂" * 3000  # 6,000 UTF-16 units, no spaces at all
    parts = split(text)
    assert [utf16_len(p) for p in parts] == [4096, 6000 - 4096]
    assert "".join(parts) == text


def test_a_sentence_boundary_is_preferred_to_a_word_boundary() -> None:
    text = ("آ" * 50 + ". ") * 100  # Arabic-script sentences, no newlines
    assert all(p.endswith(".") for p in split(text, limit=500))


def test_html_in_content_and_user_text_is_escaped() -> None:
    [(text, _)] = pieces(Rendered("Command /<b>x</b> & more"))
    assert text == "Command /&lt;b&gt;x&lt;/b&gt; &amp; more"


@pytest.mark.parametrize("lang", ["de", "en", "ar", "fa", "uk", "ru", "tr"])
def test_every_button_of_every_flow_fits_callback_data_in_every_language(lang: str) -> None:
    flows, _ = checked_flows(ROOT / "flows")
    catalogs = Catalogs(ROOT / "translations", ("de", "en", "ar", "fa", "uk", "ru", "tr"))
    from bot.engine.cursor import Cursor
    from bot.engine.model import ConversationState, PersonFacts, TurnData

    data = TurnData(PersonFacts(role="admin"), lexicon_for(flows, catalogs))
    cur = Cursor(flows, ConversationState(lang=lang), None, data)  # type: ignore[arg-type]
    count = 0
    for flow in flows.flows.values():
        for step in flow.steps:
            if isinstance(step, Ask):
                asked = render(Reply(Text("?"), buttons(step, cur), prompt=2**31), lang,
                               catalogs)
                for piece in pieces(asked):
                    if piece[1] is not None:
                        for row in piece[1].inline_keyboard:
                            for button in row:
                                assert len(button.callback_data.encode()) <= 64
                                count += 1
    assert count > 20


def test_callback_data_round_trips_and_foreign_data_is_harmless() -> None:
    assert parse_callback_data(callback_data(17, "flow:privacy")) == (17, "flow:privacy")
    assert parse_callback_data("garbage") == (None, "garbage")
    assert parse_callback_data(None) == (None, "")
    with pytest.raises(ValueError):
        callback_data(1, "x" * 70)


def test_short_labels_share_a_row_long_ones_get_their_own() -> None:
    short = Rendered("?", (RenderedButton("Ja", "yes"), RenderedButton("Nein", "no")), 1)
    long = Rendered("?", (RenderedButton("Yes, delete everything", "yes"),
                          RenderedButton("No", "no")), 1)
    assert [len(r) for r in pieces(short)[0][1].inline_keyboard] == [2]  # type: ignore[union-attr]
    assert [len(r) for r in pieces(long)[0][1].inline_keyboard] == [1, 1]  # type: ignore[union-attr]


def test_a_turns_replies_become_one_message_with_the_questions_buttons() -> None:
    note, question = Rendered("Please tap a button."), Rendered(
        "Tea or coffee?", (RenderedButton("Tea", "tea"),), 4)
    assert merge([note, question]) == [Rendered("Please tap a button.\n\nTea or coffee?",
                                                question.buttons, 4)]
    long = Rendered("x" * 4090)
    assert merge([long, question]) == [long, question]  # would not fit in one
