"""WhatsApp's limits: 3 reply buttons of 20 characters, lists of 10 rows (titles 24,
descriptions 72), bodies of 1,024 and texts of 4,096 characters; labels shortened at a
word boundary in every language, never cut inside a word."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.app import checked_flows, lexicon_for
from bot.channels.render import Rendered, RenderedButton, render
from bot.channels.whatsapp.render import (
    ELLIPSIS,
    Choice,
    Labels,
    More,
    length,
    merge,
    messages,
    parse_id,
    shorten,
    split,
)
from bot.engine.cursor import Cursor
from bot.engine.model import ConversationState, PersonFacts, Reply, Text, TurnData
from bot.engine.steps.ask import Ask, buttons
from bot.i18n import FSI, PDI, Catalogs
from tests.channels.whatsapp.fake_cloud import problem

ROOT = Path(__file__).resolve().parents[3]
LANGS = ("de", "en", "ar", "fa", "uk", "ru", "tr")
LABELS = Labels(choose="Choose", more="More choices")


def visible(text: str) -> str:
    return text.replace(FSI, "").replace(PDI, "")


def check_words_whole(row: dict[str, str]) -> None:
    """A shortened title is whole words of the label, then "…"."""
    title = row["title"]
    if "description" not in row:
        return
    label = visible(row["description"])
    if title.endswith(ELLIPSIS):
        head = visible(title[:-1])
        assert label.startswith(head) and head.strip()
        following = label[len(head):len(head) + 1]
        assert following in ("", " ", ",", ":", "،", "؛"), (title, label)
    else:
        assert title.rstrip(".").isdigit()  # no whole word fitted: the choice's number


@pytest.mark.parametrize("lang", LANGS)
def test_every_question_of_every_flow_fits_whatsapp_in_every_language(lang: str) -> None:
    flows, _ = checked_flows(ROOT / "flows")
    catalogs = Catalogs(ROOT / "translations", LANGS)
    data = TurnData(PersonFacts(role="admin"), lexicon_for(flows, catalogs))
    cur = Cursor(flows, ConversationState(lang=lang), None, data)  # type: ignore[arg-type]
    questions = 0
    for flow in flows.flows.values():
        for step in flow.steps:
            if not isinstance(step, Ask) or not buttons(step, cur):
                continue
            asked = render(Reply(Text(step.ask), buttons(step, cur), prompt=2**31), lang,
                           catalogs)
            sent = messages(asked, LABELS)
            assert [problem({"messaging_product": "whatsapp", **m}, set()) for m in sent] == [
                None] * len(sent)
            interactive = sent[-1]["interactive"]
            if interactive["type"] == "list":
                for section in interactive["action"]["sections"]:
                    for row in section["rows"]:
                        check_words_whole(row)
            questions += 1
    assert questions > 20


@pytest.mark.parametrize(("label", "limit", "short"), [
    ("🙋 Mit einer Person sprechen", 24, "🙋 Mit einer Person…"),
    ("Yes, delete everything", 20, "Yes, delete…"),  # no comma before the "…"
    ("📅 الفعاليات ومقاهي اللغة", 24, "📅 الفعاليات ومقاهي…"),
    ("لا، احتفظ ببياناتي وأرسل لي التذكير", 20, "لا، احتفظ ببياناتي…"),
    ("می‌خواهم با یک نفر صحبت کنم لطفاً", 20, "می‌خواهم با یک نفر…"),  # the ZWNJ stays
    ("Ні, звільнити місце", 20, "Ні, звільнити місце"),  # fits as it is
    ("Anerkennungsberatungsstellenverzeichnis", 24, None),  # one word: never cut
    ("🙋 Anerkennungsberatungsstellen", 24, None),  # only the emoji fits: not a label
])
def test_labels_are_shortened_at_word_boundaries(label: str, limit: int, short: str | None
                                                  ) -> None:
    found = shorten(label, limit)
    assert found == short
    assert found is None or length(found) <= limit


def test_an_isolate_opened_in_the_shortened_part_is_closed_again() -> None:
    label = f"📢 {FSI}Write a notice to everyone{PDI}"
    found = shorten(label, 16)
    assert found == f"📢 {FSI}Write a{PDI}…"
    assert found.count(FSI) == found.count(PDI)


def test_a_long_label_goes_to_a_list_with_the_whole_label_as_description() -> None:
    question = Rendered("Keine Antwort gefunden.", (
        RenderedButton("🙋 Mit einer Person sprechen", "contact"),
        RenderedButton("💬 Neue Frage stellen", "ask"),
        RenderedButton("Zurück zum Menü", "menu")), 7)
    [sent] = messages(question, LABELS)
    rows = sent["interactive"]["action"]["sections"][0]["rows"]
    assert sent["interactive"]["type"] == "list"
    assert rows[0] == {"id": "7|contact", "title": "🙋 Mit einer Person…",
                       "description": "🙋 Mit einer Person sprechen"}
    assert rows[1] == {"id": "7|ask", "title": "💬 Neue Frage stellen"}


def test_three_short_choices_are_reply_buttons() -> None:
    [sent] = messages(Rendered("Tee?", (RenderedButton("Ja", "yes"), RenderedButton(
        "Nein", "no")), 3), LABELS)
    assert sent["interactive"]["type"] == "button"
    assert [b["reply"] for b in sent["interactive"]["action"]["buttons"]] == [
        {"id": "3|yes", "title": "Ja"}, {"id": "3|no", "title": "Nein"}]


def test_more_than_ten_choices_come_nine_at_a_time_with_a_more_row() -> None:
    many = tuple(RenderedButton(f"Stadtteil {n}", f"d:{n}") for n in range(23))
    question = Rendered("Welcher Stadtteil?", many, 12)

    def page(n: int) -> list[dict[str, Any]]:
        [sent] = messages(question, LABELS, n)
        rows: list[dict[str, Any]] = sent["interactive"]["action"]["sections"][0]["rows"]
        return rows

    first, second, last = page(0), page(1), page(2)
    assert [len(first), len(second), len(last)] == [10, 10, 5]
    assert first[-1] == {"id": "more:12:1", "title": "More choices"}
    assert second[-1]["id"] == "more:12:2" and second[0]["title"] == "Stadtteil 9"
    assert [r["title"] for r in last] == [f"Stadtteil {n}" for n in range(18, 23)]
    assert page(7) == last  # a page past the end: the last one
    assert parse_id("more:12:2") == More(12, 2)
    assert parse_id("12|d:3") == Choice(12, "d:3")
    assert parse_id("garbage") == Choice(None, "garbage")


def test_a_long_answer_goes_ahead_as_text_and_the_question_keeps_its_buttons() -> None:
    answer = "\n\n".join(["Deutschkurse gibt es bei der Volkshochschule. " * 12] * 4)
    merged = merge([Rendered(answer), Rendered("Hat das geholfen?", (
        RenderedButton("👍 Ja", "yes"), RenderedButton("👎 Nein", "no")), 4)])
    sent = [m for r in merged for m in messages(r, LABELS)]
    assert [m["type"] for m in sent] == ["text", "interactive"]
    body = sent[-1]["interactive"]["body"]["text"]
    assert body == "Hat das geholfen?"
    short = merge([Rendered("Danke!"), Rendered("Hat das geholfen?", (
        RenderedButton("👍 Ja", "yes"),), 5)])
    [together] = [m for r in short for m in messages(r, LABELS)]
    assert together["interactive"]["body"]["text"] == "Danke!\n\nHat das geholfen?"


def test_a_question_longer_than_a_body_keeps_its_end_with_the_buttons() -> None:
    sentence = "Bitte lesen Sie die Hinweise zum Datenschutz sorgfältig durch. "
    long = Rendered(sentence * 30 + "Sind Sie einverstanden?", (
        RenderedButton("Ja", "yes"),), 1)
    sent = messages(long, LABELS)
    assert sent[0]["type"] == "text" and sent[-1]["type"] == "interactive"
    body = sent[-1]["interactive"]["body"]["text"]
    assert length(body) <= 1024 and body.endswith("Sind Sie einverstanden?")
    assert body.startswith("Bitte")  # cut after a sentence, not inside one
    assert "".join((sent[0]["text"]["body"] + body).split()) == "".join(long.text.split())


def test_texts_over_4096_are_split_at_paragraphs_emoji_counting_twice() -> None:
    paragraph = "Das ist ein Satz über Deutschkurse. " * 40
    parts = split("\n\n".join([paragraph.strip()] * 7))
    assert len(parts) == 4 and all(length(p) <= 4096 for p in parts)
    assert [length(p) for p in split("🙂" * 3000)] == [4096, 6000 - 4096]
