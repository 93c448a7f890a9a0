"""How well a sentence holds the kind of answer the question asks for, and where.

:func:`answer_kind` is the sentence scorer's type factor: a question about a date
is not answered by a sentence without one, nor one about a person by a sentence
naming none. It finds the spans of the kinds asked (with
:mod:`assistant.answering.extractive.span_finders`), keeps the one nearest the
question's words, and costs a little when that span sits far from them (it may
answer something else, :mod:`~assistant.answering.extractive.span_position`). The
span found is the direct answer.

Each kind has its reader, a function that records in a :class:`_Reading` of the unit
the factor and the span it found; the
:class:`~assistant.answering.extractive.scorer.SentenceScorer` (``sc``) holds what is
read once per question: its profile, its words' weights, the acts and titles it names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from assistant.answering.extractive.span_finders import (
    COUNT_UNITS,
    DATE_RE,
    DATED_ACT_RES,
    DOCUMENT_DATE_RE,
    EVENT_RE,
    MONEY_RE,
    ORDINAL_RE,
    PLACE_BEFORE_RE,
    RELATIVE_TIME_RE,
    YEAR_RANGE_RE,
    count_noun_spans,
    holds_title,
    joined,
    list_item,
    number_spans,
    organisations,
    span_window,
    with_unit,
)
from assistant.answering.extractive.span_position import (
    anchor_offset,
    best_counted,
    in_focus_clause,
    near_share,
    other_numbering,
)
from assistant.answering.extractive.units import Unit, cached_tokens, word_spans
from assistant.answering.question_cues import YEAR_RE, fold
from textvi import capitalised_runs, person_names

if TYPE_CHECKING:
    from assistant.answering.extractive.scorer import SentenceScorer

__all__ = ["ACT_MISSING_FACTOR", "ORGANISATION_FACTOR", "answer_kind"]

ORGANISATION_FACTOR = 0.8
ACT_MISSING_FACTOR = 0.4


@dataclass
class _Reading:
    """One unit read for the kinds of answer asked: what each kind found in it.

    ``factors`` holds one factor per kind checked and ``typed`` the nearest span of each
    kind that has one (a number, a date, a name...), both in the order the kinds are
    checked; ``frames`` the events that frame the whole sentence; ``listed`` the list
    (or the item of it) after a ":".
    """

    sc: SentenceScorer
    u: Unit
    anchor: int  # where the question's words are densest in the unit (answers follow them)
    factors: list[float] = field(default_factory=list)
    typed: list[tuple[int, int] | None] = field(default_factory=list)
    frames: set[tuple[int, int]] = field(default_factory=set)
    listed: tuple[int, int] | None = None

    @property
    def text(self) -> str:
        return self.u.text

    @cached_property
    def numbers(self) -> list[tuple[int, int, bool]]:
        """The unit's numbers not taken from the question (see :func:`number_spans`)."""
        return number_spans(self.text, self.sc.q.numbers_in_question)

    def nearest(self, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
        """The span nearest after the anchor (one before it counts as twice as far)."""
        if not spans:
            return None
        anchor = self.anchor
        return min(
            spans, key=lambda s: s[0] - anchor if s[0] >= anchor else 2 * (anchor - s[0]) + 20
        )


_MISS = 0.22  # the factor of a kind asked for and missing


def _ordinal(r: _Reading) -> None:
    spans = [
        (m.start(), m.end())
        for m in ORDINAL_RE.finditer(r.text)
        if m.group().lower() not in r.sc.question_low
    ]
    r.factors.append(1.0 if spans else _MISS)
    r.typed.append(r.nearest(spans))


def _year(r: _Reading) -> None:
    exclude = r.sc.q.numbers_in_question
    spans = [(m.start(), m.end()) for m in YEAR_RE.finditer(r.text) if m.group() not in exclude]
    r.factors.append(1.0 if spans else _MISS)
    r.typed.append(r.nearest(spans))


def _date(r: _Reading) -> None:
    sc, text = r.sc, r.text
    exclude = sc.q.numbers_in_question
    spans = [
        (m.start(), m.end())
        for m in DATE_RE.finditer(text)
        if m.group().lower() not in sc.question_low
    ]
    if not spans and re.search(
        r"\b(?:khi nao|bao gio|luc nao|thoi diem nao|when)\b", sc.question_folded
    ):
        spans = [(m.start(), m.end()) for m in YEAR_RE.finditer(text) if m.group() not in exclude]
        if sc.dated_acts:
            # an act is done at a time, not over a term ("ký ban hành kết luận ...
            # khóa XVII (nhiệm kỳ 2020-2025)")
            ranges = [m.span() for m in YEAR_RANGE_RE.finditer(text)]
            spans = [s for s in spans if not any(a <= s[0] < b for a, b in ranges)]
        spans += [(m.start(), m.end()) for m in RELATIVE_TIME_RE.finditer(text)]
    date = r.nearest(spans)
    if date and sc.dated_acts:
        lo, hi = span_window(text, date)
        if DOCUMENT_DATE_RE.search(text[max(0, date[0] - 60) : date[0]]):
            near = {"issuing"}
        else:
            near = {k for k, rx in DATED_ACT_RES.items() if rx.search(text, lo, hi)}
        if not near & sc.dated_acts:
            spans, date = [], None  # the date of something else, or of nothing said
    r.factors.append(1.0 if spans else _MISS)
    r.typed.append(date)


def _money(r: _Reading) -> None:
    text = r.text
    spans = [
        (a, m.end())
        for a, b, _ in r.numbers
        if (m := MONEY_RE.match(text, b)) and m.group().strip()
    ]
    r.factors.append(1.0 if spans else _MISS)
    r.typed.append(r.nearest(spans))


def _percent(r: _Reading) -> None:
    spans = [(a, b) for a, b, pct in r.numbers if pct]
    r.factors.append(1.0 if spans else (0.6 if r.numbers else _MISS))
    r.typed.append(r.nearest(spans))


def _number(r: _Reading) -> None:
    q, text, numbers = r.sc.q, r.text, r.numbers
    if q.count_noun:
        found = 0
        spans = []
        for noun in q.count_noun:
            got = [
                s
                for s in count_noun_spans(text, noun, q.folded_input)
                if text[s[0] : s[1]].split()[0].rstrip("%") not in q.numbers_in_question
            ]
            found += bool(got)
            spans += got
        share = found / len(q.count_noun)
        units_only = all(n[0] in COUNT_UNITS for n in q.count_noun)
        if share:
            r.factors.append(0.6 + 0.4 * share)
            spans = best_counted(r.sc, text, spans)
        else:
            r.factors.append(0.5 if numbers and not units_only else _MISS)
            spans = [(a, with_unit(text, b)) for a, b, _ in numbers]
    else:
        spans = [(a, with_unit(text, b)) for a, b, _ in numbers]
        r.factors.append(1.0 if spans else _MISS)
    r.typed.append(r.nearest(spans))


def _person(r: _Reading) -> None:
    sc, u, text = r.sc, r.u, r.text
    q = sc.q
    spans = person_names(text, sc.question_low)
    if spans and q.person_title:
        # "Bí thư Thành ủy Hà Nội nào": the name that follows that title
        # (or, after a comma, the titles that follow it: "đồng chí Trương Thị Mai,
        # Ủy viên Bộ Chính trị, ..., Trưởng ban Tổ chức Trung ương cho biết")
        titled = [
            (a, b)
            for a, b in spans
            if holds_title(fold(text[max(0, a - 60) : a]), q.person_title)
            or (text[b : b + 2] == ", " and holds_title(fold(text[b : b + 100]), q.person_title))
        ]
        r.factors.append(1.0 if titled else 0.6)
        spans = titled or spans
    elif not spans and any(w in u.folded for w in sc.body_acts):
        # "làm việc với ai?", "Ai lãnh đạo ...?": a body answers "ai" too ("... đã làm
        # việc với Ban Thường vụ Thành ủy Hà Nội"), if less surely than a person and
        # only where the sentence says the act asked about (see body_acts)
        spans = [
            (a, b) for a, b in organisations(text) if fold(text[a:b]) not in sc.question_folded
        ]
        if spans and sc.partner_word:
            # the one named after the same word ("... với Ban Thường vụ")
            spans = [
                (a, b)
                for a, b in spans
                if fold(text[max(0, a - 6) : a]).split()[-1:] == [sc.partner_word]
            ]
        elif spans:
            # "Ai ban hành ...?": the one named before the act ("Thành ủy đã ban
            # hành"); of two acts, before the later ("... giao Ban Thường vụ Thành ủy
            # chỉ đạo" for "Ai được giao chỉ đạo ...?")
            words = word_spans(fold(text))
            at = max((words[w][0][0] for w in sc.body_acts if w in words), default=-1)
            spans = [sp for sp in spans if sp[1] <= at][-1:]
        r.factors.append(ORGANISATION_FACTOR if spans else _MISS)
    elif spans and sc.body_acts and not any(w in u.folded for w in sc.body_acts):
        # "Ai tổ chức Đại hội XIV?": a person the sentence names doing something else
        r.factors.append(ACT_MISSING_FACTOR)
    else:
        r.factors.append(1.0 if spans else _MISS)
    r.typed.append(r.nearest(spans))


def _place(r: _Reading) -> None:
    sc, text = r.sc, r.text
    q = sc.q
    spans = [
        (a, b)
        for a, b in capitalised_runs(text)
        if a > 0
        and fold(text[a:b]) not in sc.question_folded
        and PLACE_BEFORE_RE.search(text[max(0, a - 20) : a])
    ]
    if not q.place_classifier:
        # an event in the sentence's opening phrase frames all of it ("Tại Hội nghị
        # X, ông Y ...", "Tiếp tục chương trình làm việc Đại hội XIV, ..."); after "tại"
        # or "ở" elsewhere it is a place like any other (PLACE_BEFORE_RE)
        r.frames = {
            (m.start(), m.end())
            for m in EVENT_RE.finditer(text)
            if fold(m.group()) not in sc.question_folded
            and not re.search(r"[,;:]", text[: m.start()])
        }
        spans = sorted(r.frames) + [s for s in spans if not any(a <= s[0] < b for a, b in r.frames)]
    if q.place_classifier:
        near_classifier = [
            (a, b)
            for a, b in spans
            if text[max(0, a - len(q.place_classifier) - 1) : a].lower().strip()
            == q.place_classifier
        ]
        r.factors.append(1.0 if near_classifier else 0.5)
        spans = near_classifier or spans
    else:
        r.factors.append(1.0 if spans else 0.75)  # "nằm ở đâu" may ask for no name
    place = r.nearest(spans)
    if r.frames and place not in r.frames:
        # a place by the question's words, else the event the sentence opens with
        if not near_share(sc, r.u, span_window(text, place)):
            place = min(r.frames)
    if place and sc.plural:
        place = joined(text, spans, place)  # "gồm những huyện nào": all of them
    r.typed.append(place)


def _list(r: _Reading) -> None:
    q, text = r.sc.q, r.text
    colon = text.find(":")
    separators = len(re.findall(r"[,;]", text))
    if 0 <= colon < len(text) - 12:
        end = len(text.rstrip(".…; "))
        start = colon + 1 + (len(text[colon + 1 :]) - len(text[colon + 1 :].lstrip()))
        semi = text.find(";", start, end)
        if semi > 0 and "," in text[start:semi] and text[semi + 1 : semi + 3].islower():
            # "...: A, B và C; kết hợp với ...": the list ends at the ";" (not in
            # "...: Ưu tiên A, B; Tiếp tục C", where ";" parts the items)
            end = semi
        # a list of what is asked for ("tháo gỡ 5 điểm nghẽn, đó là: ..."), not of
        # something else ("câu hỏi chiến lược ... đặt ra, đó là: ...")
        lead = f" {' '.join(fold(t) for t in cached_tokens(text[max(0, colon - 80) : colon]))} "
        r.factors.append(1.0 if not q.list_head or f" {q.list_head} " in lead else 0.75)
        r.listed = list_item(text, start, end, q.item) if q.item else (start, end)
    else:
        r.factors.append(1.0 if separators >= 2 else 0.8)


def _definition(r: _Reading) -> None:
    q = r.sc.q
    if not q.defined:
        return
    folded = " ".join(fold(t) for t in cached_tokens(r.text))
    defined = re.search(rf"\b{re.escape(q.defined)} (?:la|duoc hieu la)\b", folded)
    r.factors.append(1.0 if defined else 0.5)


def _entity(r: _Reading) -> None:
    text = r.text
    spans = [
        (a, b)
        for a, b in capitalised_runs(text)
        if a > 0 and fold(text[a:b]) not in r.sc.question_folded
    ]
    quoted = [(m.start(), m.end()) for m in re.finditer(r"[“\"][^”\"]{3,80}[”\"]", text)]
    r.factors.append(1.0 if spans or quoted else 0.9)


# The kinds of answer, in the order they are checked: the first kind with a span gives it.
_KINDS: tuple[tuple[str, Callable[[_Reading], None]], ...] = (
    ("ordinal", _ordinal),
    ("year", _year),
    ("date", _date),
    ("money", _money),
    ("percent", _percent),
    ("number", _number),
    ("person", _person),
    ("place", _place),
    ("list", _list),
    ("definition", _definition),
    ("entity", _entity),
)


def answer_kind(sc: SentenceScorer, u: Unit) -> tuple[float, tuple[int, int] | None]:
    """How well the unit holds the kind of answer asked for, and that answer's span.

    A kind that is asked for and missing costs much (a question about a
    date is not answered by a sentence without one); a span found far
    from the question's words costs a little (it may answer something else).
    """
    q = sc.q
    text = u.text
    if not q.expects:
        return 1.0, None
    r = _Reading(sc, u, anchor_offset(sc, u))
    for kind, read in _KINDS:
        if kind in q.expects:
            read(r)
    factor = 1.0
    for f in r.factors:
        factor *= f
    span = next((c for c in r.typed if c), None)
    if span is not None:
        window = span_window(text, span)
        proximity = near_share(sc, u, window)
        if span in r.frames:
            proximity = 1.0  # "Tại Hội nghị X, ông Y ...": where all the sentence happened
        factor *= 0.35 + 0.65 * proximity
        if other_numbering(sc, text, window):
            factor *= 0.5  # as for a sentence about another congress (constraint_factor)
        if not proximity or not in_focus_clause(sc, text, span):
            # "còn SIPAS?": "PAR-Index tăng 7 bậc, SIPAS giữ nguyên ..."; "Tổng vốn đầu
            # tư ...?": "...; GRDP bình quân đầu người khoảng 160-162 triệu đồng; ..."
            span = None
    return max(factor, 0.1), span or r.listed
