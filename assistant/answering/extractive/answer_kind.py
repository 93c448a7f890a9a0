"""How well a sentence holds the kind of answer the question asks for, and where.

:func:`answer_kind` is the sentence scorer's type factor: a question about a date
is not answered by a sentence without one, nor one about a person by a sentence
naming none. It finds the spans of the kinds asked (with
:mod:`assistant.answering.extractive.span_finders`), keeps the one nearest the
question's words, and costs a little when that span sits far from them (it may
answer something else). The span found is the direct answer.

These are functions over the :class:`~assistant.answering.extractive.scorer.SentenceScorer`
(``sc``), which holds what is read once per question: its profile, its words'
weights, the acts and titles it names.
"""

from __future__ import annotations

import re
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
from assistant.answering.extractive.units import Unit, cached_tokens, word_spans
from assistant.answering.question import Term
from assistant.answering.question_cues import ROMAN_RE, YEAR_RE, fold
from textvi import capitalised_runs, person_names

if TYPE_CHECKING:
    from assistant.answering.extractive.scorer import SentenceScorer

__all__ = ["ACT_MISSING_FACTOR", "ORGANISATION_FACTOR", "answer_kind"]

ORGANISATION_FACTOR = 0.8
ACT_MISSING_FACTOR = 0.4


def _term_spans(sc: SentenceScorer, t: Term, folded: str) -> list[tuple[int, int]]:
    """Where ``t`` stands as a whole word in ``folded`` (as ``(?<!\\w)t(?!\\w)`` finds it)."""
    if t.folded.isalnum():  # a whole run of word characters: look it up
        return word_spans(folded).get(t.folded, [])
    return [(m.start(), m.end()) for m in sc.term_re[t].finditer(folded)]


def _anchor(sc: SentenceScorer, u: Unit) -> int:
    """Offset in the unit after its densest run of question words (answers follow it)."""
    folded = fold(u.text)
    hits: list[tuple[int, str]] = []
    for t in sc.q.terms:
        if len(t.folded) < 2 or t.folded.isdigit():
            continue
        hits += [(e, t.folded) for _, e in _term_spans(sc, t, folded)]
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


def _other_numbering(sc: SentenceScorer, text: str, window: tuple[int, int]) -> bool:
    """Whether the words near an answer span (``window``, from :func:`span_window`)
    name another congress or term than the question's.

    "Đại hội lần thứ XVIII diễn ra vào ngày nào?" is not answered by "ngày 23 và
    24/11/2023, Ban Chấp hành ... khóa XVII đã họp, ...: ... chuẩn bị Đại hội lần thứ
    XVIII": the date is the meeting of term XVII; XVIII is only named past the ":".
    """
    if not sc.q.romans:
        return False
    near = set(ROMAN_RE.findall(text[window[0] : window[1]]))
    return bool(near) and not near & sc.q.romans


def _proximity(sc: SentenceScorer, u: Unit, window: tuple[int, int]) -> float:
    """Share of the unit's matched question words that sit near an answer span (in
    ``window``, from :func:`span_window`).

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
        pos = [a for a, _ in _term_spans(sc, t, folded)]
        if not pos:
            continue
        total += w * w  # squared: the rare words say what the question is about
        if t.folded in sc.compounds and not sc.compounds[t.folded] & pairs:
            continue  # "đầu" of "đầu người" is not near for "đầu tư" (compounds)
        if any(lo <= p <= hi for p in pos):
            near += w * w
    return near / total if total else 1.0


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
    exclude = q.numbers_in_question
    anchor = _anchor(sc, u)
    miss = 0.22

    def nearest(spans: list[tuple[int, int]]) -> tuple[int, int] | None:
        if not spans:
            return None
        return min(
            spans, key=lambda s: s[0] - anchor if s[0] >= anchor else 2 * (anchor - s[0]) + 20
        )

    factors: list[float] = []
    typed: list[tuple[int, int] | None] = []  # spans of a number, date, name...
    frames: set[tuple[int, int]] = set()  # place spans that frame the whole sentence
    listed: tuple[int, int] | None = None
    if "ordinal" in q.expects:
        spans = [
            (m.start(), m.end())
            for m in ORDINAL_RE.finditer(text)
            if m.group().lower() not in sc.question_low
        ]
        factors.append(1.0 if spans else miss)
        typed.append(nearest(spans))
    if "year" in q.expects:
        spans = [(m.start(), m.end()) for m in YEAR_RE.finditer(text) if m.group() not in exclude]
        factors.append(1.0 if spans else miss)
        typed.append(nearest(spans))
    if "date" in q.expects:
        spans = [
            (m.start(), m.end())
            for m in DATE_RE.finditer(text)
            if m.group().lower() not in sc.question_low
        ]
        if not spans and re.search(
            r"\b(?:khi nao|bao gio|luc nao|thoi diem nao|when)\b", sc.question_folded
        ):
            spans = [
                (m.start(), m.end()) for m in YEAR_RE.finditer(text) if m.group() not in exclude
            ]
            if sc.dated_acts:
                # an act is done at a time, not over a term ("ký ban hành kết luận ...
                # khóa XVII (nhiệm kỳ 2020-2025)")
                ranges = [m.span() for m in YEAR_RANGE_RE.finditer(text)]
                spans = [s for s in spans if not any(a <= s[0] < b for a, b in ranges)]
            spans += [(m.start(), m.end()) for m in RELATIVE_TIME_RE.finditer(text)]
        date = nearest(spans)
        if date and sc.dated_acts:
            lo, hi = span_window(text, date)
            if DOCUMENT_DATE_RE.search(text[max(0, date[0] - 60) : date[0]]):
                near = {"issuing"}
            else:
                near = {k for k, r in DATED_ACT_RES.items() if r.search(text, lo, hi)}
            if not near & sc.dated_acts:
                spans, date = [], None  # the date of something else, or of nothing said
        factors.append(1.0 if spans else miss)
        typed.append(date)
    numbers = number_spans(text, exclude)
    if "money" in q.expects:
        spans = [
            (a, m.end())
            for a, b, _ in numbers
            if (m := MONEY_RE.match(text, b)) and m.group().strip()
        ]
        factors.append(1.0 if spans else miss)
        typed.append(nearest(spans))
    if "percent" in q.expects:
        spans = [(a, b) for a, b, pct in numbers if pct]
        factors.append(1.0 if spans else (0.6 if numbers else miss))
        typed.append(nearest(spans))
    if "number" in q.expects:
        if q.count_noun:
            found = 0
            spans = []
            for noun in q.count_noun:
                got = [
                    s
                    for s in count_noun_spans(text, noun, q.folded_input)
                    if text[s[0] : s[1]].split()[0].rstrip("%") not in exclude
                ]
                found += bool(got)
                spans += got
            share = found / len(q.count_noun)
            units_only = all(n[0] in COUNT_UNITS for n in q.count_noun)
            if share:
                factors.append(0.6 + 0.4 * share)
                spans = _best_counted(sc, text, spans)
            else:
                factors.append(0.5 if numbers and not units_only else miss)
                spans = [(a, with_unit(text, b)) for a, b, _ in numbers]
        else:
            spans = [(a, with_unit(text, b)) for a, b, _ in numbers]
            factors.append(1.0 if spans else miss)
        typed.append(nearest(spans))
    if "person" in q.expects:
        spans = person_names(text, sc.question_low)
        if spans and q.person_title:
            # "Bí thư Thành ủy Hà Nội nào": the name that follows that title
            # (or, after a comma, the titles that follow it: "đồng chí Trương Thị Mai,
            # Ủy viên Bộ Chính trị, ..., Trưởng ban Tổ chức Trung ương cho biết")
            titled = [
                (a, b)
                for a, b in spans
                if holds_title(fold(text[max(0, a - 60) : a]), q.person_title)
                or (
                    text[b : b + 2] == ", " and holds_title(fold(text[b : b + 100]), q.person_title)
                )
            ]
            factors.append(1.0 if titled else 0.6)
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
            factors.append(ORGANISATION_FACTOR if spans else miss)
        elif spans and sc.body_acts and not any(w in u.folded for w in sc.body_acts):
            # "Ai tổ chức Đại hội XIV?": a person the sentence names doing something else
            factors.append(ACT_MISSING_FACTOR)
        else:
            factors.append(1.0 if spans else miss)
        typed.append(nearest(spans))
    if "place" in q.expects:
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
            frames = {
                (m.start(), m.end())
                for m in EVENT_RE.finditer(text)
                if fold(m.group()) not in sc.question_folded
                and not re.search(r"[,;:]", text[: m.start()])
            }
            spans = sorted(frames) + [s for s in spans if not any(a <= s[0] < b for a, b in frames)]
        if q.place_classifier:
            near_classifier = [
                (a, b)
                for a, b in spans
                if text[max(0, a - len(q.place_classifier) - 1) : a].lower().strip()
                == q.place_classifier
            ]
            factors.append(1.0 if near_classifier else 0.5)
            spans = near_classifier or spans
        else:
            factors.append(1.0 if spans else 0.75)  # "nằm ở đâu" may ask for no name
        place = nearest(spans)
        if frames and place not in frames:
            # a place by the question's words, else the event the sentence opens with
            if not _proximity(sc, u, span_window(text, place)):
                place = min(frames)
        if place and sc.plural:
            place = joined(text, spans, place)  # "gồm những huyện nào": all of them
        typed.append(place)
    if "list" in q.expects:
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
            factors.append(1.0 if not q.list_head or f" {q.list_head} " in lead else 0.75)
            listed = list_item(text, start, end, q.item) if q.item else (start, end)
        else:
            factors.append(1.0 if separators >= 2 else 0.8)
    if "definition" in q.expects and q.defined:
        folded = " ".join(fold(t) for t in cached_tokens(text))
        defined = re.search(rf"\b{re.escape(q.defined)} (?:la|duoc hieu la)\b", folded)
        factors.append(1.0 if defined else 0.5)
    if "entity" in q.expects:
        spans = [
            (a, b)
            for a, b in capitalised_runs(text)
            if a > 0 and fold(text[a:b]) not in sc.question_folded
        ]
        quoted = [(m.start(), m.end()) for m in re.finditer(r"[“\"][^”\"]{3,80}[”\"]", text)]
        factors.append(1.0 if spans or quoted else 0.9)
    factor = 1.0
    for f in factors:
        factor *= f
    span = next((c for c in typed if c), None)
    if span is not None:
        window = span_window(text, span)
        proximity = _proximity(sc, u, window)
        if span in frames:
            proximity = 1.0  # "Tại Hội nghị X, ông Y ...": where all the sentence happened
        factor *= 0.35 + 0.65 * proximity
        if _other_numbering(sc, text, window):
            factor *= 0.5  # as for a sentence about another congress (constraint_factor)
        if not proximity or not _in_focus_clause(sc, text, span):
            # "còn SIPAS?": "PAR-Index tăng 7 bậc, SIPAS giữ nguyên ..."; "Tổng vốn đầu
            # tư ...?": "...; GRDP bình quân đầu người khoảng 160-162 triệu đồng; ..."
            span = None
    return max(factor, 0.1), span or listed


def _in_focus_clause(sc: SentenceScorer, text: str, span: tuple[int, int]) -> bool:
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


def _best_counted(
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
