"""A BM25 index over Vietnamese syllables, accented and diacritic-folded.

Two views of every live chunk are indexed with ``bm25s``:

* accented: NFC, lower-cased syllables and syllable bigrams ("hà_nội");
* folded: the same with diacritics removed and đ → d ("ha_noi"), so a query
  typed without diacritics still matches.

Vietnamese words are mostly two syllables, so bigrams act as a cheap word
segmentation (see the README's ablation for why no segmenter is used).

The index mirrors the live chunks of a store. It is persisted under the data
directory with a fingerprint of the store's manifest; when the fingerprint
changes (an ingest or delete), only the chunks that are new are tokenised and
the BM25 matrices are re-derived. Queries never rebuild it.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from textvi import fold_diacritics, restore_diacritics, tokenize

log = logging.getLogger(__name__)

FORMAT_VERSION = 1


def lexical_features(text: str, *, folded: bool, bigrams: bool = True) -> list[str]:
    """Syllables (and bigrams) of ``text`` as indexed on one side.

    >>> lexical_features("Hà Nội tăng trưởng", folded=True)
    ['ha', 'noi', 'tang', 'truong', 'ha_noi', 'noi_tang', 'tang_truong']
    """
    toks = tokenize(text)
    if folded:
        toks = [fold_diacritics(t) for t in toks]
    if not bigrams:
        return toks
    return toks + [f"{a}_{b}" for a, b in zip(toks, toks[1:], strict=False)]


class LexicalIndex:
    """BM25 over live chunks; ``search`` returns ``(chunk_id, score)`` best first."""

    def __init__(self, path: Path | None = None, *, bigrams: bool = True, k1: float = 1.2, b: float = 0.75) -> None:
        self.path = Path(path) if path is not None else None
        self.bigrams = bigrams
        self.k1, self.b = k1, b
        self.fingerprint: str | None = None
        self._ids: list[str] = []
        self._meta: list[dict[str, Any]] = []
        self._tokens: dict[str, tuple[list[str], list[str]]] = {}
        self._bm25: dict[bool, Any] = {}
        self._accents: dict[str, dict[str, int]] = {}
        self._pairs: dict[tuple[str, str], int] = {}
        self._lock = threading.RLock()
        self._loaded = False

    # -- persistence ------------------------------------------------------------
    def _file(self) -> Path | None:
        return self.path / "lexical.json.gz" if self.path else None

    def _load(self) -> None:
        self._loaded = True
        f = self._file()
        if f is None or not f.exists():
            return
        try:
            with gzip.open(f, "rt", encoding="utf-8") as fh:
                data = json.load(fh)
            if data.get("version") != FORMAT_VERSION or data.get("bigrams") != self.bigrams:
                return
            self._ids = data["ids"]
            self._meta = data["meta"]
            self._tokens = {i: (a, b) for i, a, b in zip(self._ids, data["acc"], data["fold"], strict=True)}
            self._build()
            self.fingerprint = data["fingerprint"]
        except (OSError, ValueError, KeyError) as e:
            log.warning("lexical index at %s unreadable (%s); it will be rebuilt", f, e)
            self._ids, self._meta, self._tokens, self.fingerprint = [], [], {}, None

    def _save(self) -> None:
        f = self._file()
        if f is None:
            return
        f.parent.mkdir(parents=True, exist_ok=True)
        tmp = f.with_suffix(f".tmp{os.getpid()}")
        data = {
            "version": FORMAT_VERSION,
            "bigrams": self.bigrams,
            "fingerprint": self.fingerprint,
            "ids": self._ids,
            "meta": self._meta,
            "acc": [self._tokens[i][0] for i in self._ids],
            "fold": [self._tokens[i][1] for i in self._ids],
        }
        with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=1) as fh:
            json.dump(data, fh, ensure_ascii=False)
        os.replace(tmp, f)

    # -- building ---------------------------------------------------------------
    def _build(self) -> None:
        import bm25s

        # bm25s sets its own logger to DEBUG on import; keep it at the app's level
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self._bm25 = {}
        self._build_accent_tables()
        if not self._ids:
            return
        for folded in (False, True):
            model = bm25s.BM25(k1=self.k1, b=self.b)
            corpus = [self._tokens[i][1 if folded else 0] or [""] for i in self._ids]
            model.index(corpus, show_progress=False)
            self._bm25[folded] = model

    def _build_accent_tables(self) -> None:
        """Counts of accented syllables (by folded form) and of adjacent pairs."""
        from collections import Counter

        uni: Counter[str] = Counter()
        pairs: Counter[tuple[str, str]] = Counter()
        for cid in self._ids:
            syllables = [t for t in self._tokens[cid][0] if "_" not in t]
            uni.update(syllables)
            pairs.update(zip(syllables, syllables[1:], strict=False))
        accents: dict[str, dict[str, int]] = {}
        for form, n in uni.items():
            accents.setdefault(fold_diacritics(form), {})[form] = n
        self._accents, self._pairs = accents, dict(pairs)

    def restore(self, query: str) -> str:
        """``query`` typed without diacritics, with the corpus's most likely marks.

        >>> idx = LexicalIndex()
        >>> idx.sync("v1", lambda: [("c1", "Hà Nội tăng trưởng 7,5%", {})])
        True
        >>> idx.restore("ha noi tang truong bao nhieu")
        'hà nội tăng trưởng bao nhieu'
        """
        with self._lock:
            if not self._accents:
                return query
            return restore_diacritics(query, self._accents, self._pairs)

    def sync(self, fingerprint: str, load_live: Callable[[], Iterable[tuple[str, str, dict[str, Any]]]]) -> bool:
        """Bring the index in line with the store when ``fingerprint`` changed.

        ``load_live`` yields ``(chunk_id, text, metadata)`` of every live chunk.
        Returns True when the index changed.
        """
        with self._lock:
            if not self._loaded:
                self._load()
            if fingerprint == self.fingerprint:
                return False
            ids, meta, tokens = [], [], {}
            new = 0
            for cid, text, m in load_live():
                ids.append(cid)
                meta.append({"source": m.get("source", ""), "date_num": m.get("date_num", 0)})
                if cid in self._tokens:
                    tokens[cid] = self._tokens[cid]
                else:
                    new += 1
                    tokens[cid] = (
                        lexical_features(text, folded=False, bigrams=self.bigrams),
                        lexical_features(text, folded=True, bigrams=self.bigrams),
                    )
            self._ids, self._meta, self._tokens = ids, meta, tokens
            self._build()
            self.fingerprint = fingerprint
            self._save()
            log.info("lexical index synced: %d chunks (%d newly tokenised)", len(ids), new)
            return True

    def __len__(self) -> int:
        return len(self._ids)

    # -- searching --------------------------------------------------------------
    def search(
        self,
        query: str,
        k: int,
        *,
        folded: bool,
        keep: Callable[[dict[str, Any]], bool] | None = None,
    ) -> list[tuple[str, float]]:
        """Top ``k`` chunk ids for ``query`` on the accented or folded side."""
        with self._lock:
            model = self._bm25.get(folded)
            if model is None:
                return []
            q = lexical_features(query, folded=folded, bigrams=self.bigrams)
            if not q:
                return []
            scores = np.asarray(model.get_scores(q), dtype=np.float32)
            if keep is not None:
                mask = np.fromiter((keep(m) for m in self._meta), dtype=bool, count=len(self._meta))
                scores = np.where(mask, scores, 0.0)
            n = int(min(k, int((scores > 0).sum())))
            if n == 0:
                return []
            top = np.argpartition(-scores, n - 1)[:n]
            top = top[np.argsort(-scores[top], kind="stable")]
            return [(self._ids[j], float(scores[j])) for j in top]
