"""The /help text's list of commands, built from the flows, so it names only what exists
and what this person may use."""

from __future__ import annotations

import functools
from collections.abc import Mapping

from bot.engine.load import FlowSet
from bot.engine.model import JSON, Lines, Text, Verbatim
from bot.feature import Action, ActionContext

FIRST = ("menu", "help", "language", "contact")


def commands_for(flows: FlowSet, role: str) -> list[tuple[str, str]]:
    """(command, description msgid) for this role: the everyday ones first."""
    found = [(name, command.description) for name, (flow, command) in flows.commands.items()
             if flows.admits(flow.id, role)]
    return sorted(found, key=lambda c: (FIRST.index(c[0]) if c[0] in FIRST else len(FIRST), c[0]))


async def commands(ctx: ActionContext, args: Mapping[str, JSON]) -> Lines:
    """`help.commands`: "/menu – Main menu", one per line."""
    return _listing(ctx.deps.flows, ctx.person.role)


@functools.lru_cache(maxsize=32)
def _listing(flows: FlowSet, role: str) -> Lines:
    return Lines(tuple(
        Lines((Verbatim(f"/{name}"), Text(description)), sep=" – ")
        for name, description in commands_for(flows, role)
    ))


ACTIONS = {"help.commands": Action(commands, database=False)}
