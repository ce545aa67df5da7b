"""City contacts from `content/contacts.yaml`: the one place a deploying city puts its
offices' addresses, phone numbers and opening hours (code never holds them).

```yaml
welcome_center:
  name: {de: "Welcome Center", en: "Welcome Center", ar: "مركز الترحيب", ...}
  address: "Street 1, 12345 City"
  phone: "+49 ..."
  email: "welcome@example.org"
  website: "https://..."
  hours: {de: "Mo-Fr 9-12 Uhr", en: "Mon-Fri 9am-12pm", ...}
```
Empty fields are left out of the card.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.engine.model import JSON, Lines, Param, Verbatim
from bot.engine.yamlsource import YamlFileError, parse_file
from bot.errors import StartupError
from bot.feature import Action, ActionContext


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: dict[str, str]
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    hours: dict[str, str] = {}


@dataclass(frozen=True)
class Contacts:
    entries: Mapping[str, Contact]
    fallback: tuple[str, ...] = ("en", "de")

    def pick(self, texts: Mapping[str, str], lang: str) -> str:
        for code in (lang, *self.fallback):
            if texts.get(code):
                return texts[code]
        return next(iter(texts.values()), "")

    def name(self, contact_id: str, lang: str) -> str:
        entry = self.entries.get(contact_id)
        return self.pick(entry.name, lang) if entry else contact_id

    def card_text(self, contact_id: str, lang: str) -> str | None:
        """The card as plain text (FAQ answers carry it as content, not as a message)."""
        card = self.card(contact_id, lang)
        if card is None:
            return None
        return "\n".join(_plain(item) for item in card.items)

    def card(self, contact_id: str, lang: str) -> Lines | None:
        """Name, then each filled-in detail on its own line, marked by a symbol that reads
        the same in every language; None while the city has filled in no detail."""
        entry = self.entries.get(contact_id)
        if entry is None:
            return None
        hours = self.pick(entry.hours, lang) if entry.hours else ""
        details = [("📍", entry.address), ("📞", entry.phone), ("✉️", entry.email),
                   ("🌐", entry.website), ("🕒", hours)]
        filled: list[Param] = [Lines((Verbatim(symbol), value), sep=" ")
                               for symbol, value in details if value]
        if not filled:
            return None
        return Lines((Verbatim(self.pick(entry.name, lang)), *filled))


def _plain(item: Param) -> str:
    if isinstance(item, Lines):
        return item.sep.join(_plain(i) for i in item.items)
    if isinstance(item, Verbatim):
        return item.text
    return str(item)


class ContactsError(StartupError):
    pass


def load_contacts(path: Path, fallback: tuple[str, ...] = ("en", "de")) -> Contacts:
    """The contacts of `path` (none while it does not exist), or ContactsError naming every
    problem as `file:line: what`."""
    if not path.exists():
        return Contacts({}, fallback)
    try:
        source, problems = parse_file(path)
    except YamlFileError as exc:
        raise ContactsError(str(exc)) from None
    raw = source.value if source.value is not None else {}
    if not isinstance(raw, dict):
        raise ContactsError(f"{path}:1: expected one entry per office, each `id:` with its "
                            "`name:` and details (see the top of bot/contacts.py)")
    entries = {}
    for key, value in raw.items():
        try:
            entries[str(key)] = Contact.model_validate(value)
        except ValidationError as exc:
            problems += source.explain(exc, (key,))
    if problems:
        raise ContactsError("\n".join(problems))
    return Contacts(entries, fallback)


async def card(ctx: ActionContext, args: Mapping[str, JSON]) -> dict[str, Param | bool]:
    """`contacts.card {contact: welcome_center}`: `{filled, name, card}` in the user's
    language; `filled` is false while the city has not entered the details."""
    contact_id = str(args.get("contact"))
    contacts: Contacts = ctx.deps.contacts
    found = contacts.card(contact_id, ctx.lang)
    return {"filled": found is not None, "name": contacts.name(contact_id, ctx.lang),
            "card": found}


ACTIONS = {"contacts.card": Action(card, database=False)}
