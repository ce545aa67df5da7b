"""The meaning pass: what the shape pass cannot see, across steps and files.

`check(flows, actions)` returns every issue at once: dangling `next`/`goto`, a missing flow,
an unknown action or validator, duplicate step ids, commands or choice values, a text whose
`{placeholders}` have no parameter, steps no path reaches, and the flows every bot needs.
"""

from __future__ import annotations

import difflib
import string
from collections.abc import Collection, Iterator

from bot.engine.definition import StepBase, Target
from bot.engine.issues import Issue
from bot.engine.load import Flow, FlowSet, all_texts
from bot.engine.steps.action import Action
from bot.engine.steps.ask import Ask
from bot.engine.steps.branch import Branch
from bot.engine.steps.end import EndStep
from bot.engine.steps.goto import Goto
from bot.engine.steps.say import Say
from bot.engine.validators import VALIDATORS


def check(flows: FlowSet, actions: Collection[str]) -> list[Issue]:
    issues: list[Issue] = []
    for role, flow_id in (("start", flows.start), ("home", flows.home),
                          ("consent", flows.consent)):
        if flow_id not in flows.flows:
            issues.append(Issue(
                "missing-flow", "flows", 1,
                f"there is no flow '{flow_id}' (the {role} flow every bot needs); "
                f"add a file with `flow: {flow_id}`"))
    seen_commands: dict[str, Flow] = {}
    for flow in flows.flows.values():
        issues += _check_flow(flow, flows, actions, _entered_from_elsewhere(flows, flow.id))
        for i, command in enumerate(flow.spec.commands):
            other = seen_commands.setdefault(command.name, flow)
            if other is not flow:
                issues.append(Issue(
                    "duplicate-command", flow.file, flow.line("commands", i, "name"),
                    f"/{command.name} is already the command of flow '{other.id}' "
                    f"({other.file}); choose another name", flow=flow.id))
    return issues


def _entered_from_elsewhere(flows: FlowSet, flow_id: str) -> set[str]:
    """Steps of `flow_id` that other flows go to by name ({flow: notices, step: offer})."""
    return {target.step for other in flows.flows.values() if other.id != flow_id
            for step in other.steps for target, _ in _targets(step)
            if target.flow == flow_id and target.step}


def _check_flow(flow: Flow, flows: FlowSet, actions: Collection[str],
                entered: Collection[str] = ()) -> Iterator[Issue]:
    ids = [s.id for s in flow.steps]
    for step_id in {i for i in ids if ids.count(i) > 1}:
        lines = [flow.source.line(("steps", n, "id")) for n, i in enumerate(ids) if i == step_id]
        yield Issue("duplicate-id", flow.file, lines[-1],
                    f"step id '{step_id}' is used {len(lines)} times (lines "
                    f"{', '.join(map(str, lines))}); step ids must be unique in a flow",
                    flow=flow.id, step=step_id)
    for i, command in enumerate(flow.spec.commands):
        if command.step is not None and flow.step(command.step) is None and flow.complete:
            yield _missing_step(flow, command.step, flow.line("commands", i, "step"), None)
    for i, entry in enumerate(flow.spec.pushes):
        if flow.step(entry) is None and flow.complete:
            yield _missing_step(flow, entry, flow.line("pushes", i), None)
    for step in flow.steps:
        for target, loc in _targets(step):
            yield from _check_target(flow, flows, step, target, loc)
        yield from _check_step(flow, step, actions)
        yield from _check_transient(flow, flows, step)
    for msgid, line, what in all_texts(flow):
        yield from _check_text(flow, msgid, line, what)
    yield from _unreachable(flow, entered)


def _targets(step: StepBase) -> Iterator[tuple[Target, tuple[str | int, ...]]]:
    if step.next is not None:
        yield Target(step=step.next), ("next",)
    if isinstance(step, Goto):
        yield step.goto, ("goto",)
    if isinstance(step, Branch):
        for i, case in enumerate(step.branch):
            yield case.target, ("branch", i, "next" if case.next else "flow")
        yield step.else_, ("else",)
    if isinstance(step, Ask) and isinstance(step.choices, list):
        for i, choice in enumerate(step.choices):
            if choice.next is not None:
                yield Target(step=choice.next), ("choices", i, "next")
            if choice.flow is not None:
                yield Target(flow=choice.flow), ("choices", i, "flow")
    if isinstance(step, Ask) and step.choices_from is not None:
        dynamic = step.choices_from
        if dynamic.next is not None or dynamic.flow is not None:
            yield Target(step=dynamic.next, flow=dynamic.flow), ("choices_from",)
    if isinstance(step, Ask) and step.free_text is not None:
        yield step.free_text.target, ("free_text",)
    if isinstance(step, Ask) and isinstance(step.resume, str):
        yield Target(step=step.resume), ("resume",)


def _check_target(flow: Flow, flows: FlowSet, step: StepBase, target: Target,
                  loc: tuple[str | int, ...]) -> Iterator[Issue]:
    line = flow.step_line(step.id, *loc)
    if target.flow is not None:
        other = flows.flows.get(target.flow)
        if other is None:
            hint = _did_you_mean(target.flow, flows.flows)
            yield Issue("missing-flow", flow.file, line,
                        f"goes to flow '{target.flow}', which does not exist{hint}",
                        flow=flow.id, step=step.id)
        elif target.step is not None and other.step(target.step) is None and other.complete:
            yield _missing_step(other, target.step, line, step.id, flow)
    elif target.step is not None and flow.step(target.step) is None and flow.complete:
        yield _missing_step(flow, target.step, line, step.id)


def _missing_step(flow: Flow, step_id: str, line: int, at: str | None,
                  origin: Flow | None = None) -> Issue:
    origin = origin or flow
    known = [s.id for s in flow.steps if s.id and not s.id.startswith("_")]
    hint = _did_you_mean(step_id, known) or f" (its steps: {', '.join(known)})"
    return Issue("missing-step", origin.file, line,
                 f"goes to step '{step_id}', which is not a step of flow '{flow.id}'{hint}",
                 flow=origin.id, step=at)


def _check_transient(flow: Flow, flows: FlowSet, step: StepBase) -> Iterator[Issue]:
    """A question that shows what an action returned with `keep: false` must say where it
    is fetched again (`resume: <step>`): asked again as it is, it would show nothing."""
    if not isinstance(step, Ask) or isinstance(step.resume, str):
        return
    transient = flows.transient.get(flow.id, frozenset())
    paths = list(step.params.values())
    if step.choices_from is not None:
        paths.append(step.choices_from.path)
    for path in paths:
        root, _, rest = path.partition(".")
        name = rest.split(".", 1)[0]
        if root == "var" and name in transient:
            yield Issue("transient-without-resume", flow.file, flow.step_line(step.id, "ask"),
                        f"this question shows var.{name}, which is saved with `keep: false`; "
                        f"add `resume: <the step that fetches {name}>` so that asking it "
                        "again fetches it again", flow=flow.id, step=step.id)
            return


def _check_step(flow: Flow, step: StepBase, actions: Collection[str]) -> Iterator[Issue]:
    if isinstance(step, Action) and step.action not in actions:
        hint = _did_you_mean(step.action, actions) or (
            f" (known actions: {', '.join(sorted(actions))})" if actions else "")
        yield Issue("unknown-action", flow.file, flow.step_line(step.id, "action"),
                    f"unknown action '{step.action}'{hint}", flow=flow.id, step=step.id)
    if isinstance(step, Ask) and step.input is not None:
        spec = step.input
        if spec.type not in VALIDATORS:
            hint = _did_you_mean(spec.type, VALIDATORS) or f" (use one of: {', '.join(VALIDATORS)})"
            yield Issue("unknown-validator", flow.file, flow.step_line(step.id, "input"),
                        f"unknown input type '{spec.type}'{hint}", flow=flow.id, step=step.id)
        if spec.min is not None and spec.max is not None and spec.min > spec.max:
            yield Issue("invalid", flow.file, flow.step_line(step.id, "input"),
                        f"min {spec.min} is greater than max {spec.max}",
                        flow=flow.id, step=step.id)
    if isinstance(step, Ask) and isinstance(step.choices, list):
        values = [c.value for c in step.choices]
        for value in sorted({v for v in values if values.count(v) > 1}):
            yield Issue("duplicate-value", flow.file, flow.step_line(step.id, "choices"),
                        f"two buttons have the value '{value}'; give each its own",
                        flow=flow.id, step=step.id)
    if isinstance(step, (Say, Ask)):
        text = step.say if isinstance(step, Say) else step.ask
        used = _placeholders(text) or set()
        attr = "say" if isinstance(step, Say) else "ask"
        for name in sorted(used - set(step.params)):
            yield Issue("missing-param", flow.file, flow.step_line(step.id, attr),
                        f"the text uses {{{name}}} but `params:` does not say where "
                        f"{name} comes from; add `params: {{{name}: var.{name}}}`",
                        flow=flow.id, step=step.id)


def _check_text(flow: Flow, msgid: str, line: int, what: str) -> Iterator[Issue]:
    if _placeholders(msgid) is None:
        yield Issue("bad-placeholder", flow.file, line,
                    f"the text of {what} has an unmatched '{{' or '}}'; write '{{{{' or "
                    "'}}' for a brace that should be shown", flow=flow.id)


def _placeholders(text: str) -> set[str] | None:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return None


def _unreachable(flow: Flow, entered: Collection[str] = ()) -> Iterator[Issue]:
    entries = ({flow.first} | {c.step for c in flow.spec.commands if c.step}
               | set(flow.spec.pushes) | set(entered))
    seen: set[str] = set()
    todo = [e for e in entries if e]
    while todo:
        step_id = todo.pop()
        step = flow.step(step_id)
        if step_id in seen or step is None:
            continue
        seen.add(step_id)
        todo += [t.step for t, _ in _targets(step) if t.step and t.flow is None]
        falls_through = not isinstance(step, (Goto, EndStep, Branch)) and step.next is None
        if isinstance(step, Ask) and isinstance(step.choices, list):
            falls_through = step.next is None and any(
                c.next is None and c.flow is None for c in step.choices)
        elif isinstance(step, Ask) and step.choices == "menu":
            falls_through = False
        following = flow.after(step_id)
        if falls_through and following:
            todo.append(following)
    for step in flow.steps:
        if step.id not in seen:
            yield Issue("unreachable", flow.file, flow.step_line(step.id),
                        "no path leads to this step; link to it with `next:` or remove it",
                        flow=flow.id, step=step.id, severity="warning")


def _did_you_mean(name: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
