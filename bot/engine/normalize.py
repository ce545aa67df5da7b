"""Normalizing what people type, for comparing it with labels and words."""

import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
# Arabic and Persian keyboards write the same letters with different code points.
_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "أ": "ا", "إ": "ا", "آ": "ا"})


def normalize(text: str) -> str:
    """Case-folded, accents and punctuation removed, Arabic-script variants unified, digits
    in any script turned into ASCII: "  Ja! " -> "ja", "٢" -> "2"."""
    text = unicodedata.normalize("NFKD", text)
    kept = []
    for ch in text:
        if unicodedata.category(ch) == "Mn":
            continue
        if ch.isdigit():
            ch = str(unicodedata.digit(ch, 0))
        kept.append(ch)
    folded = "".join(kept).casefold().translate(_FOLD)
    return _NOT_WORD.sub(" ", folded).strip()


def ascii_digits(text: str) -> str:
    """Digits of any script as ASCII, everything else unchanged: "۱۲.۳" -> "12.3"."""
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text)
