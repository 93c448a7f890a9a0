"""Where an answer span sits against the question's words in a sentence.

A span near the question's words most likely answers it; one far from them, past a
":", in another clause than a follow-up's new item, or beside another congress's
number may answer something else. Functions over the
:class:`~assistant.answering.extractive.scorer.SentenceScorer` (``sc``), for
:mod:`assistant.answering.extractive.answer_kind`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.answering.extractive.units import Unit, cached_tokens, word_spans
from assistant.answering.question import Term
from assistant.answering.question_cues import ROMAN_RE, YEAR_RE, fold

if TYPE_CHECKING:
    from assistant.answering.extractive.scorer import SentenceScorer

__all__ = [
    "anchor_offset",
    "best_counted",
    "in_focus_clause",
    "other_numbering",
    "near_share",
    "term_spans",
]


def term_spans(sc: SentenceScorer, t: Term, folded: str) -> list[tuple[int, int]]:
    """Where ``t`` stands as a whole word in ``folded`` (as ``(?<!\\w)t(?!\\w)`` finds it)."""
    if t.folded.isalnum():  # a whole run of word characters: look it up
        return word_spans(folded).get(t.folded, [])
    return [(m.start(), m.end()) for m in sc.term_re[t].finditer(folded)]


def anchor_offset(sc: SentenceScorer, u: Unit) -> int:
    """Offset in the unit after its densest run of question words (answers follow it)."""
    folded = fold(u.text)
    hits: list[tuple[int, str]] = []
    for t in sc.q.terms:
        if len(t.folded) < 2 or t.folded.isdigit():
            continue
        hits += [(e, t.folded) for _, e in term_spans(sc, t, folded)]
    if not hits:
        return 0
    hits.sort()
    # the window (50 characters before a hit) with the most different question words:
    # "Thành phố phía Tây" over "2 thành phố ... là: Thành phố"
    best, best_n = hits[0][0], 0
    lo = 0
    inside: dict[str, int] = {}
    for h, word in hits:
        inside[word] = inside.get(word, 0) + 1
        while hits[lo][0] < h - 50:
            gone = hits[lo][1]
            inside[gone] -= 1
            if not inside[gone]:
                del inside[gone]
            lo += 1
        if len(inside) > best_n:
            best, best_n = h, len(inside)
    return best


def other_numbering(sc: SentenceScorer, text: str, window: tuple[int, int]) -> bool:
    """Whether the words near an answer span (``window``, from
    :func:`~assistant.answering.extractive.span_finders.span_window`)
    name another congress or term than the question's.

    "Đại hội lần thứ XVIII diễn ra vào ngày nào?" is not answered by "ngày 23 và
    24/11/2023, Ban Chấp hành ... khóa XVII đã họp, ...: ... chuẩn bị Đại hội lần thứ
    XVIII": the date is the meeting of term XVII; XVIII is only named past the ":".
    """
    if not sc.q.romans:
        return False
    near = set(ROMAN_RE.findall(text[window[0] : window[1]]))
    return bool(near) and not near & sc.q.romans


def near_share(sc: SentenceScorer, u: Unit, window: tuple[int, int]) -> float:
    """Share of the unit's matched question words that sit near an answer span (in
    ``window``, from
    :func:`~assistant.answering.extractive.span_finders.span_window`).

    Near means on the same side of a ":" and within a few words: in "ngày 23 và
    24/11/2023, Ban Chấp hành ... cho ý kiến về 8 nội dung: ... Đại hội lần thứ XVIII
    ...", the date is not near "Đại hội XVIII".
    """
    folded = fold(u.text)
    near = total = 0.0
    lo, hi = window
    pairs: set[tuple[str, str]] = set()
    if sc.compounds:
        seq = [fold(t) for t in cached_tokens(u.text[lo:hi])]
        pairs = set(zip(seq, seq[1:], strict=False))
    for t, w in sc.weights.items():
        if len(t.folded) < 2:
            continue
        pos = [a for a, _ in term_spans(sc, t, folded)]
        if not pos:
            continue
        total += w * w  # squared: the rare words say what the question is about
        if t.folded in sc.compounds and not sc.compounds[t.folded] & pairs:
            continue  # "đầu" of "đầu người" is not near for "đầu tư" (compounds)
        if any(lo <= p <= hi for p in pos):
            near += w * w
    return near / total if total else 1.0


def in_focus_clause(sc: SentenceScorer, text: str, span: tuple[int, int]) -> bool:
    """Whether ``span`` is in the clause (between "," ";" ":") that names what a
    follow-up asks about now, when the text names it; True for other questions."""
    focus = sc.q.focus_phrase
    if not focus or YEAR_RE.fullmatch(focus.split()[-1]):
        return True  # a year asked is checked as a constraint
    at = re.search(rf"(?<!\w){re.escape(focus)}(?!\w)", fold(text))
    if not at:
        return True
    cuts = [0, *(m.end() for m in re.finditer(r"[,;:]\s", text)), len(text) + 1]
    clause = next((a, b) for a, b in zip(cuts, cuts[1:], strict=False) if a <= at.start() < b)
    return clause[0] <= span[0] < clause[1]


def best_counted(
    sc: SentenceScorer, text: str, spans: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Of several "<number> <noun>" spans, those followed by most question words.

    "111 xã đạt chuẩn NTM nâng cao và 20 xã đạt chuẩn NTM kiểu mẫu": for a
    question about "xã ... kiểu mẫu", the second one.
    """
    if len(spans) < 2:
        return spans
    folded = fold(text)
    weights = {t.folded: w for t, w in sc.weights.items()}

    def words_after(span: tuple[int, int]) -> float:
        nxt = [x for x in spans if x[0] > span[0]]
        stop = min([x[0] for x in nxt] + [span[1] + 40])
        return sum(weights.get(w, 0.0) for w in set(re.findall(r"\w+", folded[span[1] : stop])))

    best = max(words_after(sp) for sp in spans)
    return [sp for sp in spans if words_after(sp) == best]
