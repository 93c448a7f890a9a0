"""An article and its chunks as the ingest pipeline hands them to the index (for the tests).

Not a test module; ``test_index.py`` and ``test_lexical.py`` share it.
"""

from __future__ import annotations

from langchain_core.documents import Document

from ingest import schema


def article(source: str, texts: list[str], date: str = "") -> tuple[Document, list[Document]]:
    """The article ``source`` made of ``texts`` (one chunk each, with their offsets)."""
    full = "\n\n".join(texts)
    meta = {
        schema.SOURCE: source,
        schema.FILE_NAME: source.rsplit("/", 1)[-1],
        schema.TITLE: texts[0][:30],
        schema.OUTLET: "",
        schema.DATE: date,
        schema.DOC_HASH: schema.content_hash(full),
    }
    chunks, pos = [], 0
    for i, t in enumerate(texts):
        start = full.index(t, pos)
        chunks.append(
            Document(
                t,
                metadata={
                    **meta,
                    schema.CHUNK_INDEX: i,
                    schema.START: start,
                    schema.END: start + len(t),
                },
            )
        )
        pos = start + len(t)
    return Document(full, metadata=meta), chunks
