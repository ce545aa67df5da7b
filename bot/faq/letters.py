"""What a message is spelt with: its character n-grams, for a second classifier.

The embedding model reads Arabic and Persian less well than the other languages, and not at
all the German words people write in their own script ("رونتفونك", "ملده بيشاينيغونغ", "هاوس
ارتست"): it splits them into pieces that mean nothing to it. Yet the same spellings come back
in the content's ways of asking a topic, so the letters themselves tell the topic. A text is
read as

* normalized (`bot.engine.normalize`: case-folded, accents and Arabic diacritics removed,
  أ إ آ written ا, ة ه, ي ى ی, ك ک), without tatweel and zero-width non-joiners (Persian
  writes "می‌خواهم" and "میخواهم" alike) and with Turkish ı as i;
* the 2- to 4-letter pieces of each of its words, with a space before and after the word
  ("نصب" -> " ن", "نص", ..., "صب ");
* hashed into `BUCKETS` numbers (crc32: the same in every process), each counted as
  1 + log(times), weighted by how rare it is among the examples (log inverse document
  frequency) and the whole scaled to length 1 (TF-IDF).

Measured by `python -m benchmarks.faq_methods` (cross-validation): as a logistic regression of
its own next to the embeddings' (match.py) it helps Arabic and Persian most. Put into the
embeddings' classifier as more columns (scaled by 0.3) it helped less in one measurement
outside the benchmark (0.914 on-topic, Arabic 0.892, Persian 0.900); not measured there.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sparse

from bot.engine.normalize import normalize

BUCKETS = 1 << 14
"""2^15 measured no better; the classifier's weights are BUCKETS × classes."""
SHORTEST, LONGEST = 2, 4
_DROP = str.maketrans({"\u200c": "", "\u0640": "", "ı": "i"})


def pieces(text: str) -> Counter[int]:
    """How often each bucket's n-grams occur in `text`."""
    found: Counter[int] = Counter()
    for word in normalize(text.translate(_DROP)).split():
        padded = f" {word} "
        for n in range(SHORTEST, LONGEST + 1):
            for at in range(max(1, len(padded) - n + 1)):
                found[zlib.crc32(padded[at:at + n].encode()) % BUCKETS] += 1
    return found


class Letters:
    """TF-IDF of hashed character n-grams, with the rarity of each learnt from `texts` (the
    examples)."""

    def __init__(self, texts: Sequence[str], idf: np.ndarray | None = None) -> None:
        """`idf`: the rarities learnt from these texts before (kept with the desk's
        vectors), not counted again (0.6 s for the content's 8,000 examples)."""
        if idf is not None:
            self.idf = idf
            return
        seen = np.zeros(BUCKETS, dtype=np.float64)
        for text in texts:
            seen[list(pieces(text))] += 1
        self.idf = (np.log((1 + len(texts)) / (1 + seen)) + 1).astype(np.float32)

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The buckets of `text` and their weights (a sparse vector of length 1)."""
        found = pieces(text)
        buckets = np.fromiter(found, dtype=np.int64, count=len(found))
        weights = np.array([1 + math.log(found[b]) for b in found], dtype=np.float32)
        weights *= self.idf[buckets]
        length = float(np.sqrt((weights * weights).sum()))
        return buckets, weights / length if length else weights

    def matrix(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """One row per text (`row`)."""
        rows = [self.row(text) for text in texts]
        pointers = np.cumsum([0, *(len(b) for b, _ in rows)])
        buckets = np.concatenate([b for b, _ in rows]) if rows else np.zeros(0, np.int64)
        weights = np.concatenate([w for _, w in rows]) if rows else np.zeros(0, np.float32)
        return sparse.csr_matrix((weights, buckets, pointers), shape=(len(texts), BUCKETS),
                                 dtype=np.float32)
