"""Storage: SQLAlchemy 2 tables, the session factory, the people repository and Alembic
migrations. Repositories never commit: the runtime owns the transaction of a turn. A
feature's own queries live in its folder (`bot/events/store.py`, `bot/faq/store.py`...).

tables.py      the tables (made only by the migrations) and the UTC timestamp type
session.py     engines and sessions for SQLite (aiosqlite) and PostgreSQL (asyncpg)
people.py      people and their conversation: arrive, lock, store (version-checked), erase
committer.py   group commit of the quick path of turns (one transaction for many people)
outage.py      whether an error means the database cannot be reached now (an outage)
locks.py       work one process does for all: advisory lock keys, chores taken in turn
migrate.py     Alembic from our code: upgrade, current, head
migrations/    Alembic's environment and the numbered migrations (`versions/`)
"""
