"""The sources panel beside the chat: each answer's cited passages, highlighted, as HTML.

Every piece of text from a document goes through ``html.escape``. The panel holds
one ``<section class="src-turn" data-turn="i">`` per answer of the conversation
and shows one of them (``active``); the page's script switches sections when a
``[n]`` chip in an answer is clicked, without asking the server. Each card has
``data-n`` (its citation number) and the offsets the "read the whole document"
button sends back (see :mod:`webapp.document_view`).

Example:
    >>> from assistant.types import Answer
    >>> "Câu trả lời này không có trích dẫn" in render_sources_html(Answer(text="Có."))
    True
"""

from __future__ import annotations

import html
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from webapp.ui_format import file_name_of

if TYPE_CHECKING:
    from assistant.types import Answer, Citation, Passage

NO_SOURCES_HTML = (
    '<div class="src-empty">Nguồn trích dẫn sẽ hiện ở đây sau khi bạn đặt câu hỏi.</div>'
)
SEARCHING_SOURCES_HTML = '<div class="src-empty">Đang tìm nguồn trong tài liệu…</div>'
STOPPED_SOURCES_HTML = (
    '<div class="src-empty">Câu trả lời này đã dừng trước khi xong nên không có nguồn.</div>'
)


def _valid_range(start: int, end: int, length: int) -> tuple[int, int] | None:
    if 0 <= start < end <= length:
        return start, end
    return None


def highlight_passage(
    text: str,
    quote: tuple[int, int] | None = None,
    span: tuple[int, int] | None = None,
) -> str:
    """Passage text as escaped HTML, the supporting sentence and the answer marked.

    ``quote`` and ``span`` are ``(start, end)`` character offsets into ``text``;
    invalid ranges are ignored. The quote becomes ``<mark class="quote">`` and the
    direct-answer span, highlighted more strongly, ``<mark class="answer">``.

    >>> highlight_passage("Tăng 7,5% mỗi năm. Khác.", quote=(0, 18), span=(5, 9))
    '<mark class="quote">Tăng </mark><mark class="answer">7,5%</mark><mark class="quote"> mỗi năm.</mark> Khác.'
    """
    n = len(text)
    q = _valid_range(*quote, n) if quote else None
    s = _valid_range(*span, n) if span else None
    cuts = sorted({0, n, *(q or ()), *(s or ())})
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = html.escape(text[a:b], quote=True)
        if s and s[0] <= a and b <= s[1]:
            out.append(f'<mark class="answer">{piece}</mark>')
        elif q and q[0] <= a and b <= q[1]:
            out.append(f'<mark class="quote">{piece}</mark>')
        else:
            out.append(piece)
    return "".join(out)


def citation_ranges(
    citation: Citation,
) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """The quote and answer-span ranges of a citation inside its passage text.

    Falls back to finding ``citation.quote`` in the text when offsets are missing.
    """
    text = citation.passage.text
    quote = _valid_range(citation.quote_start, citation.quote_end, len(text))
    if quote is None and citation.quote:
        at = text.find(citation.quote)
        if at >= 0:
            quote = (at, at + len(citation.quote))
    span = _valid_range(citation.span_start, citation.span_end, len(text))
    return quote, span


def _meta_line(passage: Passage) -> str:
    parts = [passage.outlet, passage.date]
    return " · ".join(html.escape(p, quote=True) for p in parts if p)


def _open_button(
    passage: Passage, quote: tuple[int, int] | None, span: tuple[int, int] | None
) -> str:
    """The card's "read the whole document" button, with what the server needs to find the
    passage again (the source key is checked against the index before anything is read)."""
    attrs = {
        "data-source": passage.source,
        "data-start": passage.start,
        "data-end": passage.end,
        "data-qs": quote[0] if quote else -1,
        "data-qe": quote[1] if quote else -1,
        "data-ss": span[0] if span else -1,
        "data-se": span[1] if span else -1,
    }
    attr = " ".join(f'{k}="{html.escape(str(v), quote=True)}"' for k, v in attrs.items())
    return (
        f'<button type="button" class="src-open" {attr}>📄 Đọc toàn văn '
        "(mở tại đoạn trích, đọc tiếp)</button>"
    )


def _passage_card(
    number: str, passage: Passage, body_html: str, *, css: str, n: int = 0, button: str = ""
) -> str:
    title = html.escape(passage.title or file_name_of(passage.source), quote=True)
    meta = _meta_line(passage)
    return (
        f'<div class="{css}" data-n="{n}">'
        f'<div class="src-head"><span class="src-num">{number}</span> '
        f'<span class="src-title">{title}</span></div>'
        + (f'<div class="src-meta">{meta}</div>' if meta else "")
        + f'<div class="src-text">{body_html}</div>'
        + button
        + "</div>"
    )


def render_sources_html(answer: Answer, *, related_limit: int = 3) -> str:
    """The sources of one answer: each citation with its passage, highlighted.

    Abstentions show a notice and the closest passages under "Có thể liên quan";
    an ungrounded answer shows a warning.
    """
    parts: list[str] = ['<div class="src-panel">']
    if answer.abstained:
        parts.append(
            '<div class="src-notice">🔎 Không tìm thấy câu trả lời trong các tài liệu đã nạp.</div>'
        )
        related = list(answer.related)[:related_limit]
        if related:
            parts.append('<h4 class="src-heading">Có thể liên quan</h4>')
            for p in related:
                body = html.escape(p.text, quote=True)
                button = _open_button(p, None, None)
                parts.append(_passage_card("•", p, body, css="src-card related", button=button))
        parts.append("</div>")
        return "".join(parts)
    if not answer.grounded:
        parts.append(
            '<div class="src-warning">⚠️ Câu trả lời không dẫn được nguồn nào. '
            "Hãy kiểm tra lại với tài liệu gốc.</div>"
        )
    if answer.citations:
        parts.append('<h4 class="src-heading">Nguồn trích dẫn</h4>')
        for c in answer.citations:
            quote, span = citation_ranges(c)
            body = highlight_passage(c.passage.text, quote, span)
            button = _open_button(c.passage, quote, span)
            parts.append(
                _passage_card(
                    f"[{c.index}]", c.passage, body, css="src-card", n=c.index, button=button
                )
            )
    elif answer.grounded:
        parts.append('<div class="src-empty">Câu trả lời này không có trích dẫn.</div>')
    parts.append("</div>")
    return "".join(parts)


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_panel(
    turns: Sequence[dict[str, Any]],
    active: int | None = None,
    indexed: Collection[str] | None = None,
) -> str:
    """The whole panel for a conversation: one section per answer, ``active`` shown
    (the last one by default). With ``indexed`` (the sources in the index now), an
    answer citing a document deleted since says so.

    >>> render_panel([]) == NO_SOURCES_HTML
    True
    """
    if not turns:
        return NO_SOURCES_HTML
    shown = len(turns) - 1 if active is None else max(0, min(active, len(turns) - 1))
    parts = ['<div class="src-turns">']
    for i, t in enumerate(turns):
        css = "src-turn active" if i == shown else "src-turn"
        question = html.escape(_short(t.get("question", "")), quote=True)
        parts.append(
            f'<section class="{css}" data-turn="{i}">'
            f'<div class="src-which">Nguồn của câu trả lời {i + 1}/{len(turns)}: '
            f"<q>{question}</q></div>"
        )
        if indexed is not None:
            gone = [s for s in t.get("sources", []) if s not in indexed]
            if gone:
                titles = t.get("titles", {})
                names = ", ".join(
                    html.escape(titles.get(s) or file_name_of(s), quote=True) for s in gone
                )
                parts.append(
                    '<div class="src-warning src-deleted">🗑️ Tài liệu đã bị xoá khỏi kho sau '
                    f"khi trả lời: {names}. Câu trả lời này có thể không còn kiểm chứng được."
                    "</div>"
                )
        parts.append(t.get("sources_html") or NO_SOURCES_HTML)
        parts.append("</section>")
    parts.append("</div>")
    return "".join(parts)
