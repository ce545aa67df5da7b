"""One rendering per language (content/glossary.yaml): the catalogs keep to it, and the check
finds another rendering, a German name out of its parentheses, Eastern digits, informal
Turkish and undeclinable Russian names, without flagging what is right."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import glossary
from bot.glossary import Glossary, GlossaryError

ROOT = Path(__file__).resolve().parents[1]
READ = ("ar", "fa", "uk", "ru", "tr")


@pytest.fixture(scope="module")
def real() -> Glossary:
    return glossary.load(ROOT / "content" / glossary.FILE)


def test_the_glossary_has_rules_for_every_language_the_reviewers_read(real: Glossary) -> None:
    assert set(READ) <= set(real.languages)


@pytest.mark.parametrize("lang", READ)
def test_the_catalogs_keep_to_the_glossary(real: Glossary, lang: str) -> None:
    found = glossary.catalog_findings(real, ROOT / "translations", lang)
    assert [str(f) for f in found] == []


def test_the_content_keeps_to_the_glossary(real: Glossary) -> None:
    found = glossary.content_findings(real, ROOT / "content", READ)
    assert [str(f) for f in found] == []


@pytest.mark.parametrize(("lang", "text", "flagged"), [
    # Another rendering, with Arabic clitics in front; the rendering and its gloss are fine.
    ("ar", "اذهب إلى مركز العمل أو وكالة العمل", ["مركز العمل"]),
    ("ar", "ومركز التوظيف يدفع الإيجار", ["ومركز التوظيف"]),
    ("ar", "اسأل في الجوب سنتر (Jobcenter) أو للجوب سنتر", []),
    # A German name outside its parentheses, but not inside a quoted German phrase.
    ("ar", "اسأل في Jobcenter", ["Jobcenter"]),
    ("tr", "Sozialamt'tan yardım alırsınız.", ["Sozialamt"]),
    ("tr", "“Beschäftigung nur mit Erlaubnis der Ausländerbehörde” çalışma izni demektir.", []),
    ("uk", "Запитайте у Welcome Center.", ["Welcome Center"]),
    ("uk", "Центр для новоприбулих (Welcome Center) допоможе.", []),
    # Stems: inflected forms are found, other words for other things are not.
    ("ru", "для просителей убежища и соискателей убежища", ["просителей убежища"]),
    ("ru", "Соискатели убежища и признанные беженцы", []),
    ("uk", "Якщо ваше утримання оплачує центр зайнятості", ["центр зайнятості"]),
    # Persian for Dari readers: the Iranian word, with a ZWNJ suffix; both words together
    # where the glossary allows it; the ezafe does not hide a variant.
    ("fa", "به پزشک‌تان زنگ بزنید", ["پزشک‌تان"]),
    ("fa", "از داکتر (پزشک) یا دواخانه بپرسید", []),
    ("fa", "از اداره‌ی رفاه اجتماعی", ["اداره‌ی رفاه اجتماعی"]),
    # One digit system: Western digits in Arabic and Persian.
    ("fa", "۱٫۵ متر فاصله، ۲۰ ثانیه", ["۱٫۵", "۲۰"]),
    ("ar", "اتصل بالرقم 116117 خلال ٣ أيام", ["٣"]),
    # Style: formal Turkish buttons; names that cannot take a Russian case ending.
    ("tr", "⬅️ Menüye dön", ["dön"]),
    ("tr", "Evet, iptal et", ["iptal et"]),
    ("tr", "⬅️ Menüye dönün", []),
    ("ru", "✉️ Написать {name}", ["Написать {name}"]),
    ("ru", "✉️ Написать: {name}", []),
])
def test_the_check_flags_what_it_must_and_nothing_else(real: Glossary, lang: str, text: str,
                                                      flagged: list[str]) -> None:
    assert [hit.found for hit in real.scan(lang, text)] == flagged


def test_a_wrong_catalog_text_is_reported_with_its_line(real: Glossary, tmp_path: Path) -> None:
    po = tmp_path / "ar" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                  'msgid "Ask the Jobcenter"\nmsgstr "اسأل الجوب سنتر"\n\n'
                  'msgid "Ask the Job Centre"\nmsgstr "اسأل مركز التوظيف"\n', encoding="utf-8")
    [found] = glossary.catalog_findings(real, tmp_path, "ar")
    assert (found.line, found.found, found.rule.term) == (9, "مركز التوظيف", "jobcenter")
    assert str(found).startswith(f"{po}:9: ar: «مركز التوظيف» – jobcenter: write «الجوب سنتر»")


def test_content_is_checked_where_people_read_it_and_not_where_they_type(
        real: Glossary, tmp_path: Path) -> None:
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "money.yaml").write_text(
        "id: money\nanswer:\n  ar: |\n    المساعدة من الجوب سنتر.\n    اسأل مركز العمل.\n"
        "questions:\n  ar:\n    - \"مركز العمل وين\"\n", encoding="utf-8")
    found = glossary.content_findings(real, tmp_path, READ)
    assert [(Path(f.file).name, f.line, f.found) for f in found] == [
        ("money.yaml", 5, "مركز العمل")]


def test_a_broken_glossary_is_reported_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text("terms:\n"
                    "  - id: jobcenter\n"
                    "    de: Jobcenter\n"
                    "    ar: {use: الجوب سنتر, avoid: [\"re:(\"]}\n"
                    "    uk: {avoid: [центр* зайнятості]}\n"
                    "    ru: {use: джобцентр, aviod: [центр* занятости]}\n"
                    "  - id: jobcenter\n"
                    "    de: Jobcenter\n", encoding="utf-8")
    with pytest.raises(GlossaryError) as caught:
        glossary.load(path)
    said = "\n".join(caught.value.problems)
    assert f"{path}:4: 're:(' is not a valid pattern" in said
    assert f"{path}:5: jobcenter/uk needs `use:`" in said
    assert f"{path}:6: unknown key 'aviod'" in said
    assert f"{path}:7: term 'jobcenter' is already on line 2" in said


def test_a_translator_sees_the_terms_of_the_source_in_their_language() -> None:
    found = glossary.beside(ROOT / "content" / glossary.FILE, "ar",
                            "Termine des Jobcenters und im Sprachcafé; the Welcome Center")
    assert [(e.term, e.use) for e in found] == [
        ("welcome_center", "مركز الترحيب"), ("language_cafe", "مقهى اللغة"),
        ("jobcenter", "الجوب سنتر")]
    assert "مركز العمل" in found[2].avoid
    assert glossary.beside(ROOT / "content" / glossary.FILE, "ar", "Kuchen und Tee") == []
