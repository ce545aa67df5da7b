"""Talk to a person, as it happens: an Arabic speaker asks for a person at the Welcome Center,
a staff member in the terminal chat reads the German translation and answers in German, and
the answer arrives in Arabic with the German original one tap away. Around it: `/back`,
commands while talking, office hours, `/delete` in the middle of a conversation, and who may
read a case.

Chrome texts are compared through the real catalogs (`said`), so the tests hold in English
now and in every language once the translations are merged.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import audit
from bot.app import App
from bot.db.tables import AuditEntry, HandoffCase, HandoffMessage
from bot.handoff import actions, store, views
from bot.handoff.translate import can_translate
from tests.fakes import FakeClock
from tests.handoff.conftest import CONSOLE_URL, STAFF_CHAT, Center, plain, shows

ASK_TOPIC = ("A person at the Welcome Center will answer you here, in your language. What is "
             "it about? Choose a topic, or write your question in your own words.")
WRITE = ("{about}\n\nPlease write your question now, in your language. You can send several "
         "messages. To return to the bot, tap the button or type /back: the answer will reach "
         "you here either way.")
TALKING = ("{about}\n\nYour conversation with the Welcome Center is open. Write here, and your "
           "message goes to them; the answer will come here. To return to the bot, type /back.")
INFORMATION = "📎 The Welcome Center sends you this information:\n\n{text}\n\n{footer}"
CLOSED = ("The Welcome Center has closed your conversation (#{case}). If you need anything "
          "else, type /contact at any time.")
AFTER_HOURS = "The Welcome Center is closed now. Someone will read your message from {next}."
FIRST_SENT = ("✓ Sent to the Welcome Center. You can write more; the answer will come here. To "
              "return to the bot, type /back.")
SENT = "✓ Sent."
ANSWERS = "💬 The Welcome Center answers:\n\n{text}\n\n{note}"
ORIGINAL = "The original, as the Welcome Center wrote it:\n\n{original}"
MENU = "What would you like to do? Tap a button below, or write your question."
QUESTION = "مرحبا، أحتاج موعدا بخصوص تصريح الإقامة. متى يمكنني أن آتي؟"
GERMAN_ANSWER = "Guten Tag! Kommen Sie bitte am Donnerstag um 10 Uhr mit Ihrem Pass."


async def cases_of(app: App) -> list[HandoffCase]:
    async with app.sessions() as session:
        return list(await session.scalars(select(HandoffCase).order_by(HandoffCase.id)))


async def messages_of(app: App, case_id: int) -> list[HandoffMessage]:
    async with app.sessions() as session:
        return await store.messages(session, case_id)


async def test_an_arabic_speaker_and_a_german_counsellor_each_read_their_own_language(
        app: App, center: Center, models: Path) -> None:
    amal = await center.newcomer("301", "ar")
    await amal.say("/contact")
    assert shows(amal.texts[-1], amal, ASK_TOPIC)
    await amal.tap("topic:residence-permit")
    assert shows(amal.texts[-1], amal, actions.MACHINE)    # a machine translates, and says so
    assert shows(amal.texts[-1], amal, WRITE)
    await amal.say(QUESTION)
    assert shows(amal.texts[-1], amal, FIRST_SENT)
    await amal.say("شكرا")
    assert shows(amal.texts[-1], amal, SENT) and len(plain(amal.texts[-1])) < 20  # a tick

    [case] = await cases_of(app)
    assert (case.lang, case.topic, case.status) == ("ar", "residence-permit", "open")
    first, second = await messages_of(app, case.id)
    assert (first.text, first.lang, first.translated_to, first.machine) == (
        QUESTION, "ar", "de", True)
    assert first.translation and first.translation != QUESTION

    maria = await center.staff("maria")
    await maria.say("/cases")
    listing = maria.texts[-1]
    assert f"#{case.id}" in listing and "Arabisch" in listing and "Aufenthaltstitel" in listing
    await maria.tap(f"case:{case.id}")
    shown = maria.texts[-1]
    assert QUESTION in shown and first.translation in shown  # the original, the German beside
    assert shows(shown, "de", views.IN_GERMAN)               # labelled as a machine's
    await maria.tap("take")
    await maria.tap("reply")
    await maria.say(GERMAN_ANSWER)
    assert shows(maria.texts[0], "de", "✅ Sent to #{case} in {language} (machine translation):"
                 "\n{text}", case=str(case.id))

    assert await center.deliver() >= 1
    answer = amal.last_push()
    [staff_message] = [m for m in await messages_of(app, case.id) if m.author == "staff"]
    assert (staff_message.lang, staff_message.translated_to, staff_message.machine) == (
        "de", "ar", True)
    assert shows(answer, amal, ANSWERS)
    assert staff_message.translation in plain(answer) and GERMAN_ANSWER not in plain(answer)
    assert shows(answer, amal, actions.ANSWER_MACHINE)
    await amal.tap("original")                                # one tap: the German original
    assert GERMAN_ANSWER in plain(amal.texts[-1])
    assert shows(amal.texts[-1], amal, ORIGINAL)

    await amal.say("حسنا، سآتي يوم الخميس")                  # answering goes to staff again
    assert shows(amal.texts[-1], amal, SENT)
    [case] = await cases_of(app)
    assert case.status == "waiting_us"
    await center.deliver()                                    # maria hears of it
    assert any(f"#{case.id}" in text for text in center.elsewhere.get("maria", []))


async def test_without_a_model_it_works_untranslated_and_says_so_on_both_sides(
        app: App, center: Center) -> None:
    amal = await center.newcomer("302", "ar")
    await amal.say("/contact")
    await amal.tap("other")
    assert shows(amal.texts[-1], amal, actions.NO_MACHINE)
    await amal.say(QUESTION)
    [case] = await cases_of(app)
    [message] = await messages_of(app, case.id)
    assert (message.translation, message.machine) == (None, False)

    maria = await center.staff("maria")
    await maria.say("/cases")
    await maria.tap(f"case:{case.id}")
    assert shows(maria.texts[-1], "de", views.UNTRANSLATED) and QUESTION in maria.texts[-1]
    await maria.tap("reply")
    await maria.say(GERMAN_ANSWER)
    assert shows(maria.texts[0], "de", "✅ Sent to #{case} as you wrote it: there is no "
                 "translation model for {language} here.", case=str(case.id))
    await center.deliver()
    answer = amal.last_push()
    assert GERMAN_ANSWER in plain(answer) and shows(answer, amal, actions.ANSWER_UNTRANSLATED)
    assert not [m for m in amal.shown[-1].buttons if m.value == "original"]


async def test_back_returns_to_the_bot_and_answers_still_arrive(
        app: App, center: Center) -> None:
    olena = await center.newcomer("303", "uk")
    await olena.say("/contact")
    await olena.say("Мені потрібна допомога з дитячим садком")   # their own words at once
    assert shows(olena.texts[-1], olena, FIRST_SENT)
    await olena.say("/back")
    assert shows(olena.texts[-1], olena, MENU)
    await olena.say("Де вчити німецьку?")                         # the FAQ answers again
    [case] = await cases_of(app)
    assert len(await messages_of(app, case.id)) == 1              # not passed on

    maria = await center.staff("maria")
    await maria.say("/cases")
    await maria.tap(f"case:{case.id}")
    await maria.tap("attach")
    await maria.tap("faq:children-school")
    await center.deliver()
    sent = olena.last_push()
    assert shows(sent, olena, INFORMATION)
    topic = app.deps.faq.topic("children-school", "uk")
    assert plain(topic["answer"]) in plain(sent)                  # the FAQ answer in Ukrainian

    await olena.say("/contact")                                   # back to the open case
    assert shows(olena.texts[-1], olena, TALKING)
    await olena.say("/language")                                  # commands work while talking
    await olena.tap("lang:uk")
    assert shows(olena.texts[-1], olena, TALKING)


async def test_outside_office_hours_people_are_told_when_someone_will_read_it(
        app: App, center: Center, clock: FakeClock) -> None:
    clock.advance(days=4, hours=8)            # Saturday 18:00: closed until Monday 09:00
    reza = await center.newcomer("304", "fa")
    await reza.say("/contact")
    await reza.tap("topic:work-permit")
    assert shows(reza.texts[-1], reza, actions.CLOSED_NOW)
    await reza.say("سلام، می‌خواهم کار کنم. اجازه کار چطور بگیرم؟")
    assert shows(reza.texts[0], reza, AFTER_HOURS)
    assert "14" in plain(reza.texts[0])       # Monday 14 December, digits 0-9 in every language


async def test_delete_in_the_middle_of_a_conversation_leaves_staff_an_erased_case(
        app: App, center: Center) -> None:
    amal = await center.newcomer("305", "ar")
    await amal.say("/contact")
    await amal.tap("other")
    await amal.say(QUESTION)
    [case] = await cases_of(app)
    maria = await center.staff("maria")
    await maria.say("/cases")
    await maria.tap(f"case:{case.id}")
    await maria.tap("note")
    await maria.say("Termin beim Ausländeramt vorschlagen.")

    await amal.say("/delete")
    await amal.tap("yes")

    [gone] = await cases_of(app)
    assert (gone.status, gone.person_id, gone.lang, gone.topic) == ("erased", None, None, None)
    assert await messages_of(app, case.id) == []
    await maria.say("/cases")
    assert shows(maria.texts[-1], "de", views.LIST_EMPTY)
    async with app.sessions() as session:
        from bot.handoff import casework

        seen = await casework.read(session, case.id, casework.Actor("cli:test", "cli"),
                                   app.runtime.clock())
    assert seen is not None and seen[0].status == "erased" and seen[1] == []
    lines = views.case_text(seen[0], seen[1], None, str)
    assert lines == [views.msg(views.ERASED, case=str(case.id))]


async def test_only_staff_read_cases_and_every_reading_is_audited(
        app: App, center: Center) -> None:
    amal = await center.newcomer("306", "ar")
    await amal.say("/contact")
    await amal.tap("other")
    await amal.say(QUESTION)
    [case] = await cases_of(app)

    nosy = await center.newcomer("307", "en")
    await nosy.say("/cases")
    assert QUESTION not in "\n".join(nosy.texts)
    assert "/cases" in plain(nosy.texts[0])                 # an unknown command to them
    assert "handoff_staff" not in str([b.value for m in nosy.shown for b in m.buttons])

    maria = await center.staff("maria")
    await maria.say("/cases")
    await maria.tap(f"case:{case.id}")
    async with app.sessions() as session:
        found = await audit.entries(session, action="handoff.read")
        assert [(e.who, e.via, e.target) for e in found] == [
            ("console:maria", "chat", f"case:{case.id}")]
        logged = " ".join(str(e.detail) for e in await session.scalars(select(AuditEntry)))
        assert QUESTION not in logged


async def test_a_new_case_is_announced_in_the_staff_group_with_its_link(
        app: App, center: Center) -> None:
    amal = await center.newcomer("308", "ar")
    await amal.say("/contact")
    await amal.tap("topic:housing")
    await amal.say(QUESTION)
    await amal.say("وأيضا")                           # one announcement per case
    await center.deliver()
    [case] = await cases_of(app)
    [announced] = center.elsewhere[STAFF_CHAT]
    assert f"#{case.id}" in announced and f"{CONSOLE_URL}/cases/{case.id}" in announced
    assert QUESTION not in announced                  # a number and a link, not their words


async def test_my_data_shows_the_conversation_and_closed_ones_expire(
        app: App, center: Center, clock: FakeClock) -> None:
    amal = await center.newcomer("309", "ar")
    await amal.say("/contact")
    await amal.tap("other")
    await amal.say(QUESTION)
    [case] = await cases_of(app)
    maria = await center.staff("maria")
    await maria.say("/cases")
    await maria.tap(f"case:{case.id}")
    await maria.tap("reply")
    await maria.say(GERMAN_ANSWER)
    await maria.tap("close")
    await maria.tap("answered")
    await center.deliver()
    assert shows(amal.last_push(), amal, CLOSED, case=case.id)

    await amal.say("/mydata")
    export = plain("\n".join(amal.texts))
    assert QUESTION in export and GERMAN_ANSWER in export

    from bot.privacy import expire

    clock.advance(days=app.settings.case_days + 1)
    async with app.sessions() as session, session.begin():
        expired = await expire(session, clock(), app.settings)
    assert expired["handoff_cases"] == 1
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(HandoffMessage)) == 0


async def test_an_interpreter_request_reaches_the_coordinators_list(
        app: App, center: Center, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from bot.cli import app as cli

    amal = await center.newcomer("310", "ar")
    await amal.say("/contact")
    await amal.tap("other")
    await amal.say(QUESTION)
    [case] = await cases_of(app)
    maria = await center.staff("maria")
    await maria.say("/cases")
    await maria.tap(f"case:{case.id}")
    await maria.tap("interpreter")
    await maria.tap("interpret:ar")
    await maria.say("15.12.2026")
    await maria.say("10 Uhr, Welcome Center, Termin Ausländerbehörde")
    assert shows(maria.texts[0], "de", "Asked: the coordinator of the interpreters sees your "
                 "request.")

    monkeypatch.chdir(tmp_path)  # no developer's .env
    monkeypatch.setenv("DATABASE_URL", app.settings.database_url)
    listed = await asyncio.to_thread(CliRunner().invoke, cli, ["handoff", "interpreters"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.split("\t")[:3] == ["2026-12-15", "ar", f"#{case.id}"]
    assert "Termin Ausländerbehörde" in listed.output


def test_the_translation_check_needs_no_model_where_none_is(tmp_path: Path) -> None:
    assert can_translate("de", "de", tmp_path)
    assert not can_translate("ar", "de", tmp_path / "none")
