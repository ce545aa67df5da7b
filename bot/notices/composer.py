"""The actions of flows/notices_staff.yaml: staff write a notice in the chat.

They write it in German or English; the bot drafts the other languages offline (machine
drafts, `bot.notices.translation`) and keeps it in the database as a draft
(`bot.notices.drafts`): every process sees it, and `welcomebot notice
send|status|review|translate <id>` work with it as with a notice file. They choose who gets
it, see a preview with the numbers per language (the send plan of `bot.notices.plan`, as
`notice send` prints it), and confirm; when everything has gone out (or expired), the
outbox brings them the tally.

The tally: a push `notices_staff:tally` for the staff member, due when sending should be
over. If messages are still waiting then, it says nothing and looks again later (a new
outbox row each time, so every look is queued once).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from anyascii import anyascii

from bot import audit
from bot.db.people import identity
from bot.db.tables import Notice
from bot.delivery import outbox
from bot.engine.messages import N_, NP_
from bot.engine.model import JSON
from bot.feature import Action, ActionContext
from bot.i18n import endonyms
from bot.notices import drafts as stored_drafts
from bot.notices import store
from bot.notices.audience import parse
from bot.notices.content import NoticeError, NoticeFile, Text, load_notice, notice_path
from bot.notices.plan import send_plan, sending_seconds

log = logging.getLogger(__name__)

TALLY_PUSH = "notices_staff:tally"
TALLIED = ("sent", "failed", "unreachable", "skipped", "expired")
LOOK_AGAIN = timedelta(minutes=1)
"""How long the tally waits before looking again while messages are still going out."""

STATE = {
    "source": N_("the text you wrote"),
    "machine": N_("machine draft"),
    "machine_off": N_("machine draft, not sent: they get the {fallback} text with a note"),
    "missing": N_("no translation: they get the {fallback} text with a note"),
    "reviewed": N_("translated and checked"),
    "unreviewed": N_("translated by a person"),
    "stale": N_("translation out of date: they get it anyway"),
}
LANGUAGE_LINE = NP_("{language}: {count} person, {state}", "{language}: {count} people, {state}")
DURATION = NP_("Sending takes about {count} minute.", "Sending takes about {count} minutes.")
NO_MODELS = N_("No translation model is installed for: {pairs}. Ask your administrator to "
               "install them (welcomebot notice translate shows how).")
DRAFT_HEADER = N_("{language} (machine draft):")
TALLY_LANGUAGE = N_("{language}: ✅ {sent} · ❌ {failed} · 🚫 {unreachable} · ⏭ {skipped} · "
                    "⌛ {expired}")
NO_TEMPLATE_LINE = NP_(
    "📵 {count} WhatsApp user did not get it: they have not written for over 24 hours and "
    "no approved message template fits (content/whatsapp-templates.yaml).",
    "📵 {count} WhatsApp users did not get it: they have not written for over 24 hours and "
    "no approved message template fits (content/whatsapp-templates.yaml).")
RECEIPTS_LINE = N_("📬 WhatsApp confirmed: delivered {delivered} · read {read}")
DONE = N_("✔️ Done")
ON_ITS_WAY = NP_("The notice is on its way to {count} person.",
                 "The notice is on its way to {count} people.")
NOT_FOUND = N_("The notice file could not be read any more; nothing was sent.")


def _session(ctx: ActionContext) -> Any:
    assert ctx.session is not None
    return ctx.session


def _msg(msgid: str, **params: JSON) -> dict[str, JSON]:
    return {"msgid": msgid, "params": params}


def new_id(title: str, now: dt.datetime) -> str:
    """A file name from the title and the time: "Corona-Test im Rathaus" at 9:05 on
    23 November 2026 -> "corona-test-im-rathaus-20261123-0905"."""
    slug = re.sub(r"[^a-z0-9]+", "-", anyascii(title).lower()).strip("-")[:40].strip("-")
    return f"{slug or 'notice'}-{now:%Y%m%d-%H%M}"


def _draft(notice: NoticeFile, targets: list[str], models: Path
           ) -> tuple[NoticeFile, list[tuple[str, str]]]:
    """Machine drafts for `targets` with the models in `models` (slow: a model runs;
    called in a worker thread)."""
    from bot.notices import translation

    translation.configure(models)
    drafted = translation.draft(notice, targets)
    return drafted.notice, list(drafted.missing)


async def compose(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`notices.compose {source, topic, title, text}`: the notice file, with machine drafts
    for the other languages where a model is installed; `id` and what is missing."""
    settings = ctx.deps.settings
    source = str(args.get("source") or "de")
    notice = NoticeFile(id=new_id(str(args.get("title") or ""), ctx.now), topic=str(
        args.get("topic") or "general"), source=source,  # type: ignore[arg-type]
        texts={source: Text(title=str(args.get("title") or "").strip()[:120],
                            text=str(args.get("text") or "").strip())})
    targets = [lang for lang in settings.languages if lang != source]
    try:
        notice, missing = await asyncio.to_thread(_draft, notice, targets,
                                                  settings.translation_models_dir)
    except Exception:  # a broken model must not lose what staff wrote
        log.exception("notice_drafts_failed notice=%s", notice.id)
        missing = [(source, lang) for lang in targets]
    notice = await stored_drafts.create(
        _session(ctx), notice, ctx.now,
        taken=lambda notice_id: stored_drafts.file_of(settings.content_dir, notice_id) is not None)
    log.info("notice_composed notice=%s drafts=%d", notice.id, len(notice.texts) - 1)
    pairs = ", ".join(f"{a}→{b}" for a, b in missing)
    return {"id": notice.id, "drafts": len(notice.texts) > 1,
            "missing": _msg(NO_MODELS, pairs={"verbatim": pairs}) if missing else ""}


async def _load(ctx: ActionContext, notice_id: str) -> NoticeFile | None:
    """The draft; else a notice file of that name (a conversation begun when the composer
    still saved files)."""
    found = await stored_drafts.get(_session(ctx), notice_id)
    if found is not None:
        return found
    try:
        return load_notice(notice_path(ctx.deps.settings.content_dir, notice_id))
    except (OSError, NoticeError):
        log.warning("notice_unreadable notice=%s", notice_id)
        return None


async def drafts(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`notices.drafts {notice}`: each machine draft, title and text, as the machine wrote
    them (shown as they are: staff check them, the bot does not translate them again)."""
    notice = await _load(ctx, str(args.get("notice") or ""))
    names = endonyms(ctx.deps.settings.languages)
    lines: list[JSON] = []
    for lang, text in (notice.texts.items() if notice else ()):
        if text.machine:
            lines += ["", _msg(DRAFT_HEADER, language={"verbatim": names.get(lang, lang)}),
                      {"verbatim": text.title}, {"verbatim": text.text}]
    return {"lines": lines[1:]}


async def allow_machine(ctx: ActionContext, args: Mapping[str, JSON]) -> None:
    """`notices.allow_machine {notice}`: the machine drafts may go out (with a note)."""
    notice = await stored_drafts.get(_session(ctx), str(args.get("notice") or ""))
    if notice is not None:
        await stored_drafts.put(_session(ctx), notice.model_copy(
            update={"allow_machine_translation": True}), ctx.now)


def _languages(args: Mapping[str, JSON]) -> list[str]:
    chosen = args.get("languages")
    return [str(code) for code in chosen] if isinstance(chosen, list) else []


def _expression(notice: NoticeFile, languages: list[str]) -> str:
    return f"topic:{notice.topic}" + (f" locale:{','.join(languages)}" if languages else "")


async def plan(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`notices.plan {notice, languages}`: who would get it (per language, with the state
    of its text), how long sending takes, and a toggle button per language. No languages
    chosen: everyone who wants the notice's topic."""
    settings = ctx.deps.settings
    notice = await _load(ctx, str(args.get("notice") or ""))
    if notice is None:
        return {"found": False}
    chosen = _languages(args)
    audience = parse(_expression(notice, chosen), tuple(settings.languages))
    counts: Counter[str] = await store.count(_session(ctx), audience, settings.default_language)
    sending = send_plan(notice, counts, settings.default_language, settings.telegram_rate)
    names = endonyms(settings.languages)
    lines: list[JSON] = []
    for share in sending.shares:
        fallback = {"verbatim": names.get(share.shown_in, share.shown_in)}
        lines.append({"msgid": LANGUAGE_LINE[0], "plural": LANGUAGE_LINE[1], "count": "count",
                      "params": {"language": {"verbatim": names.get(share.lang, share.lang)},
                                 "count": share.count,
                                 "state": _msg(STATE[share.kind], fallback=fallback)}})
    total = sending.total
    buttons: list[JSON] = [
        # Language names in their own script: the same in every reader's language.
        {"label": f"{'✅' if lang in chosen else '⬜'} {names.get(lang, lang)}", "value": lang}
        for lang in settings.languages]
    buttons.append({"label": DONE, "value": "done"})
    title = notice.texts[notice.source]
    return {"found": True, "total": total, "empty": total == 0, "lines": lines, "buttons": buttons,
            "title": {"verbatim": title.title}, "text": {"verbatim": title.text},
            "duration": {"msgid": DURATION[0], "plural": DURATION[1], "count": "count",
                         "params": {"count": sending.minutes}}}


async def toggle_language(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`notices.toggle_language {languages, picked}`: the list with `picked` switched."""
    chosen = _languages(args)
    picked = str(args.get("picked") or "")
    if picked in ctx.deps.settings.languages:
        chosen = [c for c in chosen if c != picked] if picked in chosen else [*chosen, picked]
    return {"languages": chosen}


async def send(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`notices.send {notice, languages}`: queue it for the audience now (each person gets
    it once, however often this is confirmed), and the tally for whoever sent it."""
    settings = ctx.deps.settings
    notice = await _load(ctx, str(args.get("notice") or ""))
    if notice is None:
        return {"count": 0, "told": {"msgid": NOT_FOUND}}
    expression = _expression(notice, _languages(args))
    session = _session(ctx)
    added = await store.queue(session, notice, expression,
                              parse(expression, tuple(settings.languages)),
                              send_at=ctx.now, expires_at=None, now=ctx.now)
    over = ctx.now + timedelta(seconds=sending_seconds(added, settings.telegram_rate)) + LOOK_AGAIN
    await _tally_later(session, notice.id, ctx.person.id, over)
    await audit.record(session, ctx.now, who=identity(ctx.person.channel, ctx.person.external_id),
                       via="chat", action="notices.send", target=f"notice:{notice.id}",
                       detail=f"queued={added}")
    log.info("notice_queued_in_chat notice=%s count=%d", notice.id, added)
    return {"count": added, "told": {"msgid": ON_ITS_WAY[0], "plural": ON_ITS_WAY[1],
                                     "count": "count", "params": {"count": added}}}


async def _tally_later(session: Any, notice_id: str, person_id: int, at: dt.datetime) -> None:
    await outbox.queue(session, key=f"notice-tally:{notice_id}:{person_id}:{at.isoformat()}",
                       person_id=person_id, push=TALLY_PUSH, payload={"notice": notice_id},
                       due_at=at)


async def tally(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`notices.tally {notice}` (the push): the final numbers by language, or, while
    messages are still waiting, nothing now and a look again later."""
    session = _session(ctx)
    notice_id = str(args.get("notice") or "")
    if await session.get(Notice, notice_id) is None:
        return {"ready": False}
    counted = await store.tally(session, notice_id, ctx.deps.settings.default_language)
    if counted.get("pending") or counted.get("paused"):
        await _tally_later(session, notice_id, ctx.person.id, ctx.now + LOOK_AGAIN)
        return {"ready": False}
    names = endonyms(ctx.deps.settings.languages)
    languages = sorted({lang for by in counted.values() for lang in by})
    lines: list[JSON] = [
        _msg(TALLY_LANGUAGE, language={"verbatim": names.get(lang, lang)},
             **{status: counted.get(status, Counter())[lang] for status in TALLIED})
        for lang in languages]
    total = {status: sum(by.values()) for status, by in counted.items()}
    totals: dict[str, JSON] = {status: total.get(status, 0) for status in TALLIED}
    if total.get("no-template"):
        lines.append({"msgid": NO_TEMPLATE_LINE[0], "plural": NO_TEMPLATE_LINE[1],
                      "count": "count", "params": {"count": total["no-template"]}})
    if total.get("delivered"):
        lines.append(_msg(RECEIPTS_LINE, delivered=total["delivered"],
                          read=total.get("read", 0)))
    return {"ready": True, "lines": lines, "title": {"verbatim": notice_id}, **totals}


ACTIONS = {
    "notices.compose": Action(compose),
    "notices.drafts": Action(drafts),
    "notices.allow_machine": Action(allow_machine),
    "notices.plan": Action(plan),
    "notices.toggle_language": Action(toggle_language, database=False),
    "notices.send": Action(send),
    "notices.tally": Action(tally),
}
