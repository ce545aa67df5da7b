"""The staff console is an entry point beside `welcomebot run`: it may use the features,
the database, the outbox, the audit log, privacy and i18n, never the runtime or the channels
(what it sends, it queues for the bot's sender); and nothing below imports it."""

from __future__ import annotations

from tests.test_architecture import _imports_of, _within, graph


def test_the_console_uses_neither_the_runtime_nor_the_channels() -> None:
    wrong = [(m, t) for m, t in _imports_of(["bot.console"])
             if any(_within(t, p) for p in ("bot.runtime", "bot.channels", "bot.app",
                                            "bot.service", "bot.cli"))]
    assert wrong == []


def test_only_the_command_line_imports_the_console() -> None:
    users = sorted({m for m, targets in graph().items() if not _within(m, "bot.console")
                    for t in targets if _within(t, "bot.console")})
    assert users == ["bot.cli"]
