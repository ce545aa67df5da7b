"""The Overview (`/`): what is going on, at a glance.

People by language and channel and how many are new this week (a chart), the notices on
their way with their progress, the next events with the seats taken, the Welcome Buddy
requests still open and the volunteers waiting for approval, and today's questions: how
many found no answer and how many answers were marked helpful, by language. The features'
own queries are used (`bot.notices.store.tally`, `bot.events.store.upcoming` and `taken`,
`bot.buddies.views.status`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.buddies import views as buddies
from bot.console import charts, web
from bot.console.web import N_
from bot.db.tables import Event, FaqFeedback, FaqGap, Notice, OutboxMessage, Person
from bot.events import store as events
from bot.faq import tally as faq_days
from bot.notices import store as notices

CHANNELS = (("telegram", "Telegram"), ("whatsapp", "WhatsApp"), ("console", N_("Terminal")))
DONE = ("sent", "skipped", "unreachable", "failed", "expired", "no-template")


@dataclass
class NoticeProgress:
    id: str
    title: str
    done: int
    total: int
    paused: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


@dataclass
class NextEvent:
    event: Event
    title: str
    taken: int
    waiting: int


@dataclass
class Questions:
    lang: str
    asked: int = 0
    answered: int = 0
    unanswered: int = 0
    """Kept to be read (only for people who agreed): the FAQ gaps."""
    helpful: int = 0
    rated: int = 0

    @property
    def answered_percent(self) -> int | None:
        return round(100 * self.answered / self.asked) if self.asked else None

    @property
    def helpful_percent(self) -> int | None:
        return round(100 * self.helpful / self.rated) if self.rated else None


@dataclass
class Overview:
    people: int = 0
    new_this_week: int = 0
    by_language: list[tuple[str, dict[str, int]]] = field(default_factory=list)
    notices: list[NoticeProgress] = field(default_factory=list)
    events: list[NextEvent] = field(default_factory=list)
    open_requests: int = 0
    escalated: int = 0
    volunteers_waiting: int = 0
    active_matches: int = 0
    questions: list[Questions] = field(default_factory=list)


def _title(texts: Any, lang: str, key: str = "title") -> str:
    """A title in `lang`, else German or English, else any."""
    if not isinstance(texts, dict) or not texts:
        return ""
    for code in (lang, "de", "en", *texts):
        value = texts.get(code)
        if isinstance(value, dict):
            value = value.get(key)
        if value:
            return str(value)
    return ""


async def gather(db: AsyncSession, now: datetime, *, lang: str, default: str,
                 languages: list[str], today: date | None = None) -> Overview:
    """Everything the page shows; `lang` picks the titles of notices and events, `today`
    is the city's day (the questions asked are counted by it)."""
    found = Overview()
    rows = await db.execute(select(Person.locale, Person.channel, func.count())
                            .group_by(Person.locale, Person.channel))
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for locale, channel, n in rows.all():
        key = locale or "?"
        table[key][channel] = table[key].get(channel, 0) + n
        found.people += n
    order = {code: i for i, code in enumerate(languages)}
    found.by_language = sorted(table.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))
    found.new_this_week = int(await db.scalar(select(func.count()).select_from(Person).where(
        Person.created_at >= now - timedelta(days=7))) or 0)

    # notices with messages still to send (or paused)
    live = await db.scalars(select(Notice).where(Notice.id.in_(
        select(func.substr(OutboxMessage.batch, len("notice:") + 1))
        .where(OutboxMessage.batch.like("notice:%"),
               OutboxMessage.status.in_(("pending", "paused"))))).order_by(Notice.send_at))
    for notice in live:
        tally = await notices.tally(db, notice.id, default)
        counts = {status: sum(by_lang.values()) for status, by_lang in tally.items()}
        total = sum(counts.get(s, 0) for s in (*DONE, "pending", "paused"))
        found.notices.append(NoticeProgress(
            notice.id, _title(notice.definition.get("texts"), lang) or notice.id,
            sum(counts.get(s, 0) for s in DONE), total, counts.get("paused", 0)))

    upcoming, _ = await events.upcoming(db, now, limit=5)
    ids = [e.id for e in upcoming]
    taken = await events.taken(db, ids)
    waiting = await events.waiting_counts(db, ids)
    found.events = [NextEvent(e, _title(e.details.get("title"), lang) or e.series,
                              sum(taken[e.id].values()), waiting.get(e.id, 0))
                    for e in upcoming]

    status = await buddies.status(db, now)
    found.open_requests, found.escalated = status.open_requests, status.escalated
    found.volunteers_waiting = status.volunteers.get("pending", 0)
    found.active_matches = status.active

    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)  # the day, as kept
    per_lang: dict[str, Questions] = {}
    gaps = await db.execute(select(FaqGap.lang, func.count()).where(FaqGap.day >= day_start)
                            .group_by(FaqGap.lang))
    for code, n in gaps.all():
        per_lang.setdefault(code, Questions(code)).unanswered = n
    rated: Counter[str] = Counter()
    helpful: Counter[str] = Counter()
    feedback = await db.execute(select(FaqFeedback.lang, FaqFeedback.helpful, func.count())
                                .where(FaqFeedback.day >= day_start)
                                .group_by(FaqFeedback.lang, FaqFeedback.helpful))
    for code, yes, n in feedback.all():
        rated[code] += n
        if yes:
            helpful[code] += n
    for code in rated:
        entry = per_lang.setdefault(code, Questions(code))
        entry.rated, entry.helpful = rated[code], helpful[code]
    for code, numbers in (await faq_days.on(db, today or now.date())).items():
        entry = per_lang.setdefault(code, Questions(code))
        entry.asked, entry.answered = numbers.asked, numbers.answered
    found.questions = sorted(per_lang.values(), key=lambda q: (order.get(q.lang, 99), q.lang))
    return found


async def show(request: Request) -> Response:
    found = web.console(request)
    settings = found.settings
    lang = web.language(request)
    async with web.transaction(request) as db:
        now = web.now(request)
        overview = await gather(db, now, lang=lang, default=settings.default_language,
                                languages=list(settings.languages),
                                today=now.astimezone(ZoneInfo(settings.timezone)).date())
    names = {**found.chat_catalogs.endonyms(),
             "?": web.gettext(request, N_("Language not chosen"))}
    chart = charts.stacked_bars(
        web.gettext(request, N_("People by language and channel")),
        [(names.get(code, code), values) for code, values in overview.by_language],
        [(key, web.gettext(request, label)) for key, label in CHANNELS])
    return web.page(request, "overview/show.html", o=overview, chart=chart,
                    names=names, channels=CHANNELS)


routes: list[BaseRoute] = [Route("/", show)]
