"""The actions of flows/notices.yaml: choosing topics, /stop, and showing a notice."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import Notice
from bot.engine.messages import N_
from bot.engine.model import JSON
from bot.feature import Action, ActionContext
from bot.notices import topics
from bot.notices.content import NoticeFile

DONE = N_("✔️ Done")
DISTRICT = N_("Part of town: {name}")
NO_DISTRICT = N_("not given")
MACHINE_NOTE = N_("(This is an automatic translation.)")
FALLBACK_NOTE = N_("(This notice is not yet available in your language.)")
VIDEO = N_("🎬 Video: {link}")
TELL = "📢 {title}\n\n{text}\n{extra}"
"""The message of the step `tell` in flows/notices.yaml: a notice as it arrives (`message`
fills it in, for the console's preview)."""
FIRST_TOPICS = ("health", "general")
"""What "yes, please" at the first question subscribes to."""


async def _buttons(ctx: ActionContext) -> dict[str, JSON]:
    mine = await topics.of(ctx.db, ctx.person.id)
    tr = ctx.deps.catalogs.translator(ctx.lang)
    # Composed here, in the person's language: "✅ Health" is on, "⬜ Health" is off.
    buttons: list[JSON] = [
        {"label": f"{'✅' if topic in mine else '⬜'} {tr.gettext(name)}", "value": topic}
        for topic, name in topics.TOPICS.items()]
    # Notices can be for one part of town (audience `district:`): where they live, or not.
    where = tr.isolate(ctx.person.district) if ctx.person.district else tr.gettext(NO_DISTRICT)
    buttons.append({"label": f"📍 {tr.gettext(DISTRICT).format(name=where)}",
                    "value": "district"})
    buttons.append({"label": DONE, "value": "done"})
    return {"buttons": buttons, "any": bool(mine)}


async def list_topics(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`notices.topics`: a button per topic, marked on or off, and `any`."""
    return await _buttons(ctx)


async def toggle(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`notices.toggle {topic}`: switch one topic on or off."""
    topic = str(args.get("topic") or "")
    if topic in topics.TOPICS:
        if topic in await topics.of(ctx.db, ctx.person.id):
            await topics.unsubscribe(ctx.db, ctx.person.id, [topic])
        else:
            await topics.subscribe(ctx.db, ctx.person.id, [topic], ctx.now)
    return await _buttons(ctx)


async def subscribe_first(ctx: ActionContext, args: Mapping[str, JSON]) -> None:
    """`notices.subscribe_first`: "yes, please" at the first question."""
    await topics.subscribe(ctx.db, ctx.person.id, FIRST_TOPICS, ctx.now)


async def stop(ctx: ActionContext, args: Mapping[str, JSON]) -> None:
    """`notices.stop`: no more notices of any topic."""
    await topics.unsubscribe(ctx.db, ctx.person.id)


async def text(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`notices.text {notice}`: the notice in the person's language. A machine draft only
    where staff allowed it (and only one of the source as it is now), with a note; else
    the first language of the fallback chain that has a text a person wrote, with a note
    (`NoticeFile.outgoing`). Chosen once per language and transaction, not per person."""
    notice_id = str(args.get("notice") or "")
    notice = await _notice(ctx.db, notice_id)
    if notice is None:
        return {"found": False}
    shown: dict[tuple[str, str], dict[str, JSON]] = ctx.db.info.setdefault(
        "notice_texts", {})
    if (notice_id, ctx.lang) not in shown:
        shown[notice_id, ctx.lang] = shown_in(notice, ctx.lang,
                                              ctx.deps.settings.default_language)
    return dict(shown[notice_id, ctx.lang])


def shown_in(notice: NoticeFile, lang: str, fallback: str) -> dict[str, JSON]:
    """What a reader whose language is `lang` gets of `notice`: its title, text, the
    language they are in (`lang`), and `extra` (the video, the note)."""
    lang, how = notice.outgoing(lang, fallback)
    note = {"own": None, "machine": MACHINE_NOTE, "fallback": FALLBACK_NOTE}[how]
    chosen = notice.texts[lang]
    extra: list[JSON] = []
    if chosen.video or notice.texts[notice.source].video:
        extra.append({"msgid": VIDEO, "params": {
            "link": chosen.video or notice.texts[notice.source].video}})
    if note:
        extra.append({"msgid": note})
    return {"found": True, "title": chosen.title, "text": chosen.text.strip(),
            "lang": lang, "extra": ["", *extra] if extra else ""}


def message(notice: NoticeFile, lang: str, fallback: str) -> dict[str, JSON]:
    """The notice as a reader whose language is `lang` gets it: `TELL` with its parameters,
    as JSON (`bot.engine.cursor.as_param` makes it a `Text` to render)."""
    found = shown_in(notice, lang, fallback)
    return {"msgid": TELL, "params": {"title": found["title"], "text": found["text"],
                                      "extra": found["extra"]}}


async def _notice(session: AsyncSession, notice_id: str) -> NoticeFile | None:
    """The notice as staff sent it, read and checked once per transaction: the outbox
    sends a batch of hundreds of the same notice in one."""
    cache: dict[str, NoticeFile | None] = session.info.setdefault("notices", {})
    if notice_id not in cache:
        stored = await session.get(Notice, notice_id)
        cache[notice_id] = (NoticeFile.model_validate(stored.definition)
                            if stored is not None else None)
    return cache[notice_id]


ACTIONS = {
    "notices.topics": Action(list_topics),
    "notices.toggle": Action(toggle),
    "notices.subscribe_first": Action(subscribe_first),
    "notices.stop": Action(stop),
    "notices.text": Action(text),
}
