"""Keeping the lexical index in line with the store's live sources.

A search first calls :meth:`LexicalSyncMixin.sync_lexical`: it picks up other processes'
commits and indexes from the stored chunks whatever source the lexical index lacks (a write cut
off between the store and the index, a data directory built before the index).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ingest import schema
from vectorstore.chunk_fields import indexed_text
from vectorstore.lexical import LexicalUpdate
from vectorstore.locking import LockTimeout

if TYPE_CHECKING:
    from vectorstore.lexical import LexicalIndex
    from vectorstore.store import VectorStore

log = logging.getLogger(__name__)

#: sources read from the store per request when the lexical index catches up
CATCH_UP_SOURCES = 100


class LexicalSyncMixin:
    """Catching the lexical index up (part of :class:`~vectorstore.index.DocumentIndex`)."""

    store: VectorStore
    lexical: LexicalIndex
    _lexical_fingerprint: str | None
    manifest: Callable[[], dict[str, dict[str, Any]]]
    fingerprint: Callable[..., str]
    _is_live: Callable[[dict[str, Any], dict[str, dict[str, Any]]], bool]

    def sync_lexical(self, *, wait: bool = False) -> None:
        """Bring the lexical index in line with the live sources (cheap when it is).

        Once per change of the manifest: see other processes' commits, then index
        the sources the lexical index lacks or holds another version of, and drop
        those no longer live. That catching up never waits for another process's
        writer unless ``wait``: the search goes on with the index as it is, and the
        next one tries again.
        """
        manifest = self.manifest()
        fp = self.fingerprint(manifest)
        if fp == self._lexical_fingerprint:
            return
        self.lexical.reload()
        if _version_diff(self.lexical.versions(), manifest) != ([], []):
            try:
                with self.lexical.update(timeout=None if wait else 0.0) as lex:
                    self._catch_up_lexical(lex)
            except LockTimeout:
                log.info("lexical index: another process is writing it; catching up later")
                return
        self._lexical_fingerprint = fp

    def _catch_up_lexical(self, lex: LexicalUpdate) -> None:
        """Index what the store has live and the lexical index lacks (its writer held)."""
        manifest = self.store.manifest()  # fresh: a writer may have moved on
        self.lexical.reload()
        missing, stale = _version_diff(self.lexical.versions(), manifest)
        for source in stale:
            lex.remove(source)
        chunks = 0
        for start in range(0, len(missing), CATCH_UP_SOURCES):
            group = missing[start : start + CATCH_UP_SOURCES]
            by_source: dict[str, list[tuple[str, str, dict[str, Any]]]] = {s: [] for s in group}
            for c in self.store.get(where={"source": {"$in": group}}):
                if self._is_live(c.metadata, manifest):
                    by_source[c.metadata["source"]].append((c.id, indexed_text(c.text, c.metadata), c.metadata))
            for source, items in by_source.items():
                items.sort(key=lambda item: item[2].get(schema.CHUNK_INDEX, 0))
                chunks += lex.replace(source, manifest[source]["doc_hash"], items)
        log.info(
            "lexical index caught up with the store: %d sources indexed (%d chunks), %d dropped",
            len(missing), chunks, len(stale),
        )


def _version_diff(
    indexed: dict[str, str], manifest: dict[str, dict[str, Any]]
) -> tuple[list[str], list[str]]:
    """Sources to (re)index and sources to drop, for the lexical index to match ``manifest``.

    >>> _version_diff({"/a": "1", "/b": "1"}, {"/a": {"doc_hash": "2"}, "/c": {"doc_hash": "1"}})
    (['/a', '/c'], ['/b'])
    """
    live = {s: r.get("doc_hash", "") for s, r in manifest.items() if r.get("doc_hash")}
    missing = sorted(s for s, h in live.items() if indexed.get(s) != h)
    stale = sorted(s for s in indexed if s not in live)
    return missing, stale
