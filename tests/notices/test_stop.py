"""People on WhatsApp have no command menu: they type "STOP". The stop words of the seven
languages, typed alone, act as /stop, confirmed in the person's language with how to get
notices again; none is taken for a question without an answer."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.db.tables import FaqGap, Subscription
from tests.talk import Talk

STOPPED = "You will get no more notices. To get them again, type /notices."


@pytest.mark.parametrize(("lang", "typed"), [
    ("de", "STOPP"), ("en", "Stop"), ("ar", "إلغاء الاشتراك"), ("fa", "لغو"),
    ("uk", "відписатися"), ("ru", "СТОП"), ("tr", "İptal")])
async def test_a_stop_word_typed_alone_stops_the_notices(app: App, lang: str,
                                                         typed: str) -> None:
    talk = Talk(app, f"stopper-{lang}", channel="whatsapp", hint=lang)
    await talk.open()
    await talk.tap("yes")  # consent
    await talk.tap("yes")  # notices about health and news
    await talk.tap("skip")  # no part of town
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Subscription)) == 2
    said = await talk.say(typed)
    tr = app.catalogs.translator(lang)
    assert said[0].text == tr.template(tr.gettext(STOPPED))
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Subscription)) == 0
        assert await session.scalar(select(func.count()).select_from(FaqGap)) == 0


async def test_stop_inside_a_sentence_is_a_question_not_a_command(app: App) -> None:
    talk = Talk(app, "sentence", channel="whatsapp", hint="en")
    await talk.open()
    await talk.tap("yes")
    await talk.tap("yes")
    await talk.tap("skip")
    said = await talk.say("where is the bus stop for the Welcome Center?")
    assert said[0].text != STOPPED
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Subscription)) == 2


async def test_someone_who_never_agreed_can_still_type_stop(app: App) -> None:
    talk = Talk(app, "never", channel="whatsapp", hint="en")
    await talk.open()
    await talk.tap("no")
    said = await talk.say("STOP")
    assert said[0].text == STOPPED  # no consent question first: stopping only takes away
