"""The layering of docs/ARCHITECTURE.md, checked on the import graph of bot/.

Every import counts, also one inside a function; only `if TYPE_CHECKING:` blocks are left
out (they run for the type checker alone). A module is a node, and so is every package
(everything below it): `bot.events` importing `bot.cli` and `bot.cli` importing
`bot.events.cli` is a circle between the two packages even if no module imports itself.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from functools import cache
from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"
FEATURES = ("bot.events", "bot.notices", "bot.buddies", "bot.faq", "bot.people",
            "bot.handoff")
ENTRY_POINTS = ("bot.cli", "bot.app", "bot.service")


def _name(path: Path) -> str:
    parts = list(path.relative_to(BOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {_name(path): path for path in BOT.rglob("*.py")}


def _type_checking_only(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(inner) for child in node.body for inner in ast.walk(child)}
    return skipped


@cache
def graph() -> dict[str, frozenset[str]]:
    """Module -> the modules of bot it imports."""
    known = modules()
    edges: dict[str, frozenset[str]] = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _type_checking_only(tree)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                found.add(base)
                found |= {f"{base}.{alias.name}" for alias in node.names}
        edges[name] = frozenset(target for target in found
                                if target in known and target != name)
    return edges


def _unit(module: str, depth: int) -> str:
    return ".".join(module.split(".")[: depth + 1])


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _imports_of(prefixes: Iterable[str]) -> Iterable[tuple[str, str]]:
    for module, targets in graph().items():
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            for target in sorted(targets):
                yield module, target


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def test_no_import_circle_among_modules_or_packages() -> None:
    deepest = max(name.count(".") for name in modules())
    circles = []
    for depth in range(1, deepest + 1):
        edges: dict[str, set[str]] = {}
        for module, targets in graph().items():
            source = _unit(module, depth)
            for target in targets:
                into = _unit(target, depth)
                # A package and a module inside it are one place, not a circle.
                if not (_within(source, into) or _within(into, source)):
                    edges.setdefault(source, set()).add(into)
        circles += [f"depth {depth}: {' <-> '.join(c)}" for c in _cycles(edges)]
    circles += [f"modules: {' <-> '.join(c)}"
                for c in _cycles({m: set(t) for m, t in graph().items()})]
    assert circles == []


def test_the_engine_imports_nothing_of_bot_outside_itself() -> None:
    outside = [(m, t) for m, t in _imports_of(["bot.engine"]) if not _within(t, "bot.engine")]
    assert outside == []


def test_channels_translate_and_never_touch_the_database() -> None:
    assert [(m, t) for m, t in _imports_of(["bot.channels"]) if _within(t, "bot.db")] == []


def test_features_stand_below_the_entry_points_and_the_runtime() -> None:
    above = ENTRY_POINTS + ("bot.runtime", "bot.channels", "bot.delivery.sender", "bot.actions",
                            "bot.privacy")
    wrong = [(m, t) for m, t in _imports_of(FEATURES) if any(_within(t, a) for a in above)]
    assert wrong == []


def test_the_check_sees_imports_inside_functions_and_skips_type_checking_blocks() -> None:
    # bot.cli imports its commands' parts lazily, inside the functions; TYPE_CHECKING
    # imports in bot.feature name the loaded parts without importing them.
    assert "bot.app" in graph()["bot.cli"]
    assert "bot.faq.desk" not in graph()["bot.feature"]


def test_every_folder_map_names_every_file_in_its_folder() -> None:
    missing = []
    for init in sorted(BOT.rglob("__init__.py")):
        folder = init.parent
        if folder.name == "migrations" or "migrations" in folder.parts:
            continue
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        entries = [p.name for p in folder.iterdir()
                   if (p.suffix == ".py" and p.name != "__init__.py")
                   or (p.is_dir() and p.name != "__pycache__")]
        missing += [f"{folder.relative_to(BOT.parent)}/{name}" for name in sorted(entries)
                    if name not in doc]
    assert missing == []
