"""Stuttgart's districts: the file loads, borders go both ways, mistakes are named with their
line, and the district question is asked once and kept on the person."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.db.tables import Person
from bot.districts import DistrictsError, load_districts
from tests.buddies.conftest import said
from tests.talk import Talk

ROOT = Path(__file__).resolve().parents[2]
STADTBEZIRKE = {
    "Mitte", "Nord", "Ost", "Süd", "West", "Bad Cannstatt", "Birkach", "Botnang", "Degerloch",
    "Feuerbach", "Hedelfingen", "Möhringen", "Mühlhausen", "Münster", "Obertürkheim",
    "Plieningen", "Sillenbuch", "Stammheim", "Untertürkheim", "Vaihingen", "Wangen",
    "Weilimdorf", "Zuffenhausen"}


def test_stuttgarts_23_districts_and_their_borders() -> None:
    districts = load_districts(ROOT / "content" / "districts.yaml")
    assert set(districts.names) == STADTBEZIRKE
    for a in districts.names:
        for b in districts.names:
            assert districts.neighbours(a, b) == districts.neighbours(b, a)
        assert not districts.neighbours(a, a)
    assert districts.neighbours("Mitte", "Süd") and districts.neighbours("Stammheim",
                                                                         "Zuffenhausen")
    assert not districts.neighbours("Stammheim", "Mitte")
    assert not districts.neighbours("Vaihingen", "Bad Cannstatt")
    everyone = {d.name for d in districts.items}
    assert all(d.neighbours and d.neighbours <= everyone for d in districts.items)


@pytest.mark.parametrize(("typed", "found"), [
    ("Bad Cannstatt", "Bad Cannstatt"), ("cannstatt", "Bad Cannstatt"),
    ("MUENSTER", "Münster"), ("münster", "Münster"), ("Stuttgart-Mitte", "Mitte"),
    ("sued", "Süd"), ("Heumaden", "Sillenbuch"), ("Berlin", None), ("", None)])
def test_what_people_type_is_found(typed: str, found: str | None) -> None:
    districts = load_districts(ROOT / "content" / "districts.yaml")
    hit = districts.find(typed)
    assert (hit.name if hit else None) == found


def test_every_mistake_is_named_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "districts.yaml"
    bad.write_text(
        "districts:\n"
        "  - id: mitte\n"
        "    name: Mitte\n"
        "    neighbours: [Nord, Atlantis]\n"
        "  - id: nord\n"
        "    name: Nord\n"
        "    neighbours: []\n"
        "  - id: Mitte Zwei\n"
        "    name: Mitte\n", encoding="utf-8")
    with pytest.raises(DistrictsError) as raised:
        load_districts(bad)
    message = str(raised.value)
    assert f"{bad}:8: 'id': String should match pattern" in message
    assert f"{bad}:4: neighbour 'Atlantis' of 'Mitte' is no district" in message
    assert f"{bad}:4: 'Mitte' borders 'Nord', but 'Nord' (line 7) does not list 'Mitte'" \
        in message
    assert f"{bad}:9: name 'Mitte' is used already on line 3" not in message  # id was bad
    broken = tmp_path / "broken.yaml"
    broken.write_text("districts:\n  - id: [\n", encoding="utf-8")
    with pytest.raises(DistrictsError, match=r"broken.yaml:\d+: not valid YAML"):
        load_districts(broken)


async def test_the_district_is_asked_once_and_kept_on_the_person(app: App) -> None:
    talk = Talk(app, "farid", hint="fa")
    await talk.open()
    await talk.tap("yes")
    await talk.say("/volunteer")
    await talk.tap("yes")
    await talk.say("Farid")
    await talk.tap("fa")
    await talk.tap("done")
    asked = await talk.tap("3")
    assert [b.value for b in asked[-1].buttons][:3] == ["mitte", "nord", "ost"]
    unknown = await talk.say("Atlantis")
    assert unknown[0].text == said(  # in Persian, the language of Farid's chat
        talk, "I don't know that part of Stuttgart. Please tap one of the buttons.")
    after = await talk.say("feuerbach")
    assert "✔️" in after[-1].buttons[-1].label  # on to the times
    async with app.sessions() as session:
        district = await session.scalar(select(Person.district)
                                        .where(Person.external_id == "farid"))
    assert district == "Feuerbach"

    await talk.say("/menu")
    await talk.tap("flow:buddies")
    await talk.tap("yes")
    await talk.tap("german")
    await talk.tap("done")
    await talk.tap("done")  # Persian is ticked already: the language of the chat
    times = await talk.tap("0")
    assert "✔️" in times[-1].buttons[-1].label  # Feuerbach is known: no second question
