"""The offline answerer: the answer is made of the best-supported sentences.

No model runs here. The question is read by :mod:`assistant.answering.question`
(its terms, the kind of answer it asks for, its constraints, its parts), then
every sentence of the retrieved passages is scored by how well it answers it:

* **coverage**: the share of the question's content syllables (question words
  and function words removed) found in the sentence, weighted by IDF over the
  candidate sentences; matched on accented syllables, and on folded ones when
  the question is typed without diacritics ("ha noi" = "Hà Nội"); words found
  only near the sentence (the previous sentences, the title) count in part;
  the words of a leading attribution ("Theo kết luận của Bộ Chính trị, ...")
  count in full when the passage or its article names them, since an article
  names its source once, not in every sentence; and in an article about "TP Hà
  Nội", a sentence that says "TP", "thành phố" or "Thủ đô" names Hà Nội (the
  words' weights count those sentences too);
* **bigrams** of the question found in the sentence;
* **the kind of answer** the question asks for ("bao nhiêu"/"mấy" → a number,
  and "bao nhiêu huyện" → a number of "huyện"; "ngày nào"/"khi nào" → a date;
  "năm nào" → a year; "ai" → a person's name; "ở đâu" → a place;
  "những ... nào"/"gồm" → a list) is present, and is not just repeated from
  the question;
* **constraints** of the question hold: its years are the sentence's years (a
  question about 2022 is not answered by a sentence about 2023), its numbers
  and names occur in the passage;
* the passage's **retrieval rank**.

Long sentences are also scored clause by clause (split at ";"). A question in
several parts ("..., và ...?", "So sánh A và B") is also scored part by part.
A question that is not Vietnamese (English) cannot match words: its sentences
are ranked by the passage's dense retrieval rank, as far as the question's
names and numbers ("OECD", "143") occur in them.

The best sentence's score is the answer's ``confidence`` (for a question in
parts, the parts' mean); under ``abstain_threshold`` (calibrated on the gold
set by :mod:`assistant.answering.calibrate`) the answerer says it did not find
the information and lists the closest passages. Otherwise the answer is the
best sentence, led by the direct answer span when one is clear (a number, a
name, a date, a list after ":"), then the items of a list it announces ("...
đưa ra 4 cam kết hành động."), the best sentence of each part, and sentences
that cover what the best one does not. Sentences are quoted verbatim (a
leading connector such as "Theo đó," may be dropped; a clause ends with a
period), each followed by its marker ``[n]``. The answer is streamed in word
groups.

Example:
    >>> from assistant.types import Passage
    >>> p = Passage(text="Năm 2023, kinh tế Thủ đô tăng trưởng ước đạt 6,11%.", source="a.txt",
    ...             title="Hà Nội", score=1.0, chunk_id="c1")
    >>> a = ExtractiveAnswerer(abstain_threshold=0.3).answer(
    ...     "Năm 2023 kinh tế Hà Nội tăng trưởng bao nhiêu?", [p])
    >>> a.text, a.direct_answer
    ('6,11% [1]\\n\\nNăm 2023, kinh tế Thủ đô tăng trưởng ước đạt 6,11% [1].', '6,11%')
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, NamedTuple

from assistant.answering.base import NOT_FOUND_VI, Answerer, AnswerEvent, Turn
from assistant.answering.citations import CitationNumbering
from assistant.answering.composer import display, with_marker, word_groups
from assistant.answering.question import (
    _ROMAN_RE,
    _YEAR_RE,
    QuestionProfile,
    Term,
    _fold,
    analyze_question,
    split_question,
)
from assistant.conversation.rewrite import condense
from assistant.types import Answer, Passage
from ingest.chunking import HEADING_MAX_CHARS
from textvi import (
    capitalised_runs,
    fold_diacritics,
    nfc,
    period_at,
    periods,
    person_names,
    split_sentences,
    tokenize,
)

if TYPE_CHECKING:
    from assistant.settings import AnswerSettings

__all__ = [
    "RELATED_HINT_VI",
    "Evidence",
    "ExtractiveAnswerer",
    "QuestionProfile",
    "ScoredSentence",
    "analyze_question",
    "passage_support",
    "split_question",
]

RELATED_HINT_VI = "Các đoạn có thể liên quan được liệt kê bên dưới."

# A list announced by the best sentence ("... 4 cam kết hành động.") is given in
# full, up to this many items, even beyond ``max_sentences``.
_MAX_LIST_ITEMS = 6

# A sentence that has nothing of the question but the name of the city the articles are
# about supports it this much less. Words of the question's two-syllable words that the
# passages never write (_stray_terms), or that the sentence has only apart from them
# ("bình quân" asked, "hòa bình ... quan trọng" written: _compounds) do not count.
CITY_ONLY_FACTOR = 0.5

# The credit of such a word, in a question typed without diacritics.
STRAY_CREDIT = 0.5

# ----------------------------------------------------------------------------- words

_NUMBER_WORDS = frozenset("một hai ba bốn năm sáu bảy tám chín mười mươi trăm nghìn".split())

# ----------------------------------------------------------------------------- cues

# Units a question may count in ("dài bao nhiêu km"): the answer must carry them.
_UNITS = frozenset("km ha mét m2 héc-ta hecta usd đồng tỷ triệu tấn người".split())
_MONEY_RE = re.compile(r"\s*(?:nghìn tỷ|tỷ|tỉ|triệu|nghìn)?\s*(?:đồng|USD|đô la)\b", re.IGNORECASE)
# Words before a number that make it a quantity ("đạt 6,11%", "khoảng 160-162 triệu").
_QUANTITY_BEFORE = frozenset(
    "đạt tăng giảm khoảng trên dưới hơn gần có là mức từ đến được chiếm còn thêm tới "
    "với gồm ra nêu lên đề xuất vượt".split()
)
_NOT_QUANTITY_AFTER = frozenset("của và với thì là hay hoặc".split())
# An event is where something was said or decided ("trình bày tham luận ở đâu?": at the
# congress): its name runs to the next punctuation, at most a dozen words.
_EVENT_RE = re.compile(
    r"(?<!\w)(?:Đại hội|Hội nghị|Kỳ họp|Phiên họp|Diễn đàn|Hội thảo)(?!\w)"
    r"(?:[^\S\n]+[^\s,;:.!?()“”\"]+){1,12}"
)
# What comes before a place name: "ở", "tại", "huyện", "sân bay"...
_PLACE_BEFORE_RE = re.compile(
    r"(?:\b(?:ở|tại|từ|đến|huyện|quận|xã|phường|tỉnh|thành phố|thị xã|khu vực|vùng|sân bay|"
    r"hồ|sông|phố|đường|nước)|[(:,-])\s*$",
    re.IGNORECASE,
)

_NUMBER_RE = re.compile(r"(?<![\w/])\d+(?:[.,]\d+)*(?:\s*[-–]\s*\d+(?:[.,]\d+)*)?(?:/\d+)?%?")
_DATE_RE = re.compile(
    r"(?<![\w/])(?:\d{1,2}\s*(?:và|-|–)\s*)?\d{1,2}/\d{1,2}(?:/\d{2,4})?(?![\w/])|"
    r"\b(?:ngày|tháng)\s+\d{1,2}(?:\s*(?:và|-|–)\s*\d{1,2}(?=/))?(?:/\d{1,4}){0,2}\b",
    re.IGNORECASE,
)
# What happens on a date, by kind: a date asked for one kind of act ("Kết luận 143 được ký
# ngày nào?") is not the date of another ("ngày 23 và 24/11/2023, Ban Chấp hành ... đã họp").
_DATED_ACTS = {
    "meeting": ("họp", "diễn ra", "tổ chức", "khai mạc", "bế mạc", "làm việc", "quán triệt"),
    "issuing": ("ký", "kí", "ban hành", "công bố", "thông qua", "phê duyệt"),
    "speech": ("phát biểu", "trình bày", "tham luận"),
    "building": ("khởi công", "khánh thành", "thông xe", "hoàn thành"),
}
_DATED_ACT_RES = {
    kind: re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.IGNORECASE)
    for kind, words in _DATED_ACTS.items()
}
# The same, typed without marks: the acts of two syllables or more fold without doubt, but
# "ky" and "hop" are also "kỳ" and "hợp", so they count only where they can be nothing else
# ("ky ngay nao", "duoc ky", "hop vao"; not "phoi hop")
_WHEN_ASKED = r"(?= (?:ngay|vao|luc|khi|bao gio|hom))"
_FOLDED_ONE_SYLLABLE_ACTS = {
    "issuing": rf"(?:duoc|da|se) (?:ky|ki)|(?:ky|ki){_WHEN_ASKED}",
    "meeting": rf"(?:duoc|da|se) hop|(?<!phoi )(?<!thich )(?<!ket )(?<!tong )(?<!phu )hop"
    rf"{_WHEN_ASKED}",
}
_FOLDED_DATED_ACT_RES = {
    kind: re.compile(
        r"(?<!\w)(?:"
        + "|".join(
            [fold_diacritics(w) for w in words if " " in w]
            + ([_FOLDED_ONE_SYLLABLE_ACTS[kind]] if kind in _FOLDED_ONE_SYLLABLE_ACTS else [])
        )
        + r")(?!\w)"
    )
    for kind, words in _DATED_ACTS.items()
}
# The head words of a body's name ("Ban Thường vụ Thành ủy Hà Nội", "Bộ Chính trị"), and the
# lowercase words inside such names ("Ban cán sự đảng", "Ủy ban nhân dân thành phố").
_ORGANISATION_RE = re.compile(
    r"(?<!\w)(?:Ban|Bộ|Thành ủy|Tỉnh ủy|Đảng ủy|Đảng đoàn|Đảng bộ|UBND|HĐND|Ủy ban|Hội đồng|"
    r"Sở|Quốc hội|Chính phủ|Đoàn|Văn phòng|Mặt trận|Tòa án|Viện|Thường trực)(?!\w)"
)
_ORGANISATION_BREAKS = frozenset(
    "đã sẽ đang được bị là có và với về để tại ở cho nhằm của trong trên theo từ đến khi nếu mà "
    "thì như gồm cũng đều vẫn".split()
)
_ORGANISATION_WORDS = frozenset(
    "thường vụ cán sự chấp hành chỉ đạo công tác đảng bộ đoàn ủy nhân dân thành phố tỉnh "
    "khóa số trung ương chính trị".split()
)
ORGANISATION_FACTOR = 0.8
ACT_MISSING_FACTOR = 0.4
# A date right after a document's number is the date it was issued ("Nghị quyết số
# 15-NQ/TW ngày 30/7/2007 của Ban Chấp hành Trung ương")
_DOCUMENT_DATE_RE = re.compile(
    r"(?:nghị quyết|kết luận|quyết định|chỉ thị|nghị định|thông tư|công văn|luật|văn bản)"
    r"(?:\s+số)?\s+\d[\w./-]*,?\s+(?:ngày\s+)?$",
    re.IGNORECASE,
)
_YEAR_RANGE_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}\s?[-–]\s?(?:19|20)\d{2}(?!\d)")
_RELATIVE_TIME_RE = re.compile(
    r"\b(?:(?:ngay )?từ (?:đầu|cuối|giữa) (?:năm|tháng|quý)|(?:đầu|cuối|giữa) năm|quý [IV\d]+|"
    r"tháng \d{1,2}|hằng năm|hàng năm|trước năm \d{4}|sau năm \d{4})\b",
    re.IGNORECASE,
)
_ORDINAL_RE = re.compile(
    r"\b(?:thứ|hạng)\s+(?:\d+|nhất|nhì|hai|ba|tư|năm|sáu|bảy|tám|chín|mười)\b", re.IGNORECASE
)
_UNIT_RE = re.compile(
    r"\s*(?:%|nghìn tỷ đồng|nghìn tỷ|triệu đồng|tỷ đồng|tỉ đồng|nghìn|triệu|tỷ|tỉ|đồng|km|ha|"
    r"người|bậc|lần|USD|đô la)(?!\w)",
)


# ----------------------------------------------------------------------------- sentences


@dataclass
class _Unit:
    """A sentence of a passage, or a clause of a long sentence (split at ";")."""

    passage_index: int
    start: int
    end: int
    text: str
    tokens: set[str]
    folded: set[str]
    folded_seq: list[str]
    sentence_index: int
    clause: bool = False

    @cached_property
    def pairs(self) -> frozenset[tuple[str, str]]:
        """Its adjacent folded syllables, read once for the bigram share and the split words."""
        seq = self.folded_seq
        return frozenset(zip(seq, seq[1:], strict=False))


class _Near(NamedTuple):
    """What stands just before a unit: two sentences, and its own sentence's head."""

    tokens: set[str]
    folded: set[str]
    text: str
    folded_text: str  # its folded words, space-separated


@dataclass
class ScoredSentence:
    """A candidate sentence (or clause) with its score and the parts of it."""

    passage_index: int
    start: int
    end: int
    text: str
    score: float
    support: float = 0.0
    coverage: float = 0.0
    context_coverage: float = 0.0
    bigram: float = 0.0
    type_factor: float = 1.0
    constraint_factor: float = 1.0
    covered: dict[str, float] = field(default_factory=dict)
    span: tuple[int, int] | None = None  # direct answer, offsets in the passage text
    clause: bool = False


_LONG_SENTENCE = 260  # characters; longer sentences are also scored clause by clause
_LEAD_IN_MAX = 450  # characters; a clause is shown from its sentence's start up to this length


def _make_unit(i: int, text: str, s: int, e: int, si: int, clause: bool) -> _Unit | None:
    piece = text[s:e]
    toks = _tokens(piece)
    if len(toks) < 3:
        return None
    folded_seq = [_fold(t) for t in toks]
    return _Unit(i, s, e, piece, set(toks), set(folded_seq), folded_seq, si, clause)


def _clauses(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Spans of the ";"-separated clauses of ``text[s:e]``, without the separators."""
    out = []
    pos = s
    for m in re.finditer(r";\s+", text[s:e]):
        cut = s + m.start()
        out.append((pos, cut))
        pos = s + m.end()
    out.append((pos, e))
    return [(a, b) for a, b in out if b - a > 20]


@lru_cache(maxsize=1 << 15)
def _tokens(text: str) -> tuple[str, ...]:
    """``tokenize(text)``, cached: the same passages come back question after question."""
    return tuple(tokenize(text))


@lru_cache(maxsize=4096)
def _passage_units(text: str) -> tuple[tuple[_Unit, ...], tuple[_Unit, ...]]:
    """A passage's sentences and scored units (with passage index 0), cached by its text."""
    sents: list[_Unit] = []
    all_units: list[_Unit] = []
    seen: set[str] = set()
    for s, e in split_sentences(text):
        u = _make_unit(0, text, s, e, len(sents), False)
        if u is None:
            continue
        key = " ".join(u.folded_seq)
        if key in seen:
            continue
        seen.add(key)
        sents.append(u)
        all_units.append(u)
        if e - s > _LONG_SENTENCE and "; " in text[s:e]:
            parts = _clauses(text, s, e)
            if len(parts) > 1:
                for a, b in parts:
                    c = _make_unit(0, text, a, b, u.sentence_index, True)
                    if c is not None:
                        all_units.append(c)
    return tuple(sents), tuple(all_units)


@lru_cache(maxsize=4096)
def _sentence_counts(text: str) -> dict[str, int]:
    """In how many sentences of a passage each folded word ("\\x00" + accented word) is."""
    counts: dict[str, int] = {}
    for u in _passage_units(text)[0]:
        for f in u.folded:
            counts[f] = counts.get(f, 0) + 1
        for t in u.tokens:
            counts["\x00" + t] = counts.get("\x00" + t, 0) + 1
    return counts


@lru_cache(maxsize=1 << 14)
def _word_spans(folded: str) -> dict[str, list[tuple[int, int]]]:
    """Where each maximal run of word characters of ``folded`` starts and ends."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for m in re.finditer(r"\w+", folded):
        spans.setdefault(m.group(), []).append((m.start(), m.end()))
    return spans


def _units(passages: Sequence[Passage]) -> tuple[list[list[_Unit]], list[list[_Unit]]]:
    """Per passage: its sentences (for context) and all scored units."""
    sentences, units = [], []
    for i, p in enumerate(passages):
        cached_sents, cached_units = _passage_units(p.text)
        own = {id(u): dataclasses.replace(u, passage_index=i) for u in cached_units}
        sentences.append([own[id(u)] for u in cached_sents])
        units.append([own[id(u)] for u in cached_units])
    return sentences, units


@lru_cache(maxsize=4096)
def _passage_view(text: str, title: str) -> tuple[frozenset[str], frozenset[str], str]:
    """A passage's tokens, folded tokens and folded text (spaced), cached."""
    toks = _tokens(text + " " + title)
    folded = [_fold(t) for t in toks]
    return frozenset(toks), frozenset(folded), " " + " ".join(folded) + " "


def _match(term: Term, tokens: set[str], folded: set[str], folded_input: bool) -> float:
    if folded_input:
        return 1.0 if term.folded in folded else 0.0
    if term.accented in tokens:
        return 1.0
    return 0.5 if term.folded in folded else 0.0


_DATE_LIKE = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/\d{2,4})?$")


def _is_quantity(text: str, start: int, end: int) -> bool:
    """True for "6,11%", "20 xã", "đạt 400,421"; False for "Vành đai 4", "143-KL/TU"."""
    after = text[end : end + 12]
    if after.startswith("%"):
        return True
    if re.match(r"[-/][^\W\d_]", after):
        return False  # a code: "143-KL/TU", "09-NQ/TU"
    nxt = re.match(r"\s+([^\W\d_]+)", after)
    if nxt and nxt.group(1)[0].islower() and nxt.group(1) not in _NOT_QUANTITY_AFTER:
        return True
    before = re.findall(r"[^\W\d_]+", text[max(0, start - 20) : start])
    return bool(before) and before[-1].lower() in _QUANTITY_BEFORE


_PLAN_LENGTH_RE = re.compile(r"\s+năm\s+(?:giai đoạn\s+)?(?:19|20)\d{2}\b", re.IGNORECASE)


def _number_spans(
    text: str, exclude: frozenset[str], *, years: bool = False
) -> list[tuple[int, int, bool]]:
    """Numbers of ``text`` not taken from the question: ``(start, end, is_percent)``.

    Years ("2023") and dates ("19/11") are left out unless ``years``, and so is
    the length of a plan named by its period ("kế hoạch 5 năm 2021-2025").
    """
    out = []
    for m in _NUMBER_RE.finditer(text):
        if not _is_quantity(text, m.start(), m.end()):
            continue
        value = m.group().rstrip("%")
        core = re.split(r"\s*[-–/]\s*", value)[0]
        if core in exclude or value in exclude:
            continue
        if not years and _YEAR_RE.fullmatch(core):
            continue
        d = _DATE_LIKE.match(value)
        if (
            d
            and int(d.group(1)) <= 31
            and int(d.group(2)) <= 12
            and text[m.end() : m.end() + 1] in "/"
        ):
            continue
        if d and int(d.group(1)) <= 31 and int(d.group(2)) <= 12:
            # "19/11" is a date; "17/18 huyện" is a count (checked by the count noun)
            continue
        if _PLAN_LENGTH_RE.match(text, m.end()):
            continue  # "kế hoạch 5 năm 2021-2025": the plan's name, not a figure of it
        out.append((m.start(), m.end(), m.group().endswith("%")))
    return out


_DIGIT_NUMBER = r"\d+(?:[.,]\d+)*(?:\s*[-–]\s*\d+(?:[.,]\d+)*)?(?:/\d+)?%?"


def _organisations(text: str) -> list[tuple[int, int]]:
    """Spans of the names of bodies: a head word ("Ban", "Bộ", "Thành ủy" ...) and the
    capitalised words, numbers and name words after it ("Ban Chấp hành Đảng bộ thành phố
    khóa XVII", "Đoàn công tác số 1", "Ban cán sự đảng Chính phủ")."""
    spans: list[tuple[int, int]] = []
    for m in _ORGANISATION_RE.finditer(text):
        if spans and m.start() < spans[-1][1]:
            continue  # "Ban Thường vụ Thành ủy": one name
        end, capital, named = m.end(), True, False
        for w in re.finditer(r"[^\s,;:.!?()“”\"]+", text[m.end() : m.end() + 80]):
            if re.search(r"[,;:.!?()“”\"\n]", text[end : m.end() + w.start()]):
                break  # words past a mark, or past a word that is no part of the name
            word = w.group()
            if word[:1].isupper() or word[:1].isdigit():
                # "Quốc hội", "Chính phủ": a capitalised syllable's next one is the name's
                capital = word[1:].islower()
                named = True
            elif capital and word not in _ORGANISATION_BREAKS:
                capital = False
            elif word in _ORGANISATION_WORDS and not named:
                pass  # "Ban cán sự đảng ...", not "Ban Thường vụ Thành ủy chỉ đạo"
            else:
                break
            end = m.end() + w.end()
        spans.append((m.start(), end))
    return spans


def _count_noun_spans(
    text: str, noun: tuple[str, ...], folded_input: bool
) -> list[tuple[int, int]]:
    """Spans "<number> [word] <noun...>" in ``text`` ("17/18 huyện", "Ba khâu đột phá").

    The first word of the noun must follow the number (one word may sit in
    between: "5 nhóm nội dung kiến nghị"); the span runs over as many of the
    noun's words as follow.
    """
    if folded_input:
        subject = _fold(text)
        words = [w for w in (_fold(x) for x in _NUMBER_WORDS) if w != "nam"]
    else:
        subject = text.lower()
        words = sorted(_NUMBER_WORDS)
    number = rf"(?<![\w/]){_DIGIT_NUMBER}|\b(?:{'|'.join(words)})"
    tail = "".join(rf"(?:\s+(?:[-–]\s+)?{re.escape(w)}\b" for w in noun[1:]) + ")?" * (
        len(noun) - 1
    )
    pattern = rf"(?:{number})(?:\s+[^\s,;:.]+)?\s+{re.escape(noun[0])}\b{tail}"
    return [(m.start(), m.end()) for m in re.finditer(pattern, subject)]


def _list_item(text: str, start: int, end: int, item: int) -> tuple[int, int]:
    """The span of the ``item``-th entry (1-based; -1: the last) of the list
    ``text[start:end]``, or the whole list when it has no such entry.

    Entries are cut at ";" when there is one, else at "," and a last " và ".

    >>> t = "5 điểm nghẽn, đó là: ùn tắc giao thông, trật tự đô thị, úng ngập và ô nhiễm"
    >>> [t[slice(*_list_item(t, 21, len(t), k))] for k in (2, -1, 9)][:2]
    ['trật tự đô thị', 'ô nhiễm']
    >>> t[slice(*_list_item(t, 21, len(t), 9))] == t[21:]
    True
    """
    body = text[start:end]
    sep = ";" if ";" in body else ","
    cuts = [start]
    for m in re.finditer(re.escape(sep), body):
        cuts.append(start + m.end())
    pieces = [(a, b - 1 if b < end else b) for a, b in zip(cuts, [*cuts[1:], end], strict=True)]
    last_a, last_b = pieces[-1]
    conj = re.search(r"\s(?:và|cùng|hoặc)\s", text[last_a:last_b])
    if sep == "," and conj:
        pieces[-1:] = [(last_a, last_a + conj.start()), (last_a + conj.end(), last_b)]
    index = item - 1 if item > 0 else len(pieces) + item
    if len(pieces) < 2 or not 0 <= index < len(pieces):
        return start, end
    a, b = pieces[index]
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1] in " .;,…":
        b -= 1
    return a, b


_PLURAL_RE = re.compile(r"\b(?:nhung|gom|bao gom|cac)\b")
_JOINER_RE = re.compile(r"\s*(?:[,;–-]|\s(?:và|hoặc)\s)\s*$")


def _joined(text: str, spans: list[tuple[int, int]], span: tuple[int, int]) -> tuple[int, int]:
    """``span`` widened over the names written next to it, one joiner apart
    ("Mê Linh - Sóc Sơn - Đông Anh", "Hòa Lạc, Gia Lâm và Sơn Tây").

    >>> t = "Thành phố Bắc sông Hồng (Mê Linh - Sóc Sơn - Đông Anh), phía Tây (Hòa Lạc)"
    >>> runs = [(25, 32), (35, 42), (45, 53), (67, 74)]
    >>> t[slice(*_joined(t, runs, (25, 32)))]
    'Mê Linh - Sóc Sơn - Đông Anh'
    """
    ordered = sorted(spans)
    i = ordered.index(span)
    a, b = span
    j = i
    while j > 0 and _JOINER_RE.fullmatch(" " + text[ordered[j - 1][1] : a] + " "):
        j -= 1
        a = ordered[j][0]
    j = i
    while j + 1 < len(ordered) and _JOINER_RE.fullmatch(" " + text[b : ordered[j + 1][0]] + " "):
        j += 1
        b = ordered[j][1]
    return a, b


_QUOTED_RE = re.compile(r"[“\"][^”\"]{3,200}[”\"]|\([^()]{1,80}\)")


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the quoted titles and bracketed asides in ``text``.

    >>> t = 'Nghị quyết số 15 (khóa X) về "Tiếp tục đổi mới" đã ban hành'
    >>> [t[a:b] for a, b in _quoted_spans(t)]
    ['(khóa X)', '"Tiếp tục đổi mới"']
    """
    return [(m.start(), m.end()) for m in _QUOTED_RE.finditer(text)]


def _holds_title(before: str, title: str) -> bool:
    """Whether folded text ``before`` a name gives the name ``title`` itself, not its deputy.

    "Phó Bí thư Thường trực Thành ủy Hà Nội Nguyễn Thị Tuyến" is not the "Bí thư
    Thành ủy Hà Nội"; nor is "Phó Bí thư Thành ủy Hà Nội Nguyễn Văn Phong".

    >>> _holds_title("uy vien bo chinh tri, bi thu thanh uy ha noi ", "bi thu thanh uy ha noi")
    True
    >>> _holds_title("pho bi thu thanh uy ha noi ", "bi thu thanh uy ha noi")
    False
    """
    return any(
        not before[: m.start()].endswith("pho ") or title.startswith("pho ")
        for m in re.finditer(rf"(?<!\w){re.escape(title)}(?!\w)", before)
    )


# "TP Hà Nội", "thành phố Hà Nội", "Thủ đô Hà Nội": the city an article is about
_CITY_NAME_RE = re.compile(r"(?<!\w)(?:TP\.?|[Tt]hành phố|[Tt]hủ đô)\s+((?:\w+ ?){1,3})")
_CITY_ANAPHORS = (("tp",), ("thanh", "pho"), ("thu", "do"))


def _refers_to_city(folded_seq: Sequence[str]) -> bool:
    """Whether a sentence says "TP", "thành phố" or "Thủ đô" (folded syllables)."""
    for k, w in enumerate(folded_seq):
        for a in _CITY_ANAPHORS:
            if w == a[0] and tuple(folded_seq[k : k + len(a)]) == a:
                return True
    return False


def _city_words(profile: QuestionProfile, passages: Sequence[Passage]) -> dict[str, frozenset[str]]:
    """Per article, the question's words naming the city the article calls "TP Hà Nội".

    >>> q = analyze_question("Năm 2024 Hà Nội tăng trưởng bao nhiêu?")
    >>> p = Passage(text="Năm 2024, TP Hà Nội phấn đấu tăng trưởng 7%.", source="a.txt",
    ...             title="", score=1.0, chunk_id="a")
    >>> sorted(_city_words(q, [p])["a.txt"])
    ['ha', 'noi']
    """
    if profile.foreign:
        return {}
    question = " " + _fold(profile.text) + " "
    texts: dict[str, str] = {}
    for p in passages:
        texts[p.source] = texts.get(p.source, "") + " " + p.title + " " + p.text
    out: dict[str, frozenset[str]] = {}
    for source, text in texts.items():
        words: set[str] = set()
        for m in _CITY_NAME_RE.finditer(text):
            caps = []
            for t in m.group(1).split():
                if not t[0].isupper():
                    break
                caps.append(_fold(t))
            for n in range(len(caps), 1, -1):  # a name of two or three capitalised syllables
                if f" {' '.join(caps[:n])} " in question:
                    words |= set(caps[:n])
                    break
        if words:
            out[source] = frozenset(words)
    return out


def _term_pairs(profile: QuestionProfile, folded_text: str) -> dict[tuple[str, str], bool]:
    """The question's two-syllable words (adjacent content words, folded), and whether the
    passages write each. ``folded_text`` is the passages' folded text, spaced.

    >>> p = analyze_question("Dân số Hà Nội là bao nhiêu?")
    >>> _term_pairs(p, " ha noi tang truong 2 con so ")
    {('dan', 'so'): False, ('so', 'ha'): False, ('ha', 'noi'): True}
    """
    if profile.foreign:
        return {}
    terms = {t.folded for t in profile.terms if not t.folded.isdigit()}
    seq = [_fold(t) for t in _tokens(profile.text)]
    return {
        (a, b): f" {a} {b} " in folded_text
        for a, b in zip(seq, seq[1:], strict=False)
        if a in terms and b in terms
    }


def _stray_terms(pairs: dict[tuple[str, str], bool]) -> frozenset[str]:
    """The question's words that it uses only in two-syllable words the passages never write
    (``pairs`` from :func:`_term_pairs`).

    "Dân số Hà Nội là bao nhiêu?" in articles that never write "dân số": "số" in "2 con số"
    or "chuyển đổi số" is another word, and so are "diễn" and "tích" in "diễn đàn" and "tích
    cực" for "dien tich". A word with a neighbour of the question written beside it in the
    passages ("thành lập" in "thành lập mới"), or standing alone in the question, is not
    stray.

    >>> p = analyze_question("Dân số Hà Nội là bao nhiêu?")
    >>> sorted(_stray_terms(_term_pairs(p, " ha noi tang truong 2 con so ")))
    ['dan', 'so']
    >>> sorted(_stray_terms(_term_pairs(p, " dan so ha noi khoang 8 trieu nguoi ")))
    []
    """
    seen: dict[str, bool] = {}
    for (a, b), written in pairs.items():
        seen[a] = seen.get(a, False) or written
        seen[b] = seen.get(b, False) or written
    return frozenset(t for t, written in seen.items() if not written)


def _compounds(pairs: dict[tuple[str, str], bool]) -> dict[str, frozenset[tuple[str, str]]]:
    """Per question word, the question's two-syllable words with it that the passages write
    (``pairs`` from :func:`_term_pairs`).

    Vietnamese words are mostly two syllables, and a syllable alone says little: "bình"
    is in "bình quân" (average) and in "hòa bình" (peace). A sentence that has "bình"
    and "quân" apart has other words than the question's "bình quân", when the passages
    write "bình quân" somewhere.

    >>> p = analyze_question("thu nhap binh quan nguoi dan ha noi")
    >>> c = _compounds(_term_pairs(p, " grdp binh quan dau nguoi ha noi "))
    >>> sorted(c)
    ['binh', 'ha', 'noi', 'quan']
    >>> sorted(c["quan"])
    [('binh', 'quan')]
    """
    out: dict[str, set[tuple[str, str]]] = {}
    for (a, b), written in pairs.items():
        if written and a != b:
            out.setdefault(a, set()).add((a, b))
            out.setdefault(b, set()).add((a, b))
    return {t: frozenset(v) for t, v in out.items()}


class _Scorer:
    """Scores the sentences of the passages against one question profile."""

    def __init__(
        self, profile: QuestionProfile, passages: Sequence[Passage], *, ranking: bool = False
    ) -> None:
        self.q = profile
        self.passages = passages
        self.sentences, self.units = _units(passages)
        n = max(sum(len(ss) for ss in self.sentences), 1)
        self.lenient = profile.folded_input or profile.foreign
        # in how many sentences of the passages each question word is (for its weight)
        counts = [_sentence_counts(p.text) for p in passages]
        df: dict[str, int] = {}
        for t in profile.terms:
            for key in (t.folded, "\x00" + t.accented):
                df[key] = sum(c.get(key, 0) for c in counts)
        # "TP phấn đấu ...": in an article about Hà Nội, "TP", "thành phố" and "Thủ đô" name
        # the city; the question's words for it are found there, and weigh accordingly
        self.city_words = _city_words(profile, passages)
        self.city = frozenset().union(*self.city_words.values())  # the question's city
        for p in passages:
            words = self.city_words.get(p.source)
            if not words:
                continue
            for u in _passage_units(p.text)[0]:
                if _refers_to_city(u.folded_seq):
                    for t in profile.terms:
                        if t.folded in words and t.folded not in u.folded:
                            df[t.folded] = df.get(t.folded, 0) + 1
                            df["\x00" + t.accented] = df.get("\x00" + t.accented, 0) + 1
        self._term_re = {  # only for words the whole-word lookup cannot serve ("6,5")
            t: re.compile(rf"(?<!\w){re.escape(t.folded)}(?!\w)")
            for t in profile.terms
            if not t.folded.isalnum()
        }
        self._near_cache: dict[tuple[int, int], _Near] = {}
        self._periods_cache: dict[int, list[tuple[int, str]]] = {}
        self._years_cache: dict[tuple[int, int], frozenset[str]] = {}
        self._cited_cache: dict[int, frozenset[str]] = {}
        chunk_at = {(p.source, p.position): i for i, p in enumerate(passages)}
        self._previous_chunk = {
            i: chunk_at[(p.source, p.position - 1)]
            for i, p in enumerate(passages)
            if (p.source, p.position - 1) in chunk_at
        }

        def idf(term: Term) -> float:
            key = term.folded if self.lenient else "\x00" + term.accented
            d = df.get(key, 0)
            return math.log(1.0 + n / (0.5 + d))

        self.weights = {t: idf(t) * t.boost for t in profile.terms}
        self.total = sum(self.weights.values()) or 1.0
        views = [_passage_view(p.text, p.title) for p in passages]
        self.passage_tokens = [v[0] for v in views]
        self.passage_folded = [v[1] for v in views]
        self.title_tokens = [set(_tokens(p.title)) for p in passages]
        self.title_folded = [{_fold(t) for t in ts} for ts in self.title_tokens]
        self.title_folded_seq = [" ".join(_fold(t) for t in _tokens(p.title)) for p in passages]
        self.folded_text = [v[2] for v in views]
        # a question word's weakest support: in the passage's title or anywhere in it
        self._around = [
            {
                t: max(
                    0.5 * _match(t, self.title_tokens[i], self.title_folded[i], self.lenient),
                    0.35 * _match(t, self.passage_tokens[i], self.passage_folded[i], self.lenient),
                )
                for t in profile.terms
            }
            for i in range(len(passages))
        ]
        self.all_folded = " ".join(self.folded_text)
        pairs = _term_pairs(profile, self.all_folded)
        self.stray = _stray_terms(pairs)
        # the re-ranker (``ranking``) keeps a stray word's full credit: discounting it moved
        # the right passage down for 9 of 1,225 Zalo questions typed without diacritics
        self.stray_credit = STRAY_CREDIT if profile.folded_input and not ranking else 1.0
        # the answerer's alone (the city-only rule in _words, an answer span's proximity): the
        # re-ranker keeps its evidence as it was
        self.compounds = {} if ranking else _compounds(pairs)
        self.article_folded: dict[str, str] = {}
        for p, folded_text in zip(passages, self.folded_text, strict=True):
            self.article_folded[p.source] = self.article_folded.get(p.source, "") + folded_text
        self.question_low = profile.text.lower()
        self.question_folded = _fold(profile.text)
        self.plural = bool(_PLURAL_RE.search(self.question_folded))  # "gồm những huyện nào"
        self.focus_years = frozenset(_YEAR_RE.findall(profile.focus_phrase))
        # "Ai là ...?", "... là ai?": who someone is, a person (not a body: see _type)
        self.identity = bool(re.search(r"\bai (?:la|lam|giu)\b|\bla ai\b", self.question_folded))
        # "làm việc với ai?": the one named after "với"; "việc" is the act a body may answer
        # for, as "ban" is in "Ai ban hành ...?" (the answerer's alone: in the re-ranker bodies
        # moved the right passage down for 10 Zalo questions, up for 2)
        m = re.search(r"(\w+) (voi|cho|cua|boi) ai\b", self.question_folded)
        self.partner_word = m.group(2) if m else ""
        acts: tuple[str, ...] = (m.group(1),) if m else ()
        if not m:  # "Ai (được giao) chỉ đạo ...?": the verbs after "ai"
            m = re.search(
                r"^(?:\w+ )?ai (?:(?:da|se|dang|duoc|bi|can|phai|co) )*(\w+)(?: (\w+))?",
                self.question_folded,
            )
            acts = tuple(w for w in m.groups() if w) if m else ()
        self.body_acts = (
            acts if not self.identity and not ranking and not profile.person_title else ()
        )
        # the kinds of act whose date the question asks
        act_res = _FOLDED_DATED_ACT_RES if profile.folded_input else _DATED_ACT_RES
        question = self.question_folded if profile.folded_input else profile.text
        self.dated_acts = (
            frozenset(k for k, r in act_res.items() if r.search(question))
            if "date" in profile.expects
            else frozenset()
        )
        # how much the retrieval trusts each passage, from its dense rank (or its position)
        self.prior = [
            1.0 / (1.0 + 0.35 * ((p.dense_rank or (i + 1)) - 1)) for i, p in enumerate(passages)
        ]

    # -- context -----------------------------------------------------------------------
    def _periods(self, i: int) -> list[tuple[int, str]]:
        """The years and year ranges passage ``i`` names (read once, when a question has a
        year)."""
        if i not in self._periods_cache:
            self._periods_cache[i] = periods(self.passages[i].text)
        return self._periods_cache[i]

    def _near(self, u: _Unit) -> _Near:
        """Tokens and text just before the unit: two sentences, and its own sentence's head."""
        key = (u.passage_index, u.start)
        if key not in self._near_cache:
            self._near_cache[key] = self._compute_near(u)
        return self._near_cache[key]

    def _compute_near(self, u: _Unit) -> _Near:
        sents = self.sentences[u.passage_index]
        before = sents[max(0, u.sentence_index - 2) : u.sentence_index]
        previous = self._previous_chunk.get(u.passage_index)
        if not before and previous is not None:
            # a chunk's first sentence: the two before it come from the article's previous
            # chunk, when retrieved (those before this chunk's start, if the offsets are
            # known: chunks overlap)
            here, prev = self.passages[u.passage_index], self.passages[previous]
            earlier = [
                s
                for s in self.sentences[previous]
                if not here.end or prev.start + s.end <= here.start
            ]
            before = earlier[-2:]
        tokens: set[str] = set()
        folded: set[str] = set()
        texts = []
        folded_words = []
        for s in before:
            tokens |= s.tokens
            folded |= s.folded
            texts.append(s.text)
            folded_words.extend(s.folded_seq)
        if u.clause:
            own = sents[u.sentence_index]
            head = self.passages[u.passage_index].text[own.start : u.start]
            toks = _tokens(head)
            head_folded = [_fold(t) for t in toks]
            tokens |= set(toks)
            folded |= set(head_folded)
            texts.append(head)
            folded_words.extend(head_folded)
        return _Near(tokens, folded, " ".join(texts), " ".join(folded_words))

    # -- parts of the score ----------------------------------------------------------
    def _coverage(self, u: _Unit) -> tuple[float, float, dict[str, float]]:
        i = u.passage_index
        near_tokens, near_folded, _, _ = self._near(u)
        lenient = self.lenient
        covered: dict[str, float] = {}
        cov = ctx = 0.0
        around = self._around[i]
        tokens, folded = u.tokens, u.folded
        years = self.q.years if not _YEAR_RE.search(u.text) else frozenset()
        attribution = self.q.attribution
        cited = self._cited(i) if attribution else frozenset()
        city = self._city_named(u) if self.city_words else frozenset()
        for t, w in self.weights.items():
            # _match, inlined: this loop runs for every question word of every unit
            if lenient:
                m = 1.0 if t.folded in folded else 0.0
            else:
                m = 1.0 if t.accented in tokens else 0.5 if t.folded in folded else 0.0
            if m < 1.0 and t.folded in city:
                m = 1.0  # "TP phấn đấu ...": the city the article is about
            if m < 1.0 and t.folded in attribution and t.folded in cited:
                m = 1.0  # "Theo kết luận của Bộ Chính trị, ...": the article names its source
            c = m
            if m < 1.0:
                c = max(m, 0.6 * _match(t, near_tokens, near_folded, lenient), around[t])
                if t.folded in years and t.folded in self._context_years(u):
                    c = max(c, 0.6)  # "2024": the sentence is about it (see _constraints)
            if t.folded in self.stray and self.stray_credit < 1.0:
                # "dien tich" typed, "diễn đàn" written: without diacritics a syllable
                # stands for several ("dien": diện, diễn, điện), and one the passages never
                # write in the question's word is most likely another
                m, c = self.stray_credit * m, self.stray_credit * c
            covered[t.folded] = m
            cov += w * m
            ctx += w * c
        return cov / self.total, ctx / self.total, covered

    def _split(self, u: _Unit) -> frozenset[str]:
        """The question's words in the unit only apart from their two-syllable word
        (:func:`_compounds`)."""
        if not self.compounds:
            return frozenset()
        return frozenset(
            t for t, words in self.compounds.items() if t in u.folded and not words & u.pairs
        )

    def _city_named(self, u: _Unit) -> frozenset[str]:
        """The question's words that name the city the unit calls "TP", "thành phố" or
        "Thủ đô" (the city its article is about)."""
        words = self.city_words.get(self.passages[u.passage_index].source)
        return words if words and _refers_to_city(u.folded_seq) else frozenset()

    def _cited(self, i: int) -> frozenset[str]:
        """The question's attribution words that passage ``i`` or its article names."""
        if i not in self._cited_cache:
            # the article's retrieved passages, this one among them
            words = set(self.article_folded[self.passages[i].source].split())
            self._cited_cache[i] = self.q.attribution & words
        return self._cited_cache[i]

    def _bigram(self, u: _Unit) -> float:
        q = self.q
        if not q.bigrams:
            return 0.0
        have = u.pairs
        if q.attribution:
            # a pair with a word of the attribution counts when its article names that word
            cited = self._cited(u.passage_index)
            have = have | {b for b in q.bigrams if b[0] in cited or b[1] in cited}
        return len(q.bigrams & have) / len(q.bigrams)

    def _term_spans(self, t: Term, folded: str) -> list[tuple[int, int]]:
        """Where ``t`` stands as a whole word in ``folded`` (as ``(?<!\\w)t(?!\\w)`` finds it)."""
        if t.folded.isalnum():  # a whole run of word characters: look it up
            return _word_spans(folded).get(t.folded, [])
        return [(m.start(), m.end()) for m in self._term_re[t].finditer(folded)]

    def _anchor(self, u: _Unit) -> int:
        """Offset in the unit after its densest run of question words (answers follow it)."""
        folded = _fold(u.text)
        hits: list[tuple[int, str]] = []
        for t in self.q.terms:
            if len(t.folded) < 2 or t.folded.isdigit():
                continue
            hits += [(e, t.folded) for _, e in self._term_spans(t, folded)]
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

    @staticmethod
    def _span_window(text: str, span: tuple[int, int]) -> tuple[int, int]:
        """The stretch of ``text`` whose words count as near ``span``: a few words either
        side, on the same side of a ":"."""
        # a quoted title or a bracket between counts as one word ("Nghị quyết số 15-NQ/TW
        # (khóa X) về "Tiếp tục đổi mới phương thức lãnh đạo ..."")
        lo, hi = span[0] - 160, span[1] + 160
        quoted = _quoted_spans(text)
        for a, b in reversed(quoted):
            if lo < b <= span[0]:
                lo -= b - a
        for a, b in quoted:
            if span[1] <= a < hi:
                hi += b - a
        cuts = [m.end() for m in re.finditer(r"[:;]", text)]
        lo = max([lo] + [c for c in cuts if c <= span[0]])
        hi = min([hi] + [c for c in cuts if c > span[1]])
        return max(lo, 0), hi

    def _other_numbering(self, text: str, window: tuple[int, int]) -> bool:
        """Whether the words near an answer span (``window``, from :meth:`_span_window`)
        name another congress or term than the question's.

        "Đại hội lần thứ XVIII diễn ra vào ngày nào?" is not answered by "ngày 23 và
        24/11/2023, Ban Chấp hành ... khóa XVII đã họp, ...: ... chuẩn bị Đại hội lần thứ
        XVIII": the date is the meeting of term XVII; XVIII is only named past the ":".
        """
        if not self.q.romans:
            return False
        near = set(_ROMAN_RE.findall(text[window[0] : window[1]]))
        return bool(near) and not near & self.q.romans

    def _proximity(self, u: _Unit, window: tuple[int, int]) -> float:
        """Share of the unit's matched question words that sit near an answer span (in
        ``window``, from :meth:`_span_window`).

        Near means on the same side of a ":" and within a few words: in "ngày 23 và
        24/11/2023, Ban Chấp hành ... cho ý kiến về 8 nội dung: ... Đại hội lần thứ XVIII
        ...", the date is not near "Đại hội XVIII".
        """
        folded = _fold(u.text)
        near = total = 0.0
        lo, hi = window
        pairs: set[tuple[str, str]] = set()
        if self.compounds:
            seq = [_fold(t) for t in _tokens(u.text[lo:hi])]
            pairs = set(zip(seq, seq[1:], strict=False))
        for t, w in self.weights.items():
            if len(t.folded) < 2:
                continue
            pos = [a for a, _ in self._term_spans(t, folded)]
            if not pos:
                continue
            total += w * w  # squared: the rare words say what the question is about
            if t.folded in self.compounds and not self.compounds[t.folded] & pairs:
                continue  # "đầu" of "đầu người" is not near for "đầu tư" (_compounds)
            if any(lo <= p <= hi for p in pos):
                near += w * w
        return near / total if total else 1.0

    def _type(self, u: _Unit) -> tuple[float, tuple[int, int] | None]:
        """How well the unit holds the kind of answer asked for, and that answer's span.

        A kind that is asked for and missing costs much (a question about a
        date is not answered by a sentence without one); a span found far
        from the question's words costs a little (it may answer something else).
        """
        q = self.q
        text = u.text
        if not q.expects:
            return 1.0, None
        exclude = q.numbers_in_question
        anchor = self._anchor(u)
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
                for m in _ORDINAL_RE.finditer(text)
                if m.group().lower() not in self.question_low
            ]
            factors.append(1.0 if spans else miss)
            typed.append(nearest(spans))
        if "year" in q.expects:
            spans = [
                (m.start(), m.end()) for m in _YEAR_RE.finditer(text) if m.group() not in exclude
            ]
            factors.append(1.0 if spans else miss)
            typed.append(nearest(spans))
        if "date" in q.expects:
            spans = [
                (m.start(), m.end())
                for m in _DATE_RE.finditer(text)
                if m.group().lower() not in self.question_low
            ]
            if not spans and re.search(
                r"\b(?:khi nao|bao gio|luc nao|thoi diem nao|when)\b", self.question_folded
            ):
                spans = [
                    (m.start(), m.end())
                    for m in _YEAR_RE.finditer(text)
                    if m.group() not in exclude
                ]
                if self.dated_acts:
                    # an act is done at a time, not over a term ("ký ban hành kết luận ...
                    # khóa XVII (nhiệm kỳ 2020-2025)")
                    ranges = [m.span() for m in _YEAR_RANGE_RE.finditer(text)]
                    spans = [s for s in spans if not any(a <= s[0] < b for a, b in ranges)]
                spans += [(m.start(), m.end()) for m in _RELATIVE_TIME_RE.finditer(text)]
            date = nearest(spans)
            if date and self.dated_acts:
                lo, hi = self._span_window(text, date)
                if _DOCUMENT_DATE_RE.search(text[max(0, date[0] - 60) : date[0]]):
                    near = {"issuing"}
                else:
                    near = {k for k, r in _DATED_ACT_RES.items() if r.search(text, lo, hi)}
                if not near & self.dated_acts:
                    spans, date = [], None  # the date of something else, or of nothing said
            factors.append(1.0 if spans else miss)
            typed.append(date)
        numbers = _number_spans(text, exclude)
        if "money" in q.expects:
            spans = [
                (a, m.end())
                for a, b, _ in numbers
                if (m := _MONEY_RE.match(text, b)) and m.group().strip()
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
                        for s in _count_noun_spans(text, noun, q.folded_input)
                        if text[s[0] : s[1]].split()[0].rstrip("%") not in exclude
                    ]
                    found += bool(got)
                    spans += got
                share = found / len(q.count_noun)
                units_only = all(n[0] in _UNITS for n in q.count_noun)
                if share:
                    factors.append(0.6 + 0.4 * share)
                    spans = self._best_counted(text, spans)
                else:
                    factors.append(0.5 if numbers and not units_only else miss)
                    spans = [(a, self._with_unit(text, b)) for a, b, _ in numbers]
            else:
                spans = [(a, self._with_unit(text, b)) for a, b, _ in numbers]
                factors.append(1.0 if spans else miss)
            typed.append(nearest(spans))
        if "person" in q.expects:
            spans = person_names(text, self.question_low)
            if spans and q.person_title:
                # "Bí thư Thành ủy Hà Nội nào": the name that follows that title
                # (or, after a comma, the titles that follow it: "đồng chí Trương Thị Mai,
                # Ủy viên Bộ Chính trị, ..., Trưởng ban Tổ chức Trung ương cho biết")
                titled = [
                    (a, b)
                    for a, b in spans
                    if _holds_title(_fold(text[max(0, a - 60) : a]), q.person_title)
                    or (
                        text[b : b + 2] == ", "
                        and _holds_title(_fold(text[b : b + 100]), q.person_title)
                    )
                ]
                factors.append(1.0 if titled else 0.6)
                spans = titled or spans
            elif not spans and any(w in u.folded for w in self.body_acts):
                # "làm việc với ai?", "Ai lãnh đạo ...?": a body answers "ai" too ("... đã làm
                # việc với Ban Thường vụ Thành ủy Hà Nội"), if less surely than a person and
                # only where the sentence says the act asked about (see body_acts)
                spans = [
                    (a, b)
                    for a, b in _organisations(text)
                    if _fold(text[a:b]) not in self.question_folded
                ]
                if spans and self.partner_word:
                    # the one named after the same word ("... với Ban Thường vụ")
                    spans = [
                        (a, b)
                        for a, b in spans
                        if _fold(text[max(0, a - 6) : a]).split()[-1:] == [self.partner_word]
                    ]
                elif spans:
                    # "Ai ban hành ...?": the one named before the act ("Thành ủy đã ban
                    # hành"); of two acts, before the later ("... giao Ban Thường vụ Thành ủy
                    # chỉ đạo" for "Ai được giao chỉ đạo ...?")
                    words = _word_spans(_fold(text))
                    at = max((words[w][0][0] for w in self.body_acts if w in words), default=-1)
                    spans = [sp for sp in spans if sp[1] <= at][-1:]
                factors.append(ORGANISATION_FACTOR if spans else miss)
            elif spans and self.body_acts and not any(w in u.folded for w in self.body_acts):
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
                and _fold(text[a:b]) not in self.question_folded
                and _PLACE_BEFORE_RE.search(text[max(0, a - 20) : a])
            ]
            if not q.place_classifier:
                # an event in the sentence's opening phrase frames all of it ("Tại Hội nghị
                # X, ông Y ...", "Tiếp tục chương trình làm việc Đại hội XIV, ..."); after "tại"
                # or "ở" elsewhere it is a place like any other (_PLACE_BEFORE_RE)
                frames = {
                    (m.start(), m.end())
                    for m in _EVENT_RE.finditer(text)
                    if _fold(m.group()) not in self.question_folded
                    and not re.search(r"[,;:]", text[: m.start()])
                }
                spans = sorted(frames) + [
                    s for s in spans if not any(a <= s[0] < b for a, b in frames)
                ]
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
                if not self._proximity(u, self._span_window(text, place)):
                    place = min(frames)
            if place and self.plural:
                place = _joined(text, spans, place)  # "gồm những huyện nào": all of them
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
                lead = f" {' '.join(_fold(t) for t in _tokens(text[max(0, colon - 80) : colon]))} "
                factors.append(1.0 if not q.list_head or f" {q.list_head} " in lead else 0.75)
                listed = _list_item(text, start, end, q.item) if q.item else (start, end)
            else:
                factors.append(1.0 if separators >= 2 else 0.8)
        if "definition" in q.expects and q.defined:
            folded = " ".join(_fold(t) for t in _tokens(text))
            defined = re.search(rf"\b{re.escape(q.defined)} (?:la|duoc hieu la)\b", folded)
            factors.append(1.0 if defined else 0.5)
        if "entity" in q.expects:
            spans = [
                (a, b)
                for a, b in capitalised_runs(text)
                if a > 0 and _fold(text[a:b]) not in self.question_folded
            ]
            quoted = [(m.start(), m.end()) for m in re.finditer(r"[“\"][^”\"]{3,80}[”\"]", text)]
            factors.append(1.0 if spans or quoted else 0.9)
        factor = 1.0
        for f in factors:
            factor *= f
        span = next((c for c in typed if c), None)
        if span is not None:
            window = self._span_window(text, span)
            proximity = self._proximity(u, window)
            if span in frames:
                proximity = 1.0  # "Tại Hội nghị X, ông Y ...": where all the sentence happened
            factor *= 0.35 + 0.65 * proximity
            if self._other_numbering(text, window):
                factor *= 0.5  # as for a sentence about another congress (_constraints)
            if not proximity or not self._in_focus_clause(text, span):
                # "còn SIPAS?": "PAR-Index tăng 7 bậc, SIPAS giữ nguyên ..."; "Tổng vốn đầu
                # tư ...?": "...; GRDP bình quân đầu người khoảng 160-162 triệu đồng; ..."
                span = None
        return max(factor, 0.1), span or listed

    def _in_focus_clause(self, text: str, span: tuple[int, int]) -> bool:
        """Whether ``span`` is in the clause (between "," ";" ":") that names what a
        follow-up asks about now, when the text names it; True for other questions."""
        focus = self.q.focus_phrase
        if not focus or _YEAR_RE.fullmatch(focus.split()[-1]):
            return True  # a year asked is checked as a constraint
        at = re.search(rf"(?<!\w){re.escape(focus)}(?!\w)", _fold(text))
        if not at:
            return True
        cuts = [0, *(m.end() for m in re.finditer(r"[,;:]\s", text)), len(text) + 1]
        clause = next((a, b) for a, b in zip(cuts, cuts[1:], strict=False) if a <= at.start() < b)
        return clause[0] <= span[0] < clause[1]

    def _best_counted(self, text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Of several "<number> <noun>" spans, those followed by most question words.

        "111 xã đạt chuẩn NTM nâng cao và 20 xã đạt chuẩn NTM kiểu mẫu": for a
        question about "xã ... kiểu mẫu", the second one.
        """
        if len(spans) < 2:
            return spans
        folded = _fold(text)
        weights = {t.folded: w for t, w in self.weights.items()}

        def words_after(span: tuple[int, int]) -> float:
            nxt = [x for x in spans if x[0] > span[0]]
            stop = min([x[0] for x in nxt] + [span[1] + 40])
            return sum(weights.get(w, 0.0) for w in set(re.findall(r"\w+", folded[span[1] : stop])))

        best = max(words_after(sp) for sp in spans)
        return [sp for sp in spans if words_after(sp) == best]

    @staticmethod
    def _with_unit(text: str, end: int) -> int:
        m = _UNIT_RE.match(text, end)
        return m.end() if m and m.end() > end else end

    def _near_folded(self, u: _Unit) -> str:
        """The folded words just before the unit (as :meth:`_near`) and of its passage's title,
        spaced."""
        return f" {self._near(u).folded_text} {self.title_folded_seq[u.passage_index]} "

    def _context_years(self, u: _Unit) -> frozenset[str]:
        """The years the text around a unit that names none is about.

        The last year named before the unit, in its passage or, before the
        passage, in its article (``Passage.period``), with the years just before
        it and in the title; else the article's date. A range counts by its
        ends, as written: "2011-2020" is not about 2015.
        """
        key = (u.passage_index, u.start)
        if key not in self._years_cache:
            passage = self.passages[u.passage_index]
            period = period_at(self._periods(u.passage_index), u.start, earlier=passage.period)
            years = set(_YEAR_RE.findall(f"{self._near(u).text} {passage.title} {period}"))
            if not period:
                years |= {passage.date[:4]} - {""}
            self._years_cache[key] = frozenset(years)
        return self._years_cache[key]

    def _constraints(self, u: _Unit) -> float:
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
        q = self.q
        i = u.passage_index
        passage = self.passages[i]
        factor = 1.0
        unit_text = " " + " ".join(u.folded_seq) + " "
        near = self._near_folded(u)
        article = self.article_folded[passage.source]

        def where(words: str) -> str:
            if f" {words} " in unit_text or f" {words} " in near:
                return "here"
            if f" {words} " in self.folded_text[i] or f" {words} " in article:
                return "article"
            return "elsewhere" if f" {words} " in self.all_folded else "nowhere"

        unit_years = set(_YEAR_RE.findall(u.text))
        ctx_years = self._context_years(u) if q.years and not unit_years else frozenset()
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
        unit_romans = set(_ROMAN_RE.findall(u.text))
        for r in q.romans:
            if r not in unit_romans:
                factor *= 0.5 if unit_romans else 0.85  # "Đại hội XIV" is not "Đại hội XVIII"
        for n in q.numbers:
            factor *= {"here": 1.0, "article": 0.9, "elsewhere": 0.85, "nowhere": 0.6}[where(n)]
        for code in q.codes:
            # "Nghị quyết 09-NQ/TU ... ngày nào?": an article that never names the document
            # is not about it (a code, unlike a name, is never left implicit)
            words = " ".join(_fold(t) for t in _tokens(code))
            factor *= {"here": 1.0, "article": 0.9, "elsewhere": 0.6, "nowhere": 0.45}[where(words)]
        name_factor = 1.0
        for name in q.names:
            words = " ".join(_fold(t) for t in _tokens(name))
            if words:
                name_factor *= {"here": 1.0, "article": 0.97, "elsewhere": 0.9, "nowhere": 0.45}[
                    where(words)
                ]
        if (
            q.focus_phrase
            and f" {q.focus_phrase} " not in unit_text
            # "năm 2030" asked, "nhiệm kỳ 2025-2030" written: the year asked is there
            and not (self.focus_years and self.focus_years <= unit_years)
            # "còn năm 2024?": a sentence that names no year, about 2024 by its context
            and not (
                self.focus_years and not unit_years and self.focus_years <= self._context_years(u)
            )
        ):
            factor *= 0.9 if f" {q.focus_phrase} " in near else 0.7
        return factor * max(name_factor, 0.3)

    def _anchors(self, u: _Unit) -> float:
        """Share of an English question's names and numbers ("OECD", "1") found near the unit."""
        anchors = [" ".join(_fold(t) for t in _tokens(x)) for x in (*self.q.names, *self.q.numbers)]
        anchors = [a for a in anchors if a]
        if not anchors:
            return 0.0
        text = " " + " ".join(u.folded_seq) + " " + self._near(u).folded_text + " "
        return sum(f" {a} " in text for a in anchors) / len(anchors)

    # -- the score -----------------------------------------------------------------
    def _words(self, u: _Unit) -> tuple[float, float, dict[str, float], float, float]:
        """Coverage, context coverage, covered terms, bigram share, and the support they give."""
        cov, ctx, covered = self._coverage(u)
        bi = self._bigram(u)
        if self.q.foreign:
            # across languages the words do not match: trust the dense ranking,
            # as far as names and numbers of the question are in the passage
            support = self.prior[u.passage_index] * (0.2 + 0.6 * self._anchors(u)) + 0.2 * ctx
        else:
            support = 0.35 * cov + 0.35 * ctx + 0.3 * bi
            apart = self.stray | self._split(u)
            named = [t for t, m in covered.items() if m > 0 and t not in apart]
            if self.city and named and all(t in self.city for t in named):
                # "Hà Nội" is all the sentence has of the question, in articles about Hà
                # Nội: it says nothing of what is asked ("Dân số Hà Nội là bao nhiêu?" and
                # "Thủ đô Hà Nội ... tăng trưởng 11%, ... 2 con số")
                support *= CITY_ONLY_FACTOR
        return cov, ctx, covered, bi, support

    def best_support(self, keep: int = 3) -> list[float]:
        """Per passage, the best unit's support (what :meth:`score` calls ``support``).

        The answer-kind and constraint factors (the costly part) are computed only
        for the ``keep`` units with the most word support in each passage: a
        unit that shares few of the question's words does not win on them.
        """
        out = [0.0] * len(self.passages)
        for i, units in enumerate(self.units):
            by_words = sorted(((self._words(u)[4], k) for k, u in enumerate(units)), reverse=True)
            for words, k in by_words[:keep]:
                if words <= out[i]:
                    break  # the factors are at most 1
                u = units[k]
                out[i] = max(out[i], words * self._type(u)[0] * self._constraints(u))
        return out

    def score(self) -> list[ScoredSentence]:
        q = self.q
        out: list[ScoredSentence] = []
        list_question = "list" in q.expects
        for units in self.units:
            for u in units:
                cov, ctx, covered, bi, support = self._words(u)
                tf, span = self._type(u)
                cf = self._constraints(u)
                rank = u.passage_index
                support *= tf * cf
                n_tok = len(u.folded_seq)
                slope = 200 if list_question else 100
                length = 1.0 / (1.0 + max(0, n_tok - 45) / slope)
                short = 1.0 if n_tok >= 8 else 0.7 + 0.3 * (n_tok - 3) / 5
                heading = (
                    0.75  # a heading names a topic; it rarely states the answer
                    if not u.clause
                    and len(u.text) <= HEADING_MAX_CHARS
                    and not re.search(r"[.!?…:;\"”)]$", u.text)
                    else 1.0
                )
                score = support * length * short * heading / (1.0 + 0.05 * rank)
                p = self.passages[u.passage_index]
                abs_span = (u.start + span[0], u.start + span[1]) if span else None
                if abs_span and not p.text[abs_span[0] : abs_span[1]].strip():
                    abs_span = None
                out.append(
                    ScoredSentence(
                        passage_index=u.passage_index,
                        start=u.start,
                        end=u.end,
                        text=u.text,
                        score=score,
                        support=support,
                        coverage=cov,
                        context_coverage=ctx,
                        bigram=bi,
                        type_factor=tf,
                        constraint_factor=cf,
                        covered=covered,
                        span=abs_span,
                        clause=u.clause,
                    )
                )
        out.sort(key=lambda s: (-s.score, s.passage_index, s.start))
        return out


def passage_support(question: str, passages: Sequence[Passage]) -> list[float]:
    """How well each passage's best sentence answers ``question`` (0 when none does).

    This is the answerer's sentence evidence without its position and length
    terms, nor the discount of stray words (:func:`_stray_terms`): the question's
    words in the sentence and just before it, syllable bigrams, the kind of answer
    asked for (a date, a number, a name) and the question's years, numbers and names.
    :class:`assistant.rerank.EvidenceReranker` uses it to re-order retrieved passages.

    >>> a = Passage(text="Năm 2023 có 2.500 doanh nghiệp thành lập mới.", source="a",
    ...             title="", score=1.0, chunk_id="a")
    >>> b = Passage(text="Doanh nghiệp thành lập mới được hỗ trợ thủ tục.", source="b",
    ...             title="", score=1.0, chunk_id="b")
    >>> s = passage_support("Năm 2023 có bao nhiêu doanh nghiệp thành lập mới?", [b, a])
    >>> s[1] > s[0]
    True
    """
    profile = analyze_question(" ".join(nfc(question).split()))
    out = [0.0] * len(passages)
    if not passages or not profile.terms and not profile.foreign:
        return out
    return _Scorer(profile, passages, ranking=True).best_support()


# ----------------------------------------------------------------------------- answerer


def _enclosing_sentence(
    c: ScoredSentence, ranked: Sequence[ScoredSentence]
) -> ScoredSentence | None:
    """The whole sentence a clause was cut from (None for a sentence, or when not scored)."""
    if not c.clause:
        return None
    for s in ranked:
        if not s.clause and s.passage_index == c.passage_index and s.start <= c.start < s.end:
            return s
    return None


@dataclass
class Evidence:
    """What the answerer found: ranked sentences, confidence and the profile used."""

    profile: QuestionProfile
    ranked: list[ScoredSentence]
    confidence: float
    query: str
    weights: dict[str, float] = field(default_factory=dict)
    parts: list[Evidence] = field(default_factory=list)


class ExtractiveAnswerer(Answerer):
    """Answers with verbatim sentences of the passages, or abstains.

    ``abstain_threshold`` is compared with the answer's confidence (the best
    sentence's score, 0..1); ``max_sentences`` bounds the answer's length.
    """

    name = "extractive"

    def __init__(
        self,
        abstain_threshold: float = 0.3,
        max_sentences: int = 3,
        *,
        related_k: int = 3,
        lead_with_direct_answer: bool = True,
    ) -> None:
        if not 0.0 <= abstain_threshold <= 1.0:
            raise ValueError("abstain_threshold must be between 0 and 1")
        if max_sentences < 1:
            raise ValueError("max_sentences must be at least 1")
        self.abstain_threshold = abstain_threshold
        self.max_sentences = max_sentences
        self.related_k = related_k
        self.lead_with_direct_answer = lead_with_direct_answer

    @classmethod
    def from_settings(cls, settings: AnswerSettings) -> ExtractiveAnswerer:
        """The answerer configured by ``settings.answer``."""
        return cls(
            abstain_threshold=settings.abstain_threshold, max_sentences=settings.max_sentences
        )

    # -- evidence ---------------------------------------------------------------------
    def evidence(self, question: str, passages: Sequence[Passage], *, focus: str = "") -> Evidence:
        """Score every sentence of ``passages`` for ``question`` (no answer composed).

        A question in several parts ("..., và ...?", "So sánh A và B") is also
        scored part by part; its confidence is then the parts' mean, so each
        part must be supported.

        >>> p = Passage(text="Thu ngân sách ước đạt 400,421 nghìn tỷ đồng.", source="a",
        ...             title="", score=1.0, chunk_id="c")
        >>> ev = ExtractiveAnswerer().evidence("Thu ngân sách ước đạt bao nhiêu?", [p])
        >>> ev.ranked[0].text, ev.confidence > 0.5
        ('Thu ngân sách ước đạt 400,421 nghìn tỷ đồng.', True)
        """
        query = " ".join(nfc(question).split())
        ev = self._score(query, passages, focus=focus)
        parts = split_question(query) if not focus else []
        if len(parts) > 1 and ev.ranked:
            ev.parts = [self._score_part(part, parts[0], passages) for part in parts]
            ev.confidence = sum(x.confidence for x in ev.parts) / len(ev.parts)
        return ev

    @classmethod
    def _score_part(cls, part: str, first: str, passages: Sequence[Passage]) -> Evidence:
        """A later part that refers back to the first ("..., và năm 2024 phải làm gì với
        nó?") is scored as a follow-up of it, like a question in a conversation."""
        if part != first:
            condensed = condense(part, [Turn(first)])
            if condensed.is_followup:
                return cls._score(condensed.query, passages, focus=condensed.focus)
        return cls._score(part, passages)

    @staticmethod
    def _score(query: str, passages: Sequence[Passage], *, focus: str = "") -> Evidence:
        profile = analyze_question(query, focus=focus)
        if not passages or not profile.terms and not profile.foreign:
            return Evidence(profile, [], 0.0, query)
        scorer = _Scorer(profile, passages)
        ranked = scorer.score()
        confidence = ranked[0].score if ranked else 0.0
        weights = {t.folded: w for t, w in scorer.weights.items()}
        return Evidence(profile, ranked, min(1.0, confidence), query, weights)

    def _select(self, ev: Evidence, passages: Sequence[Passage]) -> list[ScoredSentence]:
        """The best sentence, what continues it, and sentences covering the rest."""
        chosen: list[ScoredSentence] = []

        def overlaps(c: ScoredSentence) -> bool:
            return any(
                c.passage_index == o.passage_index and c.start < o.end and o.start < c.end
                for o in chosen
            )

        def sentence_of(c: ScoredSentence) -> ScoredSentence:
            """A clause's whole sentence (a list question wants the whole list)."""
            s = _enclosing_sentence(c, ev.ranked)
            return s if s is not None and len(s.text) <= 900 else c

        list_question = "list" in ev.profile.expects
        leads = [ev.ranked[0]]
        for part in ev.parts:
            if part.ranked:
                leads.append(part.ranked[0])
        for lead in leads:
            lead = sentence_of(lead) if list_question else lead
            if not overlaps(lead) and len(chosen) < self.max_sentences:
                chosen.append(lead)
        best = chosen[0]
        top = ev.ranked[0]
        if best is not top and best.span is None and best.start <= top.start < best.end:
            best.span = top.span  # the whole sentence of the best clause
        # a list announced by the best sentence goes on in the next sentences
        announced = self._announced_items(best, ev.profile)
        if announced:
            # the list goes on after the best sentence, and into the article's next
            # chunk when that was retrieved too (its first sentence may repeat the
            # last one: chunks overlap)
            here = passages[best.passage_index]
            nxt = next(
                (
                    j
                    for j, p in enumerate(passages)
                    if p.source == here.source and p.position == here.position + 1
                ),
                None,
            )

            def order(s: ScoredSentence) -> tuple[int, int]:
                return (0 if s.passage_index == best.passage_index else 1, s.start)

            following = sorted(
                (
                    s
                    for s in ev.ranked
                    if not s.clause
                    and (
                        s.passage_index == best.passage_index
                        and s.start >= best.end
                        or s.passage_index == nxt
                    )
                ),
                key=order,
            )
            seen = {" ".join(c.text.split()) for c in chosen}
            for s in following:
                if len(chosen) > announced:
                    break
                key = " ".join(s.text.split())
                if not overlaps(s) and key not in seen:
                    seen.add(key)
                    chosen.append(s)
            return chosen
        covered = dict(best.covered)
        for c in chosen[1:]:
            for k, v in c.covered.items():
                covered[k] = max(covered.get(k, 0.0), v)
        weights = ev.weights or {t.folded: 1.0 for t in ev.profile.terms}
        total = sum(weights.values()) or 1.0
        cited = {c.passage_index for c in chosen}
        # "X được nhắc đến trong những việc gì?": every sentence naming person X is an item
        question = ev.profile.text
        people = [question[a:b] for a, b in person_names(question)] if list_question else []
        for cand in ev.ranked[1:]:
            if len(chosen) >= self.max_sentences:
                break
            if overlaps(cand) or cand.type_factor < 0.9 * best.type_factor:
                continue
            # another passage (a new citation) must add much; the same one, something
            new_source = cand.passage_index not in cited
            min_score, min_gain = (0.75, 0.3) if new_source else (0.5, 0.15)
            if people and any(name in cand.text for name in people):
                min_score, min_gain = 0.5, 0.0  # another mention of the person asked about
            if cand.score < min_score * best.score:
                continue
            gain = sum(
                weights[k] * max(0.0, v - covered.get(k, 0.0))
                for k, v in cand.covered.items()
                if k in weights
            )
            if gain / total < min_gain:
                continue
            cited.add(cand.passage_index)
            chosen.append(cand)
            for k, v in cand.covered.items():
                covered[k] = max(covered.get(k, 0.0), v)
        return chosen

    @staticmethod
    def _with_lead_in(
        c: ScoredSentence, ev: Evidence, passages: Sequence[Passage]
    ) -> ScoredSentence:
        """A clause shown with the rest of its sentence when that is short enough to read.

        In "các đơn vị sẽ bám sát Chương trình ...; Nghị quyết số 15 ...; ..." the
        second clause alone drops what is done with it ("bám sát"); in "Thành ủy
        đã ban hành hai quy chế ...; chỉ đạo UBND thành phố ban hành Quy chế ..."
        the first drops the second half of the answer. The whole sentence is
        shown when it is short enough, else the sentence up to the clause's end;
        verbatim either way, so the quote stays one span of the passage.
        """
        s = _enclosing_sentence(c, ev.ranked)
        if s is None:
            return c
        start, end = s.start, s.end
        if end - start > _LEAD_IN_MAX:
            end = c.end
        if end - start > _LEAD_IN_MAX or (start, end) == (c.start, c.end):
            return c
        text = passages[c.passage_index].text[start:end]
        return dataclasses.replace(c, start=start, end=end, text=text, clause=end != s.end)

    def _announced_items(self, best: ScoredSentence, profile: QuestionProfile) -> int:
        """How many following sentences continue a list the best sentence announces.

        "... tập trung vào 6 nhiệm vụ chủ yếu sau:" or, for a question about
        the items ("4 cam kết ... là gì?"), "Đảng bộ Hà Nội đưa ra 4 cam kết hành động.".
        """
        text = best.text.rstrip()
        limit = max(self.max_sentences, _MAX_LIST_ITEMS) - 1
        if text.endswith(":"):
            m = re.search(r"(?<![\w/])(\d{1,2})\s+\w+", text)
            return min(int(m.group(1)) if m else self.max_sentences - 1, limit)
        if "list" not in profile.expects and not (
            profile.numbers and "entity" not in profile.expects
        ):
            return 0
        if ":" in text or len(re.findall(r"[,;]", text)) >= 2 or len(text) > 200:
            return 0  # the sentence holds the list itself
        for n in profile.numbers:
            if not n.isdigit():  # "384.403", "7,5": no count of items
                continue
            if re.search(rf"(?<![\w/]){re.escape(n)}\s+\w+", text) and 2 <= int(n) <= 10:
                return min(int(n), limit)
        return 0

    # -- answering --------------------------------------------------------------------
    def stream_focused(
        self, question: str, passages: Sequence[Passage], focus: str = ""
    ) -> Iterator[AnswerEvent]:
        """:meth:`stream` weighing the words typed in this turn (``focus``) above the rest."""
        return self.stream(question, passages, focus=focus)

    def stream(
        self, question: str, passages: Sequence[Passage], *, focus: str = ""
    ) -> Iterator[AnswerEvent]:
        """Yield the answer sentence by sentence, then the final ``Answer``."""
        ev = self.evidence(question, passages, focus=focus)
        question = " ".join(nfc(question).split())
        if not ev.ranked or ev.confidence < self.abstain_threshold:
            related = list(passages[: self.related_k])
            text = NOT_FOUND_VI + (f" {RELATED_HINT_VI}" if related else "")
            yield AnswerEvent(delta=text)
            yield AnswerEvent(
                answer=Answer(
                    text=text,
                    abstained=True,
                    related=related,
                    question=question,
                    search_query=ev.query,
                    confidence=ev.confidence,
                )
            )
            return

        chosen = [self._with_lead_in(c, ev, passages) for c in self._select(ev, passages)]
        numbering = CitationNumbering()
        best = chosen[0]
        direct = ""
        pieces: list[str] = []
        for k, sent in enumerate(chosen):
            passage = passages[sent.passage_index]
            span = sent.span if k == 0 else None
            n = numbering.cite(passage, sent.start, sent.end, span=span)
            pieces.append(with_marker(display(sent.text, clause=sent.clause), n))
        if best.span:
            direct = passages[best.passage_index].text[best.span[0] : best.span[1]].strip()
        lead = ""
        if (
            self.lead_with_direct_answer
            and not ev.parts  # one span cannot answer a question in several parts
            and direct
            and len(direct) <= 80
            and direct != best.text
        ):
            lead = f"{direct.rstrip('.,;:')} [1]\n\n"
        text = lead + " ".join(pieces)
        if lead:
            yield AnswerEvent(delta=lead)
        for k, piece in enumerate(pieces):
            for group in word_groups(piece if k == 0 else " " + piece):
                yield AnswerEvent(delta=group)
        yield AnswerEvent(
            answer=Answer(
                text=text,
                citations=numbering.citations,
                question=question,
                search_query=ev.query,
                direct_answer=direct,
                confidence=ev.confidence,
            )
        )
