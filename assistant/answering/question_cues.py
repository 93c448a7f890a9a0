"""The words and cues a question is read by, without a model.

What :func:`assistant.answering.question.analyze_question` looks for: the function
words that are no content (Vietnamese, typed with or without diacritics, and
English), the question-word cues of each kind of answer (:func:`expected_kinds`),
the titles a person asked about holds, the nouns counted by "bao nhiêu"/"mấy",
the item of a list asked for (:func:`item_asked`), a leading attribution, document
numbers, years and Roman numerals, and whether the question is English at all
(:func:`looks_english`). :func:`fold` is the cached folding the sentence scorer
shares.

>>> sorted(expected_kinds("Hà Nội có bao nhiêu huyện?", foreign=False, folded_input=False))
['number']
>>> fold("Hà Nội"), names_in("Đại hội XVIII của Đảng bộ Hà Nội diễn ra khi nào?")
('ha noi', ['XVIII', 'Đảng', 'Hà Nội'])
"""

from __future__ import annotations

import re
from functools import lru_cache

from textvi import (
    capitalised_runs,
    fold_diacritics,
    is_folded,
    is_vietnamese_syllable,
    query_kind,
)

__all__ = [
    "ATTRIBUTION_RE",
    "CODE_RE",
    "COUNT_NOUN_LATER_STOP",
    "COUNT_NOUN_RE",
    "COUNT_NOUN_STOP",
    "CUE_NOUN_RE",
    "ENGLISH_STOPWORDS",
    "FOLDED_COUNT_NOUN_RE",
    "FOLDED_PERSON_TITLE_RES",
    "FOLDED_STOPWORDS",
    "GENERIC_HEADS",
    "LIST_HEAD_STOP",
    "PERSON_TITLE_RES",
    "PLACE_CLASSIFIERS",
    "QUESTION_WORDS",
    "ROMAN_RE",
    "STOPWORDS",
    "TIME_WORDS",
    "YEAR_RE",
    "expected_kinds",
    "fold",
    "item_asked",
    "looks_english",
    "names_in",
]

# ----------------------------------------------------------------------------- words

# Function words and question words: not content. Compared with accented syllables.
STOPWORDS = frozenset(
    """
    là của và có được những các cho với trong về theo đã sẽ đang thì mà để vào ở tại từ
    đến này đó ấy kia một hay hoặc cũng rất bị do nên nhưng lại ra việc còn vậy thế như
    khi nào gì ai đâu sao bao nhiêu mấy giờ không chưa hỏi điều hiện nay đây nhé ạ nhỉ
    họ nó ông bà ra sao cái chiếc hãy xin cho biết hơn nữa
    """.split()
)
# The same for a question typed without diacritics: only words whose folded form
# is not also a frequent content syllable ("tư" in "đầu tư" folds like "từ").
FOLDED_STOPWORDS = frozenset(
    """
    la cua va duoc nhung cac cho voi mot hay hoac cung vao theo thi bao nhieu gi nao ai
    sao khong chua
    """.split()
)
ENGLISH_STOPWORDS = frozenset(
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
PERSON_TITLE_RES = tuple(re.compile(x) for x in _PERSON_TITLE_PATTERNS)
FOLDED_PERSON_TITLE_RES = tuple(re.compile(fold_diacritics(x)) for x in _PERSON_TITLE_PATTERNS)

# Classifiers of places: "ở huyện nào" wants "huyện X" in the answer.
PLACE_CLASSIFIERS = ("huyện", "quận", "xã", "phường", "tỉnh", "thị xã", "thị trấn")
# what is counted: the words after "bao nhiêu" (read ahead: "bao nhiêu nhiệm vụ ... và bao
# nhiêu khâu đột phá" counts two things)
COUNT_NOUN_RE = re.compile(r"\b(?:bao nhiêu|mấy)\s+(?=((?:[^\s?,.;:!]+\s*){1,10}))")
FOLDED_COUNT_NOUN_RE = re.compile(r"\b(?:bao nhieu|may)\s+(?=((?:[^\s?,.;:!]+\s*){1,10}))")
CUE_NOUN_RE = re.compile(
    r"\b(ngày|năm|tháng|buổi|hôm|lúc|thời điểm|thời gian|người|nơi|địa điểm|"
    r"ngay|nam|thang|buoi|hom|luc|thoi diem|thoi gian|nguoi|noi|dia diem) nào\b"
)
# words that end the noun counted (function words, and verbs that often follow it):
# "bao nhiêu xã đạt chuẩn" counts "xã", "bao nhiêu chỉ tiêu vượt kế hoạch" "chỉ tiêu"
COUNT_NOUN_STOP = frozenset(
    "là của và có được thì để vào ở tại trong với cho phần đã sẽ đang bị "
    "đạt vượt tăng giảm tham nằm hoàn thực".split()
)
# ... and after its first word ("bao nhiêu dự án", but "bao nhiêu chỉ tiêu ... dự kiến đạt")
COUNT_NOUN_LATER_STOP = frozenset("dự cần phải nhằm".split())
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


def item_asked(text: str, folded_input: bool = False) -> tuple[int, str]:
    """Which item of a list the (lowercase) question asks for, and the words that say so:
    "điểm nghẽn thứ hai" → 2, "đầu tiên" → 1, "cuối cùng" → -1; 0 when none ("thứ hai"
    after "ngày" is a weekday).

    >>> item_asked("điểm nghẽn thứ ba là gì"), item_asked("cam ket dau tien la gi", True)
    ((3, 'thứ ba'), (1, 'dau tien'))
    >>> item_asked("họp vào ngày thứ hai"), item_asked("theo thu tu nao", True)
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
LIST_HEAD_STOP = frozenset(
    "cua la nao gi ma duoc do o tai trong nay ve cho voi va thi se da dang can phai gom".split()
)
GENERIC_HEADS = frozenset(
    ["viec", "dieu", "thanh to", "noi dung", "van de", "yeu to", "cong viec", "hoat dong"]
    + ["linh vuc", "gi"]
)
TIME_WORDS = frozenset("năm tháng quý ngày giai đoạn nhiệm kỳ thời".split())
QUESTION_WORDS = frozenset("bao nhiêu mấy gì nào ai đâu sao nhieu may gi nao dau".split())

# Also used by the sentence scorer of :mod:`assistant.answering.extractive`.
YEAR_RE = re.compile(r"(?<![\w/.,])(?:19|20)\d{2}(?![\w/])")
ROMAN_RE = re.compile(r"(?<![\w-])[IVXL]{1,6}(?![\w-])")


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """``text`` folded and lower-cased; cached, as the same words are folded again and again."""
    return fold_diacritics(text).lower()


def _fold_pattern(pattern: str) -> str:
    return fold_diacritics(pattern)


# "Theo kết luận của Bộ Chính trị, ...": a leading attribution, then the question
ATTRIBUTION_RE = re.compile(
    r"^\s*(?:theo(?: như)?|(?:căn cứ|can cu)(?: vào| vao)?)\s+([^,?;:]+),\s*(\S.*)$", re.IGNORECASE
)

# A document's number: "09-NQ/TU" (a resolution of the city's Party committee), "143-KL/TU".
CODE_RE = re.compile(r"(?<![\w/-])\d+-[A-ZĐa-zđ]+/[A-ZĐa-zđ]+(?:-[A-ZĐa-zđ]+)*(?![\w/-])")


def looks_english(question: str) -> bool:
    """English: several English function words, or one where retrieval reads the question
    as foreign too (:func:`textvi.vietnamese.query_kind`): "Who signed conclusion 143-KL/TU?".
    Vietnamese typed without marks with abbreviations ("ubnd tp ha noi phai lam gi") is not,
    nor is one whose English-looking words are all Vietnamese syllables too ("can" for cần,
    cán or căn in "ban can su dang ubnd tp can lam gi")."""
    if not is_folded(question):
        return False
    words = re.findall(r"[a-z]+", question.lower())
    english = [w for w in words if w in ENGLISH_STOPWORDS]
    if not any(not is_vietnamese_syllable(w) for w in english):
        return False
    if query_kind(question) == "foreign":
        return True
    return len(english) >= 2 and len(english) / len(words) >= 0.2


def names_in(question: str) -> list[str]:
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


def expected_kinds(q: str, *, foreign: bool, folded_input: bool) -> set[str]:
    """The kinds of answer the question words of ``q`` ask for."""
    expects: set[str] = set()
    if foreign:
        for pattern, kind in _ENGLISH_CUES:
            if re.search(pattern, q.lower()):
                expects.add(kind)
        return expects
    subject = fold(q) if folded_input else q.lower()
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
