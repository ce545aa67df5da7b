"""`pybabel extract` finds every text of a flow file, with its line and where it is used."""

from __future__ import annotations

import io

from bot.engine.gettext import extract, extract_python

FLOW = b"""\
flow: demo
menu: {label: "Demo"}
commands:
  - {name: demo, description: "Try the demo"}
steps:
  - id: hello
    say: "Hello!"
  - id: pick
    ask: "Tea or coffee?"
    choices:
      - {label: "Tea", value: tea}
      - {label: "Coffee", value: coffee}
"""


def test_flow_texts_are_extracted_with_lines_and_comments() -> None:
    found = [(line, text, comments[0]) for line, _, text, comments in
             extract(io.BytesIO(FLOW), {}, [], {})]
    assert found == [
        (2, "Demo", "flow demo: menu entry"),
        (4, "Try the demo", "flow demo: description of the command /demo (short)"),
        (7, "Hello!", "flow demo, step hello"),
        (9, "Tea or coffee?", "flow demo, step pick"),
        (11, "Tea", "flow demo, step pick: button (keep it short)"),
        (12, "Coffee", "flow demo, step pick: button (keep it short)"),
    ]


def test_a_broken_file_yields_nothing_rather_than_failing() -> None:
    assert list(extract(io.BytesIO(b"flow: [unclosed"), {}, [], {})) == []


GENDERED = b"""\
flow: match
steps:
  - id: offer
    say: "{name} would like to be your buddy."
    params: {name: var.o.name}
    gender: var.o.gender
  - id: end
    ask: "End the match?"
    choices:
      - {label: "No, keep it", value: "no", context: buddy match}
"""


def test_a_text_about_a_person_comes_neutral_and_in_each_gender() -> None:
    found = [(line, funcname, text) for line, funcname, text, _ in
             extract(io.BytesIO(GENDERED), {}, [], {})]
    assert found == [
        (4, "_", "{name} would like to be your buddy."),
        (4, "pgettext", ("female", "{name} would like to be your buddy.")),
        (4, "pgettext", ("male", "{name} would like to be your buddy.")),
        (8, "_", "End the match?"),
        (10, "pgettext", ("buddy match", "No, keep it")),
    ]


def test_python_ng_marks_a_message_with_its_gendered_variants() -> None:
    source = b'from bot.engine.messages import N_, NG_\nA = N_("Hi")\nB = NG_("{name} said yes")\n'
    found = [(line, funcname, text) for line, funcname, text, _ in
             extract_python(io.BytesIO(source), {"N_": None}, [], {})]
    assert found == [(2, "N_", "Hi"), (3, "N_", "{name} said yes"),
                     (3, "pgettext", ("female", "{name} said yes")),
                     (3, "pgettext", ("male", "{name} said yes"))]
