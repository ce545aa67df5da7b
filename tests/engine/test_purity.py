"""The engine decides; the edges act. Nothing under bot/engine may import a platform, a
database, a network client, or read the clock."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "bot" / "engine"
FORBIDDEN = ("aiogram", "sqlalchemy", "httpx", "aiohttp", "asyncpg", "aiosqlite", "asyncio",
             "bot.db", "bot.channels", "bot.runtime", "requests", "socket")


def test_the_engine_imports_no_io() -> None:
    found = []
    for path in ENGINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{path.name}: {n}" for n in names
                      if any(n == f or n.startswith(f + ".") for f in FORBIDDEN)]
    assert found == []


def test_the_engine_never_reads_the_clock_or_awaits() -> None:
    found = []
    for path in ENGINE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr in {"now", "utcnow", "today", "time"}
                    and isinstance(node.value, ast.Name)
                    and node.value.id in {"datetime", "date", "time"}):
                found.append(f"{path.name}:{node.lineno} .{node.attr}")
            if isinstance(node, (ast.Await, ast.AsyncFunctionDef)):
                found.append(f"{path.name}:{node.lineno} async")
    assert found == []
