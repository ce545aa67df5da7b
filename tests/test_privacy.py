"""Every table that stores something about a person belongs to a privacy slice
(`bot.privacy.SLICES`), so /mydata shows it and /delete and retention erase it. A new table
with a column that refers to a person fails here until a feature's slice names it."""

from __future__ import annotations

from sqlalchemy import Table

from bot.db.tables import Base
from bot.privacy import SLICES

PERSON_COLUMNS = {"person_id"}
"""Columns that hold a person's id even where no foreign key says so."""


def _refers_to_a_person(table: Table, seen: frozenset[str] = frozenset()) -> bool:
    if table.name == "people" or PERSON_COLUMNS & set(table.columns.keys()):
        return True
    return any(_refers_to_a_person(key.column.table, seen | {table.name})
               for key in table.foreign_keys if key.column.table.name not in seen)


def test_every_table_about_a_person_is_in_a_privacy_slice() -> None:
    about_people = {name for name, table in Base.metadata.tables.items()
                    if _refers_to_a_person(table)}
    covered = {name for part in SLICES for name in part.tables}
    assert sorted(about_people - covered) == []
    assert {"people", "bookings", "subscriptions", "outbox", "buddy_matches"} <= about_people


def test_slices_name_real_tables_once() -> None:
    named = [name for part in SLICES for name in part.tables]
    assert sorted(set(named) - set(Base.metadata.tables)) == []
    assert len(named) == len(set(named))
