"""Telegram, on aiogram 3: updates in, Bot API calls out.

Importing aiogram costs seconds of CPU, so nothing outside this package imports it, and
the CLI imports this package only when a Telegram token is configured.
"""
