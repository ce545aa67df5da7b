"""What staff see and do in the chat (flows/buddies_staff.yaml): the numbers, volunteers
waiting for approval, approving or declining them, and the alerts the rounds send.

Every action checks the role itself: staff commands check it on every call.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.buddies import board, forms, store, texts, views
from bot.buddies.texts import msg
from bot.db.people import identity
from bot.db.tables import BuddyMatch, BuddyRequest, BuddyVolunteer, Person
from bot.engine.messages import N_, NP_
from bot.engine.model import JSON
from bot.feature import Action, ActionContext

STAFF_ROLES = ("staff", "admin")

OPEN = N_("🔎 Open requests: {count} ({escalated} of them told to staff)")
WAITING_VOLUNTEER = N_("📨 Proposals waiting for the volunteer: {count}")
WAITING_NEWCOMER = N_("📨 Waiting for the newcomer to confirm: {count}")
ACTIVE = N_("🤝 Active matches: {count} ({problems} with a problem reported)")
VOLUNTEERS = N_("🙌 Volunteers: {approved} active, {paused} on a pause, {pending} waiting "
                "for approval")
TIME_TO_MATCH = NP_("⏱ Time to match (median of the last {count} match, 180 days): {days} days",
                    "⏱ Time to match (median of the last {count} matches, 180 days): "
                    "{days} days")
NO_MATCHES = N_("⏱ Time to match: no matches in the last 180 days")
APPROVE_WHO = N_("Volunteers waiting for approval: tap one to see them and decide.")
PENDING_BUTTON = "#{id} {name}"
CARD_HEAD = N_("🙌 Volunteer #{id} ({person}), registered {when}:")
STATUS_LINE = N_("Status: {status}")
STATES = {"pending": N_("waiting for approval"), "approved": N_("approved"),
          "declined": N_("declined"), "left": N_("left the programme")}
NOBODY = N_("⚠️ Welcome Buddies: no volunteer fits request #{id} ({person}).\n{details}\n\nThe "
            "newcomer has been told that we keep looking and that you know.")
OVERDUE = N_("⚠️ Welcome Buddies: request #{id} ({person}) has waited {days} days without a "
             "match.\n{details}\n\nThe newcomer has been told that we keep looking and that "
             "you know.")
PROBLEM = N_("⚠️ Welcome Buddies: in match #{id}, the {side} ({person}) reports a problem at "
             "the one-week check-in. Please get in touch with them.")
SIDES = {"volunteer": N_("volunteer"), "newcomer": N_("newcomer")}
BACK = N_("Back to the menu")


def _staff(ctx: ActionContext) -> bool:
    return ctx.person.role in STAFF_ROLES


def _int(value: JSON) -> int:
    try:
        return int(str(value).rsplit(":", 1)[-1])
    except (TypeError, ValueError):
        return 0


def status_lines(found: views.Status) -> list[JSON]:
    """The numbers, as staff read them in the chat."""
    volunteers = found.volunteers
    lines: list[JSON] = [
        msg(OPEN, count=found.open_requests, escalated=found.escalated),
        msg(WAITING_VOLUNTEER, count=found.waiting_volunteer),
        msg(WAITING_NEWCOMER, count=found.waiting_newcomer),
        msg(ACTIVE, count=found.active, problems=found.problems),
        msg(VOLUNTEERS, approved=volunteers.get("approved", 0),
            paused=volunteers.get("paused", 0), pending=volunteers.get("pending", 0))]
    if found.median_days is None:
        lines.append(msg(NO_MATCHES))
    else:
        lines.append({"msgid": TIME_TO_MATCH[0], "plural": TIME_TO_MATCH[1], "count": "count",
                      "params": {"count": found.matched_recently,
                                 "days": round(found.median_days, 1)}})
    return lines


async def overview(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.status`: the numbers, and a button per volunteer waiting for approval."""
    if not _staff(ctx):
        return {"lines": [], "buttons": [], "pending": False}
    found = await views.status(ctx.db, ctx.now)
    lines = status_lines(found)
    if found.pending:
        lines += ["", msg(APPROVE_WHO)]
    buttons: list[JSON] = [
        {"label": PENDING_BUTTON.format(id=volunteer_id,
                                        name=name.replace("{", "(").replace("}", ")"))[:40],
         "value": f"volunteer:{volunteer_id}"}
        for volunteer_id, name, _ in found.pending[:20]]
    buttons.append({"label": BACK, "value": "back"})  # last: "1" is the first volunteer
    return {"lines": lines, "buttons": buttons, "pending": bool(found.pending)}


async def card(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.card {volunteer}`: everything a volunteer registered, for staff to decide."""
    volunteer = await ctx.db.get(BuddyVolunteer, _int(args.get("volunteer")))
    if volunteer is None or not _staff(ctx):
        return {"found": False}
    person = await ctx.db.get(Person, volunteer.person_id)
    head = msg(CARD_HEAD, id=volunteer.id,
               person=f"{person.channel}:{person.external_id}" if person else "?",
               when={"date": volunteer.registered_at.date().isoformat()})
    return {"found": True, "volunteer": volunteer.id, "status": volunteer.status,
            "gender": texts.grammatical(volunteer.gender),
            "card": [head, *forms.stored_lines(volunteer, person.district if person else None),
                     msg(STATUS_LINE, status=msg(STATES.get(volunteer.status, "pending")))]}


async def decide(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.decide {volunteer, approve}`: the volunteer is told in their language."""
    if not _staff(ctx):
        return {"done": False}
    approve = bool(args.get("approve"))
    found = await board.decide(ctx.db, _int(args.get("volunteer")), approve, ctx.now,
                               who=identity(ctx.person.channel, ctx.person.external_id),
                               via="chat")
    return {"done": found is not None, "name": found.first_name if found else "",
            "gender": texts.grammatical(found.gender) if found else None}


async def alert(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
    """`buddies.alert {about, request, match, side}`: what a round or a check-in tells
    staff: nobody fits | overdue | problem."""
    session = ctx.db
    about = args.get("about")
    if not _staff(ctx):
        return {"found": False}
    if about == "problem":
        match = await session.get(BuddyMatch, _int(args.get("match")))
        if match is None:
            return {"found": False}
        found = await store.parties(session, match.id)
        assert found is not None
        side = str(args.get("side"))
        person_id = found.volunteer.person_id if side == "volunteer" else found.request.person_id
        return {"found": True, "text": msg(PROBLEM, id=match.id, side=msg(SIDES.get(side, side)),
                                           person=await views.identity(session, person_id))}
    request = await session.get(BuddyRequest, _int(args.get("request")))
    if request is None:
        return {"found": False}
    person = await session.get(Person, request.person_id)
    details = [msg(forms.NEEDS), *texts.help_lines(request.needs), msg(forms.SPEAKS),
               *texts.languages(request.languages),
               msg(forms.DISTRICT_LINE, district=texts.district(
                   person.district if person else None, None, False))]
    who = f"{person.channel}:{person.external_id}" if person else "?"
    if about == "overdue":
        days = max(1, (ctx.now - request.created_at).days)
        return {"found": True, "text": msg(OVERDUE, id=request.id, person=who, days=days,
                                           details=details)}
    return {"found": True, "text": msg(NOBODY, id=request.id, person=who, details=details)}


ACTIONS = {
    "buddies.status": Action(overview),
    "buddies.card": Action(card),
    "buddies.decide": Action(decide),
    "buddies.alert": Action(alert),
}
