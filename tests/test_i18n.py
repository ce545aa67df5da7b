"""All seven languages are first-class: complete catalogs, negotiation, plurals, dates and
right-to-left text that reads right."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot import catalogs
from bot.channels.render import render, text_of
from bot.engine.model import Reply, Text, Verbatim
from bot.i18n import FSI, PDI, Catalogs, isolate_runs, negotiate
from bot.people.privacy import retention

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("de", "en", "ar", "fa", "uk", "ru", "tr")


@pytest.fixture(scope="module")
def cats() -> Catalogs:
    return Catalogs(ROOT / "translations", LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_is_translated_without_fuzzy_or_placeholder_mistakes(lang: str) -> None:
    found = catalogs.problems(ROOT / "translations", lang, ROOT / "translations" / "messages.pot")
    assert found == []


def test_the_template_holds_every_text_of_the_flows_and_code() -> None:
    """`make i18n` was run after the last text changed (else translators never see it)."""
    from babel.messages.frontend import CommandLineInterface

    out = ROOT / "translations" / "messages.pot"
    fresh = Path(__file__).parent / "_fresh.pot"
    try:
        CommandLineInterface().run([
            "pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "N_",
            "-k", "NP_:1,2", "-o", str(fresh), str(ROOT)])
        assert _ids(fresh) == _ids(out), "run `make i18n`: messages.pot is out of date"
    finally:
        fresh.unlink(missing_ok=True)


def _ids(pot: Path) -> set[object]:
    return {(m.context, m.id) for m in catalogs.read(pot, "en") if m.id}


def test_the_problem_finder_catches_what_it_must(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    po = catalogs.po_path(tmp_path, "ar")
    po.parent.mkdir(parents=True)
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
    pot.write_text(header + 'msgid "Hi {name}"\nmsgstr ""\n\nmsgid "Bye"\nmsgstr ""\n\n'
                   'msgid "Gone"\nmsgstr ""\n\nmsgid "Fuzzy"\nmsgstr ""\n', encoding="utf-8")
    po.write_text(header + 'msgid "Hi {name}"\nmsgstr "مرحبا {nom}"\n\n'
                  'msgid "Bye"\nmsgstr ""\n\n#, fuzzy\nmsgid "Fuzzy"\nmsgstr "x"\n',
                  encoding="utf-8")
    found = "\n".join(catalogs.problems(tmp_path, "ar", pot))
    assert "placeholders differ" in found and "not translated" in found
    assert "fuzzy" in found and "'Gone' is not in the catalog" in found


@pytest.mark.parametrize(("lang", "context", "expected"), [
    ("ar", "female", "📨 وافقت متطوعة: من فضلك رُدّ"),
    ("ar", "male", "📨 وافق متطوع: من فضلك رُدّ"),
    ("ar", None, "📨 هناك موافقة على طلبك: من فضلك رُدّ"),
    ("ar", "unknown", "📨 هناك موافقة على طلبك: من فضلك رُدّ"),  # a missing context: neutral
    ("ru", "female", "📨 Волонтёрка согласна: ответьте, пожалуйста"),
    ("uk", "male", "📨 Волонтер погодився: дайте відповідь"),
    ("tr", "female", "📨 Bir gönüllü evet dedi: Lütfen cevap verin"),
])
def test_a_text_about_a_person_is_written_for_their_gender(
        cats: Catalogs, lang: str, context: str | None, expected: str) -> None:
    from bot.buddies.actions import ANSWER_NEWCOMER

    assert text_of(Text(ANSWER_NEWCOMER, context=context), cats.translator(lang)) == expected


def test_one_english_label_meant_two_ways_has_a_translation_for_each(cats: Catalogs) -> None:
    tr = cats.translator("ar")
    assert text_of(Text("No, keep it", context="booking"), tr) == "لا، أبقِ الحجز"
    assert text_of(Text("No, keep it", context="buddy match"), tr) == "لا، أبقِ المرافقة"


@pytest.mark.parametrize(("code", "expected"), [
    ("fa-AF", "fa"), ("fa_IR", "fa"), ("prs", "fa"), ("uk", "uk"), ("uk-UA", "uk"),
    ("ar-SY", "ar"), ("de-AT", "de"), ("en-US", "en"), ("tr", "tr"), ("ru-RU", "ru"),
    ("ps", None), ("zh-hans", None), ("", None), (None, None),
])
def test_platform_language_codes_are_negotiated(code: str | None, expected: str | None) -> None:
    assert negotiate(code, LANGS) == expected


def test_arabic_has_six_plural_forms_and_they_are_used(cats: Catalogs) -> None:
    [entry] = [m for m in catalogs.read(
        ROOT / "translations/ar/LC_MESSAGES/messages.po", "ar") if m.id == ("{n} day", "{n} days")]
    assert len(entry.string) == 6
    tr = cats.translator("ar")
    shown = {n: text_of(retention(n), tr).replace(FSI, "").replace(PDI, "")
             for n in (1, 2, 3, 11, 100)}
    assert shown == {1: "يوم واحد", 2: "يومين", 3: "3 أيام", 11: "11 يومًا", 100: "100 يوم"}


@pytest.mark.parametrize(("lang", "n", "word"), [
    ("uk", 1, "день"), ("uk", 3, "дні"), ("uk", 5, "днів"), ("ru", 21, "день"),
    ("ru", 22, "дня"), ("ru", 365, "дней"), ("de", 1, "Tag"), ("en", 2, "days"),
])
def test_slavic_plurals_follow_cldr(cats: Catalogs, lang: str, n: int, word: str) -> None:
    assert text_of(retention(n), cats.translator(lang)).split()[-1] == word


def test_dates_are_written_in_the_readers_locale_and_berlin_time(cats: Catalogs) -> None:
    moment = datetime(2026, 11, 24, 17, 30, tzinfo=UTC)  # 18:30 in Berlin
    shown = {lang: cats.translator(lang).datetime(moment) for lang in LANGS}
    assert "24. November 2026" in shown["de"] and "18:30" in shown["de"]
    assert "листопада" in shown["uk"] and "ноября" in shown["ru"] and "Kasım" in shown["tr"]
    assert "نوفمبر" in shown["ar"] and "نوامبر" in shown["fa"]
    assert cats.translator("en").date(date(2026, 3, 1)) == "March 1, 2026"


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_arabic_and_persian_numbers_and_dates_use_western_digits_as_the_catalogs_do(
        cats: Catalogs, lang: str) -> None:
    """One digit system per language (issue 15): 0-9, like phone numbers, ids and the texts
    (content/glossary.yaml: `digits: latin`). Babel formats numbers with Latin digits by
    default since 2.14 (`numbering_system="latn"`); dates always."""
    tr = cats.translator(lang)
    shown = " ".join([tr.number(1234.5), tr.number(36), tr.date(date(2026, 11, 24)),
                      tr.datetime(datetime(2026, 11, 24, 17, 30, tzinfo=UTC))])
    assert not any("\u0660" <= c <= "\u0669" or "\u06f0" <= c <= "\u06f9" for c in shown), shown
    assert "36" in shown and "2026" in shown


def test_right_to_left_text_isolates_numbers_urls_and_commands() -> None:
    text = "اتصل على 0800 111 0 111 أو /help أو www.bamf.de"
    assert isolate_runs(text) == (
        f"اتصل على {FSI}0800 111 0 111{PDI} أو {FSI}/help{PDI} أو {FSI}www.bamf.de{PDI}")


def test_parameters_in_right_to_left_messages_are_isolated(cats: Catalogs) -> None:
    rendered = render(Reply(Text("Chat: {channel}, ID {id}", {"channel": "Telegram",
                                                               "id": "12345"})), "ar", cats)
    assert f"{FSI}12345{PDI}" in rendered.text and f"{FSI}Telegram{PDI}" in rendered.text
    ltr = render(Reply(Text("Chat: {channel}, ID {id}", {"channel": "Telegram", "id": "1"})),
                 "de", cats)
    assert FSI not in ltr.text


def test_the_picker_speaks_every_language_before_one_is_chosen(cats: Catalogs) -> None:
    reply = Reply(Text("Please choose your language."),
                  tuple(), every_language=True)
    lines = render(reply, None, cats).text.splitlines()
    assert len(lines) == 7 and len(set(lines)) == 7


def test_language_names_are_written_in_their_own_script(cats: Catalogs) -> None:
    """Persian is read by Dari speakers too, who look for «دری» in the picker."""
    assert list(cats.endonyms().values()) == [
        "Deutsch", "English", "العربية", "فارسی / دری", "Українська", "Русский", "Türkçe"]
    assert Verbatim("x").text == "x"


def test_a_compiled_catalog_is_used_unless_its_po_was_edited_after(tmp_path: Path) -> None:
    import os

    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import write_po

    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    for suffix, text, write in ((".mo", "compiled", write_mo), (".po", "edited", write_po)):
        catalog = Catalog(locale="de")
        catalog.add("Yes", text)
        with (folder / f"messages{suffix}").open("wb") as f:
            write(f, catalog)
    # Written just after its .mo, as installing the package does: the .mo counts.
    assert Catalogs(tmp_path, ["de"]).translator("de").gettext("Yes") == "compiled"
    po = folder / "messages.po"
    os.utime(po, (po.stat().st_atime, po.stat().st_mtime + 60))  # edited a minute later
    assert Catalogs(tmp_path, ["de"]).translator("de").gettext("Yes") == "edited"
