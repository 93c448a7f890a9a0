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
from functools import lru_cache

from textvi import (
    capitalised_runs,
    fold_diacritics,
    is_folded,
    is_mostly_folded,
    is_vietnamese_syllable,
    nfc,
    query_kind,
    tokenize,
)

__all__ = ["QuestionProfile", "Term", "analyze_question", "split_question"]

# ----------------------------------------------------------------------------- words

# Function words and question words: not content. Compared with accented syllables.
_STOPWORDS = frozenset(
    """
    là của và có được những các cho với trong về theo đã sẽ đang thì mà để vào ở tại từ
    đến này đó ấy kia một hay hoặc cũng rất bị do nên nhưng lại ra việc còn vậy thế như
    khi nào gì ai đâu sao bao nhiêu mấy giờ không chưa hỏi điều hiện nay đây nhé ạ nhỉ
    họ nó ông bà ra sao cái chiếc hãy xin cho biết hơn nữa
    """.split()
)
# The same for a question typed without diacritics: only words whose folded form
# is not also a frequent content syllable ("tư" in "đầu tư" folds like "từ").
_FOLDED_STOPWORDS = frozenset(
    """
    la cua va duoc nhung cac cho voi mot hay hoac cung vao theo thi bao nhieu gi nao ai
    sao khong chua
    """.split()
)
_ENGLISH_STOPWORDS = frozenset(
    """
    a an the of to in on at for by with from and or is are was were be been being does did
    do has have had what which who whom whose when where why how many much that this these
    those it its their they there as about into according should would could can will
    """.split()
)

# ----------------------------------------------------------------------------- cues

# Question-type cues, written accented; a folded question is matched against
# their folded forms. Each maps to the kind of answer expected.
_CUES: tuple[tuple[str, str], ...] = (
    (r"\bthứ (?:mấy|bao nhiêu)\b|\bhạng (?:mấy|bao nhiêu)\b|\bxếp thứ\b", "ordinal"),
    (r"(?<!hàng )(?<!mỗi )\bnăm (?:nào|bao nhiêu)\b|\bgiai đoạn nào\b", "year"),
    (
        r"\bngày nào\b|\bhôm nào\b|\bbuổi nào\b|\bthời điểm nào\b|\blúc nào\b|\bkhi nào\b|"
        r"\bbao giờ\b|\bthời gian nào\b|\btháng nào\b|\bngày tháng\b",
        "date",
    ),
    (r"\bphần trăm\b|%|\btỷ lệ\b|\btỉ lệ\b", "percent"),
    # a rate asked for ("tăng trưởng bao nhiêu") is a percentage, not a count
    (
        r"\b(?:tăng trưởng|lạm phát|lãi suất|tốc độ tăng)\b.*\bbao nhiêu\b|"
        r"\bbao nhiêu\b.*\b(?:tăng trưởng|lạm phát|lãi suất)\b",
        "percent",
    ),
    (r"\bbao nhiêu\b|\bmấy\b", "number"),
    (
        r"\b(?:kinh phí|ngân sách|vốn|dự toán|tổng mức đầu tư|chi phí|giá trị|doanh thu|"
        r"thu nhập|tiền)\b.*\b(?:bao nhiêu|mấy)\b",
        "money",
    ),
    (
        r"\bai\b|\bngười nào\b|\b(?:đồng chí|ông|bà|bí thư|chủ tịch|tổng bí thư|lãnh đạo|"
        r"thủ tướng|bộ trưởng|giám đốc|ủy viên|phó bí thư)(?: [^\s?]+){0,4} nào\b|"
        r"\b(?:chủ tịch|bí thư|giám đốc|bộ trưởng|thủ tướng|người đứng đầu)\b.*\btên (?:là )?gì\b",
        "person",
    ),
    (
        r"\bở đâu\b|\bđâu\?*$|\bnơi nào\b|\bđịa điểm nào\b|\b(?:huyện|quận|xã|phường|tỉnh|"
        r"địa phương|vùng|khu vực) nào\b",
        "place",
    ),
    (
        r"\bnhững\b.*\b(?:nào|gì)\b|\bcác\b.*\bnào\b|\bgồm\b|\bbao gồm\b|\blà những\b|"
        r"\bnhững việc\b|\bnhững gì\b",
        "list",
    ),
    (
        r"\b(?:tổ chức|cơ quan|đơn vị|tỉnh|thành phố|nước|quốc gia|công ty|doanh nghiệp|bộ|"
        r"ngành|văn bản|nghị quyết|kết luận|luật|dự án|chương trình|tuyến|sân bay|cảng|"
        r"trường|bệnh viện|hãng|ban|hội nghị|đại hội|tên)(?: [^\s?]+){0,2} nào\b|\btên (?:là )?gì\b",
        "entity",
    ),
    (
        r"\b(?:thứ (?:nhất|hai|ba|tư|năm|sáu|bảy)|đầu tiên|cuối cùng)\b.*\b(?:là gì|nào)\b|"
        r"\bđiểm .* (?:thứ (?:nhất|hai|ba|tư|năm)|đầu tiên)\b",
        "list",
    ),
    (r"[“\"][^”\"]{2,60}[”\"] (?:được hiểu |có nghĩa )?là gì\b", "definition"),
)
_ENGLISH_CUES: tuple[tuple[str, str], ...] = (
    (r"\bwhat (?:rank|position)\b", "ordinal"),
    (r"\b(?:which|what) year\b", "year"),
    (r"\bwhen\b|\bwhat date\b|\bwhich day\b", "date"),
    (r"\bpercent|\bwhat share\b|\brate\b", "percent"),
    (r"\bhow many\b|\bhow much\b|\bwhat number\b|\bnumber of\b|\bwhat is the number\b", "number"),
    (r"\bwho\b|\bwhom\b", "person"),
    (r"\bwhere\b", "place"),
    (r"\bwhat are\b|\bwhich [a-z]+s\b|\blist\b", "list"),
    (r"\bwhich\b|\bwhat\b", "entity"),
)
# "Bí thư Thành ủy Hà Nội nào ...", "Ai là Bí thư Thành ủy Hà Nội?", "... là ai?": the
# answer is the person holding that title (as typed, or without diacritics)
_TITLE = (
    r"((?:phó )?(?:bí thư|chủ tịch|tổng bí thư|thủ tướng|bộ trưởng|giám đốc|trưởng ban|"
    r"ủy viên)(?: [^\s?,]+){0,6}?)"
)
_PERSON_TITLE_PATTERNS = (
    rf"\b{_TITLE} nào\b",
    rf"\bai (?:là|làm|giữ chức) {_TITLE}(?: hiện nay| hiện tại)?(?:$|[?,.])",
    rf"^(?:hiện nay |hiện tại )?{_TITLE} (?:hiện nay |hiện tại )?là ai\b",
)
_PERSON_TITLE_RES = tuple(re.compile(x) for x in _PERSON_TITLE_PATTERNS)
_FOLDED_PERSON_TITLE_RES = tuple(re.compile(fold_diacritics(x)) for x in _PERSON_TITLE_PATTERNS)

# Classifiers of places: "ở huyện nào" wants "huyện X" in the answer.
_PLACE_CLASSIFIERS = ("huyện", "quận", "xã", "phường", "tỉnh", "thị xã", "thị trấn")
# what is counted: the words after "bao nhiêu" (read ahead: "bao nhiêu nhiệm vụ ... và bao
# nhiêu khâu đột phá" counts two things)
_COUNT_NOUN_RE = re.compile(r"\b(?:bao nhiêu|mấy)\s+(?=((?:[^\s?,.;:!]+\s*){1,10}))")
_FOLDED_COUNT_NOUN_RE = re.compile(r"\b(?:bao nhieu|may)\s+(?=((?:[^\s?,.;:!]+\s*){1,10}))")
_CUE_NOUN_RE = re.compile(
    r"\b(ngày|năm|tháng|buổi|hôm|lúc|thời điểm|thời gian|người|nơi|địa điểm|"
    r"ngay|nam|thang|buoi|hom|luc|thoi diem|thoi gian|nguoi|noi|dia diem) nào\b"
)
# words that end the noun counted (function words, and verbs that often follow it):
# "bao nhiêu xã đạt chuẩn" counts "xã", "bao nhiêu chỉ tiêu vượt kế hoạch" "chỉ tiêu"
_COUNT_NOUN_STOP = frozenset(
    "là của và có được thì để vào ở tại trong với cho phần đã sẽ đang bị "
    "đạt vượt tăng giảm tham nằm hoàn thực".split()
)
# ... and after its first word ("bao nhiêu dự án", but "bao nhiêu chỉ tiêu ... dự kiến đạt")
_COUNT_NOUN_LATER_STOP = frozenset("dự cần phải nhằm".split())
_ITEM_WORDS = {
    "nhất": 1, "hai": 2, "ba": 3, "tư": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
    "mười": 10,
}  # fmt: skip
_FOLDED_ITEM_WORDS = {fold_diacritics(k): v for k, v in _ITEM_WORDS.items()}
_ITEM_PATTERN = (
    r"(?<!\bngày )(?<!\bhôm )(?<!\bsáng )(?<!\bchiều )(?<!\btối )"  # "ngày thứ hai": Monday
    r"\b(?:thứ (nhất|hai|ba|tư|năm|sáu|bảy|tám|chín|mười|\d{1,2})|(đầu tiên)|(cuối cùng))\b"
)
_ITEM_RE = re.compile(_ITEM_PATTERN)
# without diacritics "thu tu" is also "thứ tự" (order): not read as "thứ tư"
_FOLDED_ITEM_RE = re.compile(fold_diacritics(_ITEM_PATTERN).replace("|tu|", "|"))


def _item_asked(text: str, folded_input: bool = False) -> tuple[int, str]:
    """Which item of a list the (lowercase) question asks for, and the words that say so:
    "điểm nghẽn thứ hai" → 2, "đầu tiên" → 1, "cuối cùng" → -1; 0 when none ("thứ hai"
    after "ngày" is a weekday).

    >>> _item_asked("điểm nghẽn thứ ba là gì"), _item_asked("cam ket dau tien la gi", True)
    ((3, 'thứ ba'), (1, 'dau tien'))
    >>> _item_asked("họp vào ngày thứ hai"), _item_asked("theo thu tu nao", True)
    ((0, ''), (0, ''))
    """
    m = (_FOLDED_ITEM_RE if folded_input else _ITEM_RE).search(text)
    if not m:
        return 0, ""
    if m.group(2):
        return 1, m.group()
    if m.group(3):
        return -1, m.group()
    word = m.group(1)
    if word.isdigit():
        return int(word), m.group()
    return (_ITEM_WORDS[word] if word in _ITEM_WORDS else _FOLDED_ITEM_WORDS[word]), m.group()


# words that end a list's head noun ("những điểm nghẽn của ..."), and generic heads
_LIST_HEAD_STOP = frozenset(
    "cua la nao gi ma duoc do o tai trong nay ve cho voi va thi se da dang can phai gom".split()
)
_GENERIC_HEADS = frozenset(
    ["viec", "dieu", "thanh to", "noi dung", "van de", "yeu to", "cong viec", "hoat dong"]
    + ["linh vuc", "gi"]
)
_TIME_WORDS = frozenset("năm tháng quý ngày giai đoạn nhiệm kỳ thời".split())
qwords_all = frozenset("bao nhiêu mấy gì nào ai đâu sao nhieu may gi nao dau".split())

# Also used by the sentence scorer of :mod:`assistant.answering.extractive.scorer`.
_YEAR_RE = re.compile(r"(?<![\w/.,])(?:19|20)\d{2}(?![\w/])")
_ROMAN_RE = re.compile(r"(?<![\w-])[IVXL]{1,6}(?![\w-])")


@lru_cache(maxsize=1 << 16)
def _fold(text: str) -> str:
    """``text`` folded and lower-cased; cached, as the same words are folded again and again."""
    return fold_diacritics(text).lower()


def _fold_pattern(pattern: str) -> str:
    return fold_diacritics(pattern)


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


# "Theo kết luận của Bộ Chính trị, ...": a leading attribution, then the question
_ATTRIBUTION_RE = re.compile(
    r"^\s*(?:theo(?: như)?|(?:căn cứ|can cu)(?: vào| vao)?)\s+([^,?;:]+),\s*(\S.*)$", re.IGNORECASE
)

# A document's number: "09-NQ/TU" (a resolution of the city's Party committee), "143-KL/TU".
_CODE_RE = re.compile(r"(?<![\w/-])\d+-[A-ZĐa-zđ]+/[A-ZĐa-zđ]+(?:-[A-ZĐa-zđ]+)*(?![\w/-])")


def _looks_english(question: str) -> bool:
    """English: several English function words, or one where retrieval reads the question
    as foreign too (:func:`textvi.vietnamese.query_kind`): "Who signed conclusion 143-KL/TU?".
    Vietnamese typed without marks with abbreviations ("ubnd tp ha noi phai lam gi") is not,
    nor is one whose English-looking words are all Vietnamese syllables too ("can" for cần,
    cán or căn in "ban can su dang ubnd tp can lam gi")."""
    if not is_folded(question):
        return False
    words = re.findall(r"[a-z]+", question.lower())
    english = [w for w in words if w in _ENGLISH_STOPWORDS]
    if not any(not is_vietnamese_syllable(w) for w in english):
        return False
    if query_kind(question) == "foreign":
        return True
    return len(english) >= 2 and len(english) / len(words) >= 0.2


def _names_in(question: str) -> list[str]:
    """Capitalised phrases after the first word, and acronyms ("Đà Nẵng", "SIPAS")."""
    names = []
    for start, end in capitalised_runs(question):
        phrase = question[start:end]
        if start == 0:  # the first word is capitalised anyway
            first, _, rest = phrase.partition(" ")
            if first.isupper() and len(first) > 1 and not first.isdigit():
                names.append(first)
            if not rest:
                continue
            phrase = rest
        names.append(phrase)
    return [n for n in names if any(c.isalpha() for c in n)]


def _expected_kinds(q: str, *, foreign: bool, folded_input: bool) -> set[str]:
    """The kinds of answer the question words of ``q`` ask for."""
    expects: set[str] = set()
    if foreign:
        for pattern, kind in _ENGLISH_CUES:
            if re.search(pattern, q.lower()):
                expects.add(kind)
        return expects
    subject = _fold(q) if folded_input else q.lower()
    for pattern, kind in _CUES:
        pat = _fold_pattern(pattern) if folded_input else pattern
        if kind == "number" and folded_input:
            pat = r"\bbao nhieu\b|(?:^|\b(?:co|duoc|la|gom|trong|thu|hang)) may\b"
        if re.search(pat, subject):
            expects.add(kind)
    # a change asked for ("vốn đầu tư xã hội tăng bao nhiêu") is mostly a rate, not an amount
    change = r"\b(?:tăng|giảm)(?: thêm)? (?:bao nhiêu|mấy)\b"
    if re.search(_fold_pattern(change) if folded_input else change, subject):
        expects.discard("money")
        expects.add("percent")
    # a share asked for in so many words ("thu ngân sách đạt bao nhiêu phần trăm dự toán?") is
    # no amount of money, whatever it is a share of
    share = r"\bbao nhiêu (?:phần trăm|%)|\bmấy (?:phần trăm|%)|\btỷ lệ\b|\btỉ lệ\b"
    if re.search(_fold_pattern(share) if folded_input else share, subject):
        expects.discard("money")
    # whose a document is ("Nghị quyết 15-NQ/TW của ai?"): the body that issued it, mostly
    whose = (
        r"\b(?:nghị quyết|kết luận|chỉ thị|quyết định|văn bản|luật|nghị định|thông tư|đề án|"
        r"quy hoạch|quy chế)\b.*\bcủa ai\b"
    )
    if "person" in expects and re.search(_fold_pattern(whose) if folded_input else whose, subject):
        expects.discard("person")
        expects.add("entity")
    return expects


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
    foreign = _looks_english(q)
    # "ha noi co bao nhieu sân bay": typed without marks but for a word, read as such
    folded_input = is_mostly_folded(q) and not foreign
    low = q.lower()
    flow = _fold(q)

    expects = _expected_kinds(q, foreign=foreign, folded_input=folded_input)
    if focus:
        # a follow-up asks what its own words ask; words carried over do not
        own = _expected_kinds(
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
        regex = _FOLDED_COUNT_NOUN_RE if folded_input else _COUNT_NOUN_RE
        stop = {_fold(w) for w in _COUNT_NOUN_STOP} if folded_input else _COUNT_NOUN_STOP
        time_words = {_fold(w) for w in _TIME_WORDS} if folded_input else _TIME_WORDS
        later_stop = (
            {_fold(w) for w in _COUNT_NOUN_LATER_STOP} if folded_input else _COUNT_NOUN_LATER_STOP
        )
        for m in regex.finditer(flow if folded_input else low):
            words = []
            for w in m.group(1).split():
                if w in stop or w in qwords_all or (words and w in later_stop):
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

    years = frozenset(_YEAR_RE.findall(q))
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
        names = tuple(_names_in(q)) if not folded_input else ()

    focus_folded = set(_fold(t) for t in tokenize(focus)) if focus else set()
    stop = _FOLDED_STOPWORDS if folded_input else _STOPWORDS
    terms: list[Term] = []
    # the noun of the question phrase is no content: "ngày" in "vào ngày nào"
    cue_nouns = {
        w
        for m in _CUE_NOUN_RE.finditer(flow if folded_input else low)
        for w in _fold(m.group(1)).split()
    }
    seen: set[str] = set()
    toks = tokenize(q)
    for tok in toks:
        f = _fold(tok)
        key = f if folded_input or foreign else tok
        if key in seen or f in cue_nouns:
            continue
        if foreign:
            if tok in _ENGLISH_STOPWORDS:
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
    ftoks = [_fold(t) for t in toks]
    bigrams = frozenset(
        (a, b)
        for a, b in zip(ftoks, ftoks[1:], strict=False)
        if a not in qwords
        and b not in qwords
        and not (a in _FOLDED_STOPWORDS and b in _FOLDED_STOPWORDS)
    )
    classifier = ""
    if "place" in expects and not folded_input:
        m = re.search(r"\b(" + "|".join(_PLACE_CLASSIFIERS) + r") nào\b", low)
        classifier = m.group(1) if m else ""
    person_title = ""
    if "person" in expects:
        subject = _fold(low) if folded_input else low.strip()
        for title_re in _FOLDED_PERSON_TITLE_RES if folded_input else _PERSON_TITLE_RES:
            m = title_re.search(subject)
            if m:
                person_title = " ".join(_fold(t) for t in tokenize(m.group(1)))
                break
    focus_phrase = ""
    if focus:
        f_toks = [_fold(t) for t in tokenize(focus)]
        if 1 <= len(f_toks) <= 8 and not set(f_toks) & {"bao", "nhieu", "gi", "nao", "ai", "sao"}:
            focus_phrase = " ".join(f_toks)
    item, item_words = _item_asked(_fold(low) if folded_input else low, folded_input)
    if item and expects <= {"entity", "list"}:
        expects = {"list"}  # "điểm nghẽn cuối cùng?": an item of a list
    elif item and "list" not in expects:
        item = 0  # "Người đầu tiên ... là ai?" asks for a person, not an item
    if item and expects == {"list"}:
        # "thứ hai" picks the item; it is not a word to find ("Thứ hai, về tài chính ..."),
        # unlike in "Người đầu tiên ... là ai?"
        place = {_fold(w) for w in item_words.split()}
        terms = [t for t in terms if t.folded not in place]
        bigrams = frozenset(b for b in bigrams if not (b[0] in place and b[1] in place))
    list_head = ""
    if expects == {"list"} and not foreign:  # not "vào những ngày nào" (dates)
        # "Những điểm nghẽn của Hà Nội là gì?", "... tháo gỡ những điểm nghẽn nào?": the
        # noun whose items are asked for (folded, at most three syllables); not a generic
        # one ("gồm những thành tố nào", "những việc gì")
        flat = _fold(low)
        m = re.search(r"(?<!\bgom )(?<!\bla )(?<!\blam )\bnhung\s+((?:\w+\s*){1,3})", flat)
        if m:
            words = []
            for w in m.group(1).split():
                if w in _LIST_HEAD_STOP:
                    break
                words.append(w)
            head = " ".join(words)
            list_head = "" if head in _GENERIC_HEADS else head
    defined = ""
    if "definition" in expects:
        m = re.search(r"[“\"]([^”\"]{2,60})[”\"]", q)
        defined = " ".join(_fold(t) for t in tokenize(m.group(1))) if m else ""
    attribution: frozenset[str] = frozenset()
    if not foreign and (m := _ATTRIBUTION_RE.match(flow if folded_input else q)):
        cited = {_fold(t) for t in tokenize(m.group(1))}
        asked = {_fold(t) for t in tokenize(m.group(2))}
        if len(asked) >= 4:  # "Theo ông, vì sao?" is no attribution to lean on
            attribution = frozenset(cited - asked)
    return QuestionProfile(
        text=q,
        defined=defined,
        attribution=attribution,
        focus_phrase=focus_phrase,
        list_head=list_head,
        item=item,
        romans=frozenset(_ROMAN_RE.findall(q)) if not folded_input else frozenset(),
        codes=tuple(_CODE_RE.findall(q)),
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
