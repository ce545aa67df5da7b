"""One rendering per language: the glossary (`content/glossary.yaml`) and the check that the
catalogs and the content keep to it (`welcomebot i18n check`, tests/test_glossary.py).

The glossary names, for each German office and each of the bot's own terms, the one rendering
per language and the renderings to avoid; for a whole language, rules such as "digits 0-9
only" or "formal address". A check can only find "another" rendering it knows, so every term
lists the variants translators have used or are likely to use, as patterns:

    соискател* убежища     words; `*` at a word's end (or start) matches any ending (start)
    مركز العمل              Arabic: the clitics و ف ب ك ل and the article are allowed in front
    re:\\bsen\\b            a regular expression, for what words cannot say

Matching ignores case and, in Persian, the difference between a space and a zero-width
non-joiner, the ezafe (ـهٔ, ـه‌ی) and Arabic or Persian yeh and kaf; in Arabic and Persian the
short vowel marks. A German name (`de`) outside parentheses is flagged in every language whose
rendering is not that name: it belongs in parentheses after the rendering, "الجوب سنتر
(Jobcenter)". Parenthesised glosses that contain a German name are not checked at all.

Only what people read is checked: every msgstr of the PO catalogs, the FAQ answers, the
notices' titles and texts, the events' titles and descriptions and the contacts' names and
hours; never the questions people type (they say "جوب سنتر" and "۸۰۰ یورو", and must be
understood).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from babel.messages.pofile import read_po

from bot.engine.textfile import NotText, read_text
from bot.engine.yamlsource import Loc, parse

FILE = "glossary.yaml"
"""The glossary, in the content folder."""

_MARKS = "\u064b-\u0652\u0670\u0654"
"""Arabic short vowels, tanween, shadda, sukun, superscript alef, hamza above."""
_LETTER = rf"[\w{_MARKS}\u200c]"
_NOT_AFTER = rf"(?<!{_LETTER})"
_NOT_BEFORE = rf"(?!{_LETTER})"
_EASTERN_DIGITS = re.compile(
    r"[\u0660-\u0669\u06f0-\u06f9][\u0660-\u0669\u06f0-\u06f9\u066b\u066c]*")
_PARENTHESIS = re.compile(r"\([^()\n]*\)")
_QUOTE = re.compile(r"[«\"„“]([^«»\"„“”\n]*)[»\"“”]")
_LATIN = re.compile(r"[^\W\d_]")


class GlossaryError(Exception):
    """The glossary itself is wrong: one "file:line: what" per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Rule:
    """One way of writing that a language avoids, and what to write instead."""

    lang: str
    pattern: re.Pattern[str]
    written: str
    """The pattern as the glossary writes it."""
    use: str
    """The rendering to write instead (or, for a style rule, why)."""
    term: str
    line: int
    """Its line in the glossary."""


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    found: str
    rule: Rule


@dataclass(frozen=True)
class Finding:
    """A text that does not keep to the glossary, with where it is."""

    file: str
    line: int
    lang: str
    found: str
    rule: Rule
    glossary: str

    def __str__(self) -> str:
        return (f"{self.file}:{self.line}: {self.lang}: «{self.found}» – {self.rule.term}: "
                f"{self.rule.use} ({self.glossary}:{self.rule.line})")


@dataclass(frozen=True)
class Glossary:
    file: str
    rules: Mapping[str, tuple[Rule, ...]]
    """Per language, everything to flag."""
    allowed: Mapping[str, tuple[re.Pattern[str], ...]]
    """Per language, spans that are fine whatever they contain ("داکتر (پزشک)")."""
    originals: tuple[str, ...]
    """Every German name: a parenthesis holding one is a gloss, never checked."""

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.rules)

    def scan(self, lang: str, text: str) -> list[Hit]:
        """Everything in `text` (in `lang`) that the glossary says to write otherwise."""
        rules = self.rules.get(lang, ())
        if not rules or not text:
            return []
        masked = self._mask(lang, text)
        hits = [Hit(m.start(), m.end(), text[m.start():m.end()], rule)
                for rule in rules for m in rule.pattern.finditer(masked)]
        hits.sort(key=lambda h: (h.start, -h.end))
        kept: list[Hit] = []
        for hit in hits:  # one report per place: the longest match
            if not kept or hit.start >= kept[-1].end:
                kept.append(hit)
        return kept

    def _mask(self, lang: str, text: str) -> str:
        """`text` with what is not checked blanked out: glosses in parentheses, quoted
        German phrases ("Beschäftigung nur mit Erlaubnis der Ausländerbehörde") and the
        language's allowed spans."""
        spans = [m.span() for m in _PARENTHESIS.finditer(text)
                 if any(o.lower() in m.group(0).lower() for o in self.originals)]
        spans += [m.span() for m in _QUOTE.finditer(text) if self._german_quote(m.group(1))]
        spans += [m.span() for p in self.allowed.get(lang, ()) for m in p.finditer(text)]
        chars = list(text)
        for start, end in spans:
            chars[start:end] = "\0" * (end - start)
        return "".join(chars)

    def _german_quote(self, quoted: str) -> bool:
        """A quoted German phrase that holds a German name: more than the name alone, in
        Latin letters (a quoted «Welcome Buddies» is still a name to translate)."""
        said = quoted.strip().lower()
        letters = _LATIN.findall(quoted)
        return (all(c.isascii() or c in "äöüÄÖÜß" for c in letters)
                and any(o.lower() in said and o.lower() != said for o in self.originals))


# -- loading ----------------------------------------------------------------------------------
def load(path: Path) -> Glossary:
    """The glossary at `path`; GlossaryError with every problem (file:line) otherwise."""
    file = str(path)
    try:
        text = read_text(path)
    except OSError as exc:
        raise GlossaryError([f"{file}:1: cannot read it: {exc.strerror}"]) from None
    except NotText as exc:
        raise GlossaryError([str(exc)]) from None
    source = parse(text, file)
    if source.error is not None:
        raise GlossaryError([f"{file}:{source.error[0]}: not valid YAML: {source.error[1]}"])
    problems = [f"{file}:{line}: '{loc[-1]}' is given twice" for loc, line in source.duplicates]
    data = source.value if isinstance(source.value, dict) else {}
    unknown = set(data) - {"languages", "terms"}
    problems += [f"{file}:{source.line((k,))}: unknown key '{k}' (use languages, terms)"
                 for k in sorted(unknown, key=str)]
    rules: dict[str, list[Rule]] = {}
    allowed: dict[str, list[re.Pattern[str]]] = {}

    def rule(lang: str, written: Any, use: str, term: str, loc: Loc) -> None:
        line = source.line(loc)
        if not isinstance(written, str) or not written.strip():
            problems.append(f"{file}:{line}: a pattern must be a text, not {written!r}")
            return
        try:
            pattern = compile_pattern(written, lang)
        except re.error as exc:
            problems.append(f"{file}:{line}: '{written}' is not a valid pattern: {exc}")
            return
        rules.setdefault(lang, []).append(Rule(lang, pattern, written, use, term, line))

    for lang, spec in _mapping(data.get("languages"), ("languages",), source, problems).items():
        at: Loc = ("languages", lang)
        spec = _mapping(spec, at, source, problems)
        for key in sorted(set(spec) - {"digits", "avoid"}, key=str):
            problems.append(f"{file}:{source.line((*at, key))}: unknown key '{key}' "
                            "(use digits, avoid)")
        if "digits" in spec:
            if spec["digits"] != "latin":
                problems.append(f"{file}:{source.line((*at, 'digits'))}: digits: latin is "
                                "the one digit system the bot writes")
            rules.setdefault(lang, []).append(Rule(
                lang, _EASTERN_DIGITS, "digits: latin",
                "write digits 0-9 (and . for decimals), as phone numbers and code do",
                "digits", source.line((*at, "digits"))))
        for i, item in enumerate(_list(spec.get("avoid"), (*at, "avoid"), source, problems)):
            item_at: Loc = (*at, "avoid", i)
            item = _mapping(item, item_at, source, problems)
            for key in sorted(set(item) - {"pattern", "why"}, key=str):
                problems.append(f"{file}:{source.line((*item_at, key))}: unknown key '{key}' "
                                "(use pattern, why)")
            why = item.get("why")
            if not isinstance(why, str) or not why.strip():
                problems.append(f"{file}:{source.line(item_at)}: say `why:` it is avoided")
                continue
            rule(lang, item.get("pattern"), why.strip(), "style", (*item_at, "pattern"))

    originals: list[str] = []
    ids: dict[str, int] = {}
    for i, term in enumerate(_list(data.get("terms"), ("terms",), source, problems)):
        loc: Loc = ("terms", i)
        term = _mapping(term, loc, source, problems)
        term_id = term.get("id")
        if not isinstance(term_id, str) or not term_id:
            problems.append(f"{file}:{source.line(loc)}: every term needs an `id:`")
            continue
        if term_id in ids:
            problems.append(f"{file}:{source.line((*loc, 'id'))}: term '{term_id}' is already "
                            f"on line {ids[term_id]}")
        ids[term_id] = source.line((*loc, "id"))
        german = term.get("de")
        names = [german] if isinstance(german, str) else german
        if not isinstance(names, list) or not names or not all(
                isinstance(n, str) and n.strip() for n in names):
            problems.append(f"{file}:{source.line(loc)}: term '{term_id}' needs `de:`, the "
                            "German name (or a list of them, the current one first)")
            names = []
        originals += names
        for lang, entry in term.items():
            if lang in ("id", "de", "en", "note"):
                continue
            where: Loc = (*loc, lang)
            if not isinstance(lang, str) or not re.fullmatch(r"[a-z]{2,3}", lang):
                problems.append(f"{file}:{source.line(where)}: unknown key '{lang}' in term "
                                f"'{term_id}' (id, de, en, note, or a language code)")
                continue
            if isinstance(entry, str):
                entry = {"use": entry}
            entry = _mapping(entry, where, source, problems)
            for key in sorted(set(entry) - {"use", "short", "avoid", "allow"}, key=str):
                problems.append(f"{file}:{source.line((*where, key))}: unknown key '{key}' "
                                "(use, short, avoid, allow)")
            use = entry.get("use")
            if not isinstance(use, str) or not use.strip():
                problems.append(f"{file}:{source.line(where)}: {term_id}/{lang} needs `use:`, "
                                "the one rendering")
                continue
            short = _list(entry.get("short"), (*where, "short"), source, problems)
            told = f"write «{use}»" + (f" (or «{'», «'.join(map(str, short))}»)" if short else "")
            for j, written in enumerate(_list(entry.get("avoid"), (*where, "avoid"), source,
                                              problems)):
                rule(lang, written, told, term_id, (*where, "avoid", j))
            said = " ".join([use, *map(str, short)]).lower()
            for name in names:
                if name.lower() not in said:
                    rules.setdefault(lang, []).append(Rule(
                        lang, compile_pattern(name, "de"), name,
                        f"write «{use}»; the German name goes in parentheses after it: "
                        f"«{use} ({name})»", term_id, source.line((*loc, "de"))))
            for j, written in enumerate(_list(entry.get("allow"), (*where, "allow"), source,
                                              problems)):
                try:
                    allowed.setdefault(lang, []).append(compile_pattern(str(written), lang))
                except re.error as exc:
                    problems.append(f"{file}:{source.line((*where, 'allow', j))}: "
                                    f"'{written}' is not a valid pattern: {exc}")
    if problems:
        raise GlossaryError(problems)
    return Glossary(file, {lang: tuple(r) for lang, r in rules.items()},
                    {lang: tuple(p) for lang, p in allowed.items()}, tuple(originals))


def _mapping(value: Any, loc: Loc, source: Any, problems: list[str]) -> dict[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(f"{source.file}:{source.line(loc)}: '{loc[-1]}' must be a mapping")
        return {}
    return value


def _list(value: Any, loc: Loc, source: Any, problems: list[str]) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        problems.append(f"{source.file}:{source.line(loc)}: '{loc[-1]}' must be a list")
        return []
    return value


def compile_pattern(written: str, lang: str) -> re.Pattern[str]:
    """A glossary pattern as a regular expression for texts in `lang` (see the module)."""
    if written.startswith("re:"):
        return re.compile(written[3:], re.IGNORECASE)
    words = [_word(w, lang) for w in written.split()]
    between = r"[\s\u200c]+" if lang == "fa" else r"\s+"
    body = between.join(words)
    if lang == "ar":
        first = written.split()[0].lstrip("*")
        clitics = "(?:[وف]?[بك]?)"
        if first.startswith("ال"):  # ل + الـ is written للـ
            body = rf"(?:{clitics}|[وف]?ل(?=ل)){body}"
        else:
            body = rf"(?:{clitics}|[وف]?ل?){body}"
    return re.compile(_NOT_AFTER + body + _NOT_BEFORE, re.IGNORECASE)


def _word(word: str, lang: str) -> str:
    head = rf"{_LETTER}*" if word.startswith("*") and len(word) > 1 else ""
    tail = rf"{_LETTER}*" if word.endswith("*") and len(word) > 1 else ""
    core = word.strip("*") if len(word) > 1 else word
    if lang not in ("ar", "fa"):
        return head + re.escape(core) + tail
    out = []
    for char in core:
        if char == "\u200c":
            out.append(r"[\s\u200c]?")
            continue
        if lang == "fa" and char in "یي":
            out.append("[یيى]")
        elif lang == "fa" and char in "کك":
            out.append("[کك]")
        else:
            out.append(re.escape(char))
        out.append(rf"[{_MARKS}]*\u200c?" if lang == "fa" else rf"[{_MARKS}]*")
    if lang == "fa" and core.endswith("ه"):
        out.append(r"(?:\u200c?ی(?!\w))?")  # the ezafe: اداره‌ی, ادارهٔ
    return head + "".join(out) + tail


# -- checking ---------------------------------------------------------------------------------
def catalog_findings(glossary: Glossary, folder: Path, lang: str) -> list[Finding]:
    """What `lang`'s PO catalog writes otherwise than the glossary says (every msgstr)."""
    path = folder / lang / "LC_MESSAGES" / "messages.po"
    if lang not in glossary.rules or not path.exists():
        return []
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    raw = path.read_text(encoding="utf-8").splitlines()
    found = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        for text in strings:
            for hit in glossary.scan(lang, text or ""):
                line = _po_line(raw, message.lineno or 1, hit.found)
                found.append(Finding(str(path), line, lang, hit.found, hit.rule, glossary.file))
    return found


def _po_line(raw: list[str], msgid_line: int, found: str) -> int:
    """The line of the msgstr that holds `found` (or where the msgstr starts)."""
    start = next((i for i in range(msgid_line - 1, len(raw)) if raw[i].startswith("msgstr")),
                 msgid_line - 1)
    end = next((i for i in range(start, len(raw)) if not raw[i].strip()), len(raw))
    return next((i + 1 for i in range(start, end) if found in raw[i]), start + 1)


def content_texts(content_dir: Path,
                  languages: Iterable[str]) -> Iterator[tuple[str, int, str, str]]:
    """(file, line, lang, text) for everything people read in the content folder: FAQ
    answers, notices, events, contact names and hours."""
    wanted = set(languages)
    files = [*sorted((content_dir / "faq").glob("*.yaml")),
             *sorted((content_dir / "notices").glob("*.yaml")),
             content_dir / "events.yaml", content_dir / "contacts.yaml"]
    for path in files:
        if not path.exists():
            continue
        try:
            text = read_text(path)
        except NotText:
            continue  # the feature's own loader reports it
        source = parse(text, str(path))
        if source.error is not None:
            continue  # the feature's own loader reports it
        for loc, value in _leaves(source.value, ()):
            lang = _reader_facing(path, content_dir, loc)
            if lang in wanted and isinstance(value, str):
                yield str(path), source.line(loc), lang, value


def content_findings(glossary: Glossary, content_dir: Path,
                     languages: Iterable[str]) -> list[Finding]:
    found = []
    lines_of: dict[str, list[str]] = {}
    for file, line, lang, text in content_texts(content_dir, languages):
        raw = lines_of.setdefault(file, read_text(file).splitlines())
        for hit in glossary.scan(lang, text):
            found.append(Finding(file, _text_line(raw, line, text, hit), lang, hit.found,
                                 hit.rule, glossary.file))
    return found


def _text_line(raw: list[str], line: int, text: str, hit: Hit) -> int:
    """The file line of `hit` in a YAML scalar that starts on `line` (a `|` block's text
    starts on the next one)."""
    block = raw[line - 1].rstrip().endswith(("|", ">", "|-", ">-")) if line <= len(raw) else False
    guess: int = line + (1 if block else 0) + text.count("\n", 0, hit.start)
    candidates: list[int] = [guess, *range(line, min(len(raw), line + 400) + 1)]
    return next((c for c in candidates if 0 < c <= len(raw) and hit.found in raw[c - 1]), guess)


def _leaves(value: Any, loc: Loc) -> Iterator[tuple[Loc, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, (*loc, i))
    else:
        yield loc, value


def _reader_facing(path: Path, content_dir: Path, loc: Loc) -> str | None:
    """The language of the text at `loc` of this content file, if people read it."""
    kind = path.parent.name if path.parent != content_dir else path.stem
    if kind == "faq" and len(loc) == 2 and loc[0] == "answer":
        return str(loc[1])
    if kind == "notices" and len(loc) == 3 and loc[0] == "texts" and loc[2] in ("title", "text"):
        return str(loc[1])
    if kind == "events" and len(loc) == 3 and loc[1] in ("title", "description"):
        return str(loc[2])
    if kind == "contacts" and len(loc) == 3 and loc[1] in ("name", "hours"):
        return str(loc[2])
    return None


def problems(glossary_path: Path, translations_dir: Path, content_dir: Path,
             languages: Sequence[str]) -> list[str]:
    """Every place that does not keep to the glossary, one line each ("file:line: ..."),
    catalogs first; the glossary's own problems if it cannot be read."""
    try:
        glossary = load(glossary_path)
    except GlossaryError as exc:
        return exc.problems
    found = [f for lang in languages for f in catalog_findings(glossary, translations_dir, lang)]
    found += content_findings(glossary, content_dir, languages)
    return [str(f) for f in found]


# -- for translators ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    """One term as a translator into one language needs it beside a text."""

    term: str
    names: tuple[str, ...]
    """The German name(s), the current one first."""
    english: str | None
    note: str | None
    use: str
    """The one rendering in the language."""
    short: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()

    def occurs_in(self, text: str) -> bool:
        """Whether `text` (German or English, as a source is) names this term: one of its
        German names with any ending ("Jobcenters"), or its English name."""
        written = [*self.names]
        if self.english:
            written.append(re.split(r"[(;]", self.english)[0].strip())
        return any(compile_pattern(f"{name.strip()}*", "de").search(text)
                   for name in written if name.strip())


def entries(path: Path, lang: str) -> list[Entry]:
    """The terms that have a rendering in `lang`, in the glossary's order. The glossary is
    checked by `welcomebot i18n check` (`load`); here what is unreadable is left out."""
    try:
        data = yaml.safe_load(read_text(path))
    except (OSError, NotText, yaml.YAMLError):
        return []
    found: list[Entry] = []
    for term in (data or {}).get("terms") or []:
        if not isinstance(term, dict) or lang not in term or not term.get("id"):
            continue
        spec = term[lang] if isinstance(term[lang], dict) else {"use": term[lang]}
        german = term.get("de")
        names = (german,) if isinstance(german, str) else tuple(map(str, german or ()))

        def listed(value: Any) -> tuple[str, ...]:
            return (value,) if isinstance(value, str) else tuple(map(str, value or ()))

        if not isinstance(spec.get("use"), str):
            continue
        found.append(Entry(str(term["id"]), names, term.get("en"), term.get("note"),
                           spec["use"], listed(spec.get("short")), listed(spec.get("avoid"))))
    return found


def beside(path: Path, lang: str, source: str) -> list[Entry]:
    """The glossary's entries for `lang` whose German or English name occurs in `source`."""
    return [entry for entry in entries(path, lang) if entry.occurs_in(source)]
