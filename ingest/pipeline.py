"""Paths → files → article Documents: the entry points of the ingest layer.

:func:`discover_files` expands files and directories into the supported files
they hold; :func:`load_article` turns one file into an article Document
(cleaned text, metadata per :mod:`ingest.schema`); :func:`load_articles` does
both for a batch, skipping and reporting the files that fail. Chunking is the
next stage (:mod:`ingest.chunking`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path

from langchain_core.documents import Document

from ingest import schema
from ingest.clean import SIDECAR_NAME, clean_article, extract_metadata
from ingest.errors import IngestError
from ingest.loaders import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, load_file
from textvi import nfc

log = logging.getLogger(__name__)

__all__ = ["discover_files", "load_article", "load_articles"]


def discover_files(paths: Iterable[str | Path]) -> tuple[list[Path], dict[str, str]]:
    """Supported files under ``paths`` (files or directories, recursively).

    Returns the files (each once, in a stable order: the given order, then
    sorted names within a directory) and the failures, path → reason
    ("path does not exist", "unsupported file type: .docx", ...). Inside
    directories, hidden files and directories (".git", ".cache"), the sidecar
    ``metadata.json`` and unsupported suffixes are skipped silently; suffixes
    match case-insensitively (".TXT"). Symbolic links are followed, but a
    directory already visited (a link loop) is not entered again. A file
    named explicitly is taken even if hidden.

    >>> files, failed = discover_files(["data/articles", "missing.txt"])  # doctest: +SKIP
    >>> len(files), failed  # doctest: +SKIP
    (5, {'missing.txt': 'path does not exist'})
    """
    files: list[Path] = []
    failed: dict[str, str] = {}
    seen_files: set[Path] = set()
    seen_dirs: set[Path] = set()

    def add(path: Path) -> None:
        resolved = path.resolve()
        if resolved not in seen_files:
            seen_files.add(resolved)
            files.append(path)

    def walk(directory: Path) -> None:
        resolved = directory.resolve()
        if resolved in seen_dirs:
            log.debug("skipping %s: already visited (symlink loop?)", directory)
            return
        seen_dirs.add(resolved)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as e:
            failed[str(directory)] = f"cannot read directory: {e.strerror or e}"
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            child = Path(entry.path)
            try:
                is_dir = entry.is_dir()  # follows symlinks
                is_file = entry.is_file()
            except OSError as e:
                failed[str(child)] = f"cannot read: {e.strerror or e}"
                continue
            if is_dir:
                walk(child)
            elif is_file:
                if child.name != SIDECAR_NAME and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    add(child)
            elif entry.is_symlink():
                failed[str(child)] = "broken symbolic link"

    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            walk(path)
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES and path.name != SIDECAR_NAME:
                add(path)
            else:
                failed[str(raw)] = f"unsupported file type: {path.suffix.lower() or '(none)'}"
        elif path.is_symlink():
            failed[str(raw)] = "broken symbolic link"
        else:
            failed[str(raw)] = "path does not exist"
    return files, failed


def load_article(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """One file → an article Document: cleaned NFC text and schema metadata.

    Metadata: ``source`` (resolved absolute path), ``file_name``, ``title``,
    ``outlet``, ``date`` (sidecar ``metadata.json`` first, then the file
    format's own metadata, then the text) and ``doc_hash`` of the cleaned
    text. Raises :class:`IngestError` when the file cannot be read or no
    article text is left after cleaning (an unexpected parser exception is
    logged with its traceback and raised as ``IngestError`` too, so a batch
    can skip the file).

    >>> doc = load_article("data/articles/003_bb8dc27ebd9d1b07.txt")  # doctest: +SKIP
    >>> doc.metadata["outlet"], doc.metadata["date"]  # doctest: +SKIP
    ('Ngày Nay', '2026-01-21')
    """
    path = Path(path)
    try:
        loaded = load_file(path, max_bytes)
        hints = {"title": loaded.title, "outlet": loaded.outlet, "date": loaded.date}
        meta = extract_metadata(loaded.text, path, hints=hints)
        cleaned = clean_article(loaded.text, title=meta["title"])
    except IngestError:
        raise
    except Exception as e:  # a parser bug on odd data must not stop a batch
        log.exception("unexpected error reading %s", path)
        raise IngestError(f"unexpected error: {type(e).__name__}: {e}") from e
    text = nfc(cleaned.text)
    if not text.strip():
        raise IngestError("no article text left after cleaning")
    metadata = {
        schema.SOURCE: str(path.resolve()),
        schema.FILE_NAME: path.name,
        schema.TITLE: meta.get("title", ""),
        schema.OUTLET: meta.get("outlet", ""),
        schema.DATE: meta.get("date", ""),
        schema.DOC_HASH: schema.content_hash(text),
    }
    return Document(page_content=text, metadata=metadata)


def load_articles(
    paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[Document], dict[str, str]]:
    """Discover and load every article under ``paths``; skip and report failures.

    Returns the article Documents and path → reason for every path that was
    missing, unsupported or unreadable (each also logged as a warning).

    >>> docs, failed = load_articles(["data/articles"])  # doctest: +SKIP
    >>> len(docs), failed  # doctest: +SKIP
    (5, {})
    """
    files, failed = discover_files(paths)
    docs: list[Document] = []
    for path in files:
        try:
            docs.append(load_article(path, max_bytes))
        except IngestError as e:
            failed[str(path)] = str(e)
    for where, reason in failed.items():
        log.warning("skipped %s: %s", where, reason)
    return docs, failed
