"""The ingest layer: files → cleaned article Documents → chunk Documents.

>>> from ingest import load_articles, ArticleChunker
>>> docs, failed = load_articles(["data/articles"])  # doctest: +SKIP
>>> chunks = ArticleChunker(chunk_size=600, overlap_sentences=1).split(docs)  # doctest: +SKIP
"""

from ingest.chunking import ArticleChunker, chunk_article
from ingest.clean import (
    CleanedArticle,
    clean_article,
    extract_metadata,
    is_chrome_line,
    read_sidecar,
)
from ingest.errors import IngestError
from ingest.loaders import (
    DEFAULT_MAX_BYTES,
    SUPPORTED_SUFFIXES,
    LoadedFile,
    decode_bytes,
    extract_html,
    extract_pdf,
    load_file,
    load_text,
)
from ingest.pipeline import discover_files, load_article, load_articles

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SUPPORTED_SUFFIXES",
    "ArticleChunker",
    "CleanedArticle",
    "IngestError",
    "LoadedFile",
    "chunk_article",
    "clean_article",
    "decode_bytes",
    "discover_files",
    "extract_html",
    "extract_metadata",
    "extract_pdf",
    "is_chrome_line",
    "load_article",
    "load_articles",
    "load_file",
    "load_text",
    "read_sidecar",
]
