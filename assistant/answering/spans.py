"""Spans of the kind a question asks for: numbers with their unit, dates, names, places.

General patterns only (no names of one article): a name is a run of capitalised words of
any origin ("Larry Ellison", "Nguyễn Văn A", "Oracle"), a number keeps its unit or counted
noun ("120 triệu", "7,5%", "03 năm"), a date is a day, month or year in any of the usual
Vietnamese forms.

>>> t = "Oracle được Larry Ellison thành lập năm 1977 tại Santa Clara với 2.000 USD."
>>> [(k, t[s:e]) for k, s, e in typed_spans(t)]  # doctest: +NORMALIZE_WHITESPACE
[('name', 'Oracle'), ('name', 'Larry Ellison'), ('date', 'năm 1977'),
 ('name', 'Santa Clara'), ('number', '2.000 USD')]
"""

from __future__ import annotations

import re

from textvi import name_runs

_MONTHS = r"(?:tháng\s+(?:\d{1,2}|giêng|chạp|một|hai|ba|tư|năm|sáu|bảy|tám|chín|mười(?: một| hai)?))"
_DATE_RE = re.compile(
    r"(?<!\w)(?:"
    r"(?:ngày\s+)?\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}"  # 20/11/2017
    r"|(?:ngày\s+)?\d{1,2}\s*/\s*\d{1,2}(?![\d/])"  # 20/11
    r"|ngày\s+\d{1,2}\s+" + _MONTHS + r"(?:\s+năm\s+\d{3,4})?"  # ngày 2 tháng 9 năm 1945
    r"|" + _MONTHS + r"(?:\s*(?:năm\s+|/)\d{3,4})?"  # tháng 9 năm 1945
    r"|(?:năm|thế kỷ|thập niên|thập kỷ)\s+(?:\d{1,4}|[IVXL]{1,6})(?:\s*[-–]\s*\d{2,4})?"
    r"|(?:1[0-9]|20)\d{2}(?:\s*[-–]\s*(?:1[0-9]|20)\d{2})?"  # 1977, 2021-2025
    r"|(?:TCN|SCN)"
    r")(?!\w)",
    re.IGNORECASE,
)
_UNIT = (
    r"(?:%|phần trăm|triệu|tỷ|tỉ|nghìn|ngàn|trăm|vạn|USD|đô la|đồng|euro|bảng|yên|km2|km²|km|m2|"
    r"m²|m|mét|cm|mm|kg|tấn|lít|ha|héc-ta|hecta|độ|°C|giờ|phút|giây|ngày|tuần|tháng|năm|tuổi|"
    r"người|lần|bản|điểm|bàn|bậc|lượt|chiếc|cái|con|loại|nhóm|cấp|tầng|trận|quốc gia|nước|đội|"
    r"thành viên|tỉnh|huyện|quận|xã|trường|học sinh|sinh viên|tác phẩm|bài|cuốn|câu|chương|"
    r"điều|khoản|tín chỉ|ngôi|phần|cú|bàn thắng|album|bộ phim|ca khúc|giải)"
)
_NUMBER_WORDS = r"(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|mươi|trăm|nghìn|ngàn|triệu|tỷ)"
_NUMBER_RE = re.compile(
    r"(?<![\w/])(?:\d+(?:[.,]\d+)*(?:\s*[-–]\s*\d+(?:[.,]\d+)*)?"
    r"|" + _NUMBER_WORDS + r"(?:\s+" + _NUMBER_WORDS + r")*(?=\s+" + _UNIT + r"))"
    r"(?:\s*" + _UNIT + r"(?:\s+" + _UNIT + r")?)?(?!\w)",
    re.IGNORECASE,
)
#: words that open a place name after them
_PLACE_LEAD_RE = re.compile(
    r"(?<!\w)(?:tại|ở|từ|đến|thuộc|gần|phía)\s+(?=\S)", re.IGNORECASE
)


def date_spans(text: str) -> list[tuple[int, int]]:
    """Dates, months and years (and centuries) in ``text``.

    >>> t = "Ông sinh ngày 2 tháng 9 năm 1945, mất vào thế kỷ XX."
    >>> [t[s:e] for s, e in date_spans(t)]
    ['ngày 2 tháng 9 năm 1945', 'thế kỷ XX']
    """
    return [m.span() for m in _DATE_RE.finditer(text)]


def number_spans(text: str) -> list[tuple[int, int]]:
    """Numbers with the unit or counted noun right after them, dates left out.

    >>> t = "Ông bán 120 triệu bản, tăng 7,5% so với năm 2019."
    >>> [t[s:e] for s, e in number_spans(t)]
    ['120 triệu bản', '7,5%']
    """
    dates = date_spans(text)
    out = []
    for m in _NUMBER_RE.finditer(text):
        s, e = m.span()
        if any(ds <= s < de or s <= ds < e for ds, de in dates):
            continue
        out.append((s, e))
    return out


def name_spans(text: str) -> list[tuple[int, int]]:
    """Runs of capitalised words that name something (:func:`textvi.name_runs`).

    >>> t = "Năm 1977, Larry Ellison lập ra Oracle."
    >>> [t[s:e] for s, e in name_spans(t)]
    ['Larry Ellison', 'Oracle']
    """
    return name_runs(text)


def place_spans(text: str) -> list[tuple[int, int]]:
    """Names right after a place word ("tại Santa Clara", "ở Hawaii").

    >>> t = "Mưa lớn nhất ở đảo lớn Hawaii và tại Kauai."
    >>> [t[s:e] for s, e in place_spans(t)]
    ['Hawaii', 'Kauai']
    """
    names = name_spans(text)
    out = []
    for m in _PLACE_LEAD_RE.finditer(text):
        after = [n for n in names if m.end() <= n[0] <= m.end() + 25]
        if after:
            out.append(after[0])
    return sorted(set(out))


def typed_spans(text: str) -> list[tuple[str, int, int]]:
    """Every typed span: ('date' | 'number' | 'name', start, end), in text order."""
    spans = [("date", s, e) for s, e in date_spans(text)]
    spans += [("number", s, e) for s, e in number_spans(text)]
    taken = [(s, e) for _, s, e in spans]
    for s, e in name_spans(text):
        if not any(a < e and s < b for a, b in taken):
            spans.append(("name", s, e))
    return sorted(spans, key=lambda x: x[1])


#: which typed spans answer which kind of question
SPANS_FOR_KIND: dict[str, tuple[str, ...]] = {
    "date": ("date",),
    "number": ("number",),
    "person": ("name",),
    "place": ("name",),
}


def spans_for(kind: str, text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that can answer a question of ``kind`` (empty for other kinds)."""
    if kind == "place":
        return place_spans(text) or name_spans(text)
    wanted = SPANS_FOR_KIND.get(kind, ())
    return [(s, e) for k, s, e in typed_spans(text) if k in wanted]
