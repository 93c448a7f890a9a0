"""Surface cues of a Vietnamese follow-up question: openers, anaphors, pronouns, list items.

"Còn năm 2024 thì sao?" opens elliptically ("Còn ... thì sao"), "Ai ký kết luận đó?" refers
back with an anaphor ("kết luận đó"), "ông ấy giữ chức vụ gì?" with a pronoun, "cái thứ hai
là gì?" asks an item of a list by its place; each is recognised typed with or without
diacritics. These cues only *propose* a conversation reading: whether it is taken is
decided by the evidence (``assistant.conversation``).

>>> is_followup("Còn năm 2024 thì sao?"), is_followup("con nam 2024 thi sao")
(True, True)
>>> item_only("cái thứ hai là gì?")
'thứ hai'

A cue is no verdict: "PAR-Index", one word, may continue the conversation or start a new
one; only the evidence can tell.

>>> is_followup("PAR-Index")
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from textvi.vietnamese import fold_diacritics, has_diacritics, nfc, query_kind

__all__ = [
    "ANSWER_NAME_RE",
    "FOLDED_PERSON_PRONOUNS",
    "FUNCTION_WORDS",
    "HEDGE_RE",
    "ORDINAL_RE",
    "QUESTION_WORDS",
    "SUBJECT_VERBS",
    "TIME_WORDS",
    "TWO_SYLLABLE_TIME",
    "WordToken",
    "anaphor",
    "ends_phrase",
    "find_seq",
    "folded",
    "is_content",
    "is_followup",
    "item_only",
    "item_kind",
    "list_noun",
    "narrows",
    "pronoun",
    "resolve",
    "strip_closer",
    "strip_opener",
    "typed_without_marks",
    "word_tokens",
]

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
QUESTION_WORDS = frozenset(
    {
        "bao", "nhieu", "may", "gi", "nao", "ai", "dau", "sao", "khong", "chua",
        "what", "which", "who", "whom", "when", "where", "why", "how",
    }
)  # fmt: skip
# Words that are not content (folded, lowercase): function words and question words.
FUNCTION_WORDS = QUESTION_WORDS | frozenset(
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
_PHRASE_BOUNDARY = QUESTION_WORDS | frozenset(
    {
        "duoc", "la", "co", "da", "se", "dang", "vao", "hop", "dien", "to", "ky", "trinh",
        "phat", "yeu", "dat", "xac", "gom", "neu", "thi", "ma", "bi", "cho", "de", "tai",
        "o", "va", "hay", "hoac", "nham", "voi", "do", "khi", "nhu", "the", "ra", "ap",
        "can", "phai", "muon", "ban", "dong",
    }
)  # fmt: skip
# Verbs after which the previous question's subject ends ("X được giao ...").
SUBJECT_VERBS = frozenset({"duoc", "co", "da", "se", "phai", "can", "la", "dang", "muon"})
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
FOLDED_PERSON_PRONOUNS = tuple(fold_diacritics(p) for p in _PERSON_PRONOUNS)
_PLACE_LINKS = frozenset({"tai", "o"})  # "tại"/"ở" before a name: part of the phrase
# "Đó là những thành phố nào?": what the previous answer spoke of
_BACK_REFERENCE_RE = re.compile(r"^(?:đó|đấy|chúng|do|day|chung) (?:là|gồm|la|gom)\b")
# An answer that leads with a name: "Trương Thị Mai [1]\n\n..."
ANSWER_NAME_RE = re.compile(r"^((?:[^\W\d_][^\s\[\]]*\s+){1,4}[^\W\d_][^\s\[\]]*)\s*\[\d+\]")
# Verbs that open a question about the previous subject: "Tăng bao nhiêu phần trăm?"
_SUBJECTLESS_OPENERS = frozenset({"tăng", "giảm", "chiếm", "ký", "kí"})
_FOLDED_SUBJECTLESS_OPENERS = frozenset({"tang", "giam", "chiem"})  # "ky" is also "kỳ"
_ENGLISH_PRONOUNS = frozenset({"it", "they", "them", "he", "she", "its", "their"})
# What may follow an anaphor: the end, or a function word ("kết luận đó được ...").
_AFTER_ANAPHOR = FUNCTION_WORDS | frozenset({"ky", "ban", "hanh", "thong", "qua"})

_TOKEN_RE = re.compile(r"[^\s?!;:()\[\]\"“”«»]+")
_YEAR_RE = re.compile(r"^(?:19|20)\d{2}$")
_YEAR_RANGE_RE = re.compile(r"^(?:19|20)\d{2}\s*[-–]\s*(?:19|20)\d{2}$")
# Words that introduce a time item ("năm 2023", "nhiệm kỳ 2020-2025"), folded.
TIME_WORDS = frozenset({"nam", "ky", "doan", "den", "tu", "thang", "quy", "khoa"})
TWO_SYLLABLE_TIME = frozenset({("giai", "doan"), ("nhiem", "ky"), ("thoi", "ky")})
_NUMBER_RE = re.compile(r"^\d+(?:[.,/]\d+)*%?$")
# what the previous year's figure was ("ước đạt": estimated at, "dự kiến": expected) is no
# word of the next year's, a target ("TP phấn đấu ... khoảng 6,5-7,0%")
HEDGE_RE = re.compile(
    r"(?<!\w)(?:ước tính|dự ước|dự kiến|ước|uoc tinh|du uoc|du kien|uoc)\s+"
    r"(?=(?:đạt|dat|tăng|tang|giảm|giam|khoảng|khoang)(?!\w))",
    re.IGNORECASE,
)

# The words of a place in a list after "thứ" ("thứ hai"); digits too ("thứ 3").
_ORDINAL_WORDS = ("nhất", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười")
ORDINAL_RE = re.compile(
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
class WordToken:
    text: str
    start: int
    end: int
    fold: str  # folded, lowercase
    cap: bool
    comma_after: bool


def word_tokens(text: str) -> list[WordToken]:
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
        out.append(
            WordToken(core, start, end, fold_diacritics(core).lower(), core[0].isupper(), comma)
        )
    return out


def folded(text: str) -> str:
    return " ".join(fold_diacritics(text).lower().split())


def is_content(tok: WordToken) -> bool:
    return tok.fold not in FUNCTION_WORDS


def strip_opener(q: str) -> tuple[str, str]:
    """``(opener, rest)``: "Vậy còn điểm nghẽn thứ hai?" → ("Vậy còn", "điểm nghẽn thứ hai?")."""
    folded = fold_diacritics(q).lower()
    for opener in _CONTEXT_OPENERS + _OPENERS:
        if folded.startswith(opener) and (
            len(folded) == len(opener) or not folded[len(opener)].isalnum()
        ):
            rest = q[len(opener) :].lstrip(" ,")
            return q[: len(opener)], rest
    return "", q


def strip_closer(fragment: str) -> str:
    m = _CLOSER_RE.search(fold_diacritics(fragment).lower())
    return fragment[: m.start()].strip(" ,") if m else fragment.strip(" ,")


def anaphor(q: str) -> re.Match[str] | None:
    """The first anaphor in ``q`` that refers back ("kết luận đó", "nghị quyết này?")."""
    low = q.lower()
    for m in re.finditer(r"\b(?:" + "|".join(_ANAPHORS) + r")\b", low):
        before = low[: m.start()].split()
        if not before:
            continue
        pair = folded(f"{before[-1]} {m.group()}")
        if pair in _NOT_ANAPHORA:
            continue
        head = folded(before[-1])
        if head in FUNCTION_WORDS:
            continue
        if f" {head} " in f" {folded(low[: m.start() - len(before[-1])])} ":
            continue  # "nghị quyết ... nghị quyết này": it refers inside the question
        after = word_tokens(low[m.end() :])
        ended = not after or after[0].start > 1  # the end, or punctuation in between
        if ended or (m.group() != "trên" and after[0].fold in _AFTER_ANAPHOR):
            return m
    return None


def pronoun(q: str) -> re.Match[str] | None:
    low = q.lower()
    m = re.search(r"\b(?:" + "|".join(_PRONOUNS) + r")\b", low)
    if not m and q.isascii():
        m = re.search(r"\b(?:" + "|".join(FOLDED_PERSON_PRONOUNS) + r")\b", low)
    if m:
        named = [t for t in word_tokens(q[: m.start()]) if t.cap and t.start > 0]
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
    opener, _ = strip_opener(q)
    if opener or item_only(q):
        return True
    if anaphor(q) or pronoun(q) or _BACK_REFERENCE_RE.match(q.lower()):
        return True
    tokens = word_tokens(q)
    content = [t for t in tokens if is_content(t)]
    named = _named(tokens, content)
    if tokens and not named and len(content) <= 4:
        first = tokens[0].text.lower()
        openers = _FOLDED_SUBJECTLESS_OPENERS if q.isascii() else _SUBJECTLESS_OPENERS
        if first in openers:
            return True  # "Tăng bao nhiêu phần trăm?": of what was asked before
    return len(content) == 0 or (len(content) == 1 and not named)


def _named(tokens: list[WordToken], content: list[WordToken]) -> list[WordToken]:
    """The words of ``content`` that name something: capitalised past the first word, an
    acronym, a year or a number."""
    return [
        t
        for t in content
        if (t.cap and t is not tokens[0]) or t.text.isupper() or item_kind(t.text)
    ]


def narrows(q: str, prev: str) -> bool:
    """Whether ``q`` asks, in a word or two and no name, about something the previous
    question named: "trưởng đoàn là ai?" after "Đoàn công tác số 1 làm việc với ai?"."""
    tokens = word_tokens(q)
    content = [t for t in tokens if is_content(t)]
    if not 1 <= len(content) <= 3 or not any(t.fold in QUESTION_WORDS for t in tokens):
        return False
    if _named(tokens, content):
        return False  # "Nguyễn Văn Phong là ai?": it says whom it is about
    before = {t.fold for t in word_tokens(prev) if is_content(t)}
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


def ends_phrase(tok: WordToken) -> bool:
    """A lowercase word that ends a noun phrase ("được", "là", "ký" ...)."""
    if tok.cap or tok.fold not in _PHRASE_BOUNDARY:
        return False
    low = tok.text.lower()
    return low == tok.fold or low in _BOUNDARY_ACCENTED  # unmarked: cannot tell "do" from "đô"


def resolve(tokens: list[WordToken], i: int, limit: int = 20) -> int:
    """End offset of the noun phrase that starts at ``tokens[i]``."""
    end = tokens[i].end
    for j in range(i, min(len(tokens), i + limit)):
        t = tokens[j]
        if j > i and ends_phrase(t):
            nxt = tokens[j + 1] if j + 1 < len(tokens) else None
            if not (t.fold in _PLACE_LINKS and nxt is not None and nxt.cap):
                break  # but "tham luận tại Đại hội XIV": a place or event named goes with it
        end = t.end
        if t.comma_after:
            break
    return end


def find_seq(tokens: list[WordToken], words: list[str]) -> int:
    n = len(words)
    for i in range(len(tokens) - n + 1):
        if [t.fold for t in tokens[i : i + n]] == words:
            return i
    return -1


def item_only(q: str) -> str:
    """The place of the item asked for, as typed ("thứ 3", "đầu tiên"), when that is all
    ``q`` asks, else "".

    >>> item_only("cái thứ 3 là gì?"), item_only("Còn thứ tư?"), item_only("thứ hai, về ...")
    ('thứ 3', 'thứ tư', '')
    >>> item_only("cai dau tien la gi"), item_only("Cái cuối cùng?")
    ('dau tien', 'cuối cùng')
    """
    m = _ITEM_ONLY_RE.match(fold_diacritics(q).lower().strip())
    return q.strip()[m.start(1) : m.end(1)] if m else ""


def list_noun(prev: str) -> str:
    """The noun of the list ``prev`` asks about: the one counted ("5 điểm nghẽn"), the one
    whose count it asks ("bao nhiêu điểm nghẽn", "mấy khâu đột phá") or the one after
    "những"/"các" ("Hà Nội có những điểm nghẽn nào?"); "" when none.

    >>> list_noun("5 điểm nghẽn của Hà Nội là gì?"), list_noun("Hà Nội có những điểm nghẽn nào?")
    ('điểm nghẽn', 'điểm nghẽn')
    >>> list_noun("ha noi co bao nhieu diem nghen"), list_noun("Hà Nội có mấy khâu đột phá?")
    ('diem nghen', 'khâu đột phá')
    """
    toks = word_tokens(prev)
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


def item_kind(tok_text: str) -> str | None:
    if _YEAR_RE.match(tok_text) or _YEAR_RANGE_RE.match(tok_text):
        return "year"
    if _NUMBER_RE.match(tok_text):
        return "number"
    return None


def typed_without_marks(text: str) -> bool:
    """Vietnamese typed without marks: no mark, and its lowercase words read as
    Vietnamese syllables ("con SIPAS thi sao"; not "PAR-Index", not "what about 2024").

    >>> typed_without_marks("con SIPAS thi sao"), typed_without_marks("PAR-Index")
    (True, False)
    >>> typed_without_marks("còn năm 2024?"), typed_without_marks("what about 2024")
    (False, False)
    """
    if has_diacritics(text):
        return False
    lower = [w for w in re.findall(r"[^\W\d_]+", text) if w.islower()]
    return bool(lower) and query_kind(" ".join(lower)) == "folded"
