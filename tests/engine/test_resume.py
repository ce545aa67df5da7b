"""What a conversation keeps and asks again: data fetched with `keep: false` is shown and
never stored; a question says whether it is asked again after an interruption (`resume:`);
a role taken away ends a staff flow at its next step; stop words typed alone are commands;
a flow that needs consent says why first."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import messages as m
from bot.engine.checks import check
from bot.engine.load import FlowSet, load_flows
from bot.engine.model import Inbound, InboundKind, PersonFacts
from tests.engine.harness import BASE_FLOWS, Chat, flow_set, msgids, write_flows

CARD = {"card": "Amal, Arabic and German", "volunteer": 7,
        "buttons": [{"label": "Amal", "value": "volunteer:7"}]}

FLOWS = {
    "staff": {
        "flow": "staff", "roles": ["staff", "admin"],
        "commands": [{"name": "cards", "description": "Cards"}],
        "pushes": ["news"],
        "steps": [
            {"id": "fetch", "action": "test.echo", "save": "c", "keep": False},
            {"id": "pick", "ask": "{card}", "params": {"card": "var.c.card"},
             "choices_from": {"path": "var.c.buttons", "save": "picked", "next": "chosen"},
             "resume": "fetch"},
            {"id": "chosen", "say": "You chose {picked}.", "params": {"picked": "var.picked"}},
            {"id": "done", "end": True},
            {"id": "news", "say": "News for staff."},
        ]},
    "faq": {
        "flow": "faq", "commands": [{"name": "ask", "description": "Ask"}],
        "steps": [
            {"id": "answer", "say": "The answer."},
            {"id": "feedback", "ask": "Did this help?", "resume": False,
             "choices": [{"label": "Yes", "value": "yes"}]},
            {"say": "Thanks."},
        ]},
    "notices": {
        "flow": "notices", "pushes": ["show"],
        "commands": [{"name": "stop", "description": "Stop",
                      "words": ["stop", "стоп", "توقف", "iptal"]}],
        "steps": [{"id": "off", "say": "No more notices."},
                  {"id": "show", "say": "A notice."}]},
    "booking": {
        "flow": "booking", "consent": "required",
        "consent_reason": "To book a seat, I must keep your booking.",
        "commands": [{"name": "book", "description": "Book"}],
        "steps": [{"id": "seats", "ask": "How many seats?", "input": "number"}]},
    "help": {
        "flow": "help", "commands": [{"name": "help", "description": "Help"}],
        "steps": [{"say": "Help text."}]},
}


@pytest.fixture
def flows(tmp_path: Path) -> FlowSet:
    return flow_set(tmp_path, FLOWS)


def at_the_card(flows: FlowSet) -> Chat:
    chat = Chat(flows, person=PersonFacts(role="staff", consent="given")).at_menu()
    chat.send("/cards")
    chat.resume(CARD)
    return chat


def test_what_an_action_returns_with_keep_false_is_shown_then_never_stored(
        flows: FlowSet) -> None:
    chat = at_the_card(flows)
    assert msgids(chat.last.replies if chat.last else []) == ["{card}"]
    assert "Amal" in str(chat.last.replies[0].text.params) if chat.last else False
    assert chat.vars("staff") == {}  # the card is not in the stored conversation
    assert chat.state.offered == ("volunteer:7",)  # only what the buttons mean


def test_a_tap_on_a_button_whose_data_was_not_kept_still_counts(flows: FlowSet) -> None:
    chat = at_the_card(flows)
    said = chat.tap("volunteer:7")
    assert msgids(said)[0] == "You chose {picked}."
    assert chat.vars("staff") == {}  # the flow ended and nothing is left


def test_a_question_with_resume_to_a_step_is_asked_again_from_there(flows: FlowSet) -> None:
    chat = at_the_card(flows)
    said = chat.send("/help")  # answered, then back: not to the question, its data is gone
    assert msgids(said) == ["Help text."]
    assert chat.last is not None and chat.last.call is not None  # but to fetch it again
    assert msgids(chat.resume(CARD)) == ["{card}"]
    chat.send(Inbound(InboundKind.WAKE))  # reopening the chat fetches it again too
    assert chat.last is not None and chat.last.call is not None


def test_typing_something_else_at_such_a_question_fetches_it_again(flows: FlowSet) -> None:
    chat = at_the_card(flows)
    said = chat.send("banana")
    assert msgids(said) == [m.NOT_A_CHOICE]
    assert chat.last is not None and chat.last.call is not None
    assert msgids(chat.resume(CARD)) == ["{card}"]


def test_a_question_that_no_longer_fits_is_not_asked_again(flows: FlowSet) -> None:
    chat = Chat(flows).at_menu()
    chat.send("/ask")
    assert chat.at == ("faq", "feedback")
    said = chat.send(Inbound.push("notices:show", {}))
    assert msgids(said)[0] == "A notice." and chat.state.stack == ()
    assert chat.at == ("menu", "main")  # "Did this help?" is not asked after the notice


def test_a_role_taken_away_ends_a_staff_flow_at_its_next_step(flows: FlowSet) -> None:
    chat = at_the_card(flows)
    chat.person = PersonFacts(role="newcomer", consent="given")
    said = chat.tap("volunteer:7")
    assert msgids(said)[0] == m.NOT_ALLOWED and chat.at == ("menu", "main")
    assert chat.send(Inbound.push("staff:news", {})) == []  # no staff pushes either


@pytest.mark.parametrize("typed", ["STOP", "Stop!", "стоп", "توقف", "İPTAL"])
def test_a_stop_word_typed_alone_is_the_command(flows: FlowSet, typed: str) -> None:
    chat = Chat(flows).at_menu()
    assert msgids(chat.send(typed))[0] == "No more notices."


def test_a_stop_word_inside_a_sentence_is_not(flows: FlowSet) -> None:
    chat = Chat(flows).at_menu()
    chat.send("/book")
    said = chat.send("stop the bus please")
    assert msgids(said)[0] != "No more notices."


def test_a_flow_that_needs_consent_says_why_before_asking(flows: FlowSet) -> None:
    chat = Chat(flows, person=PersonFacts(consent="declined")).at_menu()
    said = chat.send("/book")
    assert msgids(said) == ["To book a seat, I must keep your booking.", "Do you agree?"]


def test_a_question_showing_unkept_data_without_resume_is_a_flow_error(tmp_path: Path) -> None:
    broken = {**FLOWS, "staff": {**FLOWS["staff"], "steps": [
        {**step, "resume": True} if step.get("id") == "pick" else step
        for step in FLOWS["staff"]["steps"]]}}
    write_flows(tmp_path, {**BASE_FLOWS, **broken})
    flows, issues = load_flows(tmp_path)
    found = [i for i in check(flows, {"privacy.consent", "test.echo"})
             if i.code == "transient-without-resume"]
    assert len(found) == 1 and "add `resume: <the step that fetches c>`" in found[0].message
    assert found[0].line > 1 and found[0].file.endswith("staff.yaml")
