"""The answer-span finders of the extractive answerer, and the cues they read.

Each finder takes a sentence's text and returns the spans ``(start, end)`` of one
kind of answer in it: quantities (:func:`number_spans`), counts of a noun
(:func:`count_noun_spans`), the names of bodies (:func:`organisations`), an entry
of a list (:func:`list_item`), names written side by side (:func:`joined`), quoted
titles (:func:`quoted_spans`). The cues (what stands before a place, the acts that
happen on a date, units) are module constants that
:mod:`assistant.answering.extractive.answer_kind` reads too.

>>> t = "Năm 2023, kinh tế tăng trưởng ước đạt 6,11%, thu hút 2.500 doanh nghiệp."
>>> [t[a:b] for a, b, _ in number_spans(t, frozenset())]
['6,11%', '2.500']
"""

from __future__ import annotations

import re

from assistant.answering.question_cues import YEAR_RE, fold
from textvi import fold_diacritics

__all__ = [
    "COUNT_UNITS",
    "DATED_ACT_RES",
    "DATE_RE",
    "DOCUMENT_DATE_RE",
    "EVENT_RE",
    "FOLDED_DATED_ACT_RES",
    "MONEY_RE",
    "ORDINAL_RE",
    "PLACE_BEFORE_RE",
    "RELATIVE_TIME_RE",
    "YEAR_RANGE_RE",
    "count_noun_spans",
    "holds_title",
    "joined",
    "list_item",
    "number_spans",
    "organisations",
    "quoted_spans",
    "span_window",
    "with_unit",
]

_NUMBER_WORDS = frozenset("một hai ba bốn năm sáu bảy tám chín mười mươi trăm nghìn".split())

# Units a question may count in ("dài bao nhiêu km"): the answer must carry them.
COUNT_UNITS = frozenset("km ha mét m2 héc-ta hecta usd đồng tỷ triệu tấn người".split())
MONEY_RE = re.compile(r"\s*(?:nghìn tỷ|tỷ|tỉ|triệu|nghìn)?\s*(?:đồng|USD|đô la)\b", re.IGNORECASE)
# Words before a number that make it a quantity ("đạt 6,11%", "khoảng 160-162 triệu").
_QUANTITY_BEFORE = frozenset(
    "đạt tăng giảm khoảng trên dưới hơn gần có là mức từ đến được chiếm còn thêm tới "
    "với gồm ra nêu lên đề xuất vượt".split()
)
_NOT_QUANTITY_AFTER = frozenset("của và với thì là hay hoặc".split())
# An event is where something was said or decided ("trình bày tham luận ở đâu?": at the
# congress): its name runs to the next punctuation, at most a dozen words.
EVENT_RE = re.compile(
    r"(?<!\w)(?:Đại hội|Hội nghị|Kỳ họp|Phiên họp|Diễn đàn|Hội thảo)(?!\w)"
    r"(?:[^\S\n]+[^\s,;:.!?()“”\"]+){1,12}"
)
# What comes before a place name: "ở", "tại", "huyện", "sân bay"...
PLACE_BEFORE_RE = re.compile(
    r"(?:\b(?:ở|tại|từ|đến|huyện|quận|xã|phường|tỉnh|thành phố|thị xã|khu vực|vùng|sân bay|"
    r"hồ|sông|phố|đường|nước)|[(:,-])\s*$",
    re.IGNORECASE,
)

_NUMBER_RE = re.compile(r"(?<![\w/])\d+(?:[.,]\d+)*(?:\s*[-–]\s*\d+(?:[.,]\d+)*)?(?:/\d+)?%?")
DATE_RE = re.compile(
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
DATED_ACT_RES = {
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
FOLDED_DATED_ACT_RES = {
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
# A date right after a document's number is the date it was issued ("Nghị quyết số
# 15-NQ/TW ngày 30/7/2007 của Ban Chấp hành Trung ương")
DOCUMENT_DATE_RE = re.compile(
    r"(?:nghị quyết|kết luận|quyết định|chỉ thị|nghị định|thông tư|công văn|luật|văn bản)"
    r"(?:\s+số)?\s+\d[\w./-]*,?\s+(?:ngày\s+)?$",
    re.IGNORECASE,
)
YEAR_RANGE_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}\s?[-–]\s?(?:19|20)\d{2}(?!\d)")
RELATIVE_TIME_RE = re.compile(
    r"\b(?:(?:ngay )?từ (?:đầu|cuối|giữa) (?:năm|tháng|quý)|(?:đầu|cuối|giữa) năm|quý [IV\d]+|"
    r"tháng \d{1,2}|hằng năm|hàng năm|trước năm \d{4}|sau năm \d{4})\b",
    re.IGNORECASE,
)
ORDINAL_RE = re.compile(
    r"\b(?:thứ|hạng)\s+(?:\d+|nhất|nhì|hai|ba|tư|năm|sáu|bảy|tám|chín|mười)\b", re.IGNORECASE
)
_UNIT_RE = re.compile(
    r"\s*(?:%|nghìn tỷ đồng|nghìn tỷ|triệu đồng|tỷ đồng|tỉ đồng|nghìn|triệu|tỷ|tỉ|đồng|km|ha|"
    r"người|bậc|lần|USD|đô la)(?!\w)",
)


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


def number_spans(
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
        if not years and YEAR_RE.fullmatch(core):
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


def organisations(text: str) -> list[tuple[int, int]]:
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


def count_noun_spans(text: str, noun: tuple[str, ...], folded_input: bool) -> list[tuple[int, int]]:
    """Spans "<number> [word] <noun...>" in ``text`` ("17/18 huyện", "Ba khâu đột phá").

    The first word of the noun must follow the number (one word may sit in
    between: "5 nhóm nội dung kiến nghị"); the span runs over as many of the
    noun's words as follow.
    """
    if folded_input:
        subject = fold(text)
        words = [w for w in (fold(x) for x in _NUMBER_WORDS) if w != "nam"]
    else:
        subject = text.lower()
        words = sorted(_NUMBER_WORDS)
    number = rf"(?<![\w/]){_DIGIT_NUMBER}|\b(?:{'|'.join(words)})"
    tail = "".join(rf"(?:\s+(?:[-–]\s+)?{re.escape(w)}\b" for w in noun[1:]) + ")?" * (
        len(noun) - 1
    )
    pattern = rf"(?:{number})(?:\s+[^\s,;:.]+)?\s+{re.escape(noun[0])}\b{tail}"
    return [(m.start(), m.end()) for m in re.finditer(pattern, subject)]


def list_item(text: str, start: int, end: int, item: int) -> tuple[int, int]:
    """The span of the ``item``-th entry (1-based; -1: the last) of the list
    ``text[start:end]``, or the whole list when it has no such entry.

    Entries are cut at ";" when there is one, else at "," and a last " và ".

    >>> t = "5 điểm nghẽn, đó là: ùn tắc giao thông, trật tự đô thị, úng ngập và ô nhiễm"
    >>> [t[slice(*list_item(t, 21, len(t), k))] for k in (2, -1, 9)][:2]
    ['trật tự đô thị', 'ô nhiễm']
    >>> t[slice(*list_item(t, 21, len(t), 9))] == t[21:]
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


_JOINER_RE = re.compile(r"\s*(?:[,;–-]|\s(?:và|hoặc)\s)\s*$")


def joined(text: str, spans: list[tuple[int, int]], span: tuple[int, int]) -> tuple[int, int]:
    """``span`` widened over the names written next to it, one joiner apart
    ("Mê Linh - Sóc Sơn - Đông Anh", "Hòa Lạc, Gia Lâm và Sơn Tây").

    >>> t = "Thành phố Bắc sông Hồng (Mê Linh - Sóc Sơn - Đông Anh), phía Tây (Hòa Lạc)"
    >>> runs = [(25, 32), (35, 42), (45, 53), (67, 74)]
    >>> t[slice(*joined(t, runs, (25, 32)))]
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


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the quoted titles and bracketed asides in ``text``.

    >>> t = 'Nghị quyết số 15 (khóa X) về "Tiếp tục đổi mới" đã ban hành'
    >>> [t[a:b] for a, b in quoted_spans(t)]
    ['(khóa X)', '"Tiếp tục đổi mới"']
    """
    return [(m.start(), m.end()) for m in _QUOTED_RE.finditer(text)]


def holds_title(before: str, title: str) -> bool:
    """Whether folded text ``before`` a name gives the name ``title`` itself, not its deputy.

    "Phó Bí thư Thường trực Thành ủy Hà Nội Nguyễn Thị Tuyến" is not the "Bí thư
    Thành ủy Hà Nội"; nor is "Phó Bí thư Thành ủy Hà Nội Nguyễn Văn Phong".

    >>> holds_title("uy vien bo chinh tri, bi thu thanh uy ha noi ", "bi thu thanh uy ha noi")
    True
    >>> holds_title("pho bi thu thanh uy ha noi ", "bi thu thanh uy ha noi")
    False
    """
    return any(
        not before[: m.start()].endswith("pho ") or title.startswith("pho ")
        for m in re.finditer(rf"(?<!\w){re.escape(title)}(?!\w)", before)
    )


def with_unit(text: str, end: int) -> int:
    m = _UNIT_RE.match(text, end)
    return m.end() if m and m.end() > end else end


def span_window(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The stretch of ``text`` whose words count as near ``span``: a few words either
    side, on the same side of a ":"."""
    # a quoted title or a bracket between counts as one word ("Nghị quyết số 15-NQ/TW
    # (khóa X) về "Tiếp tục đổi mới phương thức lãnh đạo ..."")
    lo, hi = span[0] - 160, span[1] + 160
    quoted = quoted_spans(text)
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
