"""Machine-translation drafts of notices, offline, with argostranslate (`make translate`).

    drafted = draft(notice, ["ar", "fa"])    # drafted.notice: the notice with the drafts
    drafted.missing                          # [("de", "fa")]: no model for these pairs
    install_commands(drafted.missing)        # the argospm commands that fetch them

A draft is marked `machine: true` and stamped `based_on` (the fingerprint of the source text
it was made from) until a person reviews it (`welcomebot notice review`). A text a person
wrote is never replaced. Each text is translated once per language, when staff draft it,
never when a notice is sent. Without a direct model the text goes through English
(argostranslate 1.11 would chain any two installed models itself, through whichever language
it finds first; we choose English, and its English is reused for every target).

The models live in TRANSLATION_MODELS_DIR (`configure()`; by default the setting). The
first `import argostranslate` reads its settings from the environment once, and would
otherwise create ~/.local/share/argos-translate and read ~/.config/argos-translate: so
ARGOS_PACKAGES_DIR and the XDG folders are set just around that import and restored after,
and argostranslate is imported only here, only when needed. Sentences are split by MiniSBD
(ARGOS_CHUNK_TYPE=MINISBD unless set): the `stanza` installed beside it is an empty stub.

Translating is blocking and CPU-heavy (seconds per language with real models): from async
code, call `draft` in a worker thread.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shlex
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from bot.notices.content import HUMAN, NoticeFile, Text

log = logging.getLogger(__name__)

PIVOT = "en"
CHUNK_TYPE = "MINISBD"
"""Sentence splitting: MiniSBD (ONNX), never stanza (torch)."""

_lock = threading.RLock()
_models_dir: Path | None = None


class TranslationError(Exception):
    """argostranslate could not be loaded or failed; the message says what to do."""


@dataclass(frozen=True)
class Layout:
    """Where argostranslate keeps what, under the models folder."""

    root: Path

    @property
    def packages(self) -> Path:
        return self.root / "packages"

    @property
    def environment(self) -> dict[str, str]:
        """What argostranslate (and argospm) must see when first imported."""
        return {"ARGOS_PACKAGES_DIR": str(self.packages),
                "XDG_DATA_HOME": str(self.root / "data"),       # index.json, MiniSBD models
                "XDG_CACHE_HOME": str(self.root / "cache"),     # downloads
                "XDG_CONFIG_HOME": str(self.root / "config")}   # its settings.json: none

    @property
    def minisbd(self) -> Path:
        return self.root / "data" / "argos-translate" / "minisbd"


def configure(models_dir: Path) -> None:
    """Use the models in `models_dir` (TRANSLATION_MODELS_DIR). Before the first draft, or
    later: argostranslate is then loaded afresh (it reads its folders only when imported)."""
    global _models_dir
    with _lock:
        _models_dir = models_dir.expanduser().resolve()


def models_dir() -> Path:
    if _models_dir is None:
        from bot.config import load_settings

        configure(load_settings().translation_models_dir)
    assert _models_dir is not None
    return _models_dir


def installed() -> bool:
    """Is argostranslate installed (`make translate`)?"""
    return importlib.util.find_spec("argostranslate") is not None


def unavailable() -> str | None:
    """Why no draft can be made here (argostranslate missing or not loading), or None."""
    if not installed():
        return ("argostranslate is not installed: `make translate` installs it (without "
                "stanza and torch)")
    try:
        _argos()
    except TranslationError as exc:
        return str(exc)
    return None


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _argos() -> ModuleType:
    """`argostranslate.translate`, imported with our folders (again if it was imported with
    others: by an earlier `configure`, or by someone else)."""
    with _lock:
        layout = Layout(models_dir())
        settings = sys.modules.get("argostranslate.settings")
        if settings is not None and Path(settings.package_data_dir) != layout.packages:
            for name in [n for n in sys.modules
                         if n == "argostranslate" or n.startswith("argostranslate.")]:
                del sys.modules[name]
        if "argostranslate.translate" not in sys.modules:
            values = dict(layout.environment)
            values["ARGOS_CHUNK_TYPE"] = os.environ.get("ARGOS_CHUNK_TYPE", CHUNK_TYPE)
            with _environment(values):
                try:
                    import argostranslate.package  # noqa: F401
                    import argostranslate.translate  # noqa: F401
                except ImportError as exc:
                    raise TranslationError(
                        f"argostranslate does not load ({exc}): `make translate` installs "
                        "it with what it needs") from exc
            if not sys.modules["argostranslate.settings"].debug:  # ARGOS_DEBUG=1 shows all
                # It logs every text it translates at INFO; our logs never carry what
                # people wrote.
                logging.getLogger("argostranslate.utils").setLevel(logging.WARNING)
        return sys.modules["argostranslate.translate"]


def _installed_pairs() -> set[tuple[str, str]]:
    """Pairs of the models installed; none (without loading argostranslate or creating a
    folder) where there are none."""
    packages = Layout(models_dir()).packages
    if not installed() or not packages.is_dir() or not any(packages.iterdir()):
        return set()
    try:
        _argos()
    except TranslationError as exc:
        log.warning("translation_unavailable error=%s", exc)
        return set()
    from argostranslate import package

    return {(p.from_code, p.to_code) for p in package.get_installed_packages()
            if p.type == "translate"}


def _route(source: str, target: str, pairs: set[tuple[str, str]]
           ) -> list[tuple[str, str]] | None:
    """The models a text goes through, or None."""
    if (source, target) in pairs:
        return [(source, target)]
    via = [(source, PIVOT), (PIVOT, target)]
    if PIVOT not in (source, target) and all(leg in pairs for leg in via):
        return via
    return None


def missing_pairs(source: str, targets: Sequence[str]) -> list[tuple[str, str]]:
    """(source, target) for each target that no installed model (direct, or through
    English) reaches; every pair when argostranslate is not installed or does not load
    (`unavailable()` says why)."""
    pairs = _installed_pairs()
    return [(source, target) for target in dict.fromkeys(targets)
            if target != source and _route(source, target, pairs) is None]


@dataclass(frozen=True)
class Drafted:
    notice: NoticeFile
    """The notice with the new drafts (the same texts where nothing was drafted)."""
    missing: list[tuple[str, str]]
    """Pairs without a model: those languages were left as they were."""
    drafted: list[str] = field(default_factory=list)
    """The languages drafted now, in the order asked."""
    routes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """How each was translated: [("de", "ar")] or [("de", "en"), ("en", "ar")]."""
    unusable: list[str] = field(default_factory=list)
    """Languages whose draft came out empty or longer than a notice may be: not added."""


def targets(notice: NoticeFile, languages: Sequence[str]) -> list[str]:
    """The languages of `languages` without a text a person wrote (what `welcomebot notice
    translate` and the console draft by default)."""
    return [code for code in languages if notice.state(code) not in HUMAN]


def needs_draft(notice: NoticeFile, lang: str) -> bool:
    """No text, or a machine draft of an older source text (or of an unknown one). A text a
    person wrote, even a stale one, is theirs to update; a machine draft of the source as it
    is now is kept (someone may have corrected it already)."""
    if lang == notice.source:
        return False
    text = notice.texts.get(lang)
    if text is None:
        return True
    return text.machine and text.based_on != notice.fingerprint()


def draft(notice: NoticeFile, targets: Sequence[str]) -> Drafted:
    """Machine drafts for those of `targets` that need one (see `needs_draft`); each text
    (title, text) is translated once, English once for all that go through it."""
    wanted = [lang for lang in dict.fromkeys(targets) if needs_draft(notice, lang)]
    if not wanted:
        return Drafted(notice, [])
    pairs = _installed_pairs()
    routes = {lang: _route(notice.source, lang, pairs) for lang in wanted}
    missing = [(notice.source, lang) for lang, route in routes.items() if route is None]
    source = notice.texts[notice.source]
    done: dict[tuple[str, str, str], str] = {}   # (from, to, text) -> translation

    def run(text: str, route: list[tuple[str, str]]) -> str:
        for leg in route:
            key = (*leg, text)
            if key not in done:
                done[key] = _translate(text, *leg)
            text = done[key]
        return text

    texts = dict(notice.texts)
    drafted: list[str] = []
    unusable: list[str] = []
    used: dict[str, list[tuple[str, str]]] = {}
    for lang, route in routes.items():
        if route is None:
            continue
        old = texts.get(lang)
        title, text = run(source.title.strip(), route).strip(), run(source.text, route).strip()
        try:
            if not title or not text:
                raise ValueError("empty")
            texts[lang] = Text(title=title, text=text + "\n", video=old.video if old else None,
                               machine=True, based_on=notice.fingerprint())
        except ValueError:  # pydantic's ValidationError too: too long
            unusable.append(lang)
            continue
        drafted.append(lang)
        used[lang] = route
    return Drafted(notice.model_copy(update={"texts": texts}), missing, drafted, used,
                   unusable)


def _translate(text: str, source: str, target: str) -> str:
    if not text.strip():
        return text
    with _lock:  # argostranslate's caches are not made for threads
        translation = _argos().get_translation_from_codes(source, target)
        try:
            return str(translation.translate(text))
        except Exception as exc:  # argostranslate and MiniSBD raise anything
            raise TranslationError(
                f"translating {source}→{target} failed: {exc}. If it was a download: the "
                "model has no sentence splitter of its own, fetch MiniSBD's with the last "
                "command `welcomebot notice translate` prints for a missing model") from exc


def packages_for(missing: Sequence[tuple[str, str]]) -> list[str]:
    """argospm package names that give these pairs: the argospm index has models from
    and to English, so a pair without English needs two."""
    pairs = _installed_pairs()
    names: list[str] = []
    for source, target in missing:
        legs = ([(source, target)] if PIVOT in (source, target)
                else [(source, PIVOT), (PIVOT, target)])
        names += [f"translate-{a}_{b}" for a, b in legs if (a, b) not in pairs]
    return list(dict.fromkeys(names))


def install_commands(missing: Sequence[tuple[str, str]]) -> list[str]:
    """Shell commands that install models for these pairs into TRANSLATION_MODELS_DIR
    (with internet): argospm's index, the packages, and MiniSBD's sentence splitters for
    the languages translated from, which a package without its own would otherwise try to
    download at its first translation."""
    layout = Layout(models_dir())
    env = "env " + " ".join(f"{name}={shlex.quote(value)}"
                            for name, value in layout.environment.items())
    bin_dir = Path(sys.executable).parent
    argospm = bin_dir / "argospm"
    argospm_cmd = shlex.quote(str(argospm)) if argospm.exists() else "argospm"
    names = packages_for(missing)
    if not names:
        return []
    sources = sorted({name.removeprefix("translate-").split("_")[0] for name in names})
    fetch = (f"import minisbd.models as m; m.cache_dir = {json.dumps(str(layout.minisbd))}; "
             f"m.download_models({json.dumps(sources)})")
    return ([f"{env} {argospm_cmd} update"]
            + [f"{env} {argospm_cmd} install {name}" for name in names]
            + [f"{shlex.quote(sys.executable)} -c {shlex.quote(fetch)}"])
