"""How good the FAQ's answers are (`/faq/helpful`, `/faq/check`): "Did this help?" per topic
and language over a chosen period, worst first, with each topic's share week by week; and the
city's held-out check (FAQ_HELD_OUT, what `welcomebot faq eval` reads) run from the console,
its history with the accuracy per language and what changed since the run before.

A check takes seconds to a minute (it embeds every question), so it never runs in the
request: the POST keeps a `faq_checks` row "running" and starts an asyncio task in this
console process that measures in a thread (`asyncio.to_thread`) and stores the results or
the failure (a file:line for a line that is not JSON). The page asks again every two seconds
(htmx) while a run is under way; every console process and a restart read the same rows.

The rules live in the feature (`bot.faq.helpfulness`, `bot.faq.checks`, `bot.faq.store`);
this module reads the query and the form, and renders templates/faq_quality/. These routes
come before the FAQ pages' `/faq/{topic}` in `bot/console/app.py`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from babel import Locale, dates, numbers
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.console import charts, web
from bot.console.web import N_
from bot.db.session import transaction as db_transaction
from bot.engine.textfile import NotText
from bot.errors import StartupError
from bot.faq import checks, edits, helpfulness, store
from bot.faq.evaluation import BadLine
from bot.faq.titles import TITLES

log = logging.getLogger(__name__)

PERIOD_NAMES = {1: N_("This week"), 4: N_("The last 4 weeks"), 8: N_("The last 8 weeks"),
                13: N_("The last 3 months"), 26: N_("The last 6 months"),
                52: N_("The last 12 months")}
STATE_NAMES = {"running": N_("running"), "done": N_("done"), "failed": N_("failed"),
               "interrupted": N_("interrupted")}
PROBLEMS = {
    "period": N_("Please choose one of the periods."),
    "unset": N_("No held-out file is set: see below how to set FAQ_HELD_OUT."),
    "busy": N_("A check is already running; its results appear below."),
}
_TASKS: set[asyncio.Task[None]] = set()
"""The checks running in this process (kept so that they are not collected mid-run)."""


def _titles(request: Request) -> dict[str, str]:
    translator = web.console(request).chat_catalogs.translator(web.language(request))
    return {topic: translator.gettext(title) for topic, title in TITLES.items()}


def _language_names(request: Request) -> dict[str, str]:
    locale = Locale.parse(web.language(request))
    return {code: locale.languages.get(code, code)
            for code in web.console(request).settings.languages}


LINKS = (("/faq", N_("Topics")), ("/faq/gaps", N_("Unanswered questions")),
         ("/faq/helpful", N_("Did this help?")), ("/faq/check", N_("Held-out check")))
"""The FAQ's pages, linked above each of them (templates/faq_quality/_links.html)."""


def _links(request: Request) -> list[tuple[str, str]]:
    return list(LINKS)


# -- /faq/helpful ----------------------------------------------------------------------------
@dataclass(frozen=True)
class TopicRow:
    entry: helpfulness.TopicHelpfulness
    title: str
    chart: Any
    weeks: list[str]
    """Each week's numbers in words, as the chart's tooltips say them (for screen readers)."""


async def helpful(request: Request) -> Response:
    """Topics × languages: yes, no and the share helpful in the period, worst first."""
    raw = request.query_params.get("weeks", str(helpfulness.DEFAULT_WEEKS))
    errors: dict[str, str] = {}
    weeks = int(raw) if raw.isdigit() and int(raw) in helpfulness.PERIODS else None
    if weeks is None:
        errors["weeks"] = PROBLEMS["period"]
        weeks = helpfulness.DEFAULT_WEEKS
    now = web.now(request)
    period = helpfulness.Period.last_weeks(weeks, now.date())  # days are kept as UTC days
    async with web.transaction(request) as db:
        rows = await store.rated(db, datetime.combine(period.start, time(), UTC), now)
    entries = helpfulness.table(rows, period)
    titles = _titles(request)
    lang = web.language(request)
    topics = []
    for entry in entries:
        title = titles.get(entry.topic, entry.topic)
        bars = _week_bars(request, entry, lang)
        chart = charts.week_shares(web.gettext(
            request, N_("{topic}: share helpful by week")).format(topic=title), bars)
        topics.append(TopicRow(entry, title, chart,
                               [f"{label}: {tip}" for label, _, _, tip in bars]))
    return web.page(
        request, "faq_quality/helpful.html", status_code=422 if errors else 200,
        errors=errors, title=N_("Did this help?"), links=_links(request), topics=topics,
        languages=helpfulness.languages_of(entries, web.console(request).settings.languages),
        language_names=_language_names(request), overall=helpfulness.overall(entries),
        weeks=weeks, periods=PERIOD_NAMES, enough=helpfulness.ENOUGH,
        start=dates.format_date(period.start, "medium", locale=lang),
        end=dates.format_date(period.end, "medium", locale=lang))


def _week_bars(request: Request, entry: helpfulness.TopicHelpfulness,
               lang: str) -> list[tuple[str, float | None, int, str]]:
    """(label, share, answers, in words) for each week of the period."""
    bars = []
    for monday, share in entry.weeks:
        label = web.gettext(request, N_("Week of {day}")).format(
            day=dates.format_date(monday, "d MMM", locale=lang))
        if share.percent is not None:
            tip = web.gettext(request, N_("{yes} of {total} found it helpful ({percent} %)"))
        elif share.total:
            tip = web.gettext(request, N_("{total} answers: too few to show a share"))
        else:
            tip = web.gettext(request, N_("no answers"))
        bars.append((label, share.share, share.total,
                     tip.format(yes=share.yes, total=share.total, percent=share.percent)))
    return bars


# -- /faq/check ------------------------------------------------------------------------------
async def check(request: Request, *, status_code: int = 200,
                problem: str | None = None) -> Response:
    """The held-out check: how to set it up, or the button and the history of runs (the
    history alone for htmx, which asks again while a run is under way)."""
    settings = web.console(request).settings
    async with web.transaction(request) as db:
        runs = await checks.history(db, web.now(request))
    template = "faq_quality/_runs.html" if web.is_htmx(request) else "faq_quality/check.html"
    return web.page(
        request, template, status_code=status_code, title=N_("Held-out check"),
        links=_links(request), runs=runs, held_out=settings.faq_held_out,
        under_way=any(run.state == "running" for run in runs), problem=problem,
        latest=next((run for run in runs if run.results is not None), None),
        state_names=STATE_NAMES, language_names=_language_names(request),
        titles=_titles(request), tenths=_tenths(web.language(request)))


def _tenths(lang: str) -> Any:
    """A number with one decimal in the staff member's language (16.7, 16,7)."""
    return lambda value: numbers.format_decimal(value, format="0.0", locale=lang)


async def run_check(request: Request) -> Response:
    """"Run the check now": a run kept "running", carried out in the background."""
    await web.form(request)
    found = web.console(request)
    path = found.settings.faq_held_out
    if path is None:
        return await check(request, status_code=409, problem=PROBLEMS["unset"])
    now = web.now(request)
    async with web.transaction(request) as db:
        started, new = await checks.begin(db, web.staff(request).person_id, path, now)
        if new:
            await web.audit(request, db, "faq.check", target=f"faq_check:{started.id}")
    if not new:
        return await check(request, status_code=409, problem=PROBLEMS["busy"])
    task = asyncio.create_task(carry_out(found, started.id))
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)
    return web.redirect(request, "/faq/check")


async def carry_out(found: web.Console, check_id: int) -> None:
    """Run check `check_id` on FAQ_HELD_OUT in a thread and keep how it ended. Whatever
    happens, the run does not stay "running": a failure is kept with its message."""
    settings = found.settings
    path = settings.faq_held_out
    message: str | None = None
    results: checks.Results | None = None
    try:
        if path is None:
            raise FileNotFoundError("FAQ_HELD_OUT is not set")
        async with db_transaction(found.sessions) as db:
            edited = await edits.load(db)  # what staff changed in the console counts too
        results = await asyncio.to_thread(checks.run, settings, path, edited)
    except (BadLine, NotText, StartupError) as exc:  # file:line: what is wrong
        message = str(exc)
    except FileNotFoundError:
        message = f"{path}: no such file"
    except OSError as exc:
        message = f"{path}: {exc.strerror or type(exc).__name__}"
    except Exception as exc:  # the run must end; the log has the trace, the page the kind
        log.exception("faq_check_failed id=%d", check_id)
        message = f"the check stopped: {type(exc).__name__}"
    async with db_transaction(found.sessions) as db:
        if results is not None:
            await checks.finish(db, check_id, results, found.clock())
        else:
            await checks.fail(db, check_id, message or "failed", found.clock())
    log.info("faq_check_done id=%d ok=%s", check_id, results is not None)


routes: list[BaseRoute] = [
    Route("/faq/helpful", helpful),
    Route("/faq/check", check, methods=["GET"]),
    Route("/faq/check", run_check, methods=["POST"]),
]
