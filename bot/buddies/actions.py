"""The actions of the buddy flows: newcomers asking (flows/buddies.yaml), volunteers
registering and managing (flows/buddies_volunteer.yaml), both answering proposals and
keeping in touch (flows/buddies_match.yaml). Staff's are in `bot.buddies.staff`.

Results are JSON kept in the conversation; texts in them are messages for the reader's
language. A push step's action checks that what it is about is still true and is the
reader's (`live`), since the outbox may deliver it after things changed.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.buddies import forms, store, texts, views
from bot.buddies.store import Policy
from bot.buddies.texts import msg
from bot.buddies.vocabulary import GERMAN, LEVELS
from bot.districts import districts_in
from bot.engine.messages import N_, NG_, NP_
from bot.engine.model import JSON
from bot.feature import Action, ActionContext

DAYS = NP_("{count} day", "{count} days")
LOOKING = N_("🔎 We are looking for a Welcome Buddy for you (since {since}).")
NOTHING_YET = N_("You have not asked for a Welcome Buddy yet, and you are not registered as "
                 "a volunteer.")
PENDING = N_("🙌 You are registered as a volunteer. The team has not approved you yet.")
APPROVED = N_("🙌 You are a Welcome Buddy volunteer.")
PAUSED = N_("⏸ You are a Welcome Buddy volunteer, on a pause.")
ANSWER_VOLUNTEER = N_("📨 A newcomer is waiting for your answer")
ANSWER_NEWCOMER = NG_("📨 A volunteer said yes: please answer")
WITH_BUDDY = NG_("🤝 Your buddy: {name}")
WRITE = N_("✉️ Write to {name}")
END = N_("🛑 End the match with {name}")
STOP_LOOKING = N_("❌ I no longer need a buddy")
FIND = N_("🤝 Find a Welcome Buddy")
VOLUNTEER = N_("🙌 Volunteer as a Welcome Buddy")
BACK = N_("⬅️ Back to the menu")
PAUSE = N_("⏸ Take a pause")
RESUME = N_("▶️ I am back: resume")
CHANGE = N_("✏️ Change what I offer")
LEAVE = N_("👋 Leave the programme")


def _int(value: JSON) -> int:
    try:
        return int(str(value).rsplit(":", 1)[-1])
    except (TypeError, ValueError):
        return 0


def _policy(ctx: ActionContext) -> Policy:
    return Policy.of(ctx.deps.settings)


def _near(ctx: ActionContext, district: str | None) -> bool:
    mine = ctx.person.district
    return bool(mine and district) and districts_in(ctx.deps.settings.content_dir).neighbours(
        mine or "", district or "")


async def _district_of(ctx: ActionContext, person_id: int) -> str | None:
    from sqlalchemy import select

    from bot.db.tables import Person

    return await ctx.db.scalar(select(Person.district).where(Person.id == person_id))


# -- newcomers ------------------------------------------------------------------------------
async def ask(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.ask {draft}`: the newcomer's request (a `buddies.review` profile); `wait`:
    roughly how long finding a buddy takes; `gender`: the buddy's, if the newcomer asked for
    a woman or a man (the texts about the buddy to come are written for it)."""
    draft = args.get("draft")
    if not isinstance(draft, dict) or not draft.get("needs"):
        return {"ok": False}
    session = ctx.db
    await store.ask(session, ctx.person.id, draft, ctx.now)
    days = await views.usual_days(session, ctx.now, ctx.deps.settings.buddies_give_up_days)
    return {"ok": True, "wait": {"msgid": DAYS[0], "plural": DAYS[1], "count": "count",
                                 "params": {"count": days}},
            "gender": texts.grammatical(draft.get("wants"))}


async def asked(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.asked`: `asked` when the person has a request that is not closed."""
    return {"asked": await store.request_of(ctx.db, ctx.person.id) is not None}


async def withdraw(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.withdraw`: stop looking (and end a match the request led to)."""
    request = await store.request_of(ctx.db, ctx.person.id)
    if request is not None:
        await store.close(ctx.db, request, ctx.now)
    return {"done": request is not None}


# -- volunteers -----------------------------------------------------------------------------
async def volunteer(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.volunteer`: `state` none | pending | approved | paused | declined | left;
    what they offer now (`levels`, `offers`, `times`, `capacity`, to change from), and the
    buttons of what they can do."""
    found = await store.volunteer_of(ctx.db, ctx.person.id)
    if found is None:
        return {"state": "none"}
    state = "paused" if found.status == "approved" and found.paused else found.status
    buttons: list[JSON] = [{"label": RESUME, "value": "resume"} if found.paused
                           else {"label": PAUSE, "value": "pause"},
                           {"label": CHANGE, "value": "change"},
                           {"label": LEAVE, "value": "leave"},
                           {"label": BACK, "value": "back"}]
    return {"state": state, "name": found.first_name, "levels": found.languages,
            "languages": list(found.languages), "offers": found.offers,
            "times": found.times, "capacity": found.capacity, "buttons": buttons,
            "lines": forms.stored_lines(found, ctx.person.district)}


async def register(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.register {draft}`: the volunteer's registration; staff are told."""
    draft = args.get("draft")
    if not isinstance(draft, dict) or not draft.get("languages") or not draft.get("offers"):
        return {"ok": False}
    await store.register(ctx.db, ctx.person.id, draft, ctx.now)
    return {"ok": True}


async def change(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.change {levels, offers, times, capacity}`: what was changed (the others
    may be empty)."""
    found = await store.volunteer_of(ctx.db, ctx.person.id)
    if found is None:
        return {"ok": False}
    draft = forms.profile({**args, "name": found.first_name}, "volunteer")
    given = {k: draft[k] for k in ("languages", "offers", "times") if args.get(
        {"languages": "levels"}.get(k, k))}
    if args.get("capacity"):
        given["capacity"] = draft["capacity"]
    await store.change(ctx.db, found, given, ctx.now)
    return {"ok": True}


async def pause(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.pause {paused}`: pause (holidays) or resume."""
    found = await store.volunteer_of(ctx.db, ctx.person.id)
    if found is not None:
        await store.pause(ctx.db, found, bool(args.get("paused")), ctx.now)
    return {"ok": found is not None}


async def leave(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.leave`: leave the programme."""
    found = await store.volunteer_of(ctx.db, ctx.person.id)
    if found is not None:
        await store.leave(ctx.db, found, ctx.now)
    return {"ok": found is not None}


# -- /buddy: one's proposals and matches ----------------------------------------------------
async def mine(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.mine`: what is going on for the person, and a button for each thing they
    can do ("answer:<match>", "write:<match>", "end:<match>", "withdraw", ...)."""
    found = await views.mine(ctx.db, ctx.person.id, ctx.now)
    lines: list[JSON] = []
    buttons: list[JSON] = []
    for parties in found.proposals:
        side = parties.side(ctx.person.id)
        label = ANSWER_VOLUNTEER if side == "volunteer" else ANSWER_NEWCOMER
        gender = _other_gender(parties, ctx.person.id)
        lines.append(texts.about(label, gender))
        buttons.append({"label": label, "value": f"answer:{parties.match.id}",
                        **({"context": gender} if gender else {})})
    tr = ctx.deps.catalogs.translator(ctx.lang)
    for parties in found.active:
        name = _other_name(parties, ctx.person.id)
        lines.append(texts.about(WITH_BUDDY, _other_gender(parties, ctx.person.id), name=name))
        # Button labels are plain text in the reader's language (a name has no msgid).
        plain = name.replace("{", "(").replace("}", ")")
        buttons += [{"label": tr.gettext(WRITE).replace("{name}", plain),
                     "value": f"write:{parties.match.id}"},
                    {"label": tr.gettext(END).replace("{name}", plain),
                     "value": f"end:{parties.match.id}"}]
    if found.request is not None and found.request.status == "open":
        lines.append(msg(LOOKING, since={"date": found.request.created_at.date().isoformat()}))
        buttons.append({"label": STOP_LOOKING, "value": "withdraw"})
    if found.volunteer is not None and found.volunteer.status in ("pending", "approved"):
        state = PENDING if found.volunteer.status == "pending" else (
            PAUSED if found.volunteer.paused else APPROVED)
        lines.append(msg(state))
        buttons.append({"label": VOLUNTEER, "value": "volunteer"})
    if not lines:
        lines.append(msg(NOTHING_YET))
        buttons += [{"label": FIND, "value": "find"}, {"label": VOLUNTEER, "value": "volunteer"}]
    buttons.append({"label": BACK, "value": "back"})
    return {"lines": lines, "buttons": buttons}


def _other_name(parties: store.Parties, person_id: int) -> str:
    if parties.side(person_id) == "volunteer":
        return parties.request.first_name
    return parties.volunteer.first_name


def _other_gender(parties: store.Parties, person_id: int) -> str | None:
    """The grammatical gender to write about the other one: the volunteer's, if they gave
    it, for the newcomer; newcomers are not asked theirs (neutral wording)."""
    if parties.side(person_id) == "newcomer":
        return texts.grammatical(parties.volunteer.gender)
    return None


async def choice(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.choice {picked}`: a /buddy button as `kind` (answer | write | end |
    withdraw | find | volunteer | back), `match` and, for answer, `side`."""
    picked = str(args.get("picked") or "back")
    kind, _, match_id = picked.partition(":")
    result: dict[str, JSON] = {"kind": kind, "match": _int(match_id) if match_id else None}
    if kind in ("answer", "write", "end") and match_id:
        found = await store.parties(ctx.db, _int(match_id))
        side = found.side(ctx.person.id) if found else None
        if side is None:
            return {"kind": "back", "match": None}
        result.update(side=side, name=_other_name(found, ctx.person.id) if found else "")
    return result


# -- the messages of a match (pushes) -------------------------------------------------------
async def proposal(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.proposal {match}`: for the volunteer, what the newcomer needs, speaks,
    where and when; no name, no contact. `live`: still waiting for their answer."""
    found = await store.parties(ctx.db, _int(args.get("match")))
    if found is None or found.side(ctx.person.id) != "volunteer" \
            or found.match.status != "proposed":
        return {"live": False}
    request = found.request
    where = await _district_of(ctx, request.person_id)
    spoken = {k: v for k, v in request.languages.items() if k != GERMAN}
    german = int(request.languages.get(GERMAN, 0))
    return {"live": True, "needs": texts.help_lines(request.needs),
            "languages": texts.languages(spoken, levels=False)
            + ([msg(texts.SPOKEN, language={"verbatim": "Deutsch"},
                    level=msg(LEVELS[min(german, 3)]))] if german else []),
            "district": texts.district(where, ctx.person.district, _near(ctx, where)),
            "times": texts.time_lines(request.times),
            "due": {"datetime": found.match.due_at.isoformat()} if found.match.due_at else None}


async def offer(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.offer {match}`: for the newcomer, the volunteer who said yes: languages,
    district, help, times, `gender` (grammatical, for the text); no name, no contact.
    `live`: waiting for them."""
    found = await store.parties(ctx.db, _int(args.get("match")))
    if found is None or found.side(ctx.person.id) != "newcomer" \
            or found.match.status != "accepted":
        return {"live": False}
    volunteer = found.volunteer
    where = await _district_of(ctx, volunteer.person_id)
    return {"live": True, "languages": texts.languages(volunteer.languages),
            "gender": texts.grammatical(volunteer.gender),
            "district": texts.district(where, ctx.person.district, _near(ctx, where)),
            "offers": texts.help_lines(volunteer.offers),
            "times": texts.time_lines(volunteer.times),
            "due": {"datetime": found.match.due_at.isoformat()} if found.match.due_at else None}


async def answer(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.answer {match, agree}`: `outcome` accepted | declined (the volunteer),
    active | refused (the newcomer), or gone (no longer open)."""
    outcome = await store.answer(ctx.db, _int(args.get("match")), ctx.person.id,
                                 bool(args.get("agree")), ctx.now, _policy(ctx))
    return {"outcome": outcome}


async def introduction(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.introduction {match}`: now that both agreed, the other's first name and
    the way to reach them they chose to share, and the gender to write about them in
    (`gender`, when known). Only for an active match."""
    found = await store.parties(ctx.db, _int(args.get("match")))
    side = found.side(ctx.person.id) if found else None
    if found is None or side is None or found.match.status != "active":
        return {"live": False}
    other = found.request if side == "volunteer" else found.volunteer
    gender = _other_gender(found, ctx.person.id)
    return {"live": True, "name": other.first_name, "gender": gender,
            "contact": texts.contact(other.first_name, other.contact, gender)}


async def about(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.about {match}`: `status` of the match and, once it was active, the other's
    first name (`name`) and the gender to write about them in (`gender`, when known);
    `live` when it is active now."""
    found = await store.parties(ctx.db, _int(args.get("match")))
    side = found.side(ctx.person.id) if found else None
    if found is None or side is None:
        return {"live": False, "known": False}
    known = found.match.matched_at is not None
    return {"live": found.match.status == "active", "known": known,
            "status": found.match.status,
            "name": _other_name(found, ctx.person.id) if known else "",
            "gender": _other_gender(found, ctx.person.id) if known else None}


async def check_in(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.check_in {match, said}`: met | not_yet | problem (staff are told)."""
    ok = await store.check_in(ctx.db, _int(args.get("match")), ctx.person.id,
                              str(args.get("said")), ctx.now)
    return {"ok": ok}


async def end(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.end {match}`: end an active match; the other is told."""
    found = await store.parties(ctx.db, _int(args.get("match")), lock=True)
    side = found.side(ctx.person.id) if found else None
    ended = found is not None and side is not None and await store.end(
        ctx.db, found.match, side, ctx.now)
    return {"ended": ended}


async def relay(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.relay {match, text}`: pass a message on to the buddy."""
    text = str(args.get("text") or "").strip()
    sent = bool(text) and await store.relay(ctx.db, _int(args.get("match")),
                                            ctx.person.id, text, ctx.now)
    return {"sent": sent}


def _actions() -> dict[str, Action]:
    from bot.buddies import staff

    return {
        **forms.ACTIONS,
        **staff.ACTIONS,
        "buddies.ask": Action(ask),
        "buddies.asked": Action(asked),
        "buddies.withdraw": Action(withdraw),
        "buddies.volunteer": Action(volunteer),
        "buddies.register": Action(register),
        "buddies.change": Action(change),
        "buddies.pause": Action(pause),
        "buddies.leave": Action(leave),
        "buddies.mine": Action(mine),
        "buddies.choice": Action(choice),
        "buddies.proposal": Action(proposal),
        "buddies.offer": Action(offer),
        "buddies.answer": Action(answer),
        "buddies.introduction": Action(introduction),
        "buddies.about": Action(about),
        "buddies.check_in": Action(check_in),
        "buddies.end": Action(end),
        "buddies.relay": Action(relay),
    }


ACTIONS = _actions()
