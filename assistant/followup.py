"""Follow-up questions: turn "Còn năm 2024 thì sao?" into a stand-alone question.

Deterministic, no model. A question is a follow-up when it is elliptical
("Còn ...", "Vậy ...", "Thế còn ...", "What about ..."), refers back with an
anaphor ("nghị quyết đó", "hội nghị này", "ông ấy", "họ"), opens with a verb
("Tăng bao nhiêu phần trăm?") or has almost no content words of its own. For
those the subject of the previous question is carried over:

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

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textvi import fold_diacritics, nfc, person_names

if TYPE_CHECKING:
    from assistant.answering.base import Turn

__all__ = ["Condensed", "condense", "condense_question", "is_followup"]

# Openers of an elliptical follow-up, longest first (folded, lowercase).
_OPENERS = (
    "vay con", "the con", "con ve", "con", "vay thi", "vay", "the thi", "the", "va",
    "what about", "how about", "and",
)  # fmt: skip
# Openers that point into the previous answer ("Trong đó X là gì?").
_CONTEXT_OPENERS = ("trong so do", "trong do", "theo do", "ngoai ra", "ben canh do")
# What an elliptical question may end with (folded, lowercase).
_CLOSER_RE = re.compile(
    r"(?:\s*,)?\s*(?:thi sao nhi|thi sao|thi the nao|thi nhu the nao|thi ra sao|ra sao|"
    r"the nao|nhu the nao|nhi|thi)?\s*[?.!…]*\s*$"
)
# Question words/phrases (folded, lowercase); a fragment with one is a question of its own.
_QUESTION_WORDS = frozenset(
    {
        "bao", "nhieu", "may", "gi", "nao", "ai", "dau", "sao", "khong", "chua",
        "what", "which", "who", "whom", "when", "where", "why", "how",
    }
)  # fmt: skip
# Words that are not content (folded, lowercase): function words and question words.
_FUNCTION_WORDS = _QUESTION_WORDS | frozenset(
    {
        "la", "cua", "va", "co", "duoc", "nhung", "cac", "cho", "voi", "trong", "ve", "theo",
        "da", "se", "dang", "thi", "ma", "de", "vao", "o", "tai", "tu", "den", "nay", "do",
        "ay", "kia", "mot", "hay", "hoac", "cung", "bi", "nen", "lai", "ra", "con",
        "vay", "the", "nhu", "khi", "gio", "hien", "nua", "ho", "no", "ong", "ba", "tren",
        "is", "are", "was", "a", "an", "of", "to", "in", "and", "about", "it", "they",
        "that", "this", "does", "did",
    }
)  # fmt: skip
# Lowercase words that end a noun phrase carried over from the previous question.
_PHRASE_BOUNDARY = _QUESTION_WORDS | frozenset(
    {
        "duoc", "la", "co", "da", "se", "dang", "vao", "hop", "dien", "to", "ky", "trinh",
        "phat", "yeu", "dat", "xac", "gom", "neu", "thi", "ma", "bi", "cho", "de", "tai",
        "o", "va", "hay", "hoac", "nham", "voi", "do", "khi", "nhu", "the", "ra", "ap",
        "can", "phai", "muon", "ban", "dong",
    }
)  # fmt: skip
# Verbs after which the previous question's subject ends ("X được giao ...").
_SUBJECT_VERBS = frozenset({"duoc", "co", "da", "se", "phai", "can", "la", "dang", "muon"})
# Fixed expressions whose "đó/nay/này" is not an anaphor (folded).
_NOT_ANAPHORA = frozenset(
    {
        "hien nay", "den nay", "ngay nay", "nam nay", "tu do", "sau do", "truoc do",
        "khi do", "luc do", "nhu vay", "gan day", "trong do", "theo do", "ben canh do",
        "do la",
    }
)  # fmt: skip
_ANAPHORS = ("đó", "này", "ấy", "kia", "trên")
_PERSON_PRONOUNS = ("ông ấy", "bà ấy", "anh ấy", "chị ấy", "người đó", "người này", "người ấy")
_PRONOUNS = (*_PERSON_PRONOUNS, "họ", "nó")
# typed without marks only the two-word ones can be told apart ("ho", "no" are many words)
_FOLDED_PERSON_PRONOUNS = tuple(fold_diacritics(p) for p in _PERSON_PRONOUNS)
_PLACE_LINKS = frozenset({"tai", "o"})  # "tại"/"ở" before a name: part of the phrase
# "Đó là những thành phố nào?": what the previous answer spoke of
_BACK_REFERENCE_RE = re.compile(r"^(?:đó|đấy|chúng|do|day|chung) (?:là|gồm|la|gom)\b")
# An answer that leads with a name: "Trương Thị Mai [1]\n\n..."
_ANSWER_NAME_RE = re.compile(r"^((?:[^\W\d_][^\s\[\]]*\s+){1,4}[^\W\d_][^\s\[\]]*)\s*\[\d+\]")
# Verbs that open a question about the previous subject: "Tăng bao nhiêu phần trăm?"
_SUBJECTLESS_OPENERS = frozenset({"tăng", "giảm", "chiếm", "ký", "kí"})
_FOLDED_SUBJECTLESS_OPENERS = frozenset({"tang", "giam", "chiem"})  # "ky" is also "kỳ"
_ENGLISH_PRONOUNS = frozenset({"it", "they", "them", "he", "she", "its", "their"})
# What may follow an anaphor: the end, or a function word ("kết luận đó được ...").
_AFTER_ANAPHOR = _FUNCTION_WORDS | frozenset({"ky", "ban", "hanh", "thong", "qua"})

_TOKEN_RE = re.compile(r"[^\s?!;:()\[\]\"“”«»]+")
_YEAR_RE = re.compile(r"^(?:19|20)\d{2}$")
_YEAR_RANGE_RE = re.compile(r"^(?:19|20)\d{2}\s*[-–]\s*(?:19|20)\d{2}$")
# Words that introduce a time item ("năm 2023", "nhiệm kỳ 2020-2025"), folded.
_TIME_WORDS = frozenset({"nam", "ky", "doan", "den", "tu", "thang", "quy", "khoa"})
_TWO_SYLLABLE_TIME = frozenset({("giai", "doan"), ("nhiem", "ky"), ("thoi", "ky")})
_NUMBER_RE = re.compile(r"^\d+(?:[.,/]\d+)*%?$")
# what the previous year's figure was ("ước đạt": estimated at, "dự kiến": expected) is no
# word of the next year's, a target ("TP phấn đấu ... khoảng 6,5-7,0%")
_HEDGE_RE = re.compile(
    r"(?<!\w)(?:ước tính|dự ước|dự kiến|ước|uoc tinh|du uoc|du kien|uoc)\s+"
    r"(?=(?:đạt|dat|tăng|tang|giảm|giam|khoảng|khoang)(?!\w))",
    re.IGNORECASE,
)

# The words of a place in a list after "thứ" ("thứ hai"); digits too ("thứ 3").
_ORDINAL_WORDS = ("nhất", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười")
_ORDINAL_RE = re.compile(
    rf"\b(?:thứ (?:{'|'.join(_ORDINAL_WORDS)}|\d+)|đầu tiên|cuối cùng)\b",
    re.IGNORECASE,
)


# A follow-up that asks for an item of the list the previous question asked about, by its
# place and nothing else ("cái thứ 3 là gì?", "còn thứ tư?", "cái đầu tiên là gì"), folded,
# lowercase.
_ITEM_ONLY_RE = re.compile(
    r"^(?:(?:vay |the )?con |va )?(?:(?:cai|dieu|y|viec|muc|noi dung) )?"
    rf"(thu (?:{'|'.join(fold_diacritics(w) for w in _ORDINAL_WORDS)}|bon|\d+)"
    r"|dau tien|cuoi cung|sau cung)"
    r"(?: (?:la gi|la cai gi|la|thi sao|nua))*\s*[?.!]*\s*$"
)
# Words that end the noun of a list ("5 điểm nghẽn của Hà Nội", "những điểm nghẽn nào").
_NOUN_END = frozenset(
    """
    cua la nao gi duoc ma trong cho va voi ve da se co thi o tai moi nay do nhu de can phai
    nham bao nhieu may dang hien tren duoi sau truoc khi ra vao chinh
    """.split()
)


@dataclass(frozen=True)
class _Tok:
    text: str
    start: int
    end: int
    fold: str  # folded, lowercase
    cap: bool
    comma_after: bool


def _tokens(text: str) -> list[_Tok]:
    out = []
    for m in _TOKEN_RE.finditer(text):
        word, start = m.group(), m.start()
        lead = len(word) - len(word.lstrip(",.'‘’"))
        word = word[lead:]
        start += lead
        core = word.rstrip(",.'‘’…")
        if not core:
            continue
        end = start + len(core)
        comma = word[len(core) :].startswith(",") or (end < len(text) and text[end] in ",;:")
        out.append(_Tok(core, start, end, fold_diacritics(core).lower(), core[0].isupper(), comma))
    return out


def _folded(text: str) -> str:
    return " ".join(fold_diacritics(text).lower().split())


def _is_content(tok: _Tok) -> bool:
    return tok.fold not in _FUNCTION_WORDS


@dataclass(frozen=True)
class Condensed:
    """A question made stand-alone: the ``query`` and what the new turn added.

    ``focus`` is the text the user actually typed in this turn (without the
    opener), so an answerer can weigh it above the words carried over.
    """

    query: str
    is_followup: bool
    focus: str = ""


def _strip_opener(q: str) -> tuple[str, str]:
    """``(opener, rest)``: "Vậy còn điểm nghẽn thứ hai?" → ("Vậy còn", "điểm nghẽn thứ hai?")."""
    folded = fold_diacritics(q).lower()
    for opener in _CONTEXT_OPENERS + _OPENERS:
        if folded.startswith(opener) and (
            len(folded) == len(opener) or not folded[len(opener)].isalnum()
        ):
            rest = q[len(opener) :].lstrip(" ,")
            return q[: len(opener)], rest
    return "", q


def _strip_closer(fragment: str) -> str:
    m = _CLOSER_RE.search(fold_diacritics(fragment).lower())
    return fragment[: m.start()].strip(" ,") if m else fragment.strip(" ,")


def _anaphor(q: str) -> re.Match[str] | None:
    """The first anaphor in ``q`` that refers back ("kết luận đó", "nghị quyết này?")."""
    low = q.lower()
    for m in re.finditer(r"\b(?:" + "|".join(_ANAPHORS) + r")\b", low):
        before = low[: m.start()].split()
        if not before:
            continue
        pair = _folded(f"{before[-1]} {m.group()}")
        if pair in _NOT_ANAPHORA:
            continue
        head = _folded(before[-1])
        if head in _FUNCTION_WORDS:
            continue
        if f" {head} " in f" {_folded(low[: m.start() - len(before[-1])])} ":
            continue  # "nghị quyết ... nghị quyết này": it refers inside the question
        after = _tokens(low[m.end() :])
        ended = not after or after[0].start > 1  # the end, or punctuation in between
        if ended or (m.group() != "trên" and after[0].fold in _AFTER_ANAPHOR):
            return m
    return None


def _pronoun(q: str) -> re.Match[str] | None:
    low = q.lower()
    m = re.search(r"\b(?:" + "|".join(_PRONOUNS) + r")\b", low)
    if not m and q.isascii():
        m = re.search(r"\b(?:" + "|".join(_FOLDED_PERSON_PRONOUNS) + r")\b", low)
    if m:
        named = [t for t in _tokens(q[: m.start()]) if t.cap and t.start > 0]
        return None if named else m  # "Hà Nội ... với nó": it refers inside the question
    if q.isascii():
        return re.search(r"\b(?:" + "|".join(sorted(_ENGLISH_PRONOUNS)) + r")\b", low)
    return None


def is_followup(question: str) -> bool:
    """True when ``question`` needs the conversation to be understood.

    >>> is_followup("Còn năm 2024 thì sao?"), is_followup("Ai ký kết luận đó?")
    (True, True)
    >>> is_followup("Năm 2023 kinh tế Hà Nội tăng trưởng ước đạt bao nhiêu?")
    False
    """
    q = nfc(question).strip()
    opener, _ = _strip_opener(q)
    if opener or _item_only(q):
        return True
    if _anaphor(q) or _pronoun(q) or _BACK_REFERENCE_RE.match(q.lower()):
        return True
    tokens = _tokens(q)
    content = [t for t in tokens if _is_content(t)]
    named = _named(tokens, content)
    if tokens and not named and len(content) <= 4:
        first = tokens[0].text.lower()
        openers = _FOLDED_SUBJECTLESS_OPENERS if q.isascii() else _SUBJECTLESS_OPENERS
        if first in openers:
            return True  # "Tăng bao nhiêu phần trăm?": of what was asked before
    return len(content) == 0 or (len(content) == 1 and not named)


def _named(tokens: list[_Tok], content: list[_Tok]) -> list[_Tok]:
    """The words of ``content`` that name something: capitalised past the first word, an
    acronym, a year or a number."""
    return [
        t for t in content if (t.cap and t is not tokens[0]) or t.text.isupper() or _kind(t.text)
    ]


def _narrows(q: str, prev: str) -> bool:
    """Whether ``q`` asks, in a word or two and no name, about something the previous
    question named: "trưởng đoàn là ai?" after "Đoàn công tác số 1 làm việc với ai?"."""
    tokens = _tokens(q)
    content = [t for t in tokens if _is_content(t)]
    if not 1 <= len(content) <= 3 or not any(t.fold in _QUESTION_WORDS for t in tokens):
        return False
    if _named(tokens, content):
        return False  # "Nguyễn Văn Phong là ai?": it says whom it is about
    before = {t.fold for t in _tokens(prev) if _is_content(t)}
    return any(t.fold in before for t in content)


# The boundary words as written with their marks: "đô" (Thủ đô), "thể" (thể chế), "cán"
# (cán bộ) or "đất" fold like "do", "the", "can", "dat" but do not end a phrase.
_BOUNDARY_ACCENTED = frozenset(
    {
        "nhiêu", "mấy", "gì", "nào", "đâu", "không", "chưa", "được", "là", "có", "đã", "sẽ",
        "đang", "vào", "họp", "diễn", "tổ", "ký", "kí", "trình", "phát", "yêu", "đạt", "đặt",
        "xác", "gồm", "nêu", "nếu", "thì", "mà", "bị", "để", "tại", "ở", "và", "hoặc", "nhằm",
        "với", "đó", "như", "thế", "áp", "cần", "phải", "muốn", "bàn", "đồng", "đóng",
    }
)  # fmt: skip


def _ends_phrase(tok: _Tok) -> bool:
    """A lowercase word that ends a noun phrase ("được", "là", "ký" ...)."""
    if tok.cap or tok.fold not in _PHRASE_BOUNDARY:
        return False
    low = tok.text.lower()
    return low == tok.fold or low in _BOUNDARY_ACCENTED  # unmarked: cannot tell "do" from "đô"


def _resolve(tokens: list[_Tok], i: int, limit: int = 20) -> int:
    """End offset of the noun phrase that starts at ``tokens[i]``."""
    end = tokens[i].end
    for j in range(i, min(len(tokens), i + limit)):
        t = tokens[j]
        if j > i and _ends_phrase(t):
            nxt = tokens[j + 1] if j + 1 < len(tokens) else None
            if not (t.fold in _PLACE_LINKS and nxt is not None and nxt.cap):
                break  # but "tham luận tại Đại hội XIV": a place or event named goes with it
        end = t.end
        if t.comma_after:
            break
    return end


def _find_seq(tokens: list[_Tok], words: list[str]) -> int:
    n = len(words)
    for i in range(len(tokens) - n + 1):
        if [t.fold for t in tokens[i : i + n]] == words:
            return i
    return -1


def _item_only(q: str) -> str:
    """The place of the item asked for, as typed ("thứ 3", "đầu tiên"), when that is all
    ``q`` asks, else "".

    >>> _item_only("cái thứ 3 là gì?"), _item_only("Còn thứ tư?"), _item_only("thứ hai, về ...")
    ('thứ 3', 'thứ tư', '')
    >>> _item_only("cai dau tien la gi"), _item_only("Cái cuối cùng?")
    ('dau tien', 'cuối cùng')
    """
    m = _ITEM_ONLY_RE.match(fold_diacritics(q).lower().strip())
    return q.strip()[m.start(1) : m.end(1)] if m else ""


def _list_noun(prev: str) -> str:
    """The noun of the list ``prev`` asks about: the one counted ("5 điểm nghẽn"), the one
    whose count it asks ("bao nhiêu điểm nghẽn", "mấy khâu đột phá") or the one after
    "những"/"các" ("Hà Nội có những điểm nghẽn nào?"); "" when none.

    >>> _list_noun("5 điểm nghẽn của Hà Nội là gì?"), _list_noun("Hà Nội có những điểm nghẽn nào?")
    ('điểm nghẽn', 'điểm nghẽn')
    >>> _list_noun("ha noi co bao nhieu diem nghen"), _list_noun("Hà Nội có mấy khâu đột phá?")
    ('diem nghen', 'khâu đột phá')
    """
    toks = _tokens(prev)
    for i, t in enumerate(toks):
        counted = _NUMBER_RE.match(t.text) and not _YEAR_RE.match(t.text)
        asked = t.text.lower() in ("mấy", "may") or (
            t.fold == "nhieu" and i > 0 and toks[i - 1].fold == "bao"
        )
        if not counted and not asked and t.fold not in ("nhung", "cac"):
            continue
        words = []
        for u in toks[i + 1 : i + 4]:
            if u.fold in _NOUN_END or not u.text.isalpha() or (u.cap and u is not toks[0]):
                break
            words.append(u.text)
            if u.comma_after:
                break
        if words:
            return " ".join(words)
    return ""


def _core(prev: str, *, drop_years: bool = False, keep_question_words: bool = False) -> str:
    """The previous question's words, without its final punctuation.

    Its question words go unless ``keep_question_words`` (an elliptical
    follow-up asks the same thing); with ``drop_years`` its years go too (the
    follow-up brings its own).
    """
    keep = [
        t.text
        for t in _tokens(prev)
        if (keep_question_words or t.fold not in _QUESTION_WORDS)
        and not (drop_years and re.search(r"(?:19|20)\d{2}", t.text))
    ]
    return " ".join(keep)


def _kind(tok_text: str) -> str | None:
    if _YEAR_RE.match(tok_text) or _YEAR_RANGE_RE.match(tok_text):
        return "year"
    if _NUMBER_RE.match(tok_text):
        return "number"
    return None


def _replace_typed(fragment: str, prev: str) -> str | None:
    """Swap years, numbers and ordinals of ``prev`` for those of ``fragment``."""
    result = prev
    changed = False
    f_ord = _ORDINAL_RE.search(fragment)
    p_ord = _ORDINAL_RE.search(result)
    if f_ord and p_ord:
        result = result[: p_ord.start()] + f_ord.group() + result[p_ord.end() :]
        changed = True
    f_tokens = _tokens(fragment)
    for ft in f_tokens:
        kind = _kind(ft.text)
        if not kind:
            continue
        p_tokens = _tokens(result)
        same = [i for i, pt in enumerate(p_tokens) if _kind(pt.text) == kind and pt.text != ft.text]
        if not same:
            continue
        i = same[0]
        start, end = p_tokens[i].start, p_tokens[i].end
        if kind == "year" and i + 1 < len(p_tokens) and _kind(p_tokens[i + 1].text) == "year":
            end = p_tokens[i + 1].end  # "2025 2030": a range typed without its dash
        new = ft.text
        leftover = [
            t
            for t in f_tokens
            if _is_content(t) and not _kind(t.text) and t.fold not in _folded(result).split()
        ]
        if leftover and i > 0 and p_tokens[i - 1].fold in _TIME_WORDS:
            # "Năm 2023 ..." + "nhiệm kỳ 2025-2030" → "Nhiệm kỳ 2025-2030 ..."; a time
            # word of two syllables goes whole ("giai đoạn 2025-2030" + "năm 2024")
            start = p_tokens[i - 1].start
            if i > 1 and (p_tokens[i - 2].fold, p_tokens[i - 1].fold) in _TWO_SYLLABLE_TIME:
                start = p_tokens[i - 2].start
            new = fragment[f_tokens[0].start : ft.end]
        result = result[:start] + new + result[end:]
        changed = True
        if kind == "year":
            result = _HEDGE_RE.sub("", result)
    if not changed:
        return None
    leftover = [
        t
        for t in f_tokens
        if _is_content(t) and not _kind(t.text) and t.fold not in _folded(result).split()
    ]
    return result if not leftover else None


def _replace_aligned(fragment: str, prev: str) -> str | None:
    """ "ở khu vực nông thôn" + "... ở khu vực các quận?" → "... ở khu vực nông thôn?"."""
    f = _tokens(fragment)
    p = _tokens(prev)
    for j in range(len(f) - 1, 0, -1):
        words = [t.fold for t in f[:j]]
        if not any(w not in _FUNCTION_WORDS for w in words):
            continue
        i = _find_seq(p, words)
        if i < 0:
            continue
        k = i + j
        if k >= len(p) or p[k - 1].comma_after:
            return None
        end = k
        while end < len(p) and not _ends_phrase(p[end]):
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
    p = _tokens(prev)
    for i, t in enumerate(p):
        if i and t.fold in _SUBJECT_VERBS and not t.cap:
            start = i
            while start > 0 and not p[start - 1].comma_after:
                start -= 1
            if any(x.cap for x in p[start:i]):
                return p[start].start, p[i - 1].end
            return None
    return None


def _replace_subject(fragment: str, prev: str) -> str | None:
    f = _tokens(fragment)
    if not f or not f[0].cap:
        return None
    span = _subject_span(prev)
    if span is None:
        return None
    return prev[: span[0]] + fragment + prev[span[1] :]


def _replace_anaphor(q: str, prev: str) -> str | None:
    """ "Ai ký kết luận đó?" → "Ai ký <the 'kết luận ...' phrase of prev>?"."""
    m = _anaphor(q)
    if not m:
        return None
    before = _tokens(q[: m.start()])
    p = _tokens(prev)
    for n in (3, 2, 1):
        if len(before) < n:
            continue
        head = before[-n:]
        if not all(_is_content(t) for t in head):
            continue
        i = _find_seq(p, [t.fold for t in head])
        if i < 0:
            continue
        phrase = prev[p[i].start : _resolve(p, i)]
        return q[: head[0].start] + phrase + q[m.end() :]
    return None


def _answered_person(answer: str) -> str:
    """The name an answer leads with ("Trương Thị Mai [1] ..."), "" when none.

    >>> _answered_person("Trương Thị Mai [1]\\n\\nGhi nhận ..."), _answered_person("12/4 [1]")
    ('Trương Thị Mai', '')
    """
    m = _ANSWER_NAME_RE.match(answer.strip())
    if not m:
        return ""
    words = m.group(1).split()
    return m.group(1) if all(w[:1].isupper() for w in words) else ""


def _replace_pronoun(q: str, prev: str, prev_answer: str = "") -> str | None:
    m = _pronoun(q)
    if not m:
        return None
    personal = fold_diacritics(m.group()) in _FOLDED_PERSON_PRONOUNS
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

    >>> from assistant.answering.base import Turn
    >>> h = [Turn("Hội nghị lần thứ mười bốn Ban Chấp hành Đảng bộ thành phố Hà Nội khóa XVII"
    ...           " họp vào những ngày nào?")]
    >>> condense("Ai ký kết luận của hội nghị đó?", h).query
    'Ai ký kết luận của Hội nghị lần thứ mười bốn Ban Chấp hành Đảng bộ thành phố Hà Nội khóa XVII?'
    """
    q = " ".join(nfc(question).split())
    turns = [t for t in history if t.question.strip()]
    if not turns or not (is_followup(q) or _narrows(q, turns[-1].question)):
        return Condensed(q, False, q)
    prev = condense(turns[-1].question, turns[:-1]).query
    prev = " ".join(prev.split())
    item = _item_only(q)
    if item:
        # "cái cuối cùng?" after "cái đầu tiên là gì?": another item of the same list
        k = len(turns)
        while k > 1 and _item_only(nfc(turns[k - 1].question)):
            k -= 1
        if k < len(turns):
            prev = " ".join(condense(turns[k - 1].question, turns[: k - 1]).query.split())
    noun = _list_noun(prev) if item else ""
    if noun:  # "cái thứ 3 là gì?" after "5 điểm nghẽn của Hà Nội là gì?"
        folded = prev.isascii()  # typed without diacritics: keep it so
        asked = f"{noun} {fold_diacritics(item) if folded else item}"
        ask = "la gi" if folded else "là gì"
        return Condensed(f"{_capitalize(asked)} {ask}? ({_core(prev)})", True, asked)
    opener, rest = _strip_opener(q)
    fragment = _strip_closer(rest)
    elliptical = bool(opener) and not any(t.fold in _QUESTION_WORDS for t in _tokens(fragment))
    if elliptical and fragment:
        for attempt in (_replace_typed, _replace_aligned, _replace_subject):
            out = attempt(fragment, prev)
            if out:
                return Condensed(_capitalize(out), True, fragment)
        has_year = bool(re.search(r"(?<!\d)(?:19|20)\d{2}(?!\d)", fragment))
        core = _core(prev, drop_years=has_year, keep_question_words=True)
        return Condensed(f"{_capitalize(fragment)} {core}".strip(), True, fragment)
    body = rest if opener else q
    out = _replace_anaphor(body, prev) or _replace_pronoun(body, prev, turns[-1].answer)
    if out:
        return Condensed(_capitalize(out), True, body)
    return Condensed(f"{_capitalize(body)} ({_core(prev)})", True, body)


def condense_question(question: str, history: Sequence[Turn] = ()) -> str:
    """The stand-alone query for ``question``; unchanged when it needs no history.

    >>> from assistant.answering.base import Turn
    >>> condense_question("Hà Nội có bao nhiêu huyện đạt chuẩn nông thôn mới?",
    ...                   [Turn("Năm 2023 thu ngân sách đạt bao nhiêu?")])
    'Hà Nội có bao nhiêu huyện đạt chuẩn nông thôn mới?'
    """
    return condense(question, history).query
