"""What a feature gives the rest of the bot: its actions and its privacy slice.

A feature (`bot/faq/`, `bot/events/`...) is written against this module only, never against
the runtime or the entry points; `bot/actions.py` and `bot/privacy.py` register every
feature's parts by name.

**Actions.** A flow step `action: events.book` makes the engine stop and ask for the action;
the runtime runs it with an `ActionContext` and hands its result back to the engine:

    async def book(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, JSON]:
        event = await store.event(ctx.db, int(args["event"]))
        ...

    ACTIONS = {"events.book": Action(book)}

**Privacy slices.** A feature that stores something about a person describes it in
`bot/<feature>/privacy.py` as a `PrivacySlice`. `/mydata` shows the slices in order;
`/delete` and erasure after the retention period run every slice's `erase` before the
person's row is deleted (its `ON DELETE CASCADE` then removes the rows left). A test fails
while a table that refers to a person is named by no slice:

    SLICE = PrivacySlice("events", tables=("bookings",), show=bookings, erase=release)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.engine.model import JSON, ConversationState, Param

if TYPE_CHECKING:  # the parts are built above the features, in bot/app.py
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.config import Settings
    from bot.contacts import Contacts
    from bot.db.people import PersonRecord
    from bot.engine.load import FlowSet
    from bot.faq.desk import FaqDesk
    from bot.i18n import Catalogs
    from bot.metrics import Metrics


@dataclass(frozen=True)
class Deps:
    """The application's loaded parts an action may read (built once in `bot.app`)."""

    settings: Settings
    flows: FlowSet
    catalogs: Catalogs
    contacts: Contacts
    open_faq: Callable[[], FaqDesk]
    """Opens the FAQ desk, or gives the one already open (`faq`)."""
    metrics: Metrics
    """What the bot counts (`bot.metrics`): one per app, exported on `/metrics`."""

    @property
    def faq(self) -> FaqDesk:
        """The FAQ desk. Its model and vectors take seconds to load: `welcomebot run` and
        `chat` open it at start, `welcomebot deliver` never does (no push asks a question)."""
        return self.open_faq()


@dataclass
class ActionContext:
    """What an action may use: the turn's session (never commit it), the person, the
    conversation's language, the time, and the application's loaded parts."""

    session: AsyncSession | None
    """The turn's transaction (None for actions registered with `database=False`)."""
    person: PersonRecord
    """Changes to it are stored with the turn; `people.erase` erases the person."""
    lang: str
    now: datetime
    deps: Deps
    state: ConversationState = field(default_factory=ConversationState)

    @property
    def db(self) -> AsyncSession:
        """The turn's transaction, for actions registered with `database=True` (the
        default). Asking for it in a `database=False` action is a programming error."""
        if self.session is None:
            raise RuntimeError("this action was registered with database=False; "
                               "register it with database=True to use the database")
        return self.session


ActionHandler = Callable[[ActionContext, Mapping[str, JSON]], Awaitable[Any]]


@dataclass(frozen=True)
class Action:
    """A named action flows may call (`action: privacy.export`).

    `database=False` says it needs no session: it only reads or changes the person record
    and the loaded content. Such actions run in the quick path of a turn (one statement);
    the others run inside a locked transaction.
    """

    run: ActionHandler
    database: bool = True


@dataclass(frozen=True)
class Erasure:
    """Whose data goes, when, in which transaction (never commit it), and the settings a
    slice may need (the reminder times of a seat given to the waitlist, say)."""

    session: AsyncSession
    person_ids: Sequence[int]
    now: datetime
    settings: Settings


Show = Callable[[ActionContext], Awaitable[list[Param]]]
"""The lines `/mydata` shows of this slice, in the reader's language (the context's)."""
Erase = Callable[[Erasure], Awaitable[None]]
"""What must happen before these people's rows are deleted (tell a partner, free a seat,
erase rows that belong to them but hang off someone else's id)."""


@dataclass(frozen=True)
class PrivacySlice:
    name: str
    tables: tuple[str, ...]
    """The tables whose rows this slice shows and erases."""
    show: Show | None = None
    erase: Erase | None = None
