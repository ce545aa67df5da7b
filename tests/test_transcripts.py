"""Whole conversations, as people have them: tests/transcripts/*.yaml.

Each file is a dialogue: what the user sends (text, or `tap: <label>`) and every message the
bot answers, rendered in the user's language (and `file:` for a file it sends). `events:`
names a file of event series to add first, at the test clock's time. `pytest --update`
rewrites the bot's side from what the bot says now; review the diff like any other change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.app import App
from bot.db.session import transaction
from bot.events import store
from bot.events.content import load_series
from tests.talk import Talk

FOLDER = Path(__file__).parent / "transcripts"
ROOT = Path(__file__).parent.parent


def transcripts() -> list[Any]:
    return [pytest.param(p, id=p.stem) for p in sorted(FOLDER.glob("*.yaml"))]


@pytest.mark.parametrize("path", transcripts())
async def test_transcript(path: Path, app: App, request: pytest.FixtureRequest) -> None:
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    if script.get("events"):  # a file of event series, relative to the repository
        async with transaction(app.sessions) as session:
            await store.save_series(session, load_series(ROOT / script["events"]),
                                    app.runtime.clock(), ZoneInfo(app.settings.timezone))
    talk = Talk(app, script["user"]["id"], hint=script["user"].get("lang"))
    heard = []
    for turn in script["dialog"]:
        said = turn.get("user")
        if said is None:
            shown = await talk.open()
        elif isinstance(said, dict):
            shown = await talk.tap(said["tap"])
        else:
            shown = await talk.say(str(said))
        heard.append([{"text": m.text, **({"buttons": [b.label for b in m.buttons]}
                                          if m.buttons else {})} for m in shown]
                     + [{"file": f.name} for f in talk.files])
    if request.config.getoption("--update"):
        for turn, bot in zip(script["dialog"], heard, strict=True):
            turn["bot"] = bot
        path.write_text(yaml.safe_dump(script, allow_unicode=True, sort_keys=False, width=100),
                        encoding="utf-8")
        return
    for number, (turn, bot) in enumerate(zip(script["dialog"], heard, strict=True), 1):
        assert bot == turn.get("bot"), f"{path.name}, turn {number} (user: {turn.get('user')!r})"
