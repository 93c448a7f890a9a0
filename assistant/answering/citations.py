"""Inline citation markers ``[n]``: numbering, checking and building ``Citation`` objects.

Shared by both answerers. The extractive answerer numbers the passages it
quotes with :class:`CitationNumbering`; the LLM answerer passes the model's
text through :class:`MarkerRewriter` (also while streaming) so that a marker
pointing at no passage disappears and the kept ones are renumbered 1..m in
order of first use, then :func:`check_answer` builds the citations and flags
refusals and ungrounded answers.

Example:
    >>> rewrite_markers("Tăng 6,11% [3]. Theo [9] và [3][1].", n_passages=3)
    ('Tăng 6,11% [1]. Theo và [1] [2].', [2, 0])
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.answering.base import NOT_FOUND_VI
from assistant.types import Citation, Passage
from textvi import fold_diacritics, nfc, split_sentences, tokenize

#: ``[3]``, ``[1, 2]``, ``[1-3]``, with the blanks before it (not line breaks).
MARKER_RE = re.compile(r"[ \t]*\[(\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*)\]")
# An opening bracket that may still become a marker when more text arrives.
_OPEN_MARKER_RE = re.compile(r"[ \t]*\[[\d ,;–-]{0,12}$")
_MAX_RANGE = 20


def _marker_numbers(body: str) -> list[int]:
    """The passage numbers of one marker body: "1, 2" → [1, 2]; "2-4" → [2, 3, 4]."""
    numbers: list[int] = []
    for part in re.split(r"\s*[,;]\s*", body.strip()):
        m = re.fullmatch(r"(\d+)\s*[–-]\s*(\d+)", part)
        if m:
            lo, hi = int(m.group(1)), int(m.group(2))
            if lo <= hi and hi - lo <= _MAX_RANGE:
                numbers.extend(range(lo, hi + 1))
        elif part.isdigit():
            numbers.append(int(part))
    return numbers


def rewrite_markers(text: str, n_passages: int) -> tuple[str, list[int]]:
    """Drop markers that point at no passage, renumber the rest by first use.

    Returns the new text and the 0-based indexes of the cited passages, in the
    order of their new numbers (``[1]`` → first element).

    >>> rewrite_markers("A [2]. B [7]. C [2, 1].", n_passages=2)
    ('A [1]. B. C [1] [2].', [1, 0])
    """
    order: list[int] = []
    new_number: dict[int, int] = {}

    def replace(m: re.Match[str]) -> str:
        kept: list[str] = []
        for k in _marker_numbers(m.group(1)):
            if not 1 <= k <= n_passages:
                continue
            if k not in new_number:
                new_number[k] = len(order) + 1
                order.append(k - 1)
            mark = f"[{new_number[k]}]"
            if mark not in kept:
                kept.append(mark)
        return " " + " ".join(kept) if kept else ""

    return MARKER_RE.sub(replace, text), order


def marker_numbers(text: str) -> list[int]:
    """Every number cited in ``text``, in order ("A [1]. B [2, 1]" → [1, 2, 1])."""
    return [k for m in MARKER_RE.finditer(text) for k in _marker_numbers(m.group(1))]


def strip_markers(text: str) -> str:
    """``text`` without any ``[n]`` marker."""
    return MARKER_RE.sub("", text)


class MarkerRewriter:
    """:func:`rewrite_markers` applied to a stream of text pieces.

    Text that may still turn into a marker (an open ``[1`` or trailing blanks)
    is held back until the next piece decides, so the concatenated output
    equals ``rewrite_markers`` of the whole text.

    >>> r = MarkerRewriter(n_passages=1)
    >>> "".join([r.feed("Tăng 6,11% "), r.feed("[1"), r.feed("]. Hết [4]"), r.finish()])
    'Tăng 6,11% [1]. Hết'
    """

    def __init__(self, n_passages: int) -> None:
        self.n_passages = n_passages
        self.raw = ""
        self._out = ""

    def _emit(self, upto: int) -> str:
        clean, _ = rewrite_markers(self.raw[:upto], self.n_passages)
        if not clean.startswith(self._out):  # pragma: no cover - rewrite is prefix-stable
            return ""
        delta, self._out = clean[len(self._out) :], clean
        return delta

    def feed(self, piece: str) -> str:
        """Add ``piece``; return the text that is now certain."""
        self.raw += piece
        safe = len(self.raw)
        m = _OPEN_MARKER_RE.search(self.raw)
        if m:
            safe = m.start()
        else:
            safe = len(self.raw.rstrip(" \t"))
        return self._emit(safe)

    def finish(self) -> str:
        """The rest of the text, once the stream has ended."""
        return self._emit(len(self.raw))

    @property
    def text(self) -> str:
        """The whole rewritten text (after :meth:`finish`)."""
        return rewrite_markers(self.raw, self.n_passages)[0]


def is_refusal(text: str) -> bool:
    """True when ``text`` says the documents do not contain the answer.

    >>> is_refusal("Tôi không tìm thấy thông tin này trong các tài liệu đã nạp.")
    True
    >>> is_refusal("Kinh tế tăng 6,11% [1].")
    False
    """
    folded = " ".join(fold_diacritics(nfc(strip_markers(text))).lower().split())
    return " ".join(fold_diacritics(NOT_FOUND_VI).lower().rstrip(".").split()) in folded


def _syllables(text: str) -> set[str]:
    return {fold_diacritics(t) for t in tokenize(text)}


def supporting_sentence(claim: str, passage: Passage) -> tuple[int, int]:
    """Offsets in ``passage.text`` of the sentence sharing most words with ``claim``.

    >>> p = Passage(text="Mở đầu. Năm 2023 tăng 6,11%. Kết thúc.", source="s", title="",
    ...             score=1, chunk_id="c")
    >>> s, e = supporting_sentence("Kinh tế năm 2023 tăng 6,11%", p)
    >>> p.text[s:e]
    'Năm 2023 tăng 6,11%.'
    """
    spans = split_sentences(passage.text)
    if not spans:
        return 0, len(passage.text)
    words = _syllables(claim)
    best, best_score = spans[0], -1.0
    for s, e in spans:
        sent = _syllables(passage.text[s:e])
        score = len(words & sent) / (1 + 0.02 * len(sent))
        if score > best_score:
            best, best_score = (s, e), score
    return best


@dataclass
class CitationNumbering:
    """Numbers passages 1..m in order of first use and collects their citations.

    >>> p = Passage(text="Câu một. Câu hai. Câu ba.", source="s", title="", score=1,
    ...             chunk_id="c")
    >>> cn = CitationNumbering()
    >>> cn.cite(p, 0, 8), cn.cite(p, 18, 25)
    (1, 1)
    >>> [(c.index, c.quote) for c in cn.citations]
    [(1, 'Câu một.')]
    """

    citations: list[Citation] = field(default_factory=list)
    _by_key: dict[str, int] = field(default_factory=dict)

    @staticmethod
    def _key(passage: Passage) -> str:
        return passage.chunk_id or f"{passage.source}\x00{passage.start}\x00{passage.text[:64]}"

    def cite(
        self,
        passage: Passage,
        quote_start: int = -1,
        quote_end: int = -1,
        *,
        span: tuple[int, int] | None = None,
    ) -> int:
        """The marker number of ``passage`` (a new one on first use).

        The first quote given for a passage becomes its citation's quote; a
        later quote that directly follows it (a list continued in the next
        sentence) extends it.
        """
        key = self._key(passage)
        if key in self._by_key:
            n = self._by_key[key]
            old = self.citations[n - 1]
            if span is not None and old.span_start < 0:
                old = _replace(old, span_start=span[0], span_end=span[1])
            gap = (
                passage.text[old.quote_end : quote_start]
                if quote_start >= old.quote_end >= 0
                else None
            )
            if gap is not None and not gap.strip():
                old = _replace(
                    old, quote=passage.text[old.quote_start : quote_end], quote_end=quote_end
                )
            self.citations[n - 1] = old
            return n
        n = len(self.citations) + 1
        self._by_key[key] = n
        quote = passage.text[quote_start:quote_end] if 0 <= quote_start < quote_end else ""
        s0, s1 = span if span is not None else (-1, -1)
        self.citations.append(
            Citation(
                index=n,
                passage=passage,
                quote=quote,
                quote_start=quote_start if quote else -1,
                quote_end=quote_end if quote else -1,
                span_start=s0,
                span_end=s1,
            )
        )
        return n


def _replace(c: Citation, **changes: object) -> Citation:
    from dataclasses import replace

    return replace(c, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class MarkerCheck:
    """The verdict on a generated answer's markers."""

    text: str
    citations: list[Citation]
    refused: bool
    grounded: bool
    cited_sentence_share: float


_CLAIM_SPLIT_RE = re.compile(r"(?<=[.!?…])\s+|\n+")


def check_answer(text: str, passages: Sequence[Passage]) -> MarkerCheck:
    """Clean a generated answer's markers and build its citations.

    * a marker pointing at no passage is removed; the rest are renumbered 1..m;
    * an answer containing the not-found sentence is a refusal (no citations);
    * an answer with no valid citation that is not a refusal is not grounded.

    Each citation's quote is the sentence of its passage that shares most words
    with the answer sentences citing it.

    >>> p = Passage(text="Năm 2023 kinh tế tăng 6,11%.", source="s", title="", score=1,
    ...             chunk_id="c")
    >>> v = check_answer("Kinh tế tăng 6,11% [2][1].", [p])
    >>> v.text, v.grounded, v.citations[0].quote
    ('Kinh tế tăng 6,11% [1].', True, 'Năm 2023 kinh tế tăng 6,11%.')
    """
    clean, order = rewrite_markers(nfc(text), len(passages))
    clean = clean.strip()
    if is_refusal(clean):
        return MarkerCheck(strip_markers(clean).strip(), [], True, True, 0.0)
    claims: dict[int, list[str]] = {}
    sentences = [s for s in _CLAIM_SPLIT_RE.split(clean) if s.strip()]
    cited = 0
    for sentence in sentences:
        numbers = marker_numbers(sentence)
        cited += bool(numbers)
        for n in numbers:
            claims.setdefault(n, []).append(strip_markers(sentence))
    citations = []
    for n, idx in enumerate(order, 1):
        passage = passages[idx]
        start, end = supporting_sentence(" ".join(claims.get(n, [])), passage)
        citations.append(
            Citation(
                index=n,
                passage=passage,
                quote=passage.text[start:end],
                quote_start=start,
                quote_end=end,
            )
        )
    share = cited / len(sentences) if sentences else 0.0
    return MarkerCheck(clean, citations, False, bool(citations), share)
