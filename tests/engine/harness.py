"""Driving the engine directly: a small flow set on disk, and a conversation that feeds it
inputs the way the runtime does (running no actions: the test supplies their results)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from bot.engine.advance import advance
from bot.engine.checks import check
from bot.engine.issues import Issue, errors
from bot.engine.load import FlowSet, load_flows
from bot.engine.model import (
    Button,
    ConversationState,
    Inbound,
    InboundKind,
    Lexicon,
    PersonFacts,
    Reply,
    Turn,
    TurnData,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

BASE_FLOWS: dict[str, dict[str, Any]] = {
    "start": {"flow": "start", "steps": [
        {"id": "pick", "ask": "Please choose your language.", "choices": "languages"},
        {"goto": "menu"},
    ]},
    "menu": {"flow": "menu", "commands": [{"name": "menu", "description": "Menu",
                                            "resume": False}],
             "steps": [{"id": "main", "ask": "What would you like to do?", "choices": "menu"}]},
    "consent": {"flow": "consent", "steps": [
        {"id": "ask", "ask": "Do you agree?", "input": "yesno", "save": "agreed"},
        {"action": "privacy.consent", "params": {"given": "var.agreed"}},
    ]},
}

LEXICON = Lexicon(
    languages=("de", "en", "ar"),
    endonyms={"de": "Deutsch", "en": "English", "ar": "العربية"},
    forms={"Yes": frozenset({"yes", "ja", "نعم"}), "No": frozenset({"no", "nein", "لا"}),
           "lang:de": frozenset({"de", "deutsch", "german"}),
           "lang:en": frozenset({"en", "english"}), "lang:ar": frozenset({"ar", "arabic"})},
)


def write_flows(folder: Path, flows: Mapping[str, Mapping[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, flow in flows.items():
        (folder / f"{name}.yaml").write_text(
            yaml.safe_dump(dict(flow), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def flow_set(folder: Path, extra: Mapping[str, Mapping[str, Any]],
             actions: set[str] | None = None) -> FlowSet:
    """BASE_FLOWS plus `extra`, loaded and checked; a test flow with errors fails loudly."""
    write_flows(folder, {**BASE_FLOWS, **extra})
    flows, issues = load_flows(folder)
    issues += check(flows, actions or {"privacy.consent", "test.echo", "test.count"})
    problems: list[Issue] = errors(issues)
    assert not problems, "\n".join(map(str, problems))
    return flows


@dataclass
class Chat:
    """One conversation driven through `advance`, turn by turn."""

    flows: FlowSet
    state: ConversationState = field(default_factory=lambda: ConversationState(lang="en"))
    person: PersonFacts = field(default_factory=lambda: PersonFacts(consent="given"))
    now: datetime = NOW
    last: Turn | None = None

    def send(self, inbound: Inbound | str, result: Any = None) -> list[Reply]:
        if isinstance(inbound, str):
            inbound = Inbound.message(inbound)
        data = TurnData(person=self.person, lexicon=LEXICON,
                        settings={"retention_days": 30}, result=result)
        self.last = advance(self.flows, self.state, inbound, self.now, data)
        self.state = self.last.state
        return list(self.last.replies)

    def at_menu(self) -> Chat:
        """A new conversation taken through the language picker to the main menu."""
        self.send(Inbound(InboundKind.WAKE))
        self.tap("lang:en")
        assert self.at == ("menu", "main"), self.at
        return self

    def state_buttons(self) -> list[Button]:
        """The buttons of the question the conversation waits at (the last one asked)."""
        asked = [r for r in self.last.replies if r.buttons] if self.last else []
        return list(asked[-1].buttons) if asked else []

    def tap(self, value: str, prompt: int | None = None) -> list[Reply]:
        return self.send(Inbound.button(value, self.state.prompt if prompt is None else prompt))

    def resume(self, result: Any = None) -> list[Reply]:
        return self.send(Inbound(InboundKind.RESUME), result)

    @property
    def at(self) -> tuple[str, str] | None:
        at = self.state.at
        return (at.flow, at.step) if at else None

    def vars(self, flow: str) -> dict[str, Any]:
        return dict(self.state.vars.get(flow, {}))


def msgids(replies: list[Reply]) -> list[str]:
    return [r.text.msgid for r in replies]
