"""Each step kind has a table of cases in tests/engine/steps/<kind>.yaml, run here.

A case is a test flow (`steps:`) reached by the command /t, and turns: what the user sends
(text, `{tap: value}`, `{command: name}`, `{media: photo}`, `{resume: result}`) and what must
come back (reply msgids, and optionally the position, saved answers, effects, buttons, the
replies' and the buttons' gettext contexts).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.engine.model import Call, Inbound, InboundKind
from bot.engine.steps import STEPS
from tests.engine.harness import Chat, flow_set, msgids

TABLES = Path(__file__).parent / "steps"


def cases() -> list[Any]:
    found = []
    for kind in STEPS:
        path = TABLES / f"{kind}.yaml"
        if path.exists():
            for case in yaml.safe_load(path.read_text(encoding="utf-8")):
                found.append(pytest.param(case, id=f"{kind}: {case['case']}"))
    return found


def test_every_step_kind_has_a_table() -> None:
    missing = [kind for kind in STEPS if not (TABLES / f"{kind}.yaml").exists()]
    assert not missing, f"add tests/engine/steps/<kind>.yaml for: {missing}"


@pytest.mark.parametrize("kind", list(STEPS))
def test_the_docstring_example_loads(kind: str, tmp_path: Path) -> None:
    doc = STEPS[kind].doc
    example = re.search(r"```yaml\n(.*?)```", doc, re.S)
    assert example, f"the docstring of step kind {kind} needs a ```yaml example"
    steps = yaml.safe_load(example.group(1))
    for step in steps:
        STEPS[kind].model.model_validate(step)


def to_inbound(send: Any) -> Inbound | str:
    if isinstance(send, str):
        return send
    if "tap" in send:
        return Inbound.button(str(send["tap"]), send.get("prompt"))
    if "command" in send:
        return Inbound(InboundKind.COMMAND, value=send["command"])
    if "media" in send:
        return Inbound(InboundKind.MEDIA, media=send["media"])
    if "resume" in send:
        return Inbound(InboundKind.RESUME)
    raise ValueError(f"unknown input {send!r}")


@pytest.mark.parametrize("case", cases())
def test_step_table(case: dict[str, Any], tmp_path: Path) -> None:
    flows = flow_set(tmp_path, {"t": {
        "flow": "t",
        "commands": [{"name": "t", "description": "Test"}],
        **case.get("flow", {}),
        "steps": case["steps"],
    }, **case.get("other_flows", {})})
    chat = Chat(flows).at_menu()
    for number, turn in enumerate(case["turns"], 1):
        send = turn["send"]
        if isinstance(send, dict) and "tap" in send and "prompt" not in send:
            send = {**send, "prompt": chat.state.prompt}
        result = send.get("resume") if isinstance(send, dict) else None
        replies = chat.send(to_inbound(send), result)
        where = f"turn {number} ({send!r})"
        if "replies" in turn:
            assert msgids(replies) == turn["replies"], where
        if "params" in turn:
            for index, params in turn["params"].items():
                assert dict(replies[index].text.params) == params, where
        if "buttons" in turn:
            assert [b.value for b in replies[-1].buttons] == turn["buttons"], where
        if "contexts" in turn:  # the msgctxt of each reply, and of the last one's buttons
            assert [r.text.context for r in replies] == turn["contexts"], where
        if "button_contexts" in turn:
            assert [getattr(b.label, "context", None) for b in replies[-1].buttons] \
                == turn["button_contexts"], where
        if "at" in turn:
            assert chat.at == tuple(turn["at"].split(".")), where
        if "vars" in turn:
            assert chat.vars("t") == turn["vars"], where
        if "lang" in turn:
            assert chat.state.lang == turn["lang"], where
        if "declined" in turn:
            assert list(chat.state.declined) == turn["declined"], where
        if "reply_langs" in turn:
            assert [r.lang for r in replies] == turn["reply_langs"], where
        if "effects" in turn:
            assert chat.last is not None
            assert list(chat.last.effects) == [Call(e["action"], e.get("args", {}))
                                               for e in turn["effects"]], where
