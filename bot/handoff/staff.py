"""What the staff chat calls (flows/handoff_staff.yaml, `/cases`) and the announcement in the
staff's Telegram group (flows/handoff_team.yaml): the open cases by language and topic, one
case with its messages in the original and in German, and what staff do with it
(`bot.handoff.casework`, audited). Every action checks the reader's role again: only staff
read cases.

What is shown about a case is fetched with `keep: false` in the flow: a staff member's stored
conversation keeps the case's number, never what anyone wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.db.people import identity
from bot.engine.messages import N_
from bot.engine.model import JSON
from bot.faq.titles import TITLES
from bot.feature import Action, ActionContext
from bot.handoff import casework, rules, store, views
from bot.handoff.translate import STAFF_WRITES

TAKE = N_("✋ Take it")
REPLY = N_("✍️ Answer")
ATTACH = N_("📎 Send a FAQ answer")
NOTE = N_("📝 Note for staff")
INTERPRETER = N_("🗣 Ask for an interpreter")
RELEASE = N_("↩️ Hand it back")
CLOSE = N_("✅ Close")
ALL_CASES = N_("📋 All open conversations")
BACK = N_("⬅️ Back to the menu")
NEW_CASE = N_("🙋 New conversation #{case} · {language} · {topic}")
LINK = N_("Open it: {link}")
IN_CHAT = N_("Open it in the chat with the bot: /cases")
REPLIED = N_("✅ Sent to #{case} in {language} (machine translation):\n{text}")
REPLIED_SAME = N_("✅ Sent to #{case}.")
REPLIED_UNTRANSLATED = N_("✅ Sent to #{case} as you wrote it: there is no translation model "
                          "for {language} here.")


def _int(value: JSON) -> int:
    try:
        return int(str(value).rsplit(":", 1)[-1])
    except (TypeError, ValueError):
        return 0


def _staff(ctx: ActionContext) -> bool:
    return rules.may_read(ctx.person.role)


def _actor(ctx: ActionContext) -> casework.Actor:
    return casework.Actor(identity(ctx.person.channel, ctx.person.external_id), "chat",
                          ctx.person.id)


def _language(ctx: ActionContext) -> Callable[[str], str]:
    tr = ctx.deps.catalogs.translator(ctx.lang)
    return lambda code: tr.language_names([code]) if code else "?"


def _plain(ctx: ActionContext, value: JSON) -> str:
    """A message as the reader's plain text, for a button label (which has no parameters)."""
    tr = ctx.deps.catalogs.translator(ctx.lang)
    if isinstance(value, dict) and "msgid" in value:
        return tr.gettext(str(value["msgid"]))
    return str(value)


async def cases(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`handoff.cases`: the open cases, by language and topic, longest waiting first within
    each; a button for each (`case:<id>`) and `back`."""
    if not _staff(ctx):
        return {"lines": [], "buttons": [{"label": BACK, "value": "back"}]}
    found = await store.cases(ctx.db)
    found.sort(key=lambda c: (c.lang or "", c.topic or "~", c.last_at))
    language = _language(ctx)
    buttons: list[JSON] = [
        {"label": f"#{c.id} · {language(c.lang or '')} · "
                  f"{_plain(ctx, views.topic_of(c))}", "value": f"case:{c.id}"}
        for c in found[:20]]
    buttons.append({"label": BACK, "value": "back"})
    return {"lines": views.case_list(found, language), "buttons": buttons}


async def read(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`handoff.read {case}`: the case for staff (audited), `found`, and the buttons of
    what can be done with it (`take`, `reply`, `attach`, `note`, `interpreter`, `release`,
    `close`, `list`); `language` the person's, `writes` whether staff may write."""
    case_id = _int(args.get("case"))
    if not _staff(ctx) or not case_id:
        return {"found": False}
    seen = await casework.read(ctx.db, case_id, _actor(ctx), ctx.now)
    language = _language(ctx)
    if seen is None:
        return {"found": True, "lines": [views.msg(views.NOT_FOUND, case=str(case_id))],
                "buttons": [{"label": ALL_CASES, "value": "list"}], "live": False}
    found, messages = seen
    lines = views.case_text(found, messages, ctx.person.id, language)
    buttons: list[JSON] = []
    live = found.status in rules.LIVE
    if live:
        if found.staff_id != ctx.person.id:
            buttons.append({"label": TAKE, "value": "take"})
        buttons += [{"label": REPLY, "value": "reply"}, {"label": ATTACH, "value": "attach"},
                    {"label": NOTE, "value": "note"},
                    {"label": INTERPRETER, "value": "interpreter"}]
        if found.staff_id is not None:
            buttons.append({"label": RELEASE, "value": "release"})
        buttons.append({"label": CLOSE, "value": "close"})
    buttons.append({"label": ALL_CASES, "value": "list"})
    return {"found": True, "live": live, "lines": lines, "buttons": buttons,
            "language": {"verbatim": language(found.lang or "")}}


async def take(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`handoff.take {case}`."""
    ok = _staff(ctx) and await casework.take(ctx.db, _int(args.get("case")), _actor(ctx),
                                             ctx.now)
    return {"ok": ok}


async def release(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`handoff.release {case}`: hand it back to everyone."""
    ok = _staff(ctx) and await casework.release(ctx.db, _int(args.get("case")), _actor(ctx),
                                                ctx.now)
    return {"ok": ok}


async def reply(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`handoff.reply {case, text}`: the answer, in German or English (the staff member's
    chat language if it is one of them, else German), translated for the person; `said`
    tells staff what was sent."""
    if not _staff(ctx):
        return {"ok": False}
    case_id = _int(args.get("case"))
    lang = ctx.lang if ctx.lang in STAFF_WRITES else "de"
    message = await casework.reply(ctx.db, case_id, str(args.get("text") or ""), lang,
                                   _actor(ctx), ctx.now,
                                   ctx.deps.settings.translation_models_dir)
    if message is None:
        return {"ok": False}
    found = await store.case(ctx.db, case_id)
    target = found.lang if found is not None and found.lang else lang
    language = {"verbatim": _language(ctx)(target)}
    if message.translation:
        said = views.msg(REPLIED, case=str(case_id), language=language,
                         text={"verbatim": message.translation})
    elif target == message.lang:
        said = views.msg(REPLIED_SAME, case=str(case_id))
    else:
        said = views.msg(REPLIED_UNTRANSLATED, case=str(case_id), language=language)
    return {"ok": True, "said": said}


async def topics(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`handoff.topics`: every FAQ topic as a button (`faq:<id>`)."""
    return {"buttons": [*({"label": title, "value": f"faq:{topic}"}
                          for topic, title in TITLES.items()),
                        {"label": ALL_CASES, "value": "list"}]}


async def attach(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`handoff.attach {case, topic}`: send that FAQ answer in the person's language."""
    topic = str(args.get("topic") or "").removeprefix("faq:")
    ok = _staff(ctx) and topic in TITLES and await casework.attach(
        ctx.db, _int(args.get("case")), topic, _actor(ctx), ctx.now) is not None
    return {"ok": ok}


async def note(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`handoff.note {case, text}`: a note only staff see."""
    ok = _staff(ctx) and await casework.note(ctx.db, _int(args.get("case")),
                                             str(args.get("text") or ""), _actor(ctx),
                                             ctx.now) is not None
    return {"ok": ok}


async def languages(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`handoff.languages {case}`: the languages an interpreter may be asked for, the
    person's first, each named in the reader's language (`lang:` buttons are the language
    picker's, so these are `interpret:<code>`)."""
    found = await store.case(ctx.db, _int(args.get("case")))
    first = found.lang if found is not None and found.lang else None
    codes = [c for c in ([first] if first else []) + list(ctx.deps.settings.languages)
             if c != "de"]
    language = _language(ctx)
    return {"buttons": [{"label": language(c), "value": f"interpret:{c}"}
                        for c in dict.fromkeys(codes)]}


async def interpreter(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`handoff.interpreter {case, language, day, note}`: a request for the coordinator."""
    if not _staff(ctx):
        return {"ok": False}
    language = str(args.get("language") or "").removeprefix("interpret:")
    request = await casework.interpreter(
        ctx.db, _int(args.get("case")), language=language, wanted_on=str(args.get("day")),
        note=str(args.get("note") or "").strip() or None, actor=_actor(ctx), now=ctx.now)
    return {"ok": request is not None, "request": request.id if request else None}


async def close(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`handoff.close {case, outcome}`: the person is told."""
    ok = _staff(ctx) and await casework.close(ctx.db, _int(args.get("case")),
                                              str(args.get("outcome")), _actor(ctx), ctx.now)
    return {"ok": ok}


async def announce(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`handoff.announce {case}`: for the staff's group, a new case's number, language and
    topic, and its link (CONSOLE_URL/cases/<id>) where the console has an address."""
    found = await store.case(ctx.db, _int(args.get("case")))
    if found is None or found.status == "erased":
        return {"found": False}
    language = _language(ctx)
    url = ctx.deps.settings.console_url
    where = views.msg(LINK, link={"verbatim": f"{url}/cases/{found.id}"}) if url \
        else views.msg(IN_CHAT)
    return {"found": True, "lines": [
        views.msg(NEW_CASE, case=str(found.id), language={"verbatim": language(found.lang or "")},
                  topic=views.topic_of(found)), where]}


ACTIONS: dict[str, Action] = {
    "handoff.cases": Action(cases),
    "handoff.read": Action(read),
    "handoff.take": Action(take),
    "handoff.release": Action(release),
    "handoff.reply": Action(reply),
    "handoff.topics": Action(topics, database=False),
    "handoff.attach": Action(attach),
    "handoff.note": Action(note),
    "handoff.languages": Action(languages),
    "handoff.interpreter": Action(interpreter),
    "handoff.close": Action(close),
    "handoff.announce": Action(announce),
}
