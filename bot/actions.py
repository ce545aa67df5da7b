"""Every action flows may call (`action: <name>`), by name. `welcomebot flows check` reports
an action a flow names that is not here."""

from __future__ import annotations

from bot import contacts, districts, help, privacy
from bot.buddies import actions as buddies
from bot.events import actions as events
from bot.faq import actions as faq
from bot.feature import Action
from bot.handoff import actions as handoff
from bot.notices import actions as notices
from bot.notices import composer

ACTIONS: dict[str, Action] = {
    **privacy.ACTIONS,
    **contacts.ACTIONS,
    **help.ACTIONS,
    **faq.ACTIONS,
    **events.ACTIONS,
    **notices.ACTIONS,
    **composer.ACTIONS,
    **districts.ACTIONS,
    **buddies.ACTIONS,
    **handoff.ACTIONS,
}
