"""Storage: SQLAlchemy 2 tables, the session factory, repositories and Alembic migrations.

Repositories never commit: the runtime owns the transaction of a turn.
"""
