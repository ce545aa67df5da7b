"""The FAQ's privacy slice: the questions the person asked that the FAQ could not answer
(kept masked, for staff to see what is missing, at most FAQ_GAPS_DAYS). /mydata lists them;
they go with the person (ON DELETE CASCADE). "Did this help?" answers are anonymous and
not about anyone."""

from __future__ import annotations

from bot.engine.messages import N_
from bot.engine.model import Lines, Param, Text, Verbatim
from bot.faq import store
from bot.feature import ActionContext, PrivacySlice


async def questions(ctx: ActionContext) -> list[Param]:
    gaps = await store.gaps_of(ctx.db, ctx.person.id)
    if not gaps:
        return [Text(N_("Questions I could not answer: none"))]
    return [Text(N_("Questions I could not answer (kept for {days} days, for the Welcome "
                    "Center to improve the answers):\n{questions}"),
                 {"days": ctx.deps.settings.faq_gaps_days,
                  "questions": Lines(tuple(Verbatim(gap.text) for gap in gaps))})]


SLICE = PrivacySlice("faq", tables=("faq_gaps", "faq_checks"), show=questions)
"""A held-out check run from the staff console (`faq_checks`) names the staff member who
started it: not shown here, and set to nobody when they are erased (ON DELETE SET NULL)."""
