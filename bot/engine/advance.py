"""`advance(flows, state, inbound, now, data) -> Turn`: the engine's one entry point.

It awaits nothing and touches nothing outside its arguments: the runtime loads the state and
the data, calls `advance`, stores the new state, and only then sends the replies (goflow's
engine returns events the same way, and its host does the sending).

Anywhere in any flow the user may type a command (/menu, /help, /language, /mydata, ...):
commands whose flow has `resume: true` put the current question aside and ask it again when
their flow ends, so nothing entered is lost.
"""

from __future__ import annotations

from datetime import datetime

from bot.engine import messages as m
from bot.engine.cursor import Cursor, End, Outcome, Wait
from bot.engine.definition import StepBase, Target
from bot.engine.load import FlowSet
from bot.engine.model import (
    ConversationState,
    Inbound,
    InboundKind,
    Position,
    Text,
    Turn,
    TurnData,
)
from bot.engine.normalize import normalize
from bot.engine.steps import kind_of

MAX_STEPS = 64
"""Steps one turn may run before the engine gives up (a `goto` loop in a flow)."""
MAX_STACK = 4
"""Interrupted questions kept; the oldest is dropped beyond this."""


def advance(
    flows: FlowSet, state: ConversationState, inbound: Inbound, now: datetime, data: TurnData
) -> Turn:
    cur = Cursor(flows, state, now, data)
    _run(cur, _dispatch(cur, inbound))
    return Turn(cur.freeze(), tuple(cur.replies), tuple(cur.effects))


def _dispatch(cur: Cursor, inbound: Inbound) -> Outcome:
    if inbound.kind is InboundKind.PUSH:
        return _push(cur, inbound)
    if inbound.kind is InboundKind.TEXT:
        word = cur.flows.command_words.get(normalize(inbound.text))
        if word is not None:  # "STOP" typed alone acts as /stop
            inbound = Inbound(InboundKind.COMMAND, value=word)
    if cur.at is None:
        found = cur.flows.commands.get(inbound.value)
        if (inbound.kind is InboundKind.COMMAND and found is not None
                and cur.data.person.consent == "given"
                and cur.flows.admits(found[0].id, cur.data.person.role)):
            # Someone who agreed elsewhere (imported from a city's earlier bot) and whose
            # first message is a command, /stop or "STOP" say: do it, no welcome first.
            return _enter_flow(cur, found[0].id, found[1].step)
        return _enter_flow(cur, cur.flows.start)
    step = _current(cur)
    if step is None:
        cur.say(Text(m.FLOW_CHANGED))
        return _enter_flow(cur, cur.flows.home)
    if not cur.flows.admits(cur.at.flow, cur.data.person.role):
        # The role was taken away while the person was in the flow: a staff member demoted
        # in the middle of /compose must not confirm the sending.
        cur.say(Text(m.NOT_ALLOWED))
        return _enter_flow(cur, cur.flows.home)
    kind = kind_of(step)
    if inbound.kind is InboundKind.RESUME:
        if cur.waiting == "action" and kind.receive is not None:
            return kind.receive(step, cur, inbound)
        return _again(cur, step)
    if inbound.kind is InboundKind.COMMAND:
        return _command(cur, inbound, step)
    if inbound.kind is InboundKind.WAKE or cur.waiting != "input" or kind.receive is None:
        return _again(cur, step)
    if inbound.kind is InboundKind.BUTTON and inbound.prompt != cur.prompt:
        return _stale_button(cur, inbound, step)
    return kind.receive(step, cur, inbound)


def _push(cur: Cursor, inbound: Inbound) -> Outcome:
    flow_id, _, step_id = inbound.value.partition(":")
    flow = cur.flows.flows.get(flow_id)
    if (flow is None or step_id not in flow.spec.pushes or flow.step(step_id) is None
            or not cur.flows.admits(flow_id, cur.data.person.role)):
        # Queued before a flow changed, or for a role the person no longer has: nothing to
        # say, and the conversation stays as it is.
        return Wait(cur.waiting or "input")
    _put_aside(cur, flow_id)
    cur.carry.update(inbound.data)
    return _enter_flow(cur, flow_id, step_id)


def _current(cur: Cursor) -> StepBase | None:
    assert cur.at is not None
    flow = cur.flows.flows.get(cur.at.flow)
    return flow.step(cur.at.step) if flow else None


def _command(cur: Cursor, inbound: Inbound, step: StepBase) -> Outcome:
    found = cur.flows.commands.get(inbound.value)
    if found is None or not cur.flows.admits(found[0].id, cur.data.person.role):
        cur.say(Text(m.UNKNOWN_COMMAND, {"command": inbound.value}))
        return _again(cur, step)
    flow, command = found
    if not command.resume:
        cur.stack.clear()
    else:
        _put_aside(cur, flow.id)
    return _enter_flow(cur, flow.id, command.step)


def _put_aside(cur: Cursor, entering: str) -> None:
    """Remember the question being answered, to ask it again after `entering` ends (from the
    step its `resume:` names, or not at all with `resume: false`)."""
    if cur.at is None or cur.waiting != "input" or cur.at.flow == entering:
        return
    if cur.at.flow == cur.flows.home or cur.at in cur.stack:
        return
    step = _current(cur)
    resume = getattr(step, "resume", True)
    if resume is False:
        return
    cur.stack.append(Position(cur.at.flow, resume) if isinstance(resume, str) else cur.at)
    del cur.stack[:-MAX_STACK]


def _stale_button(cur: Cursor, inbound: Inbound, step: StepBase) -> Outcome:
    """A tap on a button of an earlier message: menu entries and languages still mean what
    they said; anything else gets a note and the current question."""
    value = inbound.value
    if value.startswith("flow:") and value[5:] in cur.flows.flows:
        if cur.flows.admits(value[5:], cur.data.person.role):
            _put_aside(cur, value[5:])
            return _enter_flow(cur, value[5:])
    if value.startswith("lang:") and value[5:] in cur.data.lexicon.languages:
        cur.lang = value[5:]
        return _again(cur, step)
    cur.say(Text(m.STALE_BUTTON))
    return _again(cur, step)


def _again(cur: Cursor, step: StepBase) -> Outcome:
    """Ask the current question once more; one that shows what was not kept (`resume: <step>`)
    starts at the step that fetches it."""
    resume = getattr(step, "resume", True)
    if isinstance(resume, str):
        return _go(cur, Target.model_construct(step=resume, flow=None))
    return kind_of(step).enter(step, cur, True)


def _enter_flow(cur: Cursor, flow_id: str, step_id: str | None = None) -> Outcome:
    flows = cur.flows
    flow = flows.flows[flow_id]
    if flow_id == flows.home:
        cur.stack.clear()
    entry = step_id or flow.first
    if (flow.spec.consent == "required" and cur.data.person.consent != "given"
            and flow_id != flows.consent):
        # Ask first; the consent flow's end brings the person here.
        if flow.spec.consent_reason is not None:
            cur.say(Text(flow.spec.consent_reason))
        cur.stack.append(Position(flow_id, entry))
        flow, entry = flows.flows[flows.consent], flows.flows[flows.consent].first
    cur.move(flow.id, entry, fresh=True)
    step = flow.step(entry)
    assert step is not None
    return kind_of(step).enter(step, cur, False)


def _end(cur: Cursor) -> Outcome:
    while cur.stack:
        position = cur.stack.pop()
        flow = cur.flows.flows.get(position.flow)
        step = flow.step(position.step) if flow else None
        if step is not None and cur.flows.admits(position.flow, cur.data.person.role):
            cur.move(position.flow, position.step, fresh=False)
            return kind_of(step).enter(step, cur, False)
    return _enter_flow(cur, cur.flows.home)


def _go(cur: Cursor, target: Target | None) -> Outcome:
    assert cur.at is not None
    if target is None:
        step = _current(cur)
        following = step.next if step and step.next else cur.flow.after(cur.at.step)
        if following is None:
            return End()
        target = Target.model_construct(step=following, flow=None)  # ids may be generated
    if target.flow is not None and target.flow != cur.at.flow:
        return _enter_flow(cur, target.flow, target.step)
    step_id = target.step or cur.flow.first
    cur.move(cur.at.flow, step_id, fresh=target.flow is not None)
    step = cur.flow.step(step_id)
    assert step is not None
    return kind_of(step).enter(step, cur, False)


def _run(cur: Cursor, outcome: Outcome) -> None:
    for _ in range(MAX_STEPS):
        if isinstance(outcome, Wait):
            cur.waiting = outcome.waiting
            return
        cur.waiting = None
        outcome = _end(cur) if isinstance(outcome, End) else _go(cur, outcome.target)
    # A loop of steps that never waits: say so, and rest at the home flow's first question.
    cur.say(Text(m.TOO_MANY_STEPS))
    cur.stack.clear()
    cur.effects.clear()
    home = cur.flows.flows[cur.flows.home]
    cur.move(home.id, home.first, fresh=True)
    step = home.step(home.first)
    assert step is not None
    outcome = kind_of(step).enter(step, cur, False)
    cur.waiting = outcome.waiting if isinstance(outcome, Wait) else "input"
