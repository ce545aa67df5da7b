"""The engine's rules that hold anywhere in any flow: commands, old buttons, consent,
roles, a flow that changed under a waiting conversation, and re-opening a chat."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import messages as m
from bot.engine.load import FlowSet
from bot.engine.model import (
    ConversationState,
    Inbound,
    InboundKind,
    PersonFacts,
    Position,
)
from tests.engine.harness import Chat, flow_set, msgids

FORM = {
    "form": {
        "flow": "form",
        "commands": [{"name": "form", "description": "Form"}],
        "menu": {"label": "Form", "order": 10},
        "steps": [
            {"id": "name", "ask": "Your name?", "input": "text", "save": "name"},
            {"id": "city", "ask": "Your city?", "input": "text", "save": "city"},
            {"say": "Saved."},
        ],
    },
    "help": {
        "flow": "help",
        "commands": [{"name": "help", "description": "Help"}],
        "menu": {"label": "Help", "order": 90},
        "steps": [{"say": "Help text."}],
    },
    "booking": {
        "flow": "booking",
        "consent": "required",
        "menu": {"label": "Book", "order": 20},
        "steps": [{"id": "seats", "ask": "How many seats?", "input": "number"}],
    },
    "staff": {
        "flow": "staff",
        "roles": ["staff", "admin"],
        "commands": [{"name": "attendees", "description": "Attendees"}],
        "menu": {"label": "Staff", "order": 5},
        "steps": [{"id": "which", "ask": "Which event?", "input": "text"}],
    },
}


@pytest.fixture
def flows(tmp_path: Path) -> FlowSet:
    return flow_set(tmp_path, FORM)


def test_a_new_conversation_without_a_language_shows_the_picker_in_every_language(
        flows: FlowSet) -> None:
    chat = Chat(flows, ConversationState())
    [picker] = chat.send(Inbound(InboundKind.WAKE))
    assert picker.every_language and [b.value for b in picker.buttons] == [
        "lang:de", "lang:en", "lang:ar"]


def test_a_command_mid_question_answers_then_asks_again_keeping_answers(flows: FlowSet) -> None:
    chat = Chat(flows).at_menu()
    chat.send("/form")
    chat.send("Amina")
    assert msgids(chat.send("/help")) == ["Help text.", "Your city?"]
    assert chat.vars("form") == {"name": "Amina"}
    assert msgids(chat.send("Stuttgart")) == ["Saved.", "What would you like to do?"]


def test_menu_abandons_the_question(flows: FlowSet) -> None:
    chat = Chat(flows).at_menu()
    chat.send("/form")
    chat.send("Amina")
    assert msgids(chat.send("/menu")) == ["What would you like to do?"]
    assert chat.state.stack == () and chat.state.vars == {}


def test_an_unknown_command_is_explained_and_the_question_repeated(flows: FlowSet) -> None:
    chat = Chat(flows).at_menu()
    chat.send("/form")
    replies = chat.send("/bookk")
    assert msgids(replies) == [m.UNKNOWN_COMMAND, "Your name?"]
    assert replies[0].text.params == {"command": "bookk"}


def test_staff_commands_look_unknown_to_newcomers_and_work_for_staff(flows: FlowSet) -> None:
    newcomer = Chat(flows).at_menu()
    assert "flow:staff" not in [b.value for b in newcomer.state_buttons()]
    assert msgids(newcomer.send("/attendees"))[0] == m.UNKNOWN_COMMAND
    staff = Chat(flows, person=PersonFacts(role="staff", consent="given")).at_menu()
    assert staff.state_buttons()[0].value == "flow:staff"
    assert msgids(staff.send("/attendees")) == ["Which event?"]


def test_a_flow_that_needs_consent_asks_for_it_first_then_continues(flows: FlowSet) -> None:
    chat = Chat(flows, person=PersonFacts(consent="declined")).at_menu()
    assert msgids(chat.tap("flow:booking")) == ["Do you agree?"]
    assert chat.send("yes") == [] and chat.last is not None
    assert chat.last.call is not None and chat.last.call.action == "privacy.consent"
    chat.person = PersonFacts(consent="given")  # what the action did, seen by the next turn
    assert msgids(chat.resume()) == ["How many seats?"]
    assert chat.at == ("booking", "seats")


def test_an_old_menu_button_still_opens_its_entry(flows: FlowSet) -> None:
    chat = Chat(flows).at_menu()
    old_menu = chat.state.prompt
    chat.send("/form")
    chat.send("Amina")
    assert msgids(chat.tap("flow:help", prompt=old_menu)) == ["Help text.", "Your city?"]


def test_an_old_answer_button_is_explained_and_the_current_question_asked(flows: FlowSet,
                                                                          tmp_path: Path) -> None:
    chat = Chat(flows).at_menu()
    old = chat.state.prompt
    chat.send("/form")
    replies = chat.tap("yes", prompt=old)
    assert msgids(replies) == [m.STALE_BUTTON, "Your name?"]
    assert chat.at == ("form", "name")


def test_an_old_language_button_changes_the_language_and_keeps_the_place(flows: FlowSet) -> None:
    chat = Chat(flows, ConversationState())
    chat.send(Inbound(InboundKind.WAKE))
    picker = chat.state.prompt
    chat.tap("lang:en")
    chat.send("/form")
    assert msgids(chat.tap("lang:ar", prompt=picker)) == ["Your name?"]
    assert chat.state.lang == "ar"


def test_reopening_the_chat_asks_the_same_question_with_the_same_buttons(flows: FlowSet) -> None:
    chat = Chat(flows).at_menu()
    before = chat.state.prompt
    [again] = chat.send(Inbound(InboundKind.WAKE))
    assert again.text.msgid == "What would you like to do?" and again.prompt == before


def test_a_conversation_at_a_step_that_no_longer_exists_goes_to_the_menu(flows: FlowSet) -> None:
    chat = Chat(flows, ConversationState(lang="en", at=Position("form", "removed"),
                                         waiting="input", prompt=7))
    assert msgids(chat.send("hello")) == [m.FLOW_CHANGED, "What would you like to do?"]


@pytest.mark.parametrize(("typed", "command", "argument"), [
    ("/help", "help", ""), ("/HELP@WelcomeBot", "help", ""), ("/start ref-42", "start", "ref-42"),
])
def test_commands_are_read_as_on_every_chat_platform(typed: str, command: str,
                                                     argument: str) -> None:
    inbound = Inbound.message(typed)
    assert (inbound.kind, inbound.value, inbound.text) == (InboundKind.COMMAND, command, argument)


@pytest.mark.parametrize("typed", ["/ not a command", "a/b", "/"])
def test_slashes_inside_text_are_text(typed: str) -> None:
    assert Inbound.message(typed).kind is InboundKind.TEXT
