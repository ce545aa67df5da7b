"""aiogram costs seconds of CPU to import: only the Telegram channel may pay for it."""

from __future__ import annotations

import subprocess
import sys


def test_the_terminal_chat_and_everything_else_never_import_aiogram() -> None:
    code = ("import sys, bot.cli, bot.app, bot.channels.console, bot.service, bot.server; "
            "print(sorted(m for m in sys.modules if m.startswith('aiogram')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.strip() == "[]"
