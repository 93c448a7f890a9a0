"""Rewrite rules: a follow-up made a stand-alone question from the previous turn.

Deterministic, no model. They *propose* the conversation's reading of a follow-up that
:mod:`textvi.followup_cues` recognises; the evidence condenser decides whether it is
taken. For those the subject of the previous question is carried over:

* a contrasting item replaces the item of the same kind in the previous
  question (a year, a number, an ordinal: "thứ hai" for "đầu tiên");
* an elliptical phrase that repeats the start of a phrase of the previous
  question replaces the rest of that phrase ("ở khu vực nông thôn" for
  "ở khu vực các quận");
* a new named subject replaces the previous subject ("Ban cán sự đảng Chính
  phủ" for "Đảng đoàn Quốc hội");
* "<noun> đó" is replaced by the noun phrase the previous question used
  ("nghị quyết đó" → "Nghị quyết 15-NQ/TW về ...");
* "ông ấy"/"bà ấy" is the person the previous answer named ("Trưởng đoàn là
  ai?" → "Trương Thị Mai [1]"), else the previous question's subject;
* otherwise the previous question's content words are appended.

Self-contained questions are returned unchanged, whatever the history.

Example:
    >>> from assistant.answering.base import Turn
    >>> h = [Turn("Năm 2023 kinh tế Hà Nội tăng trưởng ước đạt bao nhiêu?")]
    >>> condense_question("Còn năm 2024 thì sao?", h)
    'Năm 2024 kinh tế Hà Nội tăng trưởng đạt bao nhiêu?'

A new year drops the old one's hedge ("ước đạt", estimated at: 2023's figure
was an estimate; 2024's is a target).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textvi import fold_diacritics, has_diacritics, nfc, person_names
from textvi.followup_cues import (
    ANSWER_NAME_RE,
    FOLDED_PERSON_PRONOUNS,
    FUNCTION_WORDS,
    HEDGE_RE,
    ORDINAL_RE,
    QUESTION_WORDS,
    SUBJECT_VERBS,
    TIME_WORDS,
    TWO_SYLLABLE_TIME,
    WordToken,
    anaphor,
    ends_phrase,
    find_seq,
    folded,
    is_content,
    is_followup,
    item_kind,
    item_only,
    list_noun,
    narrows,
    pronoun,
    resolve,
    strip_closer,
    strip_opener,
    typed_without_marks,
    word_tokens,
)

if TYPE_CHECKING:
    from assistant.answering.base import Turn

__all__ = ["Condensed", "condense", "condense_question", "continuation", "is_followup"]


@dataclass(frozen=True)
class Condensed:
    """A question made stand-alone: the ``query`` and what the new turn added.

    ``focus`` is the text the user actually typed in this turn (without the
    opener), so an answerer can weigh it above the words carried over.
    ``replaced`` is True when something the turn refers by (a pronoun, "<noun> đó", an
    item's place, a new year or phrase) was replaced, False when the previous question's
    words were only appended to it.
    """

    query: str
    is_followup: bool
    focus: str = ""
    replaced: bool = False


def _core(prev: str, *, drop_years: bool = False, keep_question_words: bool = False) -> str:
    """The previous question's words, without its final punctuation.

    Its question words go unless ``keep_question_words`` (an elliptical
    follow-up asks the same thing); with ``drop_years`` its years go too (the
    follow-up brings its own).
    """
    tokens = word_tokens(prev)
    keep = [
        t.text
        for i, t in enumerate(tokens)
        if (keep_question_words or not _is_question_word(t.text, tokens[i + 1 : i + 2]))
        and not (drop_years and re.search(r"(?:19|20)\d{2}", t.text))
    ]
    return " ".join(keep)


# The question words as written with their marks: "đầu" (bình quân đầu người) folds like "đâu".
_QUESTION_WORDS_ACCENTED = frozenset(
    {"bao", "nhiêu", "mấy", "gì", "nào", "ai", "đâu", "sao", "không", "chưa"}
)


def _is_question_word(word: str, after: Sequence[WordToken] = ()) -> bool:
    """ "nhiêu", "đâu", or unmarked "dau" (typed without marks); not "đầu", nor an unmarked
    word that a content word follows in the same phrase ("binh quan dau nguoi": "đầu").

    >>> _is_question_word("đâu"), _is_question_word("đầu"), _is_question_word("dau")
    (True, False, True)
    >>> nxt = word_tokens("nguoi")
    >>> _is_question_word("dau", nxt), _is_question_word("nhiêu", word_tokens("người"))
    (False, True)
    """
    low = word.lower()
    if low in _QUESTION_WORDS_ACCENTED:
        return True
    if after and low == "dau" and is_content(after[0]):
        return False  # "đâu" ends a question or comes before "là", "vậy": not before a noun
    return low in QUESTION_WORDS and low == fold_diacritics(low)


def _replace_typed(fragment: str, prev: str) -> str | None:
    """Swap years, numbers and ordinals of ``prev`` for those of ``fragment``."""
    result = prev
    changed = False
    f_ord = ORDINAL_RE.search(fragment)
    p_ord = ORDINAL_RE.search(result)
    if f_ord and p_ord:
        result = result[: p_ord.start()] + f_ord.group() + result[p_ord.end() :]
        changed = True
    f_tokens = word_tokens(fragment)
    for ft in f_tokens:
        kind = item_kind(ft.text)
        if not kind:
            continue
        p_tokens = word_tokens(result)
        same = [
            i for i, pt in enumerate(p_tokens) if item_kind(pt.text) == kind and pt.text != ft.text
        ]
        if not same:
            continue
        i = same[0]
        start, end = p_tokens[i].start, p_tokens[i].end
        if kind == "year" and i + 1 < len(p_tokens) and item_kind(p_tokens[i + 1].text) == "year":
            end = p_tokens[i + 1].end  # "2025 2030": a range typed without its dash
        new = ft.text
        leftover = [
            t
            for t in f_tokens
            if is_content(t) and not item_kind(t.text) and t.fold not in folded(result).split()
        ]
        if leftover and i > 0 and p_tokens[i - 1].fold in TIME_WORDS:
            # "Năm 2023 ..." + "nhiệm kỳ 2025-2030" → "Nhiệm kỳ 2025-2030 ..."; a time
            # word of two syllables goes whole ("giai đoạn 2025-2030" + "năm 2024")
            start = p_tokens[i - 1].start
            if i > 1 and (p_tokens[i - 2].fold, p_tokens[i - 1].fold) in TWO_SYLLABLE_TIME:
                start = p_tokens[i - 2].start
            new = fragment[f_tokens[0].start : ft.end]
        result = result[:start] + new + result[end:]
        changed = True
        if kind == "year":
            result = HEDGE_RE.sub("", result)
    if not changed:
        return None
    leftover = [
        t
        for t in f_tokens
        if is_content(t) and not item_kind(t.text) and t.fold not in folded(result).split()
    ]
    return result if not leftover else None


def _replace_aligned(fragment: str, prev: str) -> str | None:
    """ "ở khu vực nông thôn" + "... ở khu vực các quận?" → "... ở khu vực nông thôn?"."""
    f = word_tokens(fragment)
    p = word_tokens(prev)
    for j in range(len(f) - 1, 0, -1):
        words = [t.fold for t in f[:j]]
        if not any(w not in FUNCTION_WORDS for w in words):
            continue
        i = find_seq(p, words)
        if i < 0:
            continue
        k = i + j
        if k >= len(p) or p[k - 1].comma_after:
            return None
        end = k
        while end < len(p) and not ends_phrase(p[end]):
            end += 1
            if p[end - 1].comma_after:
                break
        if end == k:
            return None
        new = fragment[f[j].start : f[-1].end]
        return prev[: p[k].start] + new + prev[p[end - 1].end :]
    return None


def _subject_span(prev: str) -> tuple[int, int] | None:
    """The named subject of ``prev``: the phrase before its verb ("X được giao ...")."""
    p = word_tokens(prev)
    for i, t in enumerate(p):
        if i and t.fold in SUBJECT_VERBS and not t.cap:
            start = i
            while start > 0 and not p[start - 1].comma_after:
                start -= 1
            if any(x.cap for x in p[start:i]):
                return p[start].start, p[i - 1].end
            return None
    return None


def _replace_subject(fragment: str, prev: str) -> str | None:
    f = word_tokens(fragment)
    if not f or not f[0].cap:
        return None
    span = _subject_span(prev)
    if span is None:
        return None
    return prev[: span[0]] + fragment + prev[span[1] :]


def _replace_anaphor(q: str, prev: str) -> str | None:
    """ "Ai ký kết luận đó?" → "Ai ký <the 'kết luận ...' phrase of prev>?"."""
    m = anaphor(q)
    if not m:
        return None
    before = word_tokens(q[: m.start()])
    p = word_tokens(prev)
    for n in (3, 2, 1):
        if len(before) < n:
            continue
        head = before[-n:]
        if not all(is_content(t) for t in head):
            continue
        i = find_seq(p, [t.fold for t in head])
        if i < 0:
            continue
        phrase = prev[p[i].start : resolve(p, i)]
        return q[: head[0].start] + phrase + q[m.end() :]
    return None


def _answered_person(answer: str) -> str:
    """The name an answer leads with ("Trương Thị Mai [1] ..."), "" when none.

    >>> _answered_person("Trương Thị Mai [1]\\n\\nGhi nhận ..."), _answered_person("12/4 [1]")
    ('Trương Thị Mai', '')
    """
    m = ANSWER_NAME_RE.match(answer.strip())
    if not m:
        return ""
    words = m.group(1).split()
    return m.group(1) if all(w[:1].isupper() for w in words) else ""


def _replace_pronoun(q: str, prev: str, prev_answer: str = "") -> str | None:
    m = pronoun(q)
    if not m:
        return None
    personal = fold_diacritics(m.group()) in FOLDED_PERSON_PRONOUNS
    person = _answered_person(prev_answer) if personal else ""
    if personal and not person:
        # "Nguyễn Văn Phong giữ chức vụ gì?", then "ông ấy trình bày tham luận ở đâu?"
        names = person_names(prev)
        person = prev[names[-1][0] : names[-1][1]] if names else ""
    if person:  # "Trưởng đoàn là ai?" → "Trương Thị Mai"; "bà ấy nói gì?" is about her
        if q.isascii():
            person = fold_diacritics(person)  # "nguoi do giu chuc vu gi": typed without marks
        return q[: m.start()] + person + q[m.end() :]
    span = _subject_span(prev)
    if span is None:
        return None
    return q[: m.start()] + prev[span[0] : span[1]] + q[m.end() :]


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def condense(question: str, history: Sequence[Turn] = ()) -> Condensed:
    """The stand-alone form of ``question`` given earlier turns (see the module doc).

    When the follow-up or the previous question is typed without marks, the reading is
    folded whole: half marked, half not ("Nam 2024 thi muc tieu ... (GRDP bình quân
    ...)"), its unmarked words would match neither the marked text nor a folded search.

    >>> from assistant.answering.base import Turn
    >>> h = [Turn("Hội nghị lần thứ mười bốn Ban Chấp hành Đảng bộ thành phố Hà Nội khóa XVII"
    ...           " họp vào những ngày nào?")]
    >>> condense("Ai ký kết luận của hội nghị đó?", h).query
    'Ai ký kết luận của Hội nghị lần thứ mười bốn Ban Chấp hành Đảng bộ thành phố Hà Nội khóa XVII?'
    >>> h = [Turn("GRDP bình quân đầu người của Hà Nội năm 2023 ước đạt bao nhiêu?")]
    >>> condense("con nam 2024 thi muc tieu la bao nhieu", h).query
    'Nam 2024 thi muc tieu la bao nhieu (GRDP binh quan dau nguoi cua Ha Noi nam dat)'
    """
    q = " ".join(nfc(question).split())
    c = _condense(q, history)
    turns = [t for t in history if t.question.strip()]
    if c.is_followup and _mixes_marks(q, _read_as(turns[-1]), c.query):
        return dataclasses.replace(
            c, query=fold_diacritics(c.query), focus=fold_diacritics(c.focus)
        )
    return c


def _mixes_marks(q: str, prev: str, reading: str) -> bool:
    """Whether ``reading`` joins words typed without marks to words typed with them."""
    if typed_without_marks(q):
        return has_diacritics(reading)
    if not typed_without_marks(prev) or not has_diacritics(q):
        return False
    carried = {t.text for t in word_tokens(prev) if t.text[1:].islower() and is_content(t)}
    return any(t.text in carried for t in word_tokens(reading))  # a code ("GRDP") is not


def _condense(q: str, history: Sequence[Turn]) -> Condensed:
    turns = [t for t in history if t.question.strip()]
    if not turns or not (is_followup(q) or narrows(q, turns[-1].question)):
        return Condensed(q, False, q)
    prev = " ".join(_read_as(turns[-1]).split())
    item = item_only(q)
    if item:
        # "cái cuối cùng?" after "cái đầu tiên là gì?": another item of the same list
        k = len(turns)
        while k > 1 and item_only(nfc(turns[k - 1].question)):
            k -= 1
        if k < len(turns):
            prev = " ".join(_read_as(turns[k - 1]).split())
    noun = list_noun(prev) if item else ""
    if noun:  # "cái thứ 3 là gì?" after "5 điểm nghẽn của Hà Nội là gì?"
        folded = prev.isascii()  # typed without diacritics: keep it so
        asked = f"{noun} {fold_diacritics(item) if folded else item}"
        ask = "la gi" if folded else "là gì"
        return Condensed(f"{_capitalize(asked)} {ask}? ({_core(prev)})", True, asked, True)
    opener, rest = strip_opener(q)
    fragment = strip_closer(rest)
    elliptical = bool(opener) and not any(t.fold in QUESTION_WORDS for t in word_tokens(fragment))
    if elliptical and fragment:
        for attempt in (_replace_typed, _replace_aligned, _replace_subject):
            out = attempt(fragment, prev)
            if out:
                return Condensed(_capitalize(out), True, fragment, True)
        core = _core(prev, drop_years=_has_year(fragment), keep_question_words=True)
        return Condensed(f"{_capitalize(fragment)} {core}".strip(), True, fragment)
    body = rest if opener else q
    out = _replace_anaphor(body, prev) or _replace_pronoun(body, prev, turns[-1].answer)
    if out:
        return Condensed(_capitalize(out), True, body, True)
    if _has_year(body):  # "Còn năm 2024 thì mục tiêu là bao nhiêu?": the new year, not the old
        return Condensed(
            f"{_capitalize(body)} ({HEDGE_RE.sub('', _core(prev, drop_years=True))})", True, body
        )
    return Condensed(f"{_capitalize(body)} ({_core(prev)})", True, body)


def _has_year(text: str) -> bool:
    return bool(re.search(r"(?<!\d)(?:19|20)\d{2}(?!\d)", text))


def _read_as(turn: Turn) -> str:
    """An earlier turn as it was answered: the stand-alone question searched, if known."""
    return nfc(turn.understood_as or turn.search_query or turn.question)


def continuation(question: str, history: Sequence[Turn] = ()) -> Condensed:
    """The conversation's reading of ``question``, even when no cue marks it a follow-up.

    A question with a cue is condensed as :func:`condense` does; one without is read as
    if it began with "Còn" ("năm 2024 thì sao?" after a question about 2023). Whether
    this reading or the question as asked is answered is for the evidence to decide.

    >>> from assistant.answering.base import Turn
    >>> h = [Turn("GRDP bình quân đầu người của Hà Nội năm 2023 ước đạt bao nhiêu?")]
    >>> continuation("năm 2024 thì sao?", h).query
    'GRDP bình quân đầu người của Hà Nội năm 2024 đạt bao nhiêu?'
    """
    c = condense(question, history)
    if c.is_followup or not [t for t in history if t.question.strip()]:
        return c
    q = " ".join(nfc(question).split())
    return condense(f"{'Con' if typed_without_marks(q) else 'Còn'} {q}", history)


def condense_question(question: str, history: Sequence[Turn] = ()) -> str:
    """The stand-alone query for ``question``; unchanged when it needs no history.

    >>> from assistant.answering.base import Turn
    >>> condense_question("Hà Nội có bao nhiêu huyện đạt chuẩn nông thôn mới?",
    ...                   [Turn("Năm 2023 thu ngân sách đạt bao nhiêu?")])
    'Hà Nội có bao nhiêu huyện đạt chuẩn nông thôn mới?'
    """
    return condense(question, history).query
