"""The actions of the FAQ flow (flows/faq.yaml)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.engine.model import JSON
from bot.faq import store
from bot.faq.desk import FaqDesk
from bot.feature import Action, ActionContext


def _desk(ctx: ActionContext) -> FaqDesk:
    desk: FaqDesk = ctx.deps.faq
    return desk


async def answer(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, Any]:
    """`faq.answer {question}`: see `FaqDesk.answer`; the languages the person said no to
    (the conversation's `declined`) are not offered again."""
    result = _desk(ctx).answer(str(args.get("question") or ""), ctx.lang, ctx.state.declined)
    # "Don't know" goes on to faq.gap, which needs the database: the runtime drops this quick
    # attempt and does the turn again the locked way (with `ctx.session`); counted there, once.
    if ctx.session is not None or result["kind"] != "unknown":
        ctx.deps.metrics.faq_answer(str(result["lang"]), str(result["kind"]))
    return result


async def topic(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, Any]:
    """`faq.topic {topic: "faq:<id>"}`: a topic chosen from the related buttons."""
    topic_id = str(args.get("topic") or "").removeprefix("faq:")
    desk = _desk(ctx)
    if topic_id not in desk.content.topics:
        return {"kind": "unknown", "lang": ctx.lang, "switch": False, "card": ""}
    return {**desk.topic(topic_id, ctx.lang), "lang": ctx.lang, "switch": False}


async def gap(ctx: ActionContext, args: Mapping[str, JSON]) -> None:
    """`faq.gap {question, lang}`: keep an unanswered question, masked, for staff; only
    for people who consented (without consent nothing they write is stored)."""
    if ctx.person.consent != "given":
        return
    await store.record_gap(ctx.db, ctx.person.id, str(args.get("question") or ""),
                         str(args.get("lang") or ctx.lang), ctx.now)


async def feedback(ctx: ActionContext, args: Mapping[str, JSON]) -> None:
    """`faq.feedback {topic, helpful, lang}`: "Did this help?", anonymously."""
    if args.get("topic"):
        await store.record_feedback(ctx.db, str(args["topic"]),
                                  str(args.get("lang") or ctx.lang),
                                  args.get("helpful") is True, ctx.now)


ACTIONS = {
    "faq.answer": Action(answer, database=False),
    "faq.topic": Action(topic, database=False),
    "faq.gap": Action(gap),
    "faq.feedback": Action(feedback),
}
