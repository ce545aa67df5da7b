"""A person's data as `/mydata` shows it, for the console: every privacy slice's lines
(`bot.privacy.SLICES`), rendered from the bot's own catalogs (domain `messages`) in the
staff member's language.

    lines = await mydata(db, person, lang="de", now=now, settings=settings, catalogs=catalogs)

A `Text` becomes a string with `bot.i18n.param_of`, as in the chat (the console may not
import the channels; in German and English there is no right-to-left layout to add, and a
page escapes what it shows).
"""

from __future__ import annotations

import logging
from dataclasses import fields
from datetime import datetime
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.db.people import PersonRecord
from bot.db.tables import Person
from bot.engine.model import ConversationState
from bot.feature import ActionContext, Deps
from bot.i18n import Catalogs, param_of
from bot.metrics import Metrics
from bot.privacy import SLICES

log = logging.getLogger(__name__)


def record_of(person: Person) -> PersonRecord:
    """The person as an action sees them (the slices' `show` take an ActionContext)."""
    names = {f.name for f in fields(PersonRecord)} - {"erased", "configured_admin",
                                                       "stored_role"}
    return PersonRecord(**{name: getattr(person, name) for name in names})


async def mydata(db: AsyncSession, person: Person, *, lang: str, now: datetime,
                 settings: Settings, catalogs: Catalogs) -> list[str]:
    """Every slice's lines about `person`, as `/mydata` shows them, in `lang`."""
    record = record_of(person)
    state = record.state or ConversationState()
    # The slices read the settings and the catalogs only; flows, contacts and the FAQ
    # (which takes seconds to load) are not needed to show someone's data.
    deps = Deps(settings, cast(Any, None), catalogs, cast(Any, None), cast(Any, None),
                metrics=Metrics())
    ctx = ActionContext(db, record, lang, now, deps, state)
    tr = catalogs.translator(lang)
    lines: list[str] = []
    for part in SLICES:
        if part.show is not None:
            lines += [param_of(line, tr) for line in await part.show(ctx)]
    return lines
