"""Machine-translation drafts (`bot.notices.translation`, `welcomebot notice translate`) on
real argostranslate with a tiny model package built here (tests/notices/tiny_argos.py), and
how drafts go out.

argostranslate reads its folders once, when first imported. The tests run it in this
process (fast; the models are built and installed once per session) through
`translation.configure`, which imports it afresh when the folder changes, so the order of
tests does not matter; one test runs the command in a new process with an empty HOME, where
only setting the environment before the first import can work.
"""

from __future__ import annotations

import os
import random
import shlex
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.app import App
from bot.channels.telegram.channel import TelegramChannel
from bot.cli import app as cli
from bot.db.session import transaction
from bot.delivery.sender import Sender
from bot.notices import actions, store, translation
from bot.notices.audience import parse
from bot.notices.content import NoticeFile, load_notice
from bot.people.importer import import_rows, read_rows
from bot.service import notice_wanted
from tests.conftest import ROOT
from tests.fake_telegram import FakeTelegram
from tests.notices import tiny_argos
from tests.scripts import is_language

pytest.importorskip("argostranslate", reason="`make translate` installs it (make test does)")

LANGS = ("de", "en", "ar", "fa", "uk", "ru", "tr")
runner = CliRunner()


def notice(**texts: dict[str, object]) -> NoticeFile:
    return NoticeFile.model_validate({
        "id": "flu", "topic": "health", "source": "de",
        "texts": {"de": {"title": "Grippe", "text": "Lassen Sie sich impfen. Es ist kostenlos!\n"
                                                    "\nFragen Sie Ihre Arztpraxis.\n"},
                  **texts}})


def test_the_tiny_package_is_small_and_argostranslate_translates_with_it(
        models: Path, tmp_path: Path) -> None:
    [built] = tiny_argos.build(tmp_path, [("de", "en")])
    assert built.stat().st_size < 200_000
    installed = sorted(p.name for p in (models / "packages").iterdir())
    assert installed == ["translate-de_en-tiny", "translate-en_ar-tiny", "translate-en_fa-tiny"]

    drafted = translation.draft(notice(), ["en", "ar", "fa", "uk"])

    assert drafted.drafted == ["en", "ar", "fa"]
    assert drafted.routes == {"en": [("de", "en")], "ar": [("de", "en"), ("en", "ar")],
                              "fa": [("de", "en"), ("en", "fa")]}
    assert drafted.missing == [("de", "uk")]
    fingerprint = drafted.notice.fingerprint()
    for lang in ("en", "ar", "fa"):
        text = drafted.notice.texts[lang]
        assert text.machine and text.based_on == fingerprint
        assert text.title.strip() and text.text.strip()   # nonsense, but the model's
        assert drafted.notice.state(lang) == "machine"
    assert "\n\n" in drafted.notice.texts["en"].text      # paragraph by paragraph
    assert drafted.notice.texts["de"] == notice().texts["de"]
    assert "uk" not in drafted.notice.texts


def test_each_text_is_translated_once_and_english_once_for_all(
        models: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: Counter[tuple[str, str]] = Counter()
    real = translation._translate

    def counted(text: str, source: str, target: str) -> str:
        calls[source, target] += 1
        return real(text, source, target)

    monkeypatch.setattr(translation, "_translate", counted)
    drafted = translation.draft(notice(), ["ar", "fa", "en", "ar"])
    assert calls == {("de", "en"): 2, ("en", "ar"): 2, ("en", "fa"): 2}  # title and text
    calls.clear()
    again = translation.draft(drafted.notice, ["ar", "fa", "en"])
    assert not calls and again.notice == drafted.notice  # drafts of this source are kept


def test_a_text_a_person_wrote_is_never_replaced(models: Path) -> None:
    old = notice().model_copy(update={"texts": {"de": notice().texts["de"].model_copy(
        update={"text": "Früher: anderer Text."})}}).fingerprint()
    before = notice(
        ar={"title": "إنفلونزا", "text": "تطعّموا."},                              # unreviewed
        fa={"title": "آنفولانزا", "text": "واکسن بزنید.", "based_on": old},       # stale
        en={"title": "Old draft", "text": "Old.", "machine": True, "based_on": old,
            "video": "https://example.org/en.mp4"})                             # stale draft

    drafted = translation.draft(before, ["ar", "fa", "en"])

    assert drafted.drafted == ["en"]
    assert drafted.notice.texts["ar"] == before.texts["ar"]
    assert drafted.notice.texts["fa"] == before.texts["fa"]
    redone = drafted.notice.texts["en"]
    assert redone.text != "Old.\n" and redone.based_on == before.fingerprint()
    assert redone.video == "https://example.org/en.mp4"  # the video recorded in English stays


def test_missing_pairs_name_what_no_model_reaches_and_never_raise_without_argostranslate(
        models: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert translation.missing_pairs("de", ["de", "en", "ar", "uk", "ru"]) == [
        ("de", "uk"), ("de", "ru")]
    assert translation.missing_pairs("en", ["ar", "de"]) == [("en", "de")]
    assert translation.packages_for([("de", "uk"), ("en", "de")]) == [
        "translate-en_uk", "translate-en_de"]  # de→en is there already

    monkeypatch.setattr(translation, "installed", lambda: False)
    assert translation.missing_pairs("de", ["en", "ar"]) == [("de", "en"), ("de", "ar")]
    nothing = translation.draft(notice(), ["en"])
    assert nothing.missing == [("de", "en")] and nothing.notice == notice()
    assert "make translate" in (translation.unavailable() or "")


def test_the_install_commands_point_argospm_at_the_bot_s_models(models: Path) -> None:
    """`argospm update` needs the internet; `argospm list` with the same environment shows
    it looks where the bot does."""
    commands = translation.install_commands([("de", "uk")])
    assert commands[0].endswith("argospm update")
    assert commands[1].endswith("argospm install translate-en_uk")
    assert "download_models([\"en\"])" in commands[2]  # splitters: English to Ukrainian
    listed = subprocess.run(shlex.split(commands[0].replace(" update", " list")),
                            capture_output=True, text=True, timeout=60, check=True)
    assert sorted(listed.stdout.split()) == ["translate-de_en", "translate-en_ar",
                                             "translate-en_fa"]


# -- welcomebot notice translate --------------------------------------------------------------
@pytest.fixture
def content(cli_env: Path, models: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository's content, with the AHA notice lacking Arabic and Persian
    and a comment in its texts."""
    folder = cli_env / "content"
    shutil.copytree(ROOT / "content", folder)
    monkeypatch.setenv("CONTENT_DIR", str(folder))
    path = folder / "notices" / "aha-hygiene.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(True)
    keep, skipping = [], False
    for line in lines:
        if line.startswith(("  ar:", "  fa:")):
            skipping = True
        elif skipping and not line.startswith("    ") and line.strip():
            skipping = False
        if not skipping:
            keep.append(line.replace("  uk:\n", "  # checked by Olena\n  uk:\n"))
    path.write_text("".join(keep), encoding="utf-8")
    return path


def test_translate_writes_machine_drafts_and_keeps_the_rest_of_the_file(content: Path) -> None:
    before = content.read_text(encoding="utf-8")
    original = load_notice(content)

    result = runner.invoke(cli, ["notice", "translate", "aha-hygiene"])

    assert result.exit_code == 0, result.output
    assert "ar: drafted (through en)" in result.stdout
    assert "fa: drafted (through en)" in result.stdout
    assert "notice review aha-hygiene --lang ar --lang fa" in result.stdout
    after = content.read_text(encoding="utf-8")
    assert after.startswith(before)  # every line, comment and quote as it was; drafts after
    saved = load_notice(content)
    for lang in ("ar", "fa"):
        assert saved.texts[lang].machine and saved.texts[lang].text.strip()
        assert saved.state(lang) == "machine"
    assert {lang: saved.texts[lang] for lang in original.texts} == original.texts

    again = runner.invoke(cli, ["notice", "translate", "aha-hygiene", "--to", "ar,en"])
    assert again.exit_code == 0 and "nothing to draft" in again.stdout
    assert "en: written by a person, left alone" in again.stdout
    assert content.read_text(encoding="utf-8") == after


def test_a_stale_draft_is_replaced_where_it_stands(content: Path) -> None:
    text = content.read_text(encoding="utf-8").replace(
        "  # checked by Olena\n",
        '  fa: {title: "Alt", text: "Alter Entwurf.", machine: true, based_on: 0badf00d}\n'
        "  # checked by Olena\n")
    content.write_text(text, encoding="utf-8")

    result = runner.invoke(cli, ["notice", "translate", "aha-hygiene", "--to", "fa"])

    assert result.exit_code == 0, result.output
    after = content.read_text(encoding="utf-8")
    head, tail = text.split('  fa: {title: "Alt"')
    assert after.startswith(head) and after.endswith(tail.split("\n", 1)[1])
    assert after.index("  fa:\n") < after.index("  # checked by Olena")
    assert load_notice(content).texts["fa"].based_on == load_notice(content).fingerprint()


def test_missing_models_are_named_with_the_commands_and_nothing_changes(content: Path) -> None:
    path = content.with_name("no-models.yaml")
    path.write_text("# Only German so far.\nid: no-models\ntopic: health\nsource: de\ntexts:\n"
                    "  de: {title: Grippe, text: Lassen Sie sich impfen.}\n", encoding="utf-8")
    unchanged = path.read_bytes()

    missing = runner.invoke(cli, ["notice", "translate", "no-models", "--to", "uk,ru"])

    assert missing.exit_code == 1
    assert "no translation model for: de→uk, de→ru" in missing.stdout
    commands = [line.strip() for line in missing.stdout.splitlines() if line.startswith("  ")]
    assert commands == translation.install_commands([("de", "uk"), ("de", "ru")])
    assert commands[1].startswith(f"env ARGOS_PACKAGES_DIR={os.environ['TRANSLATION_MODELS_DIR']}"
                                  "/packages ")
    assert [c.split()[6:] for c in commands[:3]] == [
        ["update"], ["install", "translate-en_uk"], ["install", "translate-en_ru"]]
    assert all(Path(c.split()[5]).name == "argospm" for c in commands[:3])
    assert path.read_bytes() == unchanged

    partly = runner.invoke(cli, ["notice", "translate", "no-models", "--to", "ar,uk"])
    assert partly.exit_code == 0 and "ar: drafted" in partly.stdout  # what can be done is
    assert "no translation model for: de→uk" in partly.stdout
    assert set(load_notice(path).texts) == {"de", "ar"}

    wrong = runner.invoke(cli, ["notice", "translate", "no-models", "--to", "xx"])
    assert wrong.exit_code == 2 and "LANGUAGES" in wrong.output


def test_in_a_new_process_argostranslate_uses_the_bot_s_folders_and_not_home(
        content: Path, models: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "ARGOS_"))}
    env |= {"HOME": str(home), "CONTENT_DIR": str(content.parent.parent),
            "TRANSLATION_MODELS_DIR": str(models)}
    result = subprocess.run([sys.executable, "-m", "bot", "notice", "translate", "aha-hygiene",
                             "--to", "fa"], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "fa: drafted (through en)" in result.stdout
    assert "Abstand" not in result.stdout + result.stderr  # argostranslate logs no text
    assert not list(home.iterdir())  # no ~/.local/share/argos-translate, no ~/.config


def test_the_stanza_stub_is_empty_and_says_so() -> None:
    import stanza

    with pytest.raises(RuntimeError, match="ARGOS_CHUNK_TYPE=MINISBD"):
        stanza.Pipeline(lang="de")


# -- how drafts go out ------------------------------------------------------------------------
async def _send(app: App, channel: TelegramChannel, notice: NoticeFile, lines: list[str]) -> None:
    rows = read_rows("channel,id,locale,topics\n" + "\n".join(lines) + "\n", "test.csv", LANGS)
    async with transaction(app.sessions) as session:
        await import_rows(session, rows, app.runtime.clock())
        await store.queue(session, notice, "topic:health", parse("topic:health", LANGS),
                          send_at=app.runtime.clock(), expires_at=None,
                          now=app.runtime.clock())
    for _ in range(20):
        sender = Sender(app.sessions, app.runtime, {"telegram": channel}, rng=random.Random(3),
                        wanted={"notices": notice_wanted})
        if not await sender.drain():
            return


def _shown(fake: FakeTelegram, chat: int) -> str:
    [message] = [m for m in fake.sent[chat] if m.method == "sendMessage"]
    return message.text.replace("\u2068", "").replace("\u2069", "")


async def test_a_machine_draft_goes_out_only_where_allowed_with_a_note_in_that_language(
        app: App, fake: FakeTelegram, channel: TelegramChannel,
        monkeypatch: pytest.MonkeyPatch) -> None:
    made = NoticeFile.model_validate({
        "id": "flu", "topic": "health", "source": "de", "allow_machine_translation": True,
        "texts": {"de": notice().texts["de"].model_dump(),
                  "fa": {"title": "آنفولانزا", "text": "واکسن بزنید.", "machine": True,
                         "based_on": notice().fingerprint()},
                  "uk": {"title": "Грип", "text": "Зробіть щеплення.", "machine": True,
                         "based_on": "0badf00d"}}})  # drafted from an older German text
    chosen: Counter[str] = Counter()
    real = NoticeFile.outgoing

    def counted(self: NoticeFile, lang: str, fallback: str) -> tuple[str, str]:
        chosen[lang] += 1
        return real(self, lang, fallback)

    monkeypatch.setattr(NoticeFile, "outgoing", counted)
    persian = app.catalogs.translator("fa").gettext(actions.MACHINE_NOTE)
    ukrainian = app.catalogs.translator("uk").gettext(actions.FALLBACK_NOTE)
    assert is_language(persian, "fa") and is_language(ukrainian, "uk")

    await _send(app, channel, made, ["telegram,7001,fa,health", "telegram,7002,fa,health",
                                     "telegram,7003,fa,health", "telegram,7004,uk,health"])

    for chat in (7001, 7002, 7003):
        shown = _shown(fake, chat)
        assert "آنفولانزا" in shown and persian in shown and "Grippe" not in shown
    assert chosen["fa"] == 1  # chosen once for the three, not per person
    old = _shown(fake, 7004)  # a draft of an older source text: German, with a note
    assert "Grippe" in old and "Грип" not in old and ukrainian in old

    fake.sent.clear()
    closed = made.model_copy(update={"id": "flu-2", "allow_machine_translation": False})
    await _send(app, channel, closed, [])
    shown = _shown(fake, 7001)
    fallback = app.catalogs.translator("fa").gettext(actions.FALLBACK_NOTE)
    assert "Grippe" in shown and "آنفولانزا" not in shown and fallback in shown
