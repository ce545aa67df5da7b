"""Which WhatsApp message templates Meta approved in which language, as the bot last heard,
and which templates `content/whatsapp-templates.yaml` lists: what the staff console shows
(Notices > WhatsApp templates) and what its audience warnings use.

Outside WhatsApp's 24-hour window a notice reaches a person only as the approved template
"notices:show" names, in their language; where that is not approved they are skipped. The
bot's service asks Meta about hourly (`bot.service.check_templates`: `GET
/{WABA}/message_templates`, once across processes, the chore `CHORE`) and keeps the answer
in the `template_approvals` table; the console reads it, and its "Check now" clears the
chore's time (`check_soon`) so that the next look of a bot process asks at once. The
console imports neither the channels nor the runtime, so the YAML is read here (`listed`)
without the channel's own checks (`welcomebot check` does those).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import Chore, TemplateApproval
from bot.engine.yamlsource import YamlFileError, parse_file

FILE = "whatsapp-templates.yaml"
CHORE = "whatsapp_templates"
EVERY = timedelta(hours=1)
"""How often the bot asks Meta (`bot.db.locks.take_turn`)."""
NOTICE = "notices:show"
"""The push a notice goes out as (`bot.notices.store.PUSH`)."""

State = Literal["approved", "pending", "rejected", "paused", "disabled", "other",
                "not_at_meta", "not_listed", "unknown"]
"""A template in one language: Meta's status (lower case; "other" for one we do not know);
`not_at_meta`: listed in the file, but Meta does not have it (checked); `not_listed`: the
file does not list the language (the bot does not use it); `unknown`: never checked."""
STATUSES: dict[str, State] = {"APPROVED": "approved", "PENDING": "pending",
                              "REJECTED": "rejected", "PAUSED": "paused",
                              "DISABLED": "disabled"}
"""Meta's statuses of a template (its Message Templates API)."""
SENDS = ("approved", "unknown")
"""States in which the bot sends the template (unknown: the file says it is approved)."""


@dataclass(frozen=True)
class Listed:
    """A template of the file: its name, the languages it lists, its English wording, and
    the pushes ("notices:show", "events") it stands for."""

    name: str
    languages: tuple[str, ...]
    body: str
    pushes: tuple[str, ...]


def listed(content_dir: Path) -> list[Listed]:
    """The templates of `content_dir/whatsapp-templates.yaml`, one per name, in the file's
    order; none when the file is missing or broken (`welcomebot check` says what is wrong)."""
    path = content_dir / FILE
    if not path.exists():
        return []
    try:
        source, problems = parse_file(path)
    except YamlFileError:
        return []
    found = source.value.get("templates") if isinstance(source.value, dict) else None
    by_name: dict[str, Listed] = {}
    for push, entry in (found.items() if isinstance(found, dict) else ()):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        languages = tuple(str(code) for code in entry.get("languages") or ())
        before = by_name.get(entry["name"])
        if before is None:
            by_name[entry["name"]] = Listed(entry["name"], languages,
                                            str(entry.get("body") or ""), (str(push),))
        else:
            by_name[entry["name"]] = Listed(
                before.name, tuple(dict.fromkeys((*before.languages, *languages))),
                before.body, (*before.pushes, str(push)))
    return list(by_name.values())


def for_push(templates: Sequence[Listed], push: str) -> Listed | None:
    """The template standing for `push`, else for its flow (as the channel finds it)."""
    flow = push.partition(":")[0]
    return (next((t for t in templates if push in t.pushes), None)
            or next((t for t in templates if flow in t.pushes), None))


Known = Mapping[tuple[str, str], TemplateApproval]


def state(template: Listed | None, lang: str, known: Known, checked: bool) -> State:
    """Where `template` stands in `lang` (see `State`); `checked`: Meta was asked at least
    once (else a language missing at Meta is `unknown`, not `not_at_meta`)."""
    if template is None or lang not in template.languages:
        return "not_listed"
    found = known.get((template.name, lang))
    if found is None:
        return "not_at_meta" if checked else "unknown"
    return STATUSES.get(found.status.upper(), "other")


def skipped(template: Listed | None, languages: Iterable[str], known: Known,
            checked: bool) -> list[str]:
    """Of `languages`, those in which the template will not go out: its people outside the
    24-hour window are skipped."""
    return [lang for lang in languages if state(template, lang, known, checked) not in SENDS]


async def known(session: AsyncSession) -> dict[tuple[str, str], TemplateApproval]:
    """Every (name, language) Meta told of at the last check."""
    rows = await session.scalars(select(TemplateApproval))
    return {(row.name, row.language): row for row in rows}


async def save(session: AsyncSession, found: Iterable[tuple[str, str, str]],
               now: datetime) -> int:
    """Meta's whole answer (name, language, status), checked at `now`, replaces the last
    one (a template deleted at Meta goes). Returns how many there are."""
    rows = {(name, lang): status for name, lang, status in found}
    await session.execute(delete(TemplateApproval))
    session.add_all(TemplateApproval(name=name, language=lang, status=status[:20],
                                     checked_at=now)
                    for (name, lang), status in rows.items())
    await session.flush()
    return len(rows)


async def last_checked(session: AsyncSession) -> tuple[datetime | None, datetime | None]:
    """When Meta last answered (None: never, or it has no templates), and when the bot last
    asked (the chore's time; None: never, or a check is asked for)."""
    answered = max((row.checked_at for row in (await known(session)).values()), default=None)
    asked = await session.scalar(select(Chore.done_at).where(Chore.name == CHORE))
    return answered, asked


async def check_soon(session: AsyncSession) -> None:
    """Ask for a check: the next look of a bot process (within a minute) asks Meta."""
    await session.execute(delete(Chore).where(Chore.name == CHORE))
