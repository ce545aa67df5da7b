"""The FAQ in a conversation: a question typed at the menu, the short answer with "More",
"Did this help?", related topics, "I don't know", and switching to the language a question
was asked in."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.db.tables import FaqFeedback, FaqGap
from bot.faq import store as faq_db
from bot.i18n import FSI, PDI, RLM
from tests.faq.test_desk import LONG_PERSIAN
from tests.talk import Talk


async def at_menu(app: App, user: str, lang: str) -> Talk:
    talk = Talk(app, user, hint=lang)
    await talk.open()
    await talk.tap("yes")
    await talk.tap("no")  # no notices
    return talk


async def test_a_question_typed_at_the_menu_is_answered_and_feedback_kept(app: App) -> None:
    talk = await at_menu(app, "q1", "en")
    said = await talk.say("how do i get a place in a kita for my son")
    answer, feedback = said
    assert answer.text == app.deps.faq.content.topics["children-school"].parts("en")[0]
    assert feedback.text == "Did this help?"
    labels = [b.label for b in feedback.buttons]
    assert labels[:3] == ["➕ More", "👍 Yes", "👎 No"] and 4 <= len(labels) <= 6
    said = await talk.tap("👍 Yes")
    assert said[0].text.startswith("Thank you! I am glad it helped.")
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(FaqFeedback)) == 1


async def test_a_related_topic_opens_with_its_own_answer(app: App) -> None:
    talk = await at_menu(app, "q2", "de")
    said = await talk.say("Wie finde ich eine Wohnung?")
    related = [b for b in said[-1].buttons if b.value.startswith("faq:")]
    assert related, said[-1]
    topic = related[0].value.removeprefix("faq:")
    said = await talk.tap(related[0].label)
    assert said[0].text == app.deps.faq.content.topics[topic].parts("de")[0]
    assert said[-1].text == "Hat Ihnen das geholfen?"
    assert [b.value for b in said[-1].buttons][:3] == ["more", "helpful", "unhelpful"]


async def test_dont_know_is_honest_offers_a_person_and_keeps_the_question_masked(
        app: App) -> None:
    talk = await at_menu(app, "q3", "en")
    said = await talk.say("which lottery numbers win next week? call me 0176 123456")
    assert said[0].text.startswith("I am sorry, I do not know the answer to that.")
    assert [b.label for b in said[0].buttons] == [
        "🙋 Talk to a person", "💬 Ask another question", "Back to the menu"]
    said = await talk.tap("🙋 Talk to a person")
    assert "Welcome Center" in said[0].text
    async with app.sessions() as session:
        [(text, lang, count)] = await faq_db.top_gaps(session)
        assert (lang, count) == ("en", 1) and "0176" not in text and "<number>" in text
        assert await session.scalar(select(func.count()).select_from(FaqGap)) == 1


async def test_a_greeting_gets_a_greeting_and_the_menu(app: App) -> None:
    talk = await at_menu(app, "q4", "tr")
    said = await talk.say("merhaba")
    assert said[0].text.startswith("Merhaba") or "Welcome Bot" in said[0].text
    assert said[-1].buttons and said[-1].buttons[0].value.startswith("flow:")


async def test_a_question_in_another_language_is_answered_in_it_with_an_offer_to_switch(
        app: App) -> None:
    talk = await at_menu(app, "q5", "de")
    said = await talk.say("як зареєструвати адресу після переїзду в нову квартиру")
    answer, offer = said
    assert answer.text == app.deps.faq.content.topics["address-registration"].parts("uk")[0]
    assert offer.text.startswith("Ви написали") or "Українська" in offer.text
    said = await talk.tap("yes")
    assert talk.lang == "uk" and said[-1].text != "Hat Ihnen das geholfen?"


async def test_the_offer_to_switch_is_made_once_and_a_no_is_remembered(app: App) -> None:
    # Issue 16: a Ukrainian who once wrote in Russian was asked "switch to Russian?" again
    # and again. Asked once; after her No, Russian questions are answered in Russian without
    # asking, and the conversation stays Ukrainian, also after she was away.
    topics = app.deps.faq.content.topics
    talk = await at_menu(app, "q10", "uk")
    said = await talk.say("как зарегистрировать адрес после переезда в новую квартиру")
    answer, offer = said
    assert answer.text == topics["address-registration"].parts("ru")[0]
    assert [b.value for b in offer.buttons] == ["yes", "no"]
    said = await talk.tap("no")
    assert said[-1].text == "Це вам допомогло?" and talk.lang == "uk"
    for question, topic in [("где можно бесплатно выучить немецкий язык", "german-courses"),
                            ("что делать, если мы ищем квартиру уже полгода", "housing")]:
        said = await talk.say(question)
        assert said[0].text == topics[topic].parts("ru")[0]
        assert said[-1].text == "Це вам допомогло?"  # no offer: straight to the feedback
        assert "yes" not in [b.value for b in said[-1].buttons]
        await talk.open()  # away and back: the No is kept with the conversation
    assert talk.lang == "uk"


async def test_an_offer_left_unanswered_for_something_else_is_not_made_again(
        app: App) -> None:
    # Asked once, whatever comes of it: she goes to the events instead of answering, and her
    # next Russian question is answered without the offer.
    talk = await at_menu(app, "q12", "uk")
    said = await talk.say("где можно бесплатно выучить немецкий язык")
    assert [b.value for b in said[-1].buttons] == ["yes", "no"]
    said = await talk.say("/events")
    assert "language_cafe" in [b.value for b in said[-1].buttons]
    said = await talk.say("как открыть счёт в банке")  # typed at the events' question
    assert said[0].text == app.deps.faq.content.topics["bank-account"].parts("ru")[0]
    assert said[-1].text == "Це вам допомогло?" and talk.lang == "uk"


async def test_a_long_message_after_ask_is_read_to_its_question(app: App) -> None:
    # Issue 16: 1,561 characters after /ask ended in "how do I register my address?".
    talk = await at_menu(app, "q13", "fa")
    await talk.say("/ask")
    said = await talk.say(LONG_PERSIAN)
    assert unmarked(said[0].text) == app.deps.faq.content.topics[
        "address-registration"].parts("fa")[0]


def unmarked(text: str) -> str:
    """A rendered text without the marks that keep right-to-left lines in order."""
    return "".join(ch for ch in text if ch not in (FSI, PDI, RLM))


async def test_a_new_question_instead_of_an_answer_to_the_offer_counts_as_a_no(
        app: App) -> None:
    topics = app.deps.faq.content.topics
    talk = await at_menu(app, "q11", "de")
    said = await talk.say("كيف أسجل عنواني بعد الانتقال إلى شقة جديدة")
    assert [b.value for b in said[-1].buttons] == ["yes", "no"]
    said = await talk.say("أين يمكنني تعلم اللغة الألمانية مجانا")  # typed on, no answer
    assert unmarked(said[0].text) == topics["german-courses"].parts("ar")[0]
    assert said[-1].text == "Hat Ihnen das geholfen?" and talk.lang == "de"
    said = await talk.say("كيف أجد شقة للإيجار في المدينة")
    assert unmarked(said[0].text) == topics["housing"].parts("ar")[0]
    assert said[-1].text == "Hat Ihnen das geholfen?"


async def test_after_an_answer_the_next_question_can_simply_be_typed(app: App) -> None:
    talk = await at_menu(app, "q6", "en")
    await talk.say("where can i learn german")
    said = await talk.say("and how do i find a job")
    assert said[0].text == app.deps.faq.content.topics["job-search"].parts("en")[0]


async def test_more_shows_the_details_then_the_sources_and_the_day_they_were_checked(
        app: App) -> None:
    talk = await at_menu(app, "q7", "en")
    topic = app.deps.faq.content.topics["residence-permit"]
    short, rest = topic.parts("en")
    said = await talk.say("my residence permit runs out next month what do i do")
    answer, feedback = said
    assert answer.text == short and len(short) <= 350
    assert "Sources:" not in answer.text
    assert [b.value for b in feedback.buttons][:3] == ["more", "helpful", "unhelpful"]
    said = await talk.tap("➕ More")
    details, feedback = said
    assert details.text == (f"{rest}\n\nSources: bamf.de, gesetze-im-internet.de, "
                            "germany4ukraine.de · reviewed December 7, 2026")
    assert feedback.text == "Did this help?"
    values = [b.value for b in feedback.buttons]
    assert values[:2] == ["helpful", "unhelpful"] and "more" not in values
    assert any(v.startswith("faq:") for v in values)  # the related topics stay
    said = await talk.tap("👍 Yes")
    assert said[0].text.startswith("Thank you! I am glad it helped.")


async def test_the_date_under_an_answer_is_in_the_readers_language(app: App) -> None:
    talk = await at_menu(app, "q8", "de")
    said = await talk.say("Wo kann ich Deutsch lernen?")
    assert said[0].text == app.deps.faq.content.topics["german-courses"].parts("de")[0]
    said = await talk.tap("more")
    assert said[0].text.endswith("7. Dezember 2026")
    assert said[-1].text == "Hat Ihnen das geholfen?"


async def test_an_answer_with_nothing_more_carries_its_sources_at_once(
        app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    desk = app.deps.faq
    topic = desk.content.topics["emergency"]
    short = topic.parts("en")[0]
    brief = topic.model_copy(update={"answer": {**topic.answer, "en": short}})
    monkeypatch.setattr(desk, "content", type(desk.content)(
        {**desk.content.topics, "emergency": brief}, desk.content.smalltalk))
    talk = await at_menu(app, "q9", "en")
    said = await talk.say("what number do i call for an ambulance")
    assert said[0].text.startswith(short + "\n\nSources: 116117.de, hilfetelefon.de")
    assert [b.value for b in said[-1].buttons][:2] == ["helpful", "unhelpful"]
    assert "more" not in [b.value for b in said[-1].buttons]
