"""The conversation engine: pure rules, no I/O.

Nothing in this package imports aiogram, SQLAlchemy, HTTP clients or the clock: the runtime
passes time, stored state and fetched data in, and gets back a `Turn` saying what to store,
what to answer and what to do (tests/engine/test_purity.py enforces the imports).
"""
