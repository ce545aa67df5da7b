"""The city's districts and which share a border (`content/districts.yaml`), and the one
question that asks a person's district, once.

```yaml
districts:
  - id: bad_cannstatt          # short ASCII: a button's value
    name: Bad Cannstatt        # as written and stored (people.district)
    also: [Cannstatt]          # optional: other ways people type it
    neighbours: [Nord, Ost, Münster]   # by name; every border listed on both sides
```
`load_districts` reports every problem at once, each with the file and line.

Any flow asks the district with these four steps (the answer is kept on `people.district`,
so a person is asked once; notices select by it, matching of Welcome Buddies uses it)::

    - id: district
      action: districts.current          # {known, name, buttons}
      save: district
    - id: district_known
      branch:
        - if: {value: var.district.known, equals: true}
          next: <the step after>
      else: district_ask
    - id: district_ask
      ask: "Which part of Stuttgart do you live in?"
      choices_from: {path: var.district.buttons, save: district_id, next: district_save}
      free_text: {save: district_id, next: district_save}   # "Cannstatt" typed is found too
    - id: district_save
      action: districts.save             # {saved, name}; saved: false -> ask again
      params: {district: var.district_id}
      save: district
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import update

from bot.db.tables import Person, table
from bot.engine.messages import N_
from bot.engine.normalize import normalize
from bot.engine.textfile import NotText, read_text
from bot.engine.yamlsource import parse
from bot.errors import StartupError
from bot.feature import Action, ActionContext


class DistrictsError(StartupError):
    """The districts file has problems; the message lists each as `file:line: what`."""


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=30)]
    name: Annotated[str, Field(min_length=1, max_length=40)]
    also: list[str] = []
    neighbours: list[str] = []


@dataclass(frozen=True)
class District:
    id: str
    name: str
    also: tuple[str, ...]
    neighbours: frozenset[str]


@dataclass(frozen=True)
class Districts:
    """The districts in file order, and their borders."""

    items: tuple[District, ...]

    @functools.cached_property
    def _by_name(self) -> dict[str, District]:
        return {d.name: d for d in self.items}

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.items)

    def by_id(self, district_id: str) -> District | None:
        return next((d for d in self.items if d.id == district_id), None)

    def neighbours(self, a: str, b: str) -> bool:
        """Whether districts `a` and `b` (names) share a border."""
        found = self._by_name.get(a)
        return found is not None and b in found.neighbours

    def adjacency(self) -> dict[str, frozenset[str]]:
        """name -> the names of its neighbours (what matching needs, as plain data)."""
        return {d.name: d.neighbours for d in self.items}

    def find(self, typed: str) -> District | None:
        """The district someone typed: its name, id or another name, in any case, with or
        without umlauts ("muenster", "Münster", "Stuttgart-Mitte")."""
        wanted = _key(typed)
        if not wanted:
            return None
        for district in self.items:
            if wanted in {_key(district.name), _key(district.id),
                          *(_key(a) for a in district.also)}:
                return district
        return None


def _key(text: str) -> str:
    spelled = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    spelled = spelled.replace("Ä", "Ae").replace("Ö", "Oe").replace("Ü", "Ue")
    return normalize(spelled).replace(" ", "")


def load_districts(path: Path) -> Districts:
    """Every district of `path`, or DistrictsError naming all problems with their lines."""
    try:
        source = parse(read_text(path), str(path))
    except NotText as exc:
        raise DistrictsError(str(exc)) from None
    except FileNotFoundError:
        raise DistrictsError(f"{path}:1: missing; the district question and notices by "
                             "district need it (see the format at the top of "
                             "bot/districts.py)") from None
    if source.error is not None:
        line, message = source.error
        raise DistrictsError(f"{path}:{line}: not valid YAML: {message}")
    problems = [f"{path}:{line}: '{loc[-1]}' is given twice; keep one"
                for loc, line in source.duplicates]
    data = source.value
    items = data.get("districts") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise DistrictsError(f"{path}:1: expected `districts:` with a list of districts "
                             "(each starting with '- id:')")
    entries: list[tuple[int, _Entry]] = []
    broken: set[str] = set()
    for n, item in enumerate(items):
        try:
            entries.append((n, _Entry.model_validate(item)))
        except ValidationError as exc:
            problems += source.explain(exc, ("districts", n))
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                broken.add(item["name"])  # its problem is said: not again by its neighbours
    problems += _meaning(path, source, entries, broken)
    if problems:
        raise DistrictsError("\n".join(problems))
    return Districts(tuple(District(e.id, e.name, tuple(e.also), frozenset(e.neighbours))
                           for _, e in entries))


def _meaning(path: Path, source: Any, entries: list[tuple[int, _Entry]],
             broken: set[str]) -> list[str]:
    """The second pass: unique ids and names, known neighbours, borders on both sides (not
    checked against the `broken` districts, which failed the first)."""
    problems: list[str] = []
    seen_ids: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for n, entry in entries:
        for value, seen, key in ((entry.id, seen_ids, "id"), (entry.name, seen_names, "name")):
            line = source.line(("districts", n, key))
            if value in seen:
                problems.append(f"{path}:{line}: {key} '{value}' is used already on line "
                                f"{seen[value]}; each must be unique")
            seen.setdefault(value, line)
    by_name = {entry.name: (n, entry) for n, entry in entries}
    for n, entry in entries:
        for k, other in enumerate(entry.neighbours):
            line = source.line(("districts", n, "neighbours", k))
            if other in broken:
                continue
            if other == entry.name:
                problems.append(f"{path}:{line}: '{entry.name}' lists itself as a neighbour")
            elif other not in by_name:
                problems.append(f"{path}:{line}: neighbour '{other}' of '{entry.name}' is no "
                                "district of this file (check the spelling)")
            elif entry.name not in by_name[other][1].neighbours:
                back = source.line(("districts", by_name[other][0], "neighbours"))
                problems.append(f"{path}:{line}: '{entry.name}' borders '{other}', but "
                                f"'{other}' (line {back}) does not list '{entry.name}'; "
                                "add it there too")
    return problems


@functools.cache
def districts_in(content_dir: Path) -> Districts:
    """The districts of a deployment (`CONTENT_DIR/districts.yaml`), read once."""
    return load_districts(content_dir / "districts.yaml")


# -- the district question (see the module docstring) ---------------------------------------
SKIP = N_("⏭ Skip")
"""The button for those who would rather not say (`districts.current {skip: "yes"}`)."""


async def current(ctx: ActionContext, args: Mapping[str, Any]) -> dict[str, Any]:
    """`districts.current [skip: "yes"]`: `known` (the person told us before), `name`, and a
    button per district (its name, as written in the city; value: its id), then, with
    `skip`, "⏭ Skip" (value: skip) where telling is optional."""
    districts = districts_in(ctx.deps.settings.content_dir)
    name = ctx.person.district
    buttons: list[dict[str, Any]] = [{"label": d.name, "value": d.id} for d in districts.items]
    if args.get("skip"):
        buttons.append({"label": SKIP, "value": "skip"})
    return {"known": bool(name), "name": name, "buttons": buttons}


async def save(ctx: ActionContext, args: Mapping[str, Any]) -> dict[str, Any]:
    """`districts.save {district}`: keep the district chosen (an id) or typed (a name) on the
    person. `saved: false` when it is none of the city's."""
    districts = districts_in(ctx.deps.settings.content_dir)
    chosen = str(args.get("district") or "")
    found = districts.by_id(chosen) or districts.find(chosen)
    if found is None:
        return {"saved": False, "known": False, "name": None}
    # The person's row is locked by this turn, and the runtime stores the rest of it after:
    # a plain update, not through the record (district is not one of its written fields).
    people = table(Person)
    await ctx.db.execute(update(people).where(people.c.id == ctx.person.id)
                              .values(district=found.name))
    ctx.person.district = found.name
    return {"saved": True, "known": True, "name": found.name}


ACTIONS = {"districts.current": Action(current, database=False),
           "districts.save": Action(save)}
