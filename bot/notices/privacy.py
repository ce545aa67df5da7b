"""What /mydata shows of the notices: the topics the person gets notices about. The
subscriptions go with the person (ON DELETE CASCADE)."""

from __future__ import annotations

from bot.engine.messages import N_
from bot.engine.model import Lines, Param, Text
from bot.feature import ActionContext, PrivacySlice
from bot.notices import topics


async def subscriptions(ctx: ActionContext) -> list[Param]:
    mine = await topics.of(ctx.db, ctx.person.id)
    if not mine:
        return [Text(N_("Notices: none"))]
    return [Text(N_("Notices about: {topics}"), {"topics": Lines(
        tuple(Text(name) for topic, name in topics.TOPICS.items() if topic in mine),
        sep=", ")})]


SLICE = PrivacySlice("notices", tables=("subscriptions",), show=subscriptions)
