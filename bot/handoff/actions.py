"""The actions of the newcomer's side (flows/handoff.yaml): what it is about, the office
hours and how long an answer takes, each message passed on (translated into German for
staff), and the answers staff send, in the person's language. Staff's actions are in
`bot.handoff.staff`.

Results are JSON kept in the conversation only as ids: what people wrote is saved with
`keep: false` in the flow and is never stored there.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from bot.db.people import log_name
from bot.engine.messages import N_
from bot.engine.model import JSON
from bot.faq.titles import TITLES
from bot.feature import Action, ActionContext
from bot.handoff import notify, rules, staff, store
from bot.handoff.hours import FILE, Hours, load_hours
from bot.handoff.translate import SAME, STAFF_LANGUAGE, can_translate, translated

log = logging.getLogger(__name__)

TOPICS = ("residence-permit", "asylum-procedure", "family-reunion", "work-permit",
          "german-courses", "recognition-qualifications", "social-benefits", "housing")
"""The FAQ topics people choose from, the Welcome Center's usual counselling subjects: with
"Something else" and "Back", ten, what one WhatsApp list shows without paging."""

SOMETHING_ELSE = N_("✏️ Something else")
BACK = N_("⬅️ Back to the bot")
OPEN_NOW = N_("🕒 The Welcome Center is open now. Office hours: {hours}")
CLOSED_NOW = N_("🕒 The Welcome Center is closed now. Someone will read your message from "
                "{next}. Office hours: {hours}")
MACHINE = N_("ℹ️ A machine translates your messages into German for the staff, and their "
             "answers into your language. It may make mistakes.")
NO_MACHINE = N_("ℹ️ There is no machine translation here: the staff will read your messages "
                "as you write them, and may answer in German or English.")
ANSWER_MACHINE = N_("🤖 Machine translation: it may contain mistakes.")
ANSWER_UNTRANSLATED = N_("ℹ️ Not translated: there is no machine translation into your "
                         "language here.")
ORIGINAL_DE = N_("🇩🇪 Show the German original")
ORIGINAL_EN = N_("🇬🇧 Show the English original")


def _int(value: JSON) -> int:
    try:
        return int(str(value).rsplit(":", 1)[-1])
    except (TypeError, ValueError):
        return 0


def _hours(ctx: ActionContext) -> Hours:
    return load_hours(ctx.deps.settings.content_dir / FILE)


def _tz(ctx: ActionContext) -> ZoneInfo:
    return ZoneInfo(ctx.deps.settings.timezone)


def _when(ctx: ActionContext, hours: Hours) -> JSON:
    """Open now, or when someone will read it; with the office hours."""
    if not hours.known:
        return None
    summary = {"verbatim": "; ".join(hours.summary(ctx.lang))}
    if hours.is_open(ctx.now, _tz(ctx)):
        return {"msgid": OPEN_NOW, "params": {"hours": summary}}
    opens = hours.next_opening(ctx.now, _tz(ctx))
    return {"msgid": CLOSED_NOW, "params": {
        "hours": summary, "next": {"datetime": opens.isoformat()} if opens else None}}


def _translation_note(ctx: ActionContext) -> JSON:
    if ctx.lang == STAFF_LANGUAGE:
        return None
    models = ctx.deps.settings.translation_models_dir
    both = (can_translate(ctx.lang, STAFF_LANGUAGE, models)
            and can_translate(STAFF_LANGUAGE, ctx.lang, models))
    return {"msgid": MACHINE if both else NO_MACHINE}


async def _about(ctx: ActionContext) -> list[JSON]:
    """What people read before they write: office hours, how long an answer usually takes,
    and whether a machine translates."""
    wait = rules.usual_wait(await store.first_answers(ctx.db))
    return [line for line in (_when(ctx, _hours(ctx)), wait, _translation_note(ctx))
            if line is not None]


def topic_buttons() -> list[JSON]:
    return [*({"label": TITLES[t], "value": f"topic:{t}"} for t in TOPICS if t in TITLES),
            {"label": SOMETHING_ELSE, "value": "other"}, {"label": BACK, "value": "back"}]


async def mine(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`handoff.mine`: `open` when the person has a live case (`case`), the `topics` to
    choose from, and `about` (office hours, usual wait, translation) as lines."""
    found = await store.live_case(ctx.db, ctx.person.id)
    return {"open": found is not None, "case": str(found.id) if found else None,
            "topics": topic_buttons(), "about": await _about(ctx)}


async def relay(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`handoff.relay {text, topic}`: the person's message to staff, with its German
    translation; the first one opens a case (the staff's group hears of it). `after_hours`
    when nobody reads it before `next` (said once per message the staff have not answered)."""
    text = " ".join(str(args.get("text") or "").split())[:rules.MAX_TEXT]
    if not text:
        return {"ok": False}
    topic = str(args.get("topic") or "").removeprefix("topic:")
    lang = ctx.lang
    translation = SAME if lang == STAFF_LANGUAGE else await translated(
        text, lang, STAFF_LANGUAGE, ctx.deps.settings.translation_models_dir)
    session = ctx.db
    found, new = await store.open_case(session, ctx.person.id, lang,
                                       topic if topic in TITLES else None, ctx.now)
    before = found.status
    found.lang = lang  # the language they write in now: the answers' too
    message = await store.add(session, found, author="newcomer", text=text, lang=lang,
                              translated=translation, translated_to=STAFF_LANGUAGE, now=ctx.now)
    if new:
        await notify.to_staff_chat(session, ctx.deps.settings.staff_chat_id, found, ctx.now)
    else:
        await notify.to_staff(session, found, message.id, ctx.now)
    log.info("handoff_message case=%d who=%s machine=%s", found.id,
             log_name(ctx.person.channel, ctx.person.external_id), translation.machine)
    hours = _hours(ctx)
    after = hours.known and not hours.is_open(ctx.now, _tz(ctx))
    opens = hours.next_opening(ctx.now, _tz(ctx)) if after else None
    return {"ok": True, "case": str(found.id), "first": new,
            "after_hours": bool(after and (new or before == "waiting_them")),
            "next": {"datetime": opens.isoformat()} if opens else None}


async def shown(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`handoff.shown {message}`: a message staff sent the person, as they read it: `text`
    in their language, `note` (machine translation, or not translated), `original` and the
    buttons (the original, back to the bot). For an attached FAQ answer, the answer in the
    person's language. `found` false when it is not theirs or no longer there."""
    message = await store.message(ctx.db, _int(args.get("message")))
    found = await store.case(ctx.db, message.case_id) if message is not None else None
    if message is None or found is None or found.person_id != ctx.person.id:
        return {"found": False}
    back: JSON = {"label": BACK, "value": "back"}
    if message.author == "faq":
        answer = ctx.deps.faq.topic(message.topic or "", ctx.lang) \
            if (message.topic or "") in ctx.deps.faq.content.topics else None
        if answer is None:
            return {"found": False}
        text = "\n\n".join(part for part in (answer["answer"], answer["more"]) if part)
        return {"found": True, "case": str(found.id), "text": {"verbatim": text},
                "footer": answer["footer"], "buttons": [back]}
    if message.author != "staff":
        return {"found": False}
    machine = bool(message.translation) and message.translated_to == ctx.lang
    note: JSON = None
    if machine:
        note = {"msgid": ANSWER_MACHINE}
    elif message.lang != ctx.lang:
        note = {"msgid": ANSWER_UNTRANSLATED}
    buttons: list[JSON] = []
    if machine:
        buttons.append({"label": ORIGINAL_EN if message.lang == "en" else ORIGINAL_DE,
                        "value": "original"})
    buttons.append(back)
    return {"found": True, "case": str(found.id),
            "text": {"verbatim": message.translation if machine else message.text},
            "note": note, "original": {"verbatim": message.text}, "buttons": buttons}


ACTIONS: dict[str, Action] = {
    "handoff.mine": Action(mine),
    "handoff.relay": Action(relay),
    "handoff.shown": Action(shown),
    **staff.ACTIONS,
}
