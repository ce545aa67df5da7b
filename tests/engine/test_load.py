"""Flow files are checked in two passes; every problem comes with its file and line, all at
once, in words an author can act on."""

from __future__ import annotations

from pathlib import Path

from bot.app import checked_flows
from bot.engine.issues import Issue, errors
from tests.engine.harness import BASE_FLOWS, write_flows


def issues_for(tmp_path: Path, name: str, text: str) -> list[Issue]:
    write_flows(tmp_path, BASE_FLOWS)
    (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    _, found = checked_flows(tmp_path)
    return found


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def only(found: list[Issue], code: str) -> Issue:
    matching = [i for i in found if i.code == code]
    assert len(matching) == 1, found
    return matching[0]


DANGLING = """\
flow: booking
steps:
  - id: ask_seats
    ask: "How many seats?"
    input: number
    next: confirm_seats
  - id: confirm
    say: "Thanks."
"""


def test_a_dangling_next_names_file_line_and_the_steps_there_are(tmp_path: Path) -> None:
    issue = only(issues_for(tmp_path, "booking", DANGLING), "missing-step")
    assert issue.file.endswith("booking.yaml")
    assert issue.line == line_of(DANGLING, "next: confirm_seats")
    assert "'confirm_seats'" in issue.message and "did you mean 'confirm'" in issue.message
    assert str(issue).startswith(
        f"{issue.file}:{issue.line}: error: flow 'booking', step 'ask_seats'")


def test_a_goto_to_a_missing_flow(tmp_path: Path) -> None:
    text = "flow: x\nsteps:\n  - say: \"Hi\"\n  - goto: evnts\n"
    write_flows(tmp_path, {"events": {"flow": "events", "steps": [{"say": "E"}]}})
    issue = only(issues_for(tmp_path, "x", text), "missing-flow")
    assert issue.line == 4 and "did you mean 'events'" in issue.message


def test_a_goto_to_a_missing_step_of_another_flow(tmp_path: Path) -> None:
    text = "flow: x\nsteps:\n  - goto: {flow: menu, step: nowhere}\n"
    issue = only(issues_for(tmp_path, "x", text), "missing-step")
    assert issue.line == 3 and "flow 'menu'" in issue.message and "main" in issue.message


def test_unknown_action_and_unknown_validator(tmp_path: Path) -> None:
    text = ("flow: x\nsteps:\n  - action: privacy.consnt\n"
            "  - id: q\n    ask: \"When?\"\n    input: datum\n")
    found = issues_for(tmp_path, "x", text)
    action, validator = only(found, "unknown-action"), only(found, "unknown-validator")
    assert action.line == 3 and "did you mean 'privacy.consent'" in action.message
    assert validator.line == 6 and "date" in validator.message


def test_duplicate_step_ids(tmp_path: Path) -> None:
    text = ("flow: x\nsteps:\n  - id: q\n    ask: \"A?\"\n    input: text\n"
            "  - id: q\n    ask: \"B?\"\n    input: text\n")
    issue = only(issues_for(tmp_path, "x", text), "duplicate-id")
    assert issue.line == 6 and "lines 3, 6" in issue.message


def test_a_flow_id_used_in_two_files_names_both(tmp_path: Path) -> None:
    write_flows(tmp_path, {"other": {"flow": "x", "steps": [{"say": "One"}]}})
    issue = only(issues_for(tmp_path, "x", "flow: x\nsteps:\n  - say: \"Two\"\n"),
                 "duplicate-flow")
    assert "other.yaml" in issue.message and "x.yaml" in issue.message


def test_a_text_that_is_not_a_plain_string(tmp_path: Path) -> None:
    text = ("flow: x\nsteps:\n  - say:\n      de: \"Hallo\"\n      en: \"Hello\"\n"
            "  - id: q\n    ask: 42\n    input: text\n")
    found = [i for i in issues_for(tmp_path, "x", text) if i.code == "not-a-string"]
    # the mapping under `say:` starts on line 4
    assert [(i.line, "plain text string" in i.message) for i in found] == [(4, True), (7, True)]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = ("flow: x\nsteps:\n  - say: \"Hi {name}\"\n    nxt: q\n"
            "  - id: q\n    ask: \"Q?\"\n    choices:\n"
            "      - {label: \"A\", value: a, next: nowhere}\n"
            "  - action: no.such\n")
    found = errors(issues_for(tmp_path, "x", text))
    # The first step fails the shape pass; the meaning pass still checks the others (but
    # not `next` targets in this flow, which the broken step might have been).
    assert sorted(i.code for i in found) == ["unknown-action", "unknown-key"]
    typo = only(found, "unknown-key")
    assert "did you mean 'next'" in typo.message and typo.line == 4
    text = text.replace("    nxt: q\n", "")
    codes = sorted(i.code for i in errors(issues_for(tmp_path, "x", text)))
    assert codes == ["missing-param", "missing-step", "unknown-action"]


def test_yaml_syntax_errors_and_duplicate_keys(tmp_path: Path) -> None:
    issue = only(issues_for(tmp_path, "x", "flow: x\nsteps:\n  - say: \"unclosed\n"), "yaml")
    assert issue.line >= 3
    dup = only(issues_for(tmp_path, "y", "flow: y\nsteps:\n  - say: \"a\"\n    say: \"b\"\n"),
               "duplicate-key")
    assert dup.line == 4


def test_a_step_needs_exactly_one_kind(tmp_path: Path) -> None:
    text = "flow: x\nsteps:\n  - id: a\n    next: b\n  - id: b\n    say: \"x\"\n    goto: menu\n"
    found = [i for i in issues_for(tmp_path, "x", text) if i.code == "step-kind"]
    assert [(i.line, i.step) for i in found] == [(3, "a"), (5, "b")]


def test_the_flows_every_bot_needs(tmp_path: Path) -> None:
    write_flows(tmp_path, {"only": {"flow": "only", "steps": [{"say": "x"}]}})
    _, found = checked_flows(tmp_path)
    assert sorted(i.message.split("'")[1] for i in found if i.code == "missing-flow") == [
        "consent", "menu", "start"]


def test_unreachable_steps_are_warnings_not_errors(tmp_path: Path) -> None:
    text = "flow: x\nsteps:\n  - say: \"a\"\n  - end: true\n  - id: lost\n    say: \"b\"\n"
    found = issues_for(tmp_path, "x", text)
    issue = only(found, "unreachable")
    assert issue.severity == "warning" and issue.line == 5 and not errors(found)


def test_the_projects_own_flows_are_clean() -> None:
    root = Path(__file__).resolve().parents[2]
    flows, found = checked_flows(root / "flows")
    assert found == [] and {"start", "menu", "consent", "privacy"} <= set(flows.flows)
