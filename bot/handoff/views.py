"""What staff read of cases, as messages for the reader's language (JSON, rendered by the
channel: see `bot.engine.cursor.as_param`): the list of open cases, and one case with each
message in the original and the German translation beside it, machine translations labelled
as such. People's words are shown verbatim, never translated by the catalogs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.db.tables import HandoffCase, HandoffMessage
from bot.engine.messages import N_
from bot.engine.model import JSON
from bot.faq.titles import TITLES
from bot.handoff.translate import STAFF_LANGUAGE

LIST_HEAD = N_("🙋 Conversations with newcomers: {count} open")
LIST_EMPTY = N_("🙋 No conversation with a newcomer is open.")
LIST_LINE = N_("#{case} · {language} · {topic} · {state} · {at}")
CASE_HEAD = N_("🙋 Conversation #{case} · {language} · {topic} · {state}")
MINE = N_("You have taken it.")
TAKEN = N_("A colleague has taken it.")
NOBODY = N_("Nobody has taken it yet.")
FROM_PERSON = N_("👤 {at}, in {language}:\n{text}")
IN_GERMAN = N_("🇩🇪 German (machine translation):\n{text}")
UNTRANSLATED = N_("🇩🇪 Not translated: there is no translation model for this language here.")
FROM_STAFF = N_("🏢 {at}, staff:\n{text}")
SENT_AS = N_("➡️ Sent in {language} (machine translation):\n{text}")
SENT_AS_WRITTEN = N_("➡️ Sent as written: there is no translation model for {language} here.")
NOTE = N_("📝 {at}, note for staff only:\n{text}")
FAQ = N_("📎 {at}, FAQ answer sent: {topic}")
ERASED = N_("Conversation #{case} was erased at the person's request.")
NOT_FOUND = N_("There is no conversation #{case}.")
OWN_WORDS = N_("in their own words")

STATES: dict[str, str] = {
    "open": N_("new"),
    "waiting_us": N_("waiting for us"),
    "waiting_them": N_("waiting for them"),
    "closed": N_("closed"),
    "erased": N_("erased"),
}


def msg(msgid: str, **params: JSON) -> dict[str, JSON]:
    return {"msgid": msgid, "params": params}


def _at(value: object) -> JSON:
    return {"datetime": value.isoformat()} if hasattr(value, "isoformat") else None


def topic_of(found: HandoffCase) -> JSON:
    return msg(TITLES[found.topic]) if found.topic in TITLES else msg(OWN_WORDS)


def case_list(found: Sequence[HandoffCase], language: Callable[[str], str]) -> list[JSON]:
    """One line per case; `language(code)` names a language in the reader's language."""
    if not found:
        return [msg(LIST_EMPTY)]
    lines: list[JSON] = [msg(LIST_HEAD, count=len(found))]
    for case in found:
        lines.append(msg(LIST_LINE, case=str(case.id),
                         language={"verbatim": language(case.lang or "")},
                         topic=topic_of(case), state=msg(STATES[case.status]),
                         at=_at(case.last_at)))
    return lines


def case_text(found: HandoffCase, messages: Sequence[HandoffMessage], reader: int | None,
              language: Callable[[str], str]) -> list[JSON]:
    """The case for staff: its head, who has it, then every message (the person's in the
    original with the German beside it; staff's with what was sent)."""
    if found.status == "erased":
        return [msg(ERASED, case=str(found.id))]
    head = msg(CASE_HEAD, case=str(found.id), language={"verbatim": language(found.lang or "")},
               topic=topic_of(found), state=msg(STATES[found.status]))
    taken = msg(NOBODY) if found.staff_id is None else msg(
        MINE if found.staff_id == reader else TAKEN)
    lines: list[JSON] = [head, taken]
    for message in messages:
        lines.append("")
        lines += message_lines(message, language, found.lang)
    return lines


def message_lines(message: HandoffMessage, language: Callable[[str], str],
                  case_lang: str | None) -> list[JSON]:
    text = {"verbatim": message.text}
    at = _at(message.at)
    if message.author == "newcomer":
        lines: list[JSON] = [msg(FROM_PERSON, at=at, language={"verbatim": language(message.lang)},
                                 text=text)]
        if message.lang != STAFF_LANGUAGE:
            lines.append(msg(IN_GERMAN, text={"verbatim": message.translation})
                         if message.translation else msg(UNTRANSLATED))
        return lines
    if message.author == "staff":
        lines = [msg(FROM_STAFF, at=at, text=text)]
        target = message.translated_to
        if message.translation and target:
            lines.append(msg(SENT_AS, language={"verbatim": language(target)},
                             text={"verbatim": message.translation}))
        elif case_lang and case_lang != message.lang:
            lines.append(untranslated_note(case_lang, language))
        return lines
    if message.author == "faq":
        return [msg(FAQ, at=at, topic=msg(TITLES.get(message.topic or "", message.topic or "")))]
    return [msg(NOTE, at=at, text=text)]


def untranslated_note(target: str, language: Callable[[str], str]) -> JSON:
    return msg(SENT_AS_WRITTEN, language={"verbatim": language(target)})
