"""The canary for conversations with staff: Amal writes marked words to the Welcome Center, a
staff member answers with her words quoted, keeps a note and asks for an interpreter, and has
her case open when she sends /delete. Afterwards no column of any table holds the marks, and
on SQLite no byte of the database file does either; staff see the case as erased."""

from __future__ import annotations

from pathlib import Path

from bot.app import App
from tests.handoff.conftest import Center
from tests.test_canary import file_leftovers, leftovers

MARKS = ("zorblaxhandoff question", "quuxhandoff answer", "florphandoff note",
         "gromphandoff interpreter")


async def test_after_delete_nothing_said_to_staff_is_left_anywhere(
        app: App, center: Center, models: Path) -> None:
    amal = await center.newcomer("canary-handoff", "ar")
    await amal.say("/contact")
    await amal.tap("topic:residence-permit")
    await amal.say(MARKS[0])
    maria = await center.staff("maria")
    await maria.say("/cases")
    [case] = [b.value for m in maria.shown for b in m.buttons if b.value.startswith("case:")]
    await maria.tap(case)
    await maria.tap("reply")
    await maria.say(f"{MARKS[1]}: {MARKS[0]}")
    await maria.tap("note")
    await maria.say(MARKS[2])
    await maria.tap("interpreter")
    await maria.tap("interpret:ar")
    await maria.say("15.12.2026")
    await maria.say(MARKS[3])
    await center.deliver()
    await amal.tap("original")                     # she reads the German original
    await maria.say("/cases")
    await maria.tap(case)                          # and maria has the case open

    before = await leftovers(app, MARKS)
    assert any(MARKS[0] in line for line in before)
    await amal.say("/delete")
    await amal.tap("yes")
    await center.deliver()
    assert await leftovers(app, MARKS) == []
    assert await file_leftovers(app, MARKS) == []
