"""The engine's own messages (flows bring theirs). Marked with `N_` so `pybabel extract`
finds them; they are translated when a channel renders them."""

from typing import TypeVar

_S = TypeVar("_S", bound=str)


def N_(msgid: _S) -> _S:
    """Mark a msgid for extraction without translating it here (gettext_noop)."""
    return msgid


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair for extraction (babel.cfg keyword `NP_:1,2`)."""
    return singular, plural


def NG_(msgid: _S) -> _S:
    """Mark a msgid about a person whose gender the text may show: extracted three times,
    without a context (neutral wording) and with each of `model.GENDERS` as msgctxt
    (`gettext.extract_python`). Send it with the person's gender as "context"."""
    return msgid


UNEXPECTED_MEDIA = N_(
    "I can only read text here. Please type your answer or tap one of the buttons."
)
NOT_A_CHOICE = N_("Please tap one of the buttons below, or type its number.")
STALE_BUTTON = N_("That button belongs to an earlier message. This is where we are now:")
UNKNOWN_COMMAND = N_("I don't know the command /{command}. Type /help to see what I can do.")
EMPTY_MESSAGE = N_("Your message was empty.")
STUCK_HINT = N_("You can type /menu at any time to go back to the main menu, or /help for help.")
NOT_ALLOWED = N_("Sorry, this is only for the Welcome Center's staff. Let's continue from the "
                 "menu.")
FLOW_CHANGED = N_("Sorry, this part of the conversation has changed. Let's continue from the menu.")
TOO_MANY_STEPS = N_("Sorry, something went wrong on our side. Let's continue from the menu.")

# Validators
NEED_TEXT = N_("Please answer with a few words.")
TOO_LONG = N_("That is too long. Please answer in at most {max} characters.")
NEED_NUMBER = N_("Please type a number, for example {example}.")
NUMBER_TOO_SMALL = N_("Please type a number of at least {min}.")
NUMBER_TOO_BIG = N_("Please type a number of at most {max}.")
NEED_YES_NO = N_("Please answer yes or no.")
NEED_DATE = N_("Please type a date like {example}.")
DATE_NOT_PAST = N_("Please type a date in the past.")
DATE_NOT_FUTURE = N_("Please type a date from today on.")
NEED_PHONE = N_(
    "That does not look like a phone number. Please type it with the country code, "
    "for example {example}."
)
NEED_EMAIL = N_("That does not look like an e-mail address. Please check it and type it again.")

YES = N_("Yes")
NO = N_("No")
