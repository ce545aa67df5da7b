"""The runtime: state survives restarts, failures lose nothing, logs hold no user text,
one person's messages are handled in order (on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import pytest

from bot.actions import ACTIONS
from bot.app import open_app
from bot.engine.model import Inbound
from bot.runtime import Action, ActionContext, Runtime
from tests.conftest import make_settings
from tests.fakes import FakeClock
from tests.talk import Talk


async def test_a_restart_continues_every_conversation_at_its_question(db_url: str,
                                                                      clock: FakeClock) -> None:
    settings = make_settings(db_url)
    async with open_app(settings, clock=clock) as first:
        talk = Talk(first, "ana", hint="en")
        await talk.open()
        await talk.tap("Yes, I agree")
        await talk.say("/delete")
        question = talk.texts[-1]
    async with open_app(settings, clock=clock) as second:
        talk = Talk(second, "ana", hint="en")
        assert (await talk.open())[0].text == question
        assert (await talk.tap("No, keep my data"))[0].text == "Nothing was deleted."


async def test_a_failing_action_rolls_back_and_the_user_gets_an_apology_and_the_question(
        db_url: str, clock: FakeClock) -> None:
    async def broken(ctx: ActionContext, args: Mapping[str, Any]) -> None:
        ctx.person.role = "admin"  # written, then rolled back with the failure
        raise RuntimeError("the database went away")

    async with open_app(make_settings(db_url), clock=clock) as app:
        talk = Talk(app, "bo", hint="en")
        await talk.open()
        await talk.tap("Yes, I agree")
        await talk.tap("No, thank you")
        app.runtime.actions = {**ACTIONS, "privacy.export": Action(broken)}
        said = await talk.say("/mydata")
        assert said[0].text.startswith("Sorry, something went wrong on our side")
        assert said[-1].text.startswith("What would you like to do?")
        app.runtime.actions = ACTIONS
        shown = (await talk.say("/mydata"))[0].text
        assert "Role: newcomer" in shown  # the failed turn's write was rolled back


async def test_nothing_a_user_types_reaches_the_logs(app, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    talk = Talk(app, "secret-keeper", hint="de")
    await talk.open()
    await talk.say("Mein Name ist Zebra-Geheimnis-4711")
    await talk.tap("Ja, ich stimme zu")
    await talk.say("/frage Zebra-Geheimnis-4711")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "turn who=console:secret-keeper" in logged
    assert "Zebra" not in logged and "Geheimnis" not in logged


async def test_a_whatsapp_number_reaches_the_logs_only_as_its_last_digits(
        app, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    talk = Talk(app, "4917612345678", channel="whatsapp", hint="ar")
    await talk.open()
    await talk.tap("نعم، أوافق")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "turn who=whatsapp:…5678" in logged
    assert "12345678" not in logged


async def test_one_persons_messages_are_handled_one_at_a_time_in_order(app) -> None:
    talk = Talk(app, "fast", hint="en")
    await talk.open()
    await talk.tap("Yes, I agree")
    runtime: Runtime = app.runtime
    outs = await asyncio.gather(*(runtime.handle(talk.who, Inbound.message(text))
                                  for text in ["/help", "/language", "2", "/menu"]))
    prompts = [r.prompt for out in outs for r in out.replies if r.prompt is not None]
    assert prompts == sorted(prompts) and len(set(prompts)) == len(prompts)
    assert outs[2].lang == "en"  # "2" answered the language question /language asked


async def test_the_conversations_language_is_also_the_persons(app) -> None:
    from bot.db import people

    talk = Talk(app, "switcher", hint="de")
    await talk.open()
    await talk.say("/language")
    await talk.tap("Türkçe")
    async with app.sessions() as session:
        person = await people.find(session, "console", "switcher")
        assert person is not None and person.locale == "tr"
