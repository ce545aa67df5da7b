"""The console's FAQ pages over HTTP: every route signed out (-> sign-in), with the wrong role
(403), without the CSRF token (refused, nothing changed); bad input named at its field with
nothing saved; a topic's answer edited, the other languages stale until reviewed (also
through the translators' queue); and the story of issue 19: a Persian question the bot could
not answer, added in the console as a way of asking, is answered in the terminal chat once
the bot has renewed its desk, after a restart too, and every console on the database sees
the edit."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bot.app import App, open_app
from bot.console.app import build
from bot.console.pages.faq import PROBLEMS
from bot.db import people
from bot.db.session import transaction
from bot.db.tables import AuditEntry, FaqEdit, FaqGap
from bot.faq import edits, review
from bot.faq.desk import VECTORS_FILE
from bot.faq.review import FaqAnswers
from bot.service import renew_faq
from tests.conftest import ROOT
from tests.console.conftest import Bench, now_of, sent_to_sign_in, sign_in, staff_member
from tests.faq.test_flow import at_menu

ANA = "console:ana"
GETS = ["/faq", "/faq/gaps", "/faq/housing"]
POSTS = ["/faq/gaps/add", "/faq/gaps/draft", "/faq/housing"]
BICYCLE = "کجا می‌توانم دوچرخه تعمیر کنم"
""""Where can I have my bicycle repaired?": no topic answers it yet."""
BIDI = re.compile("[\u2066-\u2069\u200e\u200f\u061c]")


async def count(where: App | Bench, table: Any) -> int:
    async with where.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def signed_in(where: App | Bench, client: httpx.AsyncClient) -> str:
    await staff_member(where, ANA)
    return await sign_in(client, where, ANA)


async def unanswered(where: App | Bench, *questions: tuple[str, str]) -> list[int]:
    """Questions kept as the bot keeps them when it has no answer; their ids."""
    async with transaction(where.sessions) as db:
        rows = [FaqGap(text=text, lang=lang, day=now_of(where), person_id=None)
                for text, lang in questions]
        db.add_all(rows)
        await db.flush()
        return [row.id for row in rows]


def form_of(topic: edits.Edited, csrf: str, **changes: str) -> dict[str, str]:
    """The editor's form as it is shown for `topic`, with `changes`."""
    data = {"csrf": csrf, "reviewed": str(topic.data["reviewed"] or ""),
            "revision": str(topic.edit.revision if topic.edit else 0),
            "sources": "\n".join(topic.data["sources"]),
            "keywords": "\n".join(topic.data["keywords"])}
    for lang in ("de", "en", "ar", "fa", "uk", "ru", "tr"):
        data[f"answer_{lang}"] = topic.answer(lang)
        data[f"questions_{lang}"] = "\n".join(topic.questions(lang))
    return {**data, **changes}


async def topic_now(where: App | Bench, topic_id: str) -> edits.Edited:
    files = edits.files(ROOT / "content", ("de", "en", "ar", "fa", "uk", "ru", "tr"))
    async with where.sessions() as db:
        return edits.edited(files, await edits.load(db))[topic_id]


async def test_every_route_asks_to_sign_in_then_checks_the_role_and_the_token(
        bench: Bench, client: httpx.AsyncClient) -> None:
    [gap] = await unanswered(bench, (BICYCLE, "fa"))
    await sent_to_sign_in(client, GETS, POSTS)
    csrf = await signed_in(bench, client)
    for path in GETS:
        assert (await client.get(path)).status_code == 200, path
    assert (await client.get("/faq/no-such-topic")).status_code == 404
    audited = await count(bench, AuditEntry)
    housing = await topic_now(bench, "housing")
    for path, data in (("/faq/gaps/add", {"gap": str(gap), "topic": "housing"}),
                       ("/faq/gaps/draft", {"gap": str(gap), "new_topic": "bicycles"}),
                       ("/faq/housing", form_of(housing, "", answer_de="Anders."))):
        data = {key: value for key, value in data.items() if key != "csrf"}
        assert (await client.post(path, data=data)).status_code == 403, path
    assert await count(bench, FaqEdit) == 0 and await count(bench, FaqGap) == 1
    assert await count(bench, AuditEntry) == audited
    async with transaction(bench.sessions) as db:
        await people.set_role(db, "console", "ana", "volunteer", bench.clock())
    for path in GETS:
        assert (await client.get(path)).status_code == 403, path
    for path in POSTS:
        data = {"csrf": csrf, "gap": str(gap), "topic": "housing", "new_topic": "bicycles"}
        assert (await client.post(path, data=data)).status_code == 403, path
    assert await count(bench, FaqEdit) == 0 and await count(bench, FaqGap) == 1


async def test_bad_input_is_named_at_its_field_and_nothing_is_saved(
        bench: Bench, client: httpx.AsyncClient) -> None:
    csrf = await signed_in(bench, client)
    audited = await count(bench, AuditEntry)
    housing = await topic_now(bench, "housing")
    long_first_part = "Eine Wohnung finden Sie so. " * 20
    shown = await client.post("/faq/housing", data=form_of(
        housing, csrf, answer_fa=long_first_part, questions_de="wohnung\nmiete",
        sources="http://example.org", reviewed="gestern", answer_tr=""))
    assert shown.status_code == 422
    for name in ("answer_fa", "questions_de", "sources", "reviewed", "answer_tr"):
        assert re.search(rf'id="f-{name}-error"', shown.text), name
    assert "keep it to 350 characters" in shown.text
    assert "Give at least 6 different ways of asking" in shown.text
    assert "Eine Wohnung finden Sie so." in shown.text  # what was typed stays
    [gap] = await unanswered(bench, (BICYCLE, "fa"))
    chosen = await client.post("/faq/gaps/add", data={"csrf": csrf, "gap": str(gap),
                                                       "topic": ""})
    assert chosen.status_code == 422 and f'id="f-topic-{gap}-error"' in chosen.text
    assert "Please choose a topic." in chosen.text
    named = await client.post("/faq/gaps/draft", data={"csrf": csrf, "gap": str(gap),
                                                        "new_topic": "Fahrräder!"})
    assert named.status_code == 422 and f'id="f-new-{gap}-error"' in named.text
    taken = await client.post("/faq/gaps/draft", data={"csrf": csrf, "gap": str(gap),
                                                        "new_topic": "housing"})
    assert taken.status_code == 422 and "There is already a topic with this name." in taken.text
    gone = await client.post("/faq/gaps/add", data={"csrf": csrf, "gap": str(gap + 99),
                                                     "topic": "housing"})
    assert gone.status_code == 422
    assert await count(bench, FaqEdit) == 0 and await count(bench, FaqGap) == 1
    assert await count(bench, AuditEntry) == audited


async def test_the_german_answer_changed_makes_the_others_stale_until_reviewed(
        bench: Bench, client: httpx.AsyncClient) -> None:
    csrf = await signed_in(bench, client)
    housing = await topic_now(bench, "housing")
    assert {lang: housing.state(lang) for lang in ("de", "en", "fa")} == {
        "de": "source", "en": "reviewed", "fa": "reviewed"}
    german = housing.answer("de").replace("Wohnung", "Mietwohnung", 1)
    saved = await client.post("/faq/housing", data=form_of(housing, csrf, answer_de=german,
                                                           reviewed_en="yes"))
    assert saved.status_code == 303 and saved.headers["location"] == "/faq/housing?saved=1"
    housing = await topic_now(bench, "housing")
    assert housing.answer("de") == german.strip()
    assert {lang: housing.state(lang) for lang in ("de", "en", "fa", "ar")} == {
        "de": "source", "en": "reviewed", "fa": "stale", "ar": "stale"}
    listed = (await client.get("/faq")).text
    assert re.search(r'class="state stale"[^>]*title="Persian: stale', listed)
    assert 'class="state source"' in (await client.get("/faq/housing")).text
    # The translators' queue sees the Persian answer waiting, and its review clears it.
    queue = FaqAnswers(ROOT / "content", ("de", "en", "ar", "fa", "uk", "ru", "tr"))
    async with transaction(bench.sessions) as db:
        waiting = [(w.key, w.lang, w.state) for w in await queue.waiting(db, ["fa"])]
        item = await queue.item(db, "housing", "fa")
    assert waiting == [("housing", "fa", "stale")]
    assert item is not None and item.fields[0].source == german.strip()
    # Its messages are console texts (translated where the queue shows them).
    assert {review.TOO_SHORT, review.TOO_LONG, review.SHORT_PART} <= set(PROBLEMS.values())
    async with transaction(bench.sessions) as db:
        with pytest.raises(review.AnswerProblem, match="350"):
            await queue.save(db, "housing", "fa", {"answer": "ب" * 400}, reviewed=True,
                             who="console:rana", now=bench.clock())
        await queue.save(db, "housing", "fa", {"answer": item.fields[0].draft},
                         reviewed=True, who="console:rana", now=bench.clock())
    async with transaction(bench.sessions) as db:
        assert await queue.waiting(db, ["fa"]) == []
        reviewed = await queue.item(db, "housing", "fa")
    assert reviewed is not None and reviewed.state == "reviewed"
    assert reviewed.reviewed_by == "console:rana" and reviewed.based_on == edits.fingerprint(
        german)
    async with bench.sessions() as db:
        assert [e.action for e in await db.scalars(select(AuditEntry))
                if e.action.startswith("faq.")] == ["faq.edit"]


async def test_an_unanswered_persian_question_added_in_the_console_is_answered_in_the_chat(
        app: App, bench: Bench, client: httpx.AsyncClient) -> None:
    vectors = ROOT / "content" / VECTORS_FILE
    shipped = hashlib.sha256(vectors.read_bytes()).hexdigest()
    # Reza asks in the terminal chat, in Persian; the bot does not know, and keeps the
    # question (masked) for staff.
    reza = await at_menu(app, "reza", "fa")
    said = await reza.say(BICYCLE)
    assert [b.value for b in said[0].buttons][:1] != ["more"]
    assert await count(app, FaqGap) == 1
    # Ana finds it among the unanswered questions, under Persian, and adds it to the topic
    # about buses and trains.
    csrf = await signed_in(app, client)
    gaps = (await client.get("/faq/gaps")).text
    assert re.search(r'<h2 id="lang-fa">Persian', gaps)
    assert f'<h3 id="g-1" lang="fa" dir="auto">{BICYCLE}</h3>' in gaps
    added = await client.post("/faq/gaps/add", data={"csrf": csrf, "gap": "1",
                                                      "topic": "local-transport"})
    assert added.status_code == 303
    assert added.headers["location"] == "/faq/gaps?added=local-transport"
    assert await count(app, FaqGap) == 0
    assert "No unanswered questions." in (await client.get("/faq/gaps")).text
    # The bot takes it up at its next look (what `welcomebot run` does every few seconds).
    assert await renew_faq(app) is True
    assert await renew_faq(app) is False  # nothing changed since
    said = await reza.say(BICYCLE)
    transport = app.deps.faq.content.topics["local-transport"]
    assert BIDI.sub("", said[0].text) == BIDI.sub("", transport.parts("fa")[0])
    assert BICYCLE in transport.questions["fa"]
    # A restart: the new process answers with the edit from the start.
    async with open_app(app.settings, clock=app.runtime.clock) as again:
        answered = again.deps.faq.answer(BICYCLE, "fa")
        assert (answered["kind"], answered["topic"]) == ("answer", "local-transport")
    # Every console on the database sees the edit.
    other = build(bench.settings, bench.engine, bench.clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=other),
                                 base_url="http://console.test",
                                 headers={"Accept-Language": "en"}) as second:
        await sign_in(second, app, ANA)
        for console in (client, second):
            assert BICYCLE in (await console.get("/faq/local-transport")).text
    async with app.sessions() as db:
        [entry] = [e for e in await db.scalars(select(AuditEntry))
                   if e.action == "faq.gaps.add"]
    assert entry.target == "faq:local-transport" and BICYCLE not in (entry.detail or "")
    # The content files' vectors are the shipped ones: what the edit added stays in memory.
    assert hashlib.sha256(vectors.read_bytes()).hexdigest() == shipped


async def test_a_group_drafted_into_a_new_topic_waits_for_its_answers(
        bench: Bench, client: httpx.AsyncClient) -> None:
    csrf = await signed_in(bench, client)
    ids = await unanswered(bench, (BICYCLE, "fa"), ("کجا میتوانم دوچرخه تعمیر کنم؟", "fa"))
    drafted = await client.post("/faq/gaps/draft", data={
        "csrf": csrf, "gap": [str(n) for n in ids], "new_topic": "bicycle-repair"})
    assert drafted.status_code == 303 and drafted.headers["location"] == "/faq/bicycle-repair"
    assert await count(bench, FaqGap) == 0
    page = (await client.get("/faq/bicycle-repair")).text
    assert "Still to write:" in page and "German: answer" in page
    assert re.search(r'<textarea id="f-questions_fa"[^>]*dir="rtl" lang="fa"[^>]*>[^<]*'
                     + BICYCLE, page)
    draft = await topic_now(bench, "bicycle-repair")
    assert draft.edit is not None and draft.edit.new
    assert sorted(draft.questions("fa")) == sorted([BICYCLE, "کجا میتوانم دوچرخه تعمیر کنم؟"])
    # The German answer written first: kept, though the other languages are still missing.
    german = "Fahrräder reparieren die Fahrradwerkstätten der Stadt.\n\nAdressen: ..."
    saved = await client.post("/faq/bicycle-repair", data=form_of(
        draft, csrf, answer_de=german, sources="https://www.stuttgart.de/fahrrad"))
    assert saved.status_code == 303
    draft = await topic_now(bench, "bicycle-repair")
    assert draft.answer("de") == german and draft.state("fa") == "missing"
    # A rule broken, not a gap: refused at the field, as for any topic.
    wrong = await client.post("/faq/bicycle-repair", data=form_of(
        draft, csrf, sources="ftp://example.org"))
    assert wrong.status_code == 422 and 'id="f-sources-error"' in wrong.text
    assert (await topic_now(bench, "bicycle-repair")).data["sources"] == [
        "https://www.stuttgart.de/fahrrad"]
    listed = (await client.get("/faq")).text
    assert 'href="/faq/bicycle-repair">bicycle-repair</a> <span class="badge">new</span>' in listed
    async with bench.sessions() as db:
        actions = [e.action for e in await db.scalars(select(AuditEntry))
                   if e.action.startswith("faq.")]
    assert actions == ["faq.draft", "faq.edit"]


async def test_a_group_added_while_someone_edits_the_topic_is_not_lost_by_their_save(
        bench: Bench, client: httpx.AsyncClient) -> None:
    """Ana opens the transport topic; meanwhile a colleague adds a Persian question to it
    from the unanswered list. Ana's save is refused (409, said at the top), nothing of hers is
    kept, the added question stays; saved again from the page as it is now, both are kept."""
    csrf = await signed_in(bench, client)
    shown = await topic_now(bench, "local-transport")
    await unanswered(bench, (BICYCLE, "fa"))
    added = await client.post("/faq/gaps/add", data={"csrf": csrf, "gap": "1",
                                                      "topic": "local-transport"})
    assert added.status_code == 303
    keywords = "\n".join([*shown.data["keywords"], "Nachtbus"])
    late = await client.post("/faq/local-transport", data=form_of(shown, csrf,
                                                                  keywords=keywords))
    assert late.status_code == 409 and "Someone changed this topic" in late.text
    now = await topic_now(bench, "local-transport")
    assert BICYCLE in now.questions("fa") and "Nachtbus" not in now.data["keywords"]
    again = await client.post("/faq/local-transport", data=form_of(now, csrf,
                                                                   keywords=keywords))
    assert again.status_code == 303
    now = await topic_now(bench, "local-transport")
    assert BICYCLE in now.questions("fa") and "Nachtbus" in now.data["keywords"]
