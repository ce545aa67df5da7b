"""Errors shared across the layers, kept here so that low modules can name them without
importing the high ones that raise them."""

from __future__ import annotations


class StartupError(Exception):
    """The bot cannot start as configured: broken flows (`bot.app.FlowsError`), a database not
    migrated (`bot.app.DatabaseNotReady`), a broken content file (`bot.contacts.ContactsError`,
    `bot.faq.content.ContentError`, `bot.districts.DistrictsError`,
    `bot.channels.whatsapp.templates.TemplatesError`; `welcomebot check` finds them all first).
    Its message says what to fix; the command line prints it and exits 2
    (`bot.commandline.run_async`)."""
