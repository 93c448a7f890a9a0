"""What a question asks, read without a model: its words, the kind of answer, its parts.

:func:`analyze_question` turns a question into a :class:`QuestionProfile`, which
:mod:`assistant.answering.extractive` scores sentences against:

* **terms**: the question's content syllables, question words and function
  words removed; compared accented, or folded when the question is typed
  without diacritics ("ha noi" = "Hà Nội"); numbers weigh more, and in a
  condensed follow-up so do the words the user typed in this turn;
* **bigrams** of the question, folded;
* **the kind of answer** its question words ask for ("bao nhiêu"/"mấy" → a
  number, and "bao nhiêu huyện" → a number of "huyện"; "ngày nào"/"khi nào" →
  a date; "năm nào" → a year; "ai" → a person's name; "ở đâu" → a place;
  "những ... nào"/"gồm" → a list; "“X” là gì?" → a definition);
* **constraints**: its years, numbers, names ("Đà Nẵng", "SIPAS") and Roman
  numerals ("Đại hội XVIII").

A question that is not Vietnamese (English) is marked ``foreign``: its kind of
answer comes from English cues ("how many", "when") and its names are only
those that stay the same in Vietnamese ("OECD", "G7").

:func:`split_question` cuts a question that asks several things ("..., và
...?", "So sánh A và B") into its parts.

Example:
    >>> p = analyze_question("Đại hội XVIII của Đảng bộ Hà Nội diễn ra khi nào?")
    >>> sorted(p.expects), p.names, sorted(p.romans)
    (['date'], ('XVIII', 'Đảng', 'Hà Nội'), ['XVIII'])
    >>> analyze_question("How many communes did Hanoi have in 2023?").foreign
    True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answering.question_cues import (
    ATTRIBUTION_RE,
    CODE_RE,
    COUNT_NOUN_LATER_STOP,
    COUNT_NOUN_RE,
    COUNT_NOUN_STOP,
    CUE_NOUN_RE,
    ENGLISH_STOPWORDS,
    FOLDED_COUNT_NOUN_RE,
    FOLDED_PERSON_TITLE_RES,
    FOLDED_STOPWORDS,
    GENERIC_HEADS,
    LIST_HEAD_STOP,
    PERSON_TITLE_RES,
    PLACE_CLASSIFIERS,
    QUESTION_WORDS,
    ROMAN_RE,
    STOPWORDS,
    TIME_WORDS,
    YEAR_RE,
    expected_kinds,
    fold,
    item_asked,
    looks_english,
    names_in,
)
from textvi import is_mostly_folded, nfc, tokenize

__all__ = ["QuestionProfile", "Term", "analyze_question", "split_question"]

# The names the sentence scorer imported from here before the cues had a module of their own.
_fold, _YEAR_RE, _ROMAN_RE = fold, YEAR_RE, ROMAN_RE

# ----------------------------------------------------------------------------- question


@dataclass(frozen=True)
class Term:
    """A content syllable of the question and how much it weighs."""

    accented: str
    folded: str
    boost: float = 1.0


@dataclass(frozen=True)
class QuestionProfile:
    """What :func:`analyze_question` found in a question.

    ``folded_input`` is True for a question typed without diacritics;
    ``foreign`` for a question that is not Vietnamese (English);
    ``expects`` the kinds of answer it asks for; ``count_noun`` the nouns
    counted by "bao nhiêu"/"mấy" ("huyện" in "bao nhiêu huyện").
    """

    text: str
    terms: tuple[Term, ...]
    bigrams: frozenset[tuple[str, str]]
    expects: frozenset[str]
    count_noun: tuple[tuple[str, ...], ...] = ()
    years: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()
    names: tuple[str, ...] = ()
    folded_input: bool = False
    foreign: bool = False
    defined: str = ""  # the quoted term of "“X” là gì?", folded
    focus_phrase: str = ""  # an elliptical follow-up's new item ("năm 2024"), folded
    romans: frozenset[str] = frozenset()  # "XVIII" in "Đại hội lần thứ XVIII"
    place_classifier: str = ""  # "huyện" in "ở huyện nào"
    person_title: str = ""  # "bi thu thanh uy ha noi" in "Bí thư Thành ủy Hà Nội nào ...", folded
    list_head: str = ""  # "diem nghen" in "Những điểm nghẽn của Hà Nội là gì?", folded
    item: int = 0  # 2 for "điểm nghẽn thứ hai", 1 for "đầu tiên", -1 for "cuối cùng"; 0: none
    codes: tuple[str, ...] = ()  # document numbers: "09-NQ/TU", "143-KL/TU"
    # words only in a leading attribution ("Theo kết luận của Bộ Chính trị, ..."), folded: the
    # source the question cites, which the article names once, not every sentence of it
    attribution: frozenset[str] = frozenset()

    @property
    def numbers_in_question(self) -> frozenset[str]:
        return self.years | self.numbers


def analyze_question(question: str, *, focus: str = "") -> QuestionProfile:
    """Content terms, answer kind and constraints of ``question``.

    ``focus`` (for a condensed follow-up) is what the user typed in this turn:
    its words weigh more than the words carried over from the history.

    >>> p = analyze_question("Năm 2023 Hà Nội có bao nhiêu huyện đạt chuẩn nông thôn mới?")
    >>> sorted(p.expects), p.count_noun, sorted(p.years)
    (['number'], (('huyện',),), ['2023'])
    >>> analyze_question("nam 2023 ha noi co bao nhieu huyen dat chuan").folded_input
    True
    """
    q = " ".join(nfc(question).split())
    foreign = looks_english(q)
    # "ha noi co bao nhieu sân bay": typed without marks but for a word, read as such
    folded_input = is_mostly_folded(q) and not foreign
    low = q.lower()
    flow = fold(q)

    expects = expected_kinds(q, foreign=foreign, folded_input=folded_input)
    if focus:
        # a follow-up asks what its own words ask; words carried over do not
        own = expected_kinds(
            " ".join(nfc(focus).split()), foreign=foreign, folded_input=folded_input
        )
        if own:
            expects = own
    if expects & {"ordinal", "year", "percent", "date"}:
        expects.discard("number") if "ordinal" in expects else None
    if len(expects) > 1:
        expects.discard("entity")
    if "year" in expects:
        expects.discard("number")
    if "person" in expects or "place" in expects:
        expects.discard("list")

    count_nouns: list[tuple[str, ...]] = []
    if "number" in expects and not foreign:
        regex = FOLDED_COUNT_NOUN_RE if folded_input else COUNT_NOUN_RE
        stop = {fold(w) for w in COUNT_NOUN_STOP} if folded_input else COUNT_NOUN_STOP
        time_words = {fold(w) for w in TIME_WORDS} if folded_input else TIME_WORDS
        later_stop = (
            {fold(w) for w in COUNT_NOUN_LATER_STOP} if folded_input else COUNT_NOUN_LATER_STOP
        )
        for m in regex.finditer(flow if folded_input else low):
            words = []
            for w in m.group(1).split():
                if w in stop or w in QUESTION_WORDS or (words and w in later_stop):
                    break
                if not any(c.isalnum() for c in w):
                    continue  # "kinh tế - xã hội": the dash joins, it is no word
                if any(c.isdigit() for c in w):
                    # "tăng trưởng bao nhiêu giai đoạn 2025-2030", "... bao nhiêu năm
                    # 2023": the words before a year say when, not what is counted
                    while words and words[-1] in time_words:
                        words.pop()
                    break
                words.append(w)
            if words:  # to the first function word: "khâu đột phá", "nhóm nội dung kiến
                # nghị", "chỉ tiêu phát triển kinh tế - xã hội"
                count_nouns.append(tuple(words))

    years = frozenset(YEAR_RE.findall(q))
    numbers = frozenset(
        n for n in re.findall(r"(?<![\w])\d+(?:[.,]\d+)*(?![\w])", q) if n not in years
    )  # "14th" is not a number the text will repeat
    if foreign:
        # in English only names that stay the same in Vietnamese: "OECD", "G7", "VinFast"
        names = tuple(
            w
            for w in re.findall(r"\b[\w][\w/-]*\b", q)
            if (sum(c.isupper() for c in w) >= 2 or re.search(r"[A-Za-z]\d|\d[A-Za-z]{2,}", w))
            and not re.fullmatch(r"\d+(?:st|nd|rd|th)", w)
        )
    else:
        names = tuple(names_in(q)) if not folded_input else ()

    focus_folded = set(fold(t) for t in tokenize(focus)) if focus else set()
    stop = FOLDED_STOPWORDS if folded_input else STOPWORDS
    terms: list[Term] = []
    # the noun of the question phrase is no content: "ngày" in "vào ngày nào"
    cue_nouns = {
        w
        for m in CUE_NOUN_RE.finditer(flow if folded_input else low)
        for w in fold(m.group(1)).split()
    }
    seen: set[str] = set()
    toks = tokenize(q)
    for tok in toks:
        f = fold(tok)
        key = f if folded_input or foreign else tok
        if key in seen or f in cue_nouns:
            continue
        if foreign:
            if tok in ENGLISH_STOPWORDS:
                continue
        elif (tok if not folded_input else f) in stop:
            continue
        seen.add(key)
        boost = 1.0
        if tok.isdigit() or re.fullmatch(r"\d+(?:[.,]\d+)*", tok):
            boost = 1.5
        if focus_folded:
            boost *= 1.5 if f in focus_folded else 0.8
        terms.append(Term(tok, f, boost))

    qwords = {"bao", "nhieu", "may", "gi", "nao", "ai", "dau", "sao", "khong"}
    ftoks = [fold(t) for t in toks]
    bigrams = frozenset(
        (a, b)
        for a, b in zip(ftoks, ftoks[1:], strict=False)
        if a not in qwords
        and b not in qwords
        and not (a in FOLDED_STOPWORDS and b in FOLDED_STOPWORDS)
    )
    classifier = ""
    if "place" in expects and not folded_input:
        m = re.search(r"\b(" + "|".join(PLACE_CLASSIFIERS) + r") nào\b", low)
        classifier = m.group(1) if m else ""
    person_title = ""
    if "person" in expects:
        subject = fold(low) if folded_input else low.strip()
        for title_re in FOLDED_PERSON_TITLE_RES if folded_input else PERSON_TITLE_RES:
            m = title_re.search(subject)
            if m:
                person_title = " ".join(fold(t) for t in tokenize(m.group(1)))
                break
    focus_phrase = ""
    if focus:
        f_toks = [fold(t) for t in tokenize(focus)]
        if 1 <= len(f_toks) <= 8 and not set(f_toks) & {"bao", "nhieu", "gi", "nao", "ai", "sao"}:
            focus_phrase = " ".join(f_toks)
    item, item_words = item_asked(fold(low) if folded_input else low, folded_input)
    if item and expects <= {"entity", "list"}:
        expects = {"list"}  # "điểm nghẽn cuối cùng?": an item of a list
    elif item and "list" not in expects:
        item = 0  # "Người đầu tiên ... là ai?" asks for a person, not an item
    if item and expects == {"list"}:
        # "thứ hai" picks the item; it is not a word to find ("Thứ hai, về tài chính ..."),
        # unlike in "Người đầu tiên ... là ai?"
        place = {fold(w) for w in item_words.split()}
        terms = [t for t in terms if t.folded not in place]
        bigrams = frozenset(b for b in bigrams if not (b[0] in place and b[1] in place))
    list_head = ""
    if expects == {"list"} and not foreign:  # not "vào những ngày nào" (dates)
        # "Những điểm nghẽn của Hà Nội là gì?", "... tháo gỡ những điểm nghẽn nào?": the
        # noun whose items are asked for (folded, at most three syllables); not a generic
        # one ("gồm những thành tố nào", "những việc gì")
        flat = fold(low)
        m = re.search(r"(?<!\bgom )(?<!\bla )(?<!\blam )\bnhung\s+((?:\w+\s*){1,3})", flat)
        if m:
            words = []
            for w in m.group(1).split():
                if w in LIST_HEAD_STOP:
                    break
                words.append(w)
            head = " ".join(words)
            list_head = "" if head in GENERIC_HEADS else head
    defined = ""
    if "definition" in expects:
        m = re.search(r"[“\"]([^”\"]{2,60})[”\"]", q)
        defined = " ".join(fold(t) for t in tokenize(m.group(1))) if m else ""
    attribution: frozenset[str] = frozenset()
    if not foreign and (m := ATTRIBUTION_RE.match(flow if folded_input else q)):
        cited = {fold(t) for t in tokenize(m.group(1))}
        asked = {fold(t) for t in tokenize(m.group(2))}
        if len(asked) >= 4:  # "Theo ông, vì sao?" is no attribution to lean on
            attribution = frozenset(cited - asked)
    return QuestionProfile(
        text=q,
        defined=defined,
        attribution=attribution,
        focus_phrase=focus_phrase,
        list_head=list_head,
        item=item,
        romans=frozenset(ROMAN_RE.findall(q)) if not folded_input else frozenset(),
        codes=tuple(CODE_RE.findall(q)),
        place_classifier=classifier,
        person_title=person_title,
        terms=tuple(terms),
        bigrams=bigrams,
        expects=frozenset(expects),
        count_noun=tuple(count_nouns),
        years=years,
        numbers=numbers,
        names=names,
        folded_input=folded_input,
        foreign=foreign,
    )


# ----------------------------------------------------------------------------- parts

_PART_SPLIT_RE = re.compile(r",\s+và\s+|;\s+|:\s+(?=\S+.*\?)|,\s+(?=còn\s)", re.IGNORECASE)


def split_question(question: str) -> list[str]:
    """The parts of a question that asks several things, or ``[question]``.

    >>> split_question("Quy hoạch có tầm nhìn đến năm nào, và đến năm 2045 Hà Nội muốn gì?")
    ['Quy hoạch có tầm nhìn đến năm nào', 'đến năm 2045 Hà Nội muốn gì?']
    >>> split_question("So sánh mục tiêu tăng trưởng theo Nghị quyết 11 và trong nhiệm kỳ 2025-2030.")
    ['mục tiêu tăng trưởng theo Nghị quyết 11', 'mục tiêu tăng trưởng trong nhiệm kỳ 2025-2030.']
    """
    q = " ".join(question.split())
    m = re.match(r"(?:so sánh|compare)\s+(.+?)\s+(?:và|với|and|with)\s+(.+)$", q, re.IGNORECASE)
    if m:
        first, second = m.group(1), m.group(2)
        # "mục tiêu A và B": the second part shares the head of the first
        head = re.match(r"(.+?)\s+(?:của|theo|trong|ở|tại|năm|of|in)\s", first)
        if head and not second.lower().startswith(head.group(1).lower().split()[0]):
            second = f"{head.group(1)} {second}"
        return [first, second]
    parts = [p.strip(" ,;") for p in _PART_SPLIT_RE.split(q)]
    parts = [p for p in parts if len(tokenize(p)) >= 3]
    return parts if len(parts) > 1 else [q]
