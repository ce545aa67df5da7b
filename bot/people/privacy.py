"""The person's own slice of their data: chat, language, role, consent, dates, part of town,
and the answers held in the conversation right now, as /mydata shows them; the consent
answer; the retention period as flows show it. The row itself is erased last, by
`bot.privacy` (`people.erase`)."""

from __future__ import annotations

from collections.abc import Mapping

from bot import reviewers
from bot.engine.messages import N_, NP_
from bot.engine.model import JSON, Lines, Param, Text, Verbatim
from bot.feature import ActionContext, PrivacySlice

ROLE_NAMES = {
    "newcomer": N_("newcomer"),
    "volunteer": N_("volunteer"),
    "staff": N_("staff"),
    "admin": N_("administrator"),
    "reviewer": N_("translation reviewer"),
}
CHANNEL_NAMES = {"telegram": "Telegram", "whatsapp": "WhatsApp", "console": "Terminal"}


RETENTION = NP_("{n} day", "{n} days")


def retention(days: int) -> Text:
    """"365 days" with the plural form each language needs (flows show it as
    `settings.retention`)."""
    return Text(RETENTION[0], {"n": days}, plural=RETENTION[1], count="n")


async def consent(ctx: ActionContext, args: Mapping[str, JSON]) -> None:
    """`privacy.consent {given: true|false}`: record the answer and when it was given."""
    ctx.person.consent = "given" if args.get("given") else "declined"
    ctx.person.consent_at = ctx.now
    ctx.person.consent_source = "chat"


async def person(ctx: ActionContext) -> list[Param]:
    """What the person's row says: chat, language, role (a reviewer's languages too),
    consent, dates, part of town."""
    person = ctx.person
    endonyms = ctx.deps.catalogs.endonyms()
    lines: list[Param] = [
        Text(N_("Chat: {channel}, ID {id}"),
             {"channel": CHANNEL_NAMES.get(person.channel, person.channel),
              "id": person.external_id}),
        Text(N_("Language: {language}"),
             {"language": Verbatim(endonyms.get(person.locale or "", person.locale or "-"))}),
        Text(N_("Role: {role}"), {"role": Text(ROLE_NAMES.get(person.role, person.role))}),
    ]
    langs = (await reviewers.languages_of(ctx.session, person.id)
             if person.role == reviewers.ROLE and ctx.session is not None else ())
    if langs:
        lines.append(Text(N_("Languages you review: {languages}"), {"languages": Verbatim(
            ", ".join(endonyms.get(code, code) for code in langs))}))
    if person.consent == "given" and person.consent_at:
        lines.append(Text(N_("Consent: given on {date}"), {"date": person.consent_at}))
    elif person.consent == "declined" and person.consent_at:
        lines.append(Text(N_("Consent: declined on {date}"), {"date": person.consent_at}))
    else:
        lines.append(Text(N_("Consent: not asked yet")))
    lines += [
        Text(N_("First contact: {date}"), {"date": person.created_at}),
        Text(N_("Last message: {date}"), {"date": person.last_seen_at}),
        Text(N_("Part of town: {name}"),
             {"name": Verbatim(person.district) if person.district
              else Text(N_("not given"))}),
    ]
    return lines


async def conversation(ctx: ActionContext) -> list[Param]:
    """What the person entered in the conversation that is going on (kept on their row)."""
    answers = [
        Lines((Verbatim(name), Verbatim(str(value))), sep=": ")
        for values in ctx.state.vars.values()
        for name, value in values.items()
        # What the person entered; the bot's own lookups (lists of buttons, event cards)
        # are kept beside them, but are not about the person.
        if isinstance(value, str | int | float | bool)
    ]
    if answers:
        return [Text(N_("Answers in the conversation right now:\n{answers}"),
                     {"answers": Lines(tuple(answers))})]
    return [Text(N_("Answers in the conversation right now: none"))]


PERSON = PrivacySlice("people", tables=("people", "reviewer_languages"), show=person)
"""The person's row, and a translator's review languages (erased with the row: CASCADE)."""
CONVERSATION = PrivacySlice("conversation", tables=(), show=conversation)
"""The conversation is a column of `people`; shown last, after every feature's part."""
