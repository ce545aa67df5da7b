"""A tiny argostranslate model package, built here so tests run the real install-and-translate
path offline (its translations are nonsense, but real ones: argostranslate, CTranslate2,
SentencePiece and MiniSBD all do their part).

- `sentencepiece.model`: trained in memory on a few hundred generated sentences; ids 0-2
  are `<unk>`, `<s>`, `</s>`, which CTranslate2 expects.
- `model/`: a one-layer CTranslate2 Transformer with seeded random weights, written by a
  small `Converter`. Its output projection is set so that, whatever the input, the decoder
  walks a fixed chain of a few pieces and then `</s>`: short, non-empty output, the same on
  every CTranslate2 version (random weights alone may ramble on for 256 tokens).
- `minisbd/split.onnx`: a rule-based sentence splitter (a sentence ends at . ! ?), a
  one-node ONNX graph written by hand, so that MiniSBD downloads nothing.
- `metadata.json`; all zipped under one top-level folder, as argospm packages are.

Needs the `translate` extra (ctranslate2, sentencepiece); not `onnx` itself.
"""

from __future__ import annotations

import io
import itertools
import json
import random
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

NAMES = {"de": "German", "en": "English", "ar": "Arabic", "fa": "Persian", "uk": "Ukrainian",
         "ru": "Russian", "tr": "Turkish"}
WORDS = ("Bitte waschen Sie oft die Hände mit Seife Abstand halten Maske tragen Impfung Test "
         "Arztpraxis Apotheke kostenlos Notfall please wash your hands often with soap keep "
         "distance wear mask vaccination test doctor pharmacy free emergency call stay room "
         "fever cough help everyone healthy").split()
CHAIN_LENGTH = 3
"""Pieces the model writes for every sentence before `</s>`."""


def sentences(count: int = 300, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))).capitalize()
            + rng.choice(".!?") for _ in range(count)]


def sentencepiece_model(seed: int = 7) -> bytes:
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences(seed=seed)), model_writer=buffer, vocab_size=120,
        model_type="unigram", character_coverage=1.0, unk_id=0, bos_id=1, eos_id=2,
        pad_id=-1, normalization_rule_name="identity", minloglevel=2)
    return buffer.getvalue()


def _shape(name: str, d: int, ff: int, vocab: int) -> tuple[int, ...]:
    if name.endswith(("embeddings_0/weight", "embeddings/weight", "projection/weight")):
        return (vocab, d)
    if name.endswith(("/gamma", "/beta")):
        return (d,)
    if "self_attention/linear_0" in name:
        return (3 * d, d)
    if "/attention/linear_1" in name:
        return (2 * d, d)
    if "ffn/linear_0" in name:
        return (ff, d)
    if "ffn/linear_1" in name:
        return (d, ff)
    return (d, d)


def _converter(vocabulary: Sequence[str], seed: int) -> object:
    from ctranslate2.converters import Converter
    from ctranslate2.specs import TransformerSpec, model_spec

    class RandomTransformer(Converter):  # type: ignore[misc]
        """A one-layer Transformer with seeded random weights (no training)."""

        def _load(self) -> TransformerSpec:
            rng = np.random.default_rng(seed)
            d, ff, size = 32, 64, len(vocabulary)
            spec = TransformerSpec.from_config(1, 2)
            unset: list[str] = []
            model_spec.visit_spec(spec, lambda _s, name, value: unset.append(name)
                                  if value is None else None)
            for name in unset:
                shape = _shape(name, d, ff, size)
                if name.endswith("/gamma"):
                    value = np.ones(shape, np.float32)
                elif name.endswith("/beta"):
                    value = np.zeros(shape, np.float32)
                elif name.endswith("embeddings/weight") or name.endswith("embeddings_0/weight"):
                    value = rng.standard_normal(shape).astype(np.float32)
                else:
                    value = (rng.standard_normal(shape) * 0.02).astype(np.float32)
                scope, attr = name.rsplit("/", 1)
                setattr(model_spec.index_spec(spec, scope), attr, value)
            # The chain <s> -> a -> b -> c -> </s>: the projection row of each next piece
            # points along the embedding of the piece before it.
            embeddings = spec.decoder.embeddings.weight
            chain = [1, *rng.choice(np.arange(3, size), CHAIN_LENGTH, replace=False), 2]
            for before, after in itertools.pairwise(chain):
                spec.decoder.projection.weight[after] = embeddings[before] * 0.5
            spec.register_source_vocabulary(list(vocabulary))
            spec.register_target_vocabulary(list(vocabulary))
            return spec

    return RandomTransformer()


# -- a hand-written ONNX model (protobuf wire format), so the `onnx` package is not needed --
def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _int(field: int, value: int) -> bytes:
    return _varint(field << 3) + _varint(value)


def _bytes(field: int, value: bytes | str) -> bytes:
    data = value.encode() if isinstance(value, str) else value
    return _varint(field << 3 | 2) + _varint(len(data)) + data


def _tensor_type(elem_type: int, dims: Iterable[int | str]) -> bytes:
    shape = b"".join(_bytes(1, _int(1, d) if isinstance(d, int) else _bytes(2, d))
                     for d in dims)
    return _bytes(1, _int(1, elem_type) + _bytes(2, shape))        # TypeProto.tensor_type


FLOAT, INT64 = 1, 7
UNITS = ["<PAD>", "<UNK>", ".", "!", "?"]
"""The splitter's characters: ends of sentences; any other is `<UNK>`."""


def splitter_onnx(lang: str) -> bytes:
    """MiniSBD's model contract: inputs `units` (character ids, [batch, length]) and
    `features` ([batch, length, 0] here), output scores [batch, length, 5] for: 0 inside a
    token, 1 end of a token, 2 end of a sentence (3, 4: the same for multi-word tokens).
    Each character is a token of its own; . ! ? end a sentence. One Gather from a table."""
    table = np.full((len(UNITS), 5), -10.0, np.float32)
    table[0, 0] = table[1, 1] = 10.0
    table[2:, 2] = 10.0
    tensor = (b"".join(_int(1, d) for d in table.shape) + _int(2, FLOAT)
              + _bytes(8, "table") + _bytes(9, table.astype("<f4").tobytes()))
    node = (_bytes(1, "table") + _bytes(1, "units") + _bytes(2, "scores")
            + _bytes(4, "Gather"))
    graph = (_bytes(1, node) + _bytes(2, "rule_splitter") + _bytes(5, tensor)
             + _bytes(11, _bytes(1, "units") + _bytes(2, _tensor_type(INT64, ["b", "n"])))
             + _bytes(11, _bytes(1, "features")
                      + _bytes(2, _tensor_type(FLOAT, ["b", "n", 0])))
             + _bytes(12, _bytes(1, "scores")
                      + _bytes(2, _tensor_type(FLOAT, ["b", "n", 5]))))
    vocab = {"lang": lang, "idx": 0, "cutoff": 0, "lower": False,
             "_id2unit": UNITS, "_unit2id": {u: i for i, u in enumerate(UNITS)}}
    config = {"feat_funcs": [], "max_seqlen": 1000, "batch_size": 32}
    metadata = b"".join(_bytes(14, _bytes(1, key) + _bytes(2, value)) for key, value in (
        ("lang_code", lang), ("config", json.dumps(config)), ("vocab", json.dumps(vocab)),
        ("lexicon", "null")))
    return (_int(1, 8) + _bytes(2, "welcomebot-tests") + _bytes(7, graph)
            + _bytes(8, _bytes(1, "") + _int(2, 13)) + metadata)


def build(folder: Path, pairs: Iterable[tuple[str, str]], seed: int = 7) -> list[Path]:
    """Writes one `.argosmodel` zip per language pair into `folder` and returns them. The
    pairs share one tokenizer and one model (nonsense either way)."""
    import sentencepiece as spm

    folder.mkdir(parents=True, exist_ok=True)
    sp_model = sentencepiece_model(seed)
    processor = spm.SentencePieceProcessor(model_proto=sp_model)
    vocabulary = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    assert vocabulary[:3] == ["<unk>", "<s>", "</s>"], vocabulary[:3]
    model_dir = folder / "ct2-model"
    _converter(vocabulary, seed).convert(str(model_dir), force=True)  # type: ignore[attr-defined]
    built = []
    for source, target in pairs:
        name = f"translate-{source}_{target}"
        path = folder / f"{name}.argosmodel"
        top = f"{name}-tiny"
        metadata = {"package_version": "0.0.1", "argos_version": "1.11.0", "type": "translate",
                    "from_code": source, "from_name": NAMES.get(source, source),
                    "to_code": target, "to_name": NAMES.get(target, target)}
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{top}/metadata.json", json.dumps(metadata, indent=2))
            archive.writestr(f"{top}/sentencepiece.model", sp_model)
            archive.writestr(f"{top}/minisbd/split.onnx", splitter_onnx(source))
            for file in sorted(model_dir.iterdir()):
                archive.write(file, f"{top}/model/{file.name}")
        built.append(path)
    return built
