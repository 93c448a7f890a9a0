"""The whole document behind a citation, opened at the cited passage, as escaped HTML.

A source card's "Đọc toàn văn" button sends back the card's source key, the passage's
offsets in its article and the quote's offsets in the passage. Only a source that is in
the index now is read (never an arbitrary path the page sends); the file is read again
with the ingest pipeline, whose article text the chunk offsets point into, so the
passage is found at ``text[start:end]`` (or, when the file changed since, by its text).
For a PDF, the page holding the quote is named.

Example:
    >>> "không còn trong kho" in render_document_html(None, "/x.txt", {}, 0, 0, "")
    True
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from webapp.sources_panel import highlight_passage

if TYPE_CHECKING:
    from assistant.core import Source

log = logging.getLogger(__name__)


def _notice(text: str) -> str:
    return f'<div class="doc-view"><div class="src-warning">{html.escape(text)}</div></div>'


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text)).lower()


def pdf_page_of(path: Path, quote: str) -> int | None:
    """The 1-based page of the PDF at ``path`` whose text holds ``quote`` (spaces ignored)."""
    needle = _squash(quote)[:60]
    if not needle:
        return None
    try:
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        for number, page in enumerate(reader.pages, start=1):
            if needle in _squash(page.extract_text() or ""):
                return number
    except Exception as e:  # a damaged PDF: the page is simply not named
        log.info("no page for a quote in %s: %s", path, e)
    return None


def _int(value: Any, default: int = -1) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def render_document_html(
    source_info: Source | None,
    source: str,
    offsets: dict[str, Any],
    start: Any,
    end: Any,
    passage_text: str,
    *,
    why: str = "",
) -> str:
    """The article of an indexed ``source`` with the passage ``[start, end)`` marked.

    ``source_info`` is the index's record of the source (None: not indexed, nothing is
    read); ``offsets`` holds ``qs``/``qe`` (quote) and ``ss``/``se`` (answer span),
    relative to the passage; ``passage_text`` finds the passage when the offsets no
    longer fit the file.
    """
    if source_info is None:
        return _notice(why or "Tài liệu này không còn trong kho (có thể đã bị xoá).")
    from ingest.errors import IngestError
    from ingest.pipeline import load_article

    try:
        text = load_article(source).page_content
    except (IngestError, OSError) as e:
        log.info("cannot open %s: %s", source, e)
        return _notice("Không mở được tệp gốc của tài liệu này (tệp đã bị chuyển hoặc hỏng).")
    note = ""
    start, end = _int(start), _int(end)
    fits = 0 <= start < end <= len(text) and (not passage_text or text[start:end] == passage_text)
    if not fits:
        at = text.find(passage_text) if passage_text else -1
        if at >= 0:
            start, end = at, at + len(passage_text)
        else:
            start = end = -1
            note = "Tệp đã thay đổi từ khi trả lời: không tìm thấy lại đoạn trích."
    head = ""
    body: str
    if 0 <= start < end <= len(text):
        passage = text[start:end]
        quote = (_int(offsets.get("qs")), _int(offsets.get("qe")))
        span = (_int(offsets.get("ss")), _int(offsets.get("se")))
        marked = highlight_passage(passage, quote, span)
        body = (
            html.escape(text[:start])
            + f'<span class="doc-passage" id="doc-cited">{marked}</span>'
            + html.escape(text[end:])
        )
        if Path(source).suffix.lower() == ".pdf":
            q0, q1 = quote
            cited = passage[q0:q1] if 0 <= q0 < q1 <= len(passage) else passage
            page = pdf_page_of(Path(source), cited)
            head = (
                f"Đoạn trích ở trang {page} của tệp PDF."
                if page
                else "Không xác định được trang của đoạn trích trong tệp PDF."
            )
    else:
        body = html.escape(text)
    title = html.escape(source_info.title or source_info.file_name)
    meta = " · ".join(html.escape(p) for p in (source_info.outlet, source_info.date) if p)
    return (
        '<div class="doc-view">'
        f'<h3 class="doc-title">{title}</h3>'
        + (f'<div class="src-meta">{meta}</div>' if meta else "")
        + (f'<div class="src-notice doc-page">{html.escape(head)}</div>' if head else "")
        + (f'<div class="src-warning">{html.escape(note)}</div>' if note else "")
        + f'<div class="doc-text">{body}</div></div>'
    )
