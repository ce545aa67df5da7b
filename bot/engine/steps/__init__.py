"""The step kinds: the key that names a kind in a flow file -> its model and behaviour.

Each kind is one module with a YAML example in its docstring; `tests/engine/steps/` has one
table of cases per kind, and a test fails when a kind here has none.

say.py     send a message, then go on
ask.py     ask and wait: buttons, typed input with a validator, choices from data
branch.py  go where the first matching condition says
action.py  ask the runtime to run a named action, go on with its result
goto.py    continue in another flow or at another step
set.py     store values in the conversation
end.py     this flow is done; back to the question a command interrupted
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.engine.cursor import Cursor, Outcome
from bot.engine.definition import StepBase
from bot.engine.model import Inbound
from bot.engine.steps import action, ask, branch, end, goto, say
from bot.engine.steps import set as set_


@dataclass(frozen=True)
class StepKind:
    model: type[StepBase]
    enter: Callable[[Any, Cursor, bool], Outcome]
    """Run the step on arrival (`again`: the same question is asked once more)."""
    receive: Callable[[Any, Cursor, Inbound], Outcome] | None = None
    """Take the answer the step waits for (kinds that wait only)."""
    doc: str = ""


STEPS: dict[str, StepKind] = {
    "say": StepKind(say.Say, say.enter, doc=say.__doc__ or ""),
    "ask": StepKind(ask.Ask, ask.enter, ask.receive, doc=ask.__doc__ or ""),
    "branch": StepKind(branch.Branch, branch.enter, doc=branch.__doc__ or ""),
    "action": StepKind(action.Action, action.enter, action.receive, doc=action.__doc__ or ""),
    "goto": StepKind(goto.Goto, goto.enter, doc=goto.__doc__ or ""),
    "set": StepKind(set_.SetStep, set_.enter, doc=set_.__doc__ or ""),
    "end": StepKind(end.EndStep, end.enter, doc=end.__doc__ or ""),
}


_KINDS: dict[type[StepBase], StepKind] = {kind.model: kind for kind in STEPS.values()}


def kind_of(step: StepBase) -> StepKind:
    return _KINDS[type(step)]
