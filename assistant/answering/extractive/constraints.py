"""How well a sentence keeps the question's years, numbers, codes and names.

Functions over the :class:`~assistant.answering.extractive.scorer.SentenceScorer`
(``sc``): :func:`constraint_factor` for a Vietnamese question, and
:func:`anchor_share` for a foreign one, whose words cannot match but whose names
and numbers ("OECD", "143") can.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.answering.extractive.units import Unit, cached_tokens
from assistant.answering.question_cues import ROMAN_RE, YEAR_RE, fold

if TYPE_CHECKING:
    from assistant.answering.extractive.scorer import SentenceScorer

__all__ = ["anchor_share", "constraint_factor"]


def constraint_factor(sc: SentenceScorer, u: Unit) -> float:
    """How well the unit keeps the question's years, numbers and names.

    A year, number or name of the question should be in the sentence or
    just before it; found only elsewhere in the passage or article costs a
    little, missing from every passage costs much. A sentence about
    another year ("2023" for a question about 2022) or another congress
    ("XIV" for "XVIII") costs most. A sentence that names no year is about
    the last year named before it, in its passage or its article
    (``Passage.period``): "GRDP bình quân đầu người ước đạt 150 triệu
    đồng" after "năm 2023, ..." does not answer a question about 2024.
    """
    q = sc.q
    i = u.passage_index
    passage = sc.passages[i]
    factor = 1.0
    unit_text = " " + " ".join(u.folded_seq) + " "
    near = sc.near_folded(u)
    article = sc.article_folded[passage.source]

    def where(words: str) -> str:
        if f" {words} " in unit_text or f" {words} " in near:
            return "here"
        if f" {words} " in sc.folded_text[i] or f" {words} " in article:
            return "article"
        return "elsewhere" if f" {words} " in sc.all_folded else "nowhere"

    unit_years = set(YEAR_RE.findall(u.text))
    ctx_years = sc.context_years(u) if q.years and not unit_years else frozenset()
    for y in q.years:
        if y in unit_years:
            continue
        if unit_years:
            factor *= 0.45  # the sentence is about another year
        elif y in ctx_years:
            factor *= 0.95
        elif ctx_years:
            factor *= 0.45  # the text around is about another year
        else:
            factor *= 0.85 if where(y) in ("here", "article") else 0.7
    unit_romans = set(ROMAN_RE.findall(u.text))
    for r in q.romans:
        if r not in unit_romans:
            factor *= 0.5 if unit_romans else 0.85  # "Đại hội XIV" is not "Đại hội XVIII"
    for n in q.numbers:
        factor *= {"here": 1.0, "article": 0.9, "elsewhere": 0.85, "nowhere": 0.6}[where(n)]
    for code in q.codes:
        # "Nghị quyết 09-NQ/TU ... ngày nào?": an article that never names the document
        # is not about it (a code, unlike a name, is never left implicit)
        words = " ".join(fold(t) for t in cached_tokens(code))
        factor *= {"here": 1.0, "article": 0.9, "elsewhere": 0.6, "nowhere": 0.45}[where(words)]
    name_factor = 1.0
    for name in q.names:
        words = " ".join(fold(t) for t in cached_tokens(name))
        if words:
            name_factor *= {"here": 1.0, "article": 0.97, "elsewhere": 0.9, "nowhere": 0.45}[
                where(words)
            ]
    if (
        q.focus_phrase
        and f" {q.focus_phrase} " not in unit_text
        # "năm 2030" asked, "nhiệm kỳ 2025-2030" written: the year asked is there
        and not (sc.focus_years and sc.focus_years <= unit_years)
        # "còn năm 2024?": a sentence that names no year, about 2024 by its context
        and not (sc.focus_years and not unit_years and sc.focus_years <= sc.context_years(u))
    ):
        factor *= 0.9 if f" {q.focus_phrase} " in near else 0.7
    return factor * max(name_factor, 0.3)


def anchor_share(sc: SentenceScorer, u: Unit) -> float:
    """Share of an English question's names and numbers ("OECD", "1") found near the unit."""
    anchors = [" ".join(fold(t) for t in cached_tokens(x)) for x in (*sc.q.names, *sc.q.numbers)]
    anchors = [a for a in anchors if a]
    if not anchors:
        return 0.0
    text = " " + " ".join(u.folded_seq) + " " + sc.near(u).folded_text + " "
    return sum(f" {a} " in text for a in anchors) / len(anchors)
