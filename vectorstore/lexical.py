"""A BM25 index over Vietnamese syllables, accented and diacritic-folded, on tantivy.

Every live chunk is one tantivy document with two searchable views:

* accented: NFC, lower-cased syllables and syllable bigrams ("hà_nội");
* folded: the same with diacritics removed and đ → d ("ha_noi"), so a query
  typed without diacritics still matches.

Vietnamese words are mostly two syllables, so bigrams act as a cheap word
segmentation (see the README's ablation for why no segmenter is used). The
tokens are ours (:func:`lexical_features`), joined by spaces and split again
by tantivy's whitespace tokenizer, so the engine never re-tokenises Vietnamese.
Ranking is tantivy's BM25 (k1 = 1.2, b = 0.75, Lucene's idf), as before.

A third, unsearched view ("forms") holds each accented syllable under its
folded form ("noi=nội") and each adjacent pair ("hà+nội"): their document
frequencies are the statistics :func:`textvi.restore_diacritics` uses to put
the marks back on a folded question.

The index is updated per source (:meth:`LexicalIndex.update`: replace one
source's chunks, remove a source) and persisted under the data directory.
Writers serialise through a file lock beside it, so several processes can
share one index; a reader :meth:`~LexicalIndex.reload`\\ s to see another
process's commits. Which version of each source the index holds is read back
from the index itself (:meth:`~LexicalIndex.versions`), so a caller can bring
it in line with the store after a crash, or build it once from the stored
chunks of a data directory made before this index existed.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from textvi import fold_diacritics, restore_diacritics, tokenize
from vectorstore.locking import LockTimeout, file_lock

log = logging.getLogger(__name__)

#: bump when the schema or the tokens change: a new directory is built from the store
FORMAT_VERSION = 2
#: writer memory (bytes) and threads: one upload is small; a first build is bound by our tokenizer
WRITER_HEAP = 64_000_000
#: the file the bm25s index of format 1 was kept in (removed once this one is in use)
LEGACY_FILE = "lexical.json.gz"
_TOKENIZER = "vi_tokens"


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


def restoration_features(text: str) -> list[str]:
    """The "forms" tokens of ``text``: each accented syllable under its folded
    form, and each adjacent pair of syllables (distinct, in order).

    >>> restoration_features("Hà Nội, hà nội")
    ['ha=hà', 'noi=nội', 'hà+nội', 'nội+hà']
    """
    syllables = tokenize(text)
    out = [f"{fold_diacritics(s)}={s}" for s in syllables]
    out += [f"{a}+{b}" for a, b in zip(syllables, syllables[1:], strict=False)]
    return list(dict.fromkeys(out))


def _tantivy() -> Any:
    try:
        import tantivy
    except ImportError as e:  # pragma: no cover - a declared dependency
        raise ImportError("The lexical index needs tantivy: pip install 'tantivy==0.27.0'") from e
    return tantivy


class LexicalUpdate:
    """Changes to the lexical index, committed together when the ``update`` block ends."""

    def __init__(self, index: LexicalIndex, writer: Any) -> None:
        self._index = index
        self._writer = writer
        self.changed = 0

    def replace(self, source: str, doc_hash: str, chunks: Iterable[tuple[str, str, dict[str, Any]]]) -> int:
        """Make ``chunks`` — ``(chunk_id, indexed text, metadata)`` of version
        ``doc_hash`` — the source's only chunks in the index; returns how many."""
        tv = _tantivy()
        self._writer.delete_documents_by_term("source", source)
        bigrams = self._index.bigrams
        n = 0
        for cid, text, meta in chunks:
            doc = tv.Document()
            doc.add_text("id", cid)
            doc.add_text("source", source)
            doc.add_text("version", f"{source}\n{doc_hash}")
            doc.add_integer("date_num", int(meta.get("date_num", 0) or 0))
            doc.add_text("acc", " ".join(lexical_features(text, folded=False, bigrams=bigrams)))
            doc.add_text("fold", " ".join(lexical_features(text, folded=True, bigrams=bigrams)))
            doc.add_text("forms", " ".join(restoration_features(text)))
            self._writer.add_document(doc)
            n += 1
        self.changed += 1
        return n

    def remove(self, source: str) -> None:
        """Drop every chunk of ``source``."""
        self._writer.delete_documents_by_term("source", source)
        self.changed += 1

    def clear(self) -> None:
        """Drop every chunk (a rebuild)."""
        self._writer.delete_all_documents()
        self.changed += 1


class LexicalIndex:
    """BM25 over live chunks; ``search`` returns ``(chunk_id, score)`` best first.

    ``path=None`` keeps the index in memory (tests, doctests).

    >>> idx = LexicalIndex()
    >>> with idx.update() as batch:
    ...     batch.replace("/a.txt", "v1", [("c1", "Hà Nội tăng trưởng 7,5%", {})])
    1
    >>> idx.search("ha noi tang truong", 5, folded=True)[0][0]
    'c1'
    >>> idx.versions()
    {'/a.txt': 'v1'}
    """

    def __init__(self, path: Path | None = None, *, bigrams: bool = True, lock_timeout: float = 120.0) -> None:
        self.path = Path(path) if path is not None else None
        self.bigrams = bigrams
        self.lock_timeout = lock_timeout
        self._index: Any = None
        self._schema: Any = None
        self._lock = threading.RLock()

    # -- opening ------------------------------------------------------------------
    @property
    def directory(self) -> Path | None:
        """Where this index's files are (one directory per format and bigram setting)."""
        if self.path is None:
            return None
        return self.path / f"tantivy-v{FORMAT_VERSION}-{'bigrams' if self.bigrams else 'unigrams'}"

    def _open(self) -> Any:
        with self._lock:
            if self._index is not None:
                return self._index
            tv = _tantivy()
            sb = tv.SchemaBuilder()
            sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
            sb.add_text_field("source", tokenizer_name="raw", index_option="basic")
            sb.add_text_field("version", tokenizer_name="raw", index_option="basic")
            sb.add_integer_field("date_num", indexed=True, fast=True)
            sb.add_text_field("acc", tokenizer_name=_TOKENIZER, index_option="freq")
            sb.add_text_field("fold", tokenizer_name=_TOKENIZER, index_option="freq")
            sb.add_text_field("forms", tokenizer_name=_TOKENIZER, index_option="basic")
            schema = sb.build()
            directory = self.directory
            if directory is None:
                index = tv.Index(schema)
            else:
                directory.mkdir(parents=True, exist_ok=True)
                index = tv.Index(schema, path=str(directory))
                legacy = self.path / LEGACY_FILE
                if legacy.exists():
                    log.info("lexical index: the bm25s file %s is replaced by %s", legacy, directory)
                    legacy.unlink(missing_ok=True)
            index.register_tokenizer(_TOKENIZER, tv.TextAnalyzerBuilder(tv.Tokenizer.whitespace()).build())
            self._schema, self._index = schema, index
            return index

    def reload(self) -> None:
        """See the commits made since (by this or another process)."""
        self._open().reload()

    # -- writing ------------------------------------------------------------------
    @contextlib.contextmanager
    def update(self, *, timeout: float | None = None) -> Iterator[LexicalUpdate]:
        """Hold the index's writer lock and commit the block's changes at its end
        (nothing, if the block raises). ``timeout`` (seconds; default
        ``lock_timeout``) bounds the wait for another process's writer:
        :class:`vectorstore.locking.LockTimeout` after it."""
        index = self._open()
        timeout = self.lock_timeout if timeout is None else timeout
        if not self._lock.acquire(timeout=timeout):
            raise LockTimeout(self.path or Path("lexical"), " (another thread)")
        try:
            held = contextlib.nullcontext() if self.path is None else file_lock(self.path / "write.lock", timeout)
            with held:
                writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
                batch = LexicalUpdate(self, writer)
                try:
                    yield batch
                except BaseException:
                    writer.rollback()
                    writer.wait_merging_threads()  # lets go of tantivy's own lock now
                    raise
                if batch.changed:
                    writer.commit()
                writer.wait_merging_threads()  # merges end before the lock is let go
                index.reload()
        finally:
            self._lock.release()

    # -- reading ------------------------------------------------------------------
    def versions(self) -> dict[str, str]:
        """``{source: doc_hash}`` of every source the index holds chunks of."""
        tv = _tantivy()
        searcher = self._open().searcher()
        terms = searcher.terms_with_prefix("version", "", filter_query=tv.Query.all_query())
        out = {}
        for term, count in terms:
            if count:
                source, _, doc_hash = term.rpartition("\n")
                out[source] = doc_hash
        return out

    def __len__(self) -> int:
        return self._open().searcher().num_docs

    def restore(self, query: str) -> str:
        """``query`` typed without diacritics, with the corpus's most likely marks.

        >>> idx = LexicalIndex()
        >>> with idx.update() as batch:
        ...     batch.replace("/a.txt", "v1", [("c1", "Hà Nội tăng trưởng 7,5%", {})])
        1
        >>> idx.restore("ha noi tang truong bao nhieu")
        'hà nội tăng trưởng bao nhieu'
        """
        tv = _tantivy()
        searcher = self._open().searcher()
        if not searcher.num_docs:
            return query
        # a form's count is of live chunks only (a deleted chunk lingers in the index until
        # its segment is merged); a pair's is tantivy's document frequency, which may still
        # count deleted chunks, but only pairs of live forms are looked up (and it is 100x cheaper)
        live = tv.Query.all_query()
        toks = [fold_diacritics(t) for t in tokenize(query)]
        unigrams: dict[str, dict[str, int]] = {}
        for folded in toks:
            if folded not in unigrams:
                found = searcher.terms_with_prefix("forms", f"{folded}=", filter_query=live, limit=6)
                unigrams[folded] = {t.partition("=")[2]: n for t, n in found if n}
        pairs: dict[tuple[str, str], int] = {}
        for a, b in zip(toks, toks[1:], strict=False):
            for fa in unigrams.get(a, {}):
                for fb in unigrams.get(b, {}):
                    if (fa, fb) not in pairs:
                        pairs[(fa, fb)] = searcher.doc_freq("forms", f"{fa}+{fb}")
        return restore_diacritics(query, unigrams, pairs)

    def search(
        self,
        query: str,
        k: int,
        *,
        folded: bool,
        sources: list[str] | None = None,
        date_from: int = 0,
        date_to: int = 0,
    ) -> list[tuple[str, float]]:
        """Top ``k`` chunk ids for ``query`` on the accented or folded side, among
        the chunks of ``sources`` (all when None) whose ``date_num`` is within
        ``date_from``..``date_to`` (0: unbounded)."""
        tokens = lexical_features(query, folded=folded, bigrams=self.bigrams)
        if not tokens or k <= 0:
            return []
        tv = _tantivy()
        searcher = self._open().searcher()
        if not searcher.num_docs:
            return []
        field = "fold" if folded else "acc"
        schema = self._schema
        q = tv.Query.boolean_query([(tv.Occur.Should, tv.Query.term_query(schema, field, t)) for t in tokens])
        filters = []
        if sources:
            filters.append(tv.Query.term_set_query(schema, "source", list(sources)))
        if date_from or date_to:
            filters.append(
                tv.Query.range_query(
                    schema, "date_num", tv.FieldType.Integer, lower_bound=date_from or None, upper_bound=date_to or None
                )
            )
        if filters:
            q = tv.Query.boolean_query(
                [(tv.Occur.Must, q)] + [(tv.Occur.Must, tv.Query.const_score_query(f, 0.0)) for f in filters]
            )
        hits = searcher.search(q, limit=k, count=False).hits
        return [(searcher.doc(addr)["id"][0], float(score)) for score, addr in hits if score > 0]
