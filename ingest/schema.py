"""The one document type that flows ingest → vectorstore → assistant.

Every stage passes LangChain ``Document`` objects. An *article* Document holds
the cleaned text of one file; a *chunk* Document holds one passage of it. Their
metadata use only these keys (Chroma metadata values must be str/int/float/bool,
so absent values are ``""``, never ``None``):

article and chunk:
    source      resolved absolute path of the file (the key for update/delete)
    file_name   base name of the file, for display
    title       article title ("" when none could be found)
    outlet      publisher, e.g. "KTĐT", "TTXVN" ("" when unknown)
    date        ISO date "YYYY-MM-DD", or "YYYY-MM" / "YYYY" when partial; "" unknown
    doc_hash    sha256 of the cleaned article text (change detection)
chunk only:
    chunk_id    content-derived id, see :func:`make_chunk_id`
    chunk_index 0-based position of the chunk in the article
    start, end  character offsets of the chunk in the cleaned article text
    section     the heading the chunk falls under ("" when none), indexed with it
    period      the year the article is about where the chunk starts: the last
                one named before it, else the last year range ("2023",
                "2021-2025"; "" when none); a sentence of the chunk that names
                no year is most likely about it
"""

from __future__ import annotations

import hashlib

SOURCE = "source"
FILE_NAME = "file_name"
TITLE = "title"
OUTLET = "outlet"
DATE = "date"
DOC_HASH = "doc_hash"
CHUNK_ID = "chunk_id"
CHUNK_INDEX = "chunk_index"
START = "start"
END = "end"
SECTION = "section"
PERIOD = "period"

ARTICLE_KEYS = (SOURCE, FILE_NAME, TITLE, OUTLET, DATE, DOC_HASH)
CHUNK_KEYS = ARTICLE_KEYS + (CHUNK_ID, CHUNK_INDEX, START, END, SECTION, PERIOD)


def content_hash(text: str) -> str:
    """sha256 hex digest of ``text`` (UTF-8).

    >>> content_hash("Hà Nội")[:12]
    '6ac69af836de'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_chunk_id(source: str, chunk_index: int, text: str, doc_hash: str = "") -> str:
    """Deterministic id of a chunk: the same file and text give the same id.

    Including the source keeps identical passages of two files apart; including
    the position keeps a passage repeated inside one article apart; including
    the article's ``doc_hash`` gives every version of an article its own ids,
    so a new version can be written beside the old one and switched atomically.
    """
    return content_hash(f"{source}\x00{doc_hash}\x00{chunk_index}\x00{text}")[:32]
