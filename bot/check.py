"""`welcomebot check`: everything the bot reads before it starts, checked at once.

    report = check()              the settings (.env and the environment), then with them
                                  every flow and every content file
    report = check_files(loaded)  the flows and content files of these (valid) settings

Each loader runs as it does when the bot starts, and every problem it finds is kept, as
`file:line: what to fix`: the flows (both passes), the contacts, the FAQ topics and small
talk, the districts, the notices, the events file, the WhatsApp templates, the glossary, and
a catalog for each language (the staff console's two missing: a warning). `welcomebot run`
and `chat` refuse to start on any problem (`refuse_to_start`), so a broken districts file is
found at start, not by the first person who is asked their district.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import ENV_FILE, Settings, SettingsError, lenient_settings, load_settings


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    """Errors, one line each: the bot does not start with any."""
    warnings: list[str] = field(default_factory=list)
    flows: int = 0
    files: int = 0
    """Content files read (flows not counted)."""

    def summary(self) -> str:
        if self.problems:
            return (f"{len(self.problems)} problem(s): fix them, then run welcomebot check "
                    "again")
        return (f"all good: settings, {self.flows} flows, {self.files} content files"
                + (f" ({len(self.warnings)} warning(s))" if self.warnings else ""))


def check(env_file: Path | str | None = ENV_FILE) -> Report:
    """The settings' problems, and those of the flows and content they name (with a bad
    setting at its default, so that one broken value does not hide the rest)."""
    try:
        loaded: Settings | None = load_settings(env_file)
        settings_problems: list[str] = []
    except SettingsError as exc:
        settings_problems = exc.problems
        loaded = lenient_settings(env_file)
    if loaded is None:
        return Report(settings_problems + ["the flows and content were not checked: fix the "
                                           "settings above first"])
    report = check_files(loaded)
    report.problems[:0] = settings_problems
    return report


def check_files(loaded: Settings) -> Report:
    """Every flow and content file of `loaded`, read as the bot reads them."""
    report = Report()
    report.flows = _flows(loaded, report)
    _catalogs(loaded, report)
    content = loaded.content_dir
    if not content.is_dir():
        report.problems.append(f"{content}:1: the content folder does not exist; set "
                               "CONTENT_DIR to the folder that holds contacts.yaml, faq/, ...")
        return report
    contact_ids = _contacts(loaded, report)
    _faq(loaded, contact_ids, report)
    _districts(loaded, report)
    _notices(loaded, report)
    _events(loaded, report)
    _templates(loaded, report)
    _office_hours(loaded, report)
    _glossary(loaded, report)
    return report


def refuse_to_start(loaded: Settings) -> None:
    """Print every problem of the flows and content and exit 2 if there is any (`welcomebot
    run` and `chat`, after the settings were read)."""
    import typer

    report = check_files(loaded)
    for line in report.warnings:
        typer.echo(line, err=True)
    if report.problems:
        typer.echo(f"The bot does not start with these {len(report.problems)} problem(s); "
                   "fix them first (welcomebot check lists them again):", err=True)
        for line in report.problems:
            typer.echo(line, err=True)
        raise typer.Exit(2)


# -- each part -------------------------------------------------------------------------------
def _flows(loaded: Settings, report: Report) -> int:
    from bot.actions import ACTIONS  # not bot.app.checked_flows: that imports Alembic
    from bot.engine.checks import check as meaning
    from bot.engine.issues import errors
    from bot.engine.load import load_flows

    flows, issues = load_flows(loaded.flows_dir)
    issues += meaning(flows, set(ACTIONS))
    bad = errors(issues)
    report.problems += [str(issue) for issue in bad]
    report.warnings += [str(issue) for issue in issues if issue not in bad]
    return len(flows.flows)


def _read(report: Report, path: Path, load: Callable[[Path], object],
          error: type[Exception]) -> object | None:
    """`load(path)`, counted; its error's lines (file:line: what) kept as problems."""
    report.files += 1
    try:
        return load(path)
    except error as exc:
        report.problems += str(exc).splitlines()
        return None


def _contacts(loaded: Settings, report: Report) -> set[str] | None:
    from bot.contacts import Contacts, ContactsError, load_contacts

    path = loaded.content_dir / "contacts.yaml"
    if not path.exists():
        return set()
    found = _read(report, path, load_contacts, ContactsError)
    return set(found.entries) if isinstance(found, Contacts) else None


def _faq(loaded: Settings, contact_ids: set[str] | None, report: Report) -> None:
    from bot.faq.content import ContentError, load_content

    folder = loaded.content_dir
    report.files += len(list((folder / "faq").glob("*.yaml")))
    report.files += (folder / "smalltalk.yaml").exists()
    try:  # without readable contacts, a topic's contacts are not checked against them
        load_content(folder, loaded.languages, contact_ids)
    except ContentError as exc:
        report.problems += exc.problems


def _districts(loaded: Settings, report: Report) -> None:
    from bot.districts import DistrictsError, load_districts

    _read(report, loaded.content_dir / "districts.yaml", load_districts, DistrictsError)


def _notices(loaded: Settings, report: Report) -> None:
    from bot.notices.content import NoticeError, load_notice

    for path in sorted((loaded.content_dir / "notices").glob("*.yaml")):
        _read(report, path, load_notice, NoticeError)


def _events(loaded: Settings, report: Report) -> None:
    from bot.events.content import EventsFileError, load_series

    path = loaded.content_dir / "events.yaml"
    if path.exists():
        _read(report, path, load_series, EventsFileError)


def _templates(loaded: Settings, report: Report) -> None:
    from bot.channels.whatsapp.templates import FILE, TemplatesError, load_templates

    path = loaded.content_dir / FILE
    if path.exists():
        _read(report, path, load_templates, TemplatesError)
    elif loaded.whatsapp:
        report.warnings.append(f"{path}:1: missing: WhatsApp cannot reach anyone outside the "
                               "24-hour window (see README, On WhatsApp)")


def _office_hours(loaded: Settings, report: Report) -> None:
    from bot.handoff.hours import HoursError, load_hours

    path = loaded.content_dir / "office-hours.yaml"
    if path.exists():
        _read(report, path, load_hours, HoursError)


def _glossary(loaded: Settings, report: Report) -> None:
    from bot import glossary

    path = loaded.content_dir / glossary.FILE
    if path.exists():
        _read(report, path, glossary.load, glossary.GlossaryError)


def _catalogs(loaded: Settings, report: Report) -> None:
    for lang in loaded.languages:
        po = loaded.translations_dir / lang / "LC_MESSAGES" / "messages.po"
        if not po.exists() and not po.with_suffix(".mo").exists():
            report.problems.append(
                f"{po}:1: missing: the bot would speak English to '{lang}' readers; set "
                "TRANSLATIONS_DIR to the folder of the catalogs, or take the language out of "
                "LANGUAGES")
    for lang in ("de", "en"):  # the staff console's own (bot/console/lang.py)
        po = loaded.translations_dir / lang / "LC_MESSAGES" / "console.po"
        if not po.exists() and not po.with_suffix(".mo").exists():
            report.warnings.append(
                f"{po}:1: missing: the staff console (welcomebot console) would show its "
                "English texts to everyone; run make i18n, or set TRANSLATIONS_DIR")
