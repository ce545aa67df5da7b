"""`pybabel extract` finds every text of a flow file, with its line and where it is used."""

from __future__ import annotations

import io

from bot.engine.gettext import extract

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
