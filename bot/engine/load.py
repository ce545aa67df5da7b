"""Loading flow files: `load_flows(folder)` -> (FlowSet, issues), the shape pass.

The shape pass parses each `*.yaml` and validates it against the models in `definition.py`
and `steps/`; the meaning pass (`checks.py`) then looks across steps and files. Both report
every problem with its file and line instead of stopping at the first.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.engine.definition import Command, FlowFile, MenuEntry, StepBase
from bot.engine.issues import Issue
from bot.engine.model import Button, Text
from bot.engine.normalize import normalize
from bot.engine.steps import STEPS
from bot.engine.textfile import NotText, read_text
from bot.engine.yamlsource import Source, parse


@dataclass(frozen=True)
class Flow:
    id: str
    file: str
    spec: FlowFile
    steps: tuple[StepBase, ...]
    source: Source
    """The parsed file, for the line of any value in it."""
    complete: bool = True
    """False when some steps failed the shape pass (the meaning pass then skips
    missing-step checks here, which would only repeat those errors)."""

    def line(self, *loc: str | int) -> int:
        """The line of a value by its path in the file: `flow.line("menu", "label")`."""
        return self.source.line(loc)

    def step_line(self, step_id: str | None, *sub: str | int) -> int:
        """The line of a step (or of a value inside it, `step_line("pick", "next")`)."""
        ids = [s.id for s in self.steps]
        index = ids.index(step_id) if step_id in ids else None
        return self.source.line(("steps", index, *sub) if index is not None else ())

    @property
    def first(self) -> str:
        return self.steps[0].id or ""

    @cached_property
    def _index(self) -> dict[str, int]:
        return {s.id or "": n for n, s in enumerate(self.steps)}

    def step(self, step_id: str) -> StepBase | None:
        index = self._index.get(step_id)
        return self.steps[index] if index is not None else None

    def after(self, step_id: str) -> str | None:
        """The id of the step listed after `step_id`, None after the last."""
        index = self._index[step_id] + 1
        return self.steps[index].id if index < len(self.steps) else None


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: loaded once
class FlowSet:
    flows: Mapping[str, Flow] = field(default_factory=dict)
    start: str = "start"
    """Where a new conversation begins (and /start)."""
    home: str = "menu"
    """Where a conversation goes when a flow ends with nothing to go back to."""
    consent: str = "consent"
    """Asked before entering a flow marked `consent: required`."""

    @cached_property
    def commands(self) -> dict[str, tuple[Flow, Command]]:
        return {c.name: (f, c) for f in self.flows.values() for c in f.spec.commands}

    @cached_property
    def transient(self) -> dict[str, frozenset[str]]:
        """Per flow, the names its steps save with `keep: false`."""
        return {f.id: frozenset(name for step in f.steps
                                if getattr(step, "keep", True) is False
                                and (name := getattr(step, "save", None)) is not None)
                for f in self.flows.values()}

    @cached_property
    def command_words(self) -> dict[str, str]:
        """A command's `words`, normalized -> the command's name."""
        return {normalize(word): c.name for f in self.flows.values()
                for c in f.spec.commands for word in c.words if normalize(word)}

    def admits(self, flow_id: str, role: str) -> bool:
        roles = self.flows[flow_id].spec.roles
        return roles is None or role in roles

    def menu_for(self, role: str) -> list[tuple[str, MenuEntry]]:
        """Menu entries this role may use, in menu order: only flows that exist appear."""
        if role not in self._menus:
            self._menus[role] = self._menu_for(role)
        return self._menus[role]

    def menu_buttons(self, role: str) -> tuple[Button, ...]:
        """The menu's buttons for this role (`menu_for`), made once: every push that ends
        in the menu shows them (a notice to 10,000 people asks the menu 10,000 times)."""
        if role not in self._menu_buttons:
            self._menu_buttons[role] = tuple(Button(Text(entry.label), f"flow:{flow_id}")
                                             for flow_id, entry in self.menu_for(role))
        return self._menu_buttons[role]

    @cached_property
    def _menus(self) -> dict[str, list[tuple[str, MenuEntry]]]:
        return {}

    @cached_property
    def _menu_buttons(self) -> dict[str, tuple[Button, ...]]:
        return {}

    def _menu_for(self, role: str) -> list[tuple[str, MenuEntry]]:
        entries = [
            (f.id, f.spec.menu)
            for f in self.flows.values()
            if f.spec.menu is not None
            and self.admits(f.id, role)
            and (f.spec.menu.roles is None or role in f.spec.menu.roles)
        ]
        return sorted(entries, key=lambda e: (e[1].order, e[0]))


def load_flows(folder: Path | str) -> tuple[FlowSet, list[Issue]]:
    """Every `*.yaml` under `folder` (sorted, so issues come in a stable order)."""
    root = Path(folder)
    issues: list[Issue] = []
    if not root.is_dir():
        issue = Issue("no-flows", str(root), 1, "the flows folder does not exist; "
                      "set FLOWS_DIR to the folder that holds the *.yaml flow files")
        return FlowSet(), [issue]
    flows: dict[str, Flow] = {}
    for path in sorted(root.rglob("*.yaml")):
        flow = load_file(path, issues)
        if flow is None:
            continue
        if flow.id in flows:
            other = flows[flow.id].file
            issues.append(Issue(
                "duplicate-flow", flow.file, 1,
                f"flow id '{flow.id}' is used in both {other} and {flow.file}; "
                "flow ids must be unique across all files: rename one of them",
                flow=flow.id))
            continue
        flows[flow.id] = flow
    return FlowSet(flows), issues


def load_file(path: Path, issues: list[Issue]) -> Flow | None:
    name = str(path)
    try:
        text = read_text(path)
    except NotText as exc:
        issues.append(Issue("not-utf8", name, exc.line, exc.what))
        return None
    source = parse(text, name)
    if source.error is not None:
        line, problem = source.error
        issues.append(Issue("yaml", name, line, f"not valid YAML: {problem}"))
        return None
    for loc, line in source.duplicates:
        issues.append(Issue("duplicate-key", name, line,
                            f"the key '{loc[-1]}' appears twice here; keep one of them"))
    if not isinstance(source.value, dict):
        issues.append(Issue("not-a-flow", name, 1,
                            "a flow file is a mapping with `flow:` and `steps:` at the top"))
        return None
    flow_id = source.value.get("flow") if isinstance(source.value.get("flow"), str) else None
    try:
        spec = FlowFile.model_validate(source.value)
    except ValidationError as exc:
        issues.extend(_explain(exc, (), source, FlowFile, flow_id))
        return None
    steps: list[StepBase] = []
    for index, raw in enumerate(spec.steps):
        step = _load_step(raw, index, source, flow_id, issues)
        if step is not None:
            steps.append(step)
    if not steps:
        return None
    return Flow(spec.flow, name, spec, tuple(steps), source, len(steps) == len(spec.steps))


def _load_step(raw: Any, index: int, source: Source, flow: str | None,
               issues: list[Issue]) -> StepBase | None:
    loc = ("steps", index)
    line = source.line(loc)
    if not isinstance(raw, dict):
        issues.append(Issue("bad-step", source.file, line,
                            f"step {index + 1} must be a mapping such as `- say: \"Hello\"`",
                            flow=flow))
        return None
    kinds = [k for k in STEPS if k in raw]
    label = raw.get("id") if isinstance(raw.get("id"), str) else None
    if len(kinds) != 1:
        found = " and ".join(f"`{k}`" for k in kinds) or "none"
        issues.append(Issue(
            "step-kind", source.file, line,
            f"a step needs exactly one of {', '.join(STEPS)}; this one has {found}",
            flow=flow, step=label))
        return None
    model = STEPS[kinds[0]].model
    try:
        step = model.model_validate(raw)
    except ValidationError as exc:
        issues.extend(_explain(exc, loc, source, model, flow, label))
        return None
    if step.id is None:  # ids that authors need not write; '_' never starts a written id
        step = step.model_copy(update={"id": f"_{index + 1}"})
    return step


def _explain(exc: ValidationError, prefix: tuple[str | int, ...], source: Source,
             model: type[BaseModel], flow: str | None, step: str | None = None) -> list[Issue]:
    """Pydantic's errors, reworded for the people who write flows, each with its line."""
    found = []
    for error in exc.errors():
        loc = prefix + tuple(error["loc"])
        where = ".".join(str(p) for p in error["loc"]) or "this step"
        kind = error["type"]
        given = error.get("input")
        if kind == "extra_forbidden":
            known = _field_names(model)
            hint = difflib.get_close_matches(str(loc[-1]), known, n=1)
            also = f" (did you mean '{hint[0]}'?)" if hint else f"; known keys: {', '.join(known)}"
            message, code = f"unknown key '{loc[-1]}'{also}", "unknown-key"
        elif kind == "missing":
            message, code = f"'{where}' is missing; add it", "missing-key"
        elif kind in {"string_type", "bool_type"} and isinstance(given, (dict, list, int, float)):
            shown = type(given).__name__.replace("dict", "mapping")
            message = f"'{where}' must be a plain text string in quotes, not a {shown}"
            code = "not-a-string"
        elif kind == "string_pattern_mismatch":
            message = (f"'{where}' is {given!r}: use lower-case ASCII letters, digits and "
                       "underscores, starting with a letter (a '.' separates parts)")
            code = "bad-name"
        elif kind == "value_error":
            message, code = f"'{where}': {error['msg'].removeprefix('Value error, ')}", "invalid"
        else:
            message, code = f"'{where}': {error['msg']}", "invalid"
        found.append(Issue(code, source.file, source.line(loc), message, flow=flow, step=step))
    return found


def _field_names(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def all_texts(flow: Flow) -> Iterable[tuple[str, int, str]]:
    """Every user-facing text of a flow: (msgid, line, what it is), for checks and gettext;
    a button label with a context comes as its catalog key (`Text.key`)."""
    spec = flow.spec
    if spec.menu is not None:
        yield spec.menu.label, flow.line("menu", "label"), "menu label"
    if spec.consent_reason is not None:
        yield spec.consent_reason, flow.line("consent_reason"), "why consent is needed"
    for i, command in enumerate(spec.commands):
        yield command.description, flow.line("commands", i, "description"), f"/{command.name}"
    for step in flow.steps:
        for attr in ("say", "ask"):
            text = getattr(step, attr, None)
            if isinstance(text, str):
                yield text, flow.step_line(step.id, attr), f"step {step.id}"
        choices = getattr(step, "choices", None)
        if isinstance(choices, list):
            for j, choice in enumerate(choices):
                line = flow.step_line(step.id, "choices", j, "label")
                key = Text(choice.label, context=getattr(choice, "context", None)).key
                yield key, line, f"button of step {step.id}"
