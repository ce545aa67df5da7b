"""The questions of the buddy forms that take several answers: tap to tick, tap again to
untick, "✔️ Done" to go on; how well each language is spoken; the check before sending.

All run without the database (the conversation keeps the draft), so they are quick.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.buddies import texts
from bot.buddies.texts import msg
from bot.buddies.vocabulary import GERMAN, HELP, LANGUAGES, TIMES
from bot.db.tables import BuddyRequest, BuddyVolunteer
from bot.engine.messages import N_
from bot.engine.model import JSON
from bot.feature import Action, ActionContext

DONE = N_("✔️ Done")
NEEDS = N_("🤝 Help with:")
OFFERS = N_("🤝 I can help with:")
SPEAKS = N_("🗣 Languages:")
GERMAN_LINE = N_("🇩🇪 German: {level}")
DISTRICT_LINE = N_("📍 District: {district}")
TIMES_LINE = N_("🕒 Can meet:")
CAPACITY = N_("👥 Newcomers at the same time: {count}")
GENDER_LINE = N_("🙂 Gender: {gender}")
WANTS_LINE = N_("🙂 Buddy: {wants}")
NAME_LINE = N_("✍️ First name: {name}")
CONTACT_LINE = N_("📇 Contact: {contact}")
WANTS = {"woman": N_("a woman"), "man": N_("a man")}
CHAT = N_("only through this chat")

KINDS = ("help", "times", "languages", "own_languages")


def _names(what: str) -> dict[str, str]:
    if what == "help":
        return HELP
    if what == "times":
        return TIMES
    if what == "own_languages":  # a newcomer's German is asked on its own
        return {code: name for code, name in LANGUAGES.items() if code != GERMAN}
    return LANGUAGES


async def choose(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.choose {what, chosen, picked}`: tick or untick `picked` among `what`
    (help | times | languages | own_languages). Result: `chosen` (in the list's order),
    `any`, and `buttons` (✅ ticked, ⬜ not, then "✔️ Done": value "done")."""
    what = str(args.get("what"))
    names = _names(what)
    given = args.get("chosen")
    if isinstance(given, list):
        chosen = {str(c) for c in given if c in names}
    elif what == "own_languages" and ctx.lang in names:
        chosen = {ctx.lang}  # the language they chat in is one they speak
    else:
        chosen = set()
    picked = args.get("picked")
    if isinstance(picked, str) and picked in names:
        chosen ^= {picked}
    in_words = what in ("help", "times")
    tr = ctx.deps.catalogs.translator(ctx.lang)
    buttons: list[JSON] = [
        {"label": f"{'✅' if key in chosen else '⬜'} "
                  f"{tr.gettext(label) if in_words else label}", "value": key}
        for key, label in names.items()]
    buttons.append({"label": DONE, "value": "done"})
    ordered = [key for key in names if key in chosen]
    return {"chosen": ordered, "any": bool(ordered), "buttons": buttons}


async def level(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.level {languages, levels, code, level}`: note how well `code` is spoken
    (1..3), then name the next of `languages` without a level. Result: `levels`, `done`,
    `code` and `language` (its own name) of the next one."""
    languages = [str(c) for c in args.get("languages") or [] if c in LANGUAGES]
    given = args.get("levels")
    levels = {str(k): int(v) for k, v in given.items()} if isinstance(given, dict) else {}
    levels = {k: v for k, v in levels.items() if k in languages}
    code, said = args.get("code"), _int(args.get("level"))
    if isinstance(code, str) and code in languages and 1 <= said <= 3:
        levels[code] = said
    missing = next((c for c in languages if c not in levels), None)
    return {"levels": levels, "done": missing is None, "code": missing,
            "language": {"verbatim": LANGUAGES.get(missing or "", "")}}


def _int(value: JSON, default: int = 0) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


def profile(args: Mapping[str, JSON], role: str) -> dict[str, Any]:
    """The draft as it is stored: only known values, the contact as {kind, value}."""
    kind = str(args.get("contact_kind") or "chat")
    value = str(args.get("phone") or "") if kind == "phone" else \
        str(args.get("email") or "") if kind == "email" else ""
    common: dict[str, Any] = {
        "first_name": str(args.get("name") or "").strip()[:40],
        "contact": {"kind": kind if value else "chat", "value": value},
        "times": [k for k in TIMES if k in (args.get("times") or [])]}
    if role == "volunteer":
        given = args.get("levels") if isinstance(args.get("levels"), dict) else {}
        assert isinstance(given, dict)
        gender = args.get("gender")
        return {**common,
                "languages": {k: max(1, min(3, _int(v, 1))) for k, v in given.items()
                              if k in LANGUAGES},
                "offers": [k for k in HELP if k in (args.get("offers") or [])],
                "capacity": max(1, min(6, _int(args.get("capacity"), 1))),
                "gender": gender if gender in ("woman", "man", "diverse") else None}
    spoken = {str(c): 3 for c in args.get("languages") or [] if c in LANGUAGES and c != GERMAN}
    german = max(0, min(3, _int(args.get("german"), 0)))
    wants = args.get("wants")
    return {**common, "languages": {**spoken, GERMAN: german} if german else spoken,
            "needs": [k for k in HELP if k in (args.get("needs") or [])],
            "wants": wants if wants in WANTS else None}


def lines(draft: Mapping[str, Any], role: str, district: str | None) -> list[JSON]:
    """The draft as the person checks it before sending."""
    from bot.buddies.vocabulary import GERMAN_LEVELS

    found: list[JSON] = [msg(NAME_LINE, name=draft["first_name"])]
    if role == "volunteer":
        found += [msg(SPEAKS), *texts.languages(draft["languages"]),
                  msg(OFFERS), *texts.help_lines(draft["offers"])]
    else:
        german = int(draft["languages"].get(GERMAN, 0))
        found += [msg(NEEDS), *texts.help_lines(draft["needs"]),
                  msg(SPEAKS), *texts.languages({k: v for k, v in draft["languages"].items()
                                                 if k != GERMAN}, levels=False),
                  msg(GERMAN_LINE, level=msg(GERMAN_LEVELS[german]))]
    found += [msg(DISTRICT_LINE, district=texts.district(district, None, False)),
              msg(TIMES_LINE), *texts.time_lines(draft["times"])]
    if role == "volunteer":
        found.append(msg(CAPACITY, count=draft["capacity"]))
        if draft.get("gender"):
            found.append(msg(GENDER_LINE, gender=texts.gender(draft["gender"])))
    elif draft.get("wants"):
        found.append(msg(WANTS_LINE, wants=msg(WANTS[draft["wants"]])))
    way = draft["contact"]
    found.append(msg(CONTACT_LINE, contact=way["value"] if way["value"] else msg(CHAT)))
    return found


VOLUNTEER_FIELDS = ("first_name", "contact", "times", "languages", "offers", "capacity",
                    "gender")
NEWCOMER_FIELDS = ("first_name", "contact", "times", "languages", "needs", "wants")


def stored_lines(row: BuddyVolunteer | BuddyRequest, district: str | None) -> list[JSON]:
    """`lines` of a registration or request as stored (the volunteer's page, the staff
    card, /mydata)."""
    role, fields = (("volunteer", VOLUNTEER_FIELDS) if isinstance(row, BuddyVolunteer)
                    else ("newcomer", NEWCOMER_FIELDS))
    return lines({field: getattr(row, field) for field in fields}, role, district)


async def review(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.review {role, name, contact_kind, phone, email, times, ...}`: the draft as
    it will be stored (`profile`) and as the person checks it (`lines`). Volunteers add
    `levels`, `offers`, `capacity`, `gender`; newcomers `needs`, `languages`, `german`,
    `wants`."""
    role = "volunteer" if args.get("role") == "volunteer" else "newcomer"
    draft = profile(args, role)
    return {"profile": draft, "lines": lines(draft, role, ctx.person.district)}


ACTIONS = {
    "buddies.choose": Action(choose, database=False),
    "buddies.level": Action(level, database=False),
    "buddies.review": Action(review, database=False),
}
