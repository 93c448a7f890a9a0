"""Scraped page text → the article: title, clean body paragraphs, outlet, date.

News pages saved as text carry the site around the article: font-size and
contrast buttons, media players, share and rating widgets, "POWERED BY"
footers, and after the body long lists of unrelated teasers. Nothing here
knows a particular site. :func:`clean_article` works on the *shape* of lines:

1. **chrome lines** are short lines made only of generic UI vocabulary
   (font size, contrast, share, print, comments, ratings, "powered by",
   copyright, media timers like "0:00 / 0:00"), see :func:`is_chrome_line`;
2. the **title** is the first substantial line that is not chrome; the short
   lines above it (breadcrumbs, section names such as "Tin tức") are dropped,
   and a dateline under it ("KTĐT| 20/11/2017 13:20") gives outlet and date;
3. the page is **cut at a "related news" marker** ("Tin liên quan", "Đọc
   thêm", "Đừng bỏ lỡ", "Có thể bạn quan tâm", "Related", "Read more"...)
   standing on its own line after a substantial body (an inline "Xem thêm:
   <headline>" line is dropped; a mid-article box after which the body
   resumes is removed alone);
4. a **trailing teaser block** without marker is found by structure: a run
   to the end of the page of bullet headlines with a summary each, headlines
   printed twice, "(Outlet) - ..." summaries, or a list of bare headlines;
5. **repeated lines** (a caption or headline printed twice, the title
   repeated in the body) are kept once; a **photo caption** with a credit
   ("... Ảnh: TTXVN") moves after the prose, so that it does not cut a
   paragraph from the one it leads to; a closing credit line
   ("TTXVN/Báo ảnh Việt Nam", "Theo VnExpress") becomes the outlet.

Paragraphs of the cleaned text are separated by a blank line.
:func:`extract_metadata` adds the sidecar ``metadata.json`` (file name →
title/outlet/date), which overrides what the text says.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from textvi import nfc

log = logging.getLogger(__name__)

__all__ = [
    "SIDECAR_NAME",
    "CleanedArticle",
    "clean_article",
    "extract_metadata",
    "is_chrome_line",
    "read_sidecar",
]

SIDECAR_NAME = "metadata.json"
METADATA_FIELDS = ("title", "outlet", "date")

_MIN_BODY_CHARS = 200  # a marker ends the article only after this much body
_TITLE_SEARCH_LINES = 15


@dataclass(frozen=True)
class CleanedArticle:
    """The article found in a page: ``text`` holds the body paragraphs only.

    ``outlet`` and ``date`` ("YYYY-MM-DD") are "" when the text does not say.
    """

    title: str
    text: str
    outlet: str = ""
    date: str = ""


# --------------------------------------------------------------------------- lines

_SPACES_RE = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
_INVISIBLE_RE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_MD_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK_RE = re.compile(r"\[([^\]]+)\]\((?:https?:|/|#)[^)]*\)")
_BULLET_RE = re.compile(r"^(?:[•·●○■□▪▫►▶‣⁃◦]\s*|[-–*+»]\s+)")
_SENTENCE_END = (".", "!", "?", "…", ";", ":")
_CLOSERS = '"”’»)]'
_OPENERS = '"“‘«(['


@dataclass
class _Line:
    text: str
    bullet: bool = False
    chrome: bool = False
    marker: str = ""  # "", "standalone", "titled" or "inline"
    drop: bool = False

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def key(self) -> str:
        return _key(self.text)


def _key(text: str) -> str:
    """Comparison key: casefolded words without punctuation ("Hội nghị." == "hội nghị")."""
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


def _normalize_line(raw: str) -> tuple[str, bool]:
    """One raw line → (clean text, was it a bullet line)."""
    s = _INVISIBLE_RE.sub("", _SPACES_RE.sub(" ", raw))
    s = _MD_IMAGE_RE.sub(" ", s)
    s = _MD_LINK_RE.sub(r"\1", s)
    s = " ".join(s.split())
    s = re.sub(r"^(?:\|\s*)+|(?:\s*\|)+$", "", s)  # table-cell residue "caption |"
    bullet = bool(_BULLET_RE.match(s)) and len(s) > 2
    if bullet:
        s = _BULLET_RE.sub("", s, count=1)
    s = re.sub(r"\./\.$", ".", s)  # Vietnamese end-of-article mark "./."
    return s.strip(), bullet


def _ends_sentence(text: str) -> bool:
    return text.rstrip(_CLOSERS).endswith(_SENTENCE_END)


def _split_lines(raw_text: str) -> list[_Line]:
    """Non-empty normalised lines; a line continuing in lowercase is joined back."""
    lines: list[_Line] = []
    previous_blank = True
    for raw in nfc(raw_text).split("\n"):
        text, bullet = _normalize_line(raw)
        if not text:
            previous_blank = True
            continue
        if (
            lines
            and not previous_blank
            and not bullet
            and text[0].islower()
            and not _ends_sentence(lines[-1].text)
        ):
            lines[-1].text += " " + text  # a hard-wrapped paragraph
        else:
            lines.append(_Line(text, bullet))
        previous_blank = False
    return lines


# --------------------------------------------------------------------------- chrome

_TIMER_RE = re.compile(r"(?:\d{1,2}:\d{2}(?::\d{2})?\s*/?\s*)+")
_CHROME_PATTERNS = [
    re.compile(p, re.I)
    for p in (
        # whole-line credits and footers
        r"^(?:(?:powered\s+by|copyright|all\s+rights\s+reserved|designed\s+by)\b|©|\(c\)\s).*",
        r"^bản\s+quyền\s+(?:thuộc|©|\d{4}).*",
        r"^(?:tags?|từ\s+khóa|từ\s+khoá|keywords?)\s*:.*",
        r"^theo\s+dõi\b.*\b(?:google\s+news|facebook|zalo|youtube|tiktok)\b.*",
        # text size, contrast, reading mode
        r"(?<!\w)A\s*[-−–+]?(?=\s|$|\|)",
        r"(?:tăng|giảm)?\s*tương\s+phản",
        r"cỡ\s+chữ|font\s*size|text\s*size|\bcontrast\b",
        r"chế\s+độ\s+(?:đọc|tối|ban\s+đêm)|dark\s+mode|reading\s+mode",
        # share, print, save, follow
        r"chia\s+sẻ|\bshare\b|in\s+bài(?:\s+viết)?|\bprint\b|lưu\s+(?:bài(?:\s+viết)?|tin)",
        r"\bsave\b|gửi\s+(?:bài(?:\s+viết)?|email|tin)|\be-?mail\b|facebook|zalo|twitter",
        r"linkedin|telegram|copy\s+link|sao\s+chép(?:\s+liên\s+kết)?|bookmark",
        # comments, likes, ratings, views
        r"\(\s*\d+\s*\)|bình\s+luận|\bcomments?\b|gửi\s+ý\s+kiến|ý\s+kiến\s+bạn\s+đọc",
        r"\blikes?\b|\bthích\b",
        r"\d+(?:[.,]\d+)?\s*(?:trong|/|trên)\s*\d+\s*(?:lượt\s+)?(?:đánh\s+giá|votes?|ratings?|sao|stars?)",
        r"tổng\s+số\s+điểm(?:\s+của\s+bài\s+viết)?(?:\s+là)?",
        r"(?:click|nhấn|bấm)(?:\s+(?:để|vào))?|đánh\s+giá(?:\s+bài\s+viết)?",
        r"lượt\s+(?:xem|thích|chia\s+sẻ|đánh\s+giá)|\bviews?\b|\bvotes?\b|\brating\b|\brate\b",
        # audio/video players
        r"nghe\s+(?:bài(?:\s+viết)?|đọc(?:\s+bài)?|audio)|\blisten\b|\bplay\b|tạm\s+dừng|\bpause\b",
        r"tốc\s+độ(?:\s+đọc)?|giọng\s+(?:nam|nữ)(?:\s+(?:miền\s+)?(?:bắc|trung|nam))?",
        # navigation, account, ads, placeholders
        r"\btop\b|(?:về|lên)\s+đầu\s+trang|back\s+to\s+top|trang\s+chủ|\bhome\b|quay\s+lại",
        r"\bback\b|\bnext\b|\bprevious\b|\bmenu\b|tìm\s+kiếm|\bsearch\b",
        r"đăng\s+(?:nhập|ký|kí|xuất)|\blog\s*in\b|sign\s+(?:in|up)|\bsubscribe\b",
        r"tải\s+(?:ứng\s+dụng|app)|download\s+(?:the\s+)?app|quảng\s+cáo|advertisement",
        r"\bsponsored\b|nội\s+dung\s+đang\s+(?:được\s+)?cập\s+nhật|đang\s+tải|\bloading\b",
        r"\d{1,2}:\d{2}(?::\d{2})?",
    )
]
_MAX_CHROME_WORDS = 14
_MAX_CHROME_CHARS = 120


def is_chrome_line(line: str) -> bool:
    """True when ``line`` is site chrome: a short line of UI vocabulary only.

    The line is reduced by removing every UI phrase (font size "A- A A+",
    contrast, share/print/save, comments "(0) Bình luận", ratings, views,
    players, navigation, login, ads, "powered by"/copyright footers); if no
    word is left it is chrome. A media timer ("0:00 / 0:00") or a line of
    punctuation only is chrome too. Sentences mentioning these words keep
    their other words, so they are not chrome.

    >>> is_chrome_line("A- A A+ | Tăng tương phản Giảm tương phản")
    True
    >>> is_chrome_line("(0) Bình luận"), is_chrome_line("Bình luận viên nổi tiếng qua đời")
    (True, False)
    """
    text, _ = _normalize_line(line)
    if not text:
        return True
    if len(text) > _MAX_CHROME_CHARS or len(text.split()) > _MAX_CHROME_WORDS:
        return False
    if _TIMER_RE.fullmatch(text):
        return True
    if not re.search(r"[^\W_]", text):
        return True  # punctuation only: "|", "***", "—"
    residue = text
    hit = False
    for pattern in _CHROME_PATTERNS:
        residue, n = pattern.subn(" ", residue)
        hit = hit or n > 0
    return hit and not re.search(r"[^\W\d_]{2,}", residue)


# --------------------------------------------------------------------------- markers

_MARKER_PHRASES = (
    # Vietnamese
    "tin liên quan", "bài liên quan", "bài viết liên quan", "tin bài liên quan",
    "các tin liên quan", "tin cùng chuyên mục", "cùng chuyên mục", "tin cùng chủ đề",
    "cùng chủ đề", "bài cùng chủ đề", "đọc thêm", "xem thêm", "tin khác", "các tin khác",
    "tin bài khác", "tin tức khác", "bài viết khác", "các bài viết khác", "tin mới hơn",
    "tin cũ hơn", "tin mới nhất", "tin mới", "mới nhất", "tin nổi bật", "nổi bật",
    "đừng bỏ lỡ", "có thể bạn quan tâm", "bạn có thể quan tâm", "có thể bạn chưa đọc",
    "có thể bạn muốn xem", "đọc nhiều nhất", "đọc nhiều", "tin đọc nhiều", "bài đọc nhiều",
    "xem nhiều nhất", "xem nhiều", "tin xem nhiều", "tiêu điểm", "tin tiêu điểm", "tin hot",
    "tin nóng", "dòng sự kiện", "video nổi bật", "tin ảnh",
    # English
    "related", "related news", "related articles", "related stories", "related posts",
    "read more", "read next", "also read", "more news", "more stories", "more from",
    "you may also like", "you might also like", "recommended", "recommended for you",
    "most read", "most popular", "trending", "see also", "further reading", "don't miss",
    "top stories", "latest news", "more on this story",
)  # fmt: skip
_MARKER_RE = re.compile(
    r"^(?:"
    + "|".join(re.escape(p) for p in sorted(_MARKER_PHRASES, key=len, reverse=True))
    + r")(?![^\W_])(?P<rest>.*)$",
    re.I,
)


def _marker_kind(line: _Line) -> str:
    """Kind of "related news" marker ``line`` is, or "".

    "standalone": "Tin liên quan"; "titled": "Nổi bật Tạp chí X" (a marker
    only if teasers follow); "inline": "Xem thêm: <headline>" (a link line).
    """
    m = _MARKER_RE.match(line.text)
    if not m or line.bullet:
        return ""
    rest = m.group("rest").strip()
    if not re.search(r"[^\W_]", rest):
        return "standalone"  # nothing but ":", "»", ">>", "..."
    if rest.startswith((":", "»", ">", "-", "–")) and line.words <= 40:
        return "inline"
    if len(rest.split()) <= 6 and not _ends_sentence(line.text) and rest[:1].isupper():
        return "titled"
    return ""


# --------------------------------------------------------------------------- shapes


def _first_letter(text: str) -> str:
    return text.lstrip(_OPENERS + " ")[:1]


def _is_headline(line: _Line) -> bool:
    """A headline: 3-30 words, capitalised, without final "." ";" ":" "…"."""
    text = line.text
    if not 3 <= line.words <= 30 or len(text) > 220:
        return False
    first = _first_letter(text)
    if not (first.isupper() or first.isdigit() or text.startswith("[")):
        return False
    return not text.rstrip(_CLOSERS).endswith((".", ";", ":", "…", ","))


def _is_prose(line: _Line) -> bool:
    """A body paragraph: a long line ending like a sentence."""
    return not line.bullet and line.words >= 20 and _ends_sentence(line.text)


_OUTLET_PREFIX_RE = re.compile(
    r"^(?:[A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ .,]{1,30}\s)?\((?P<outlet>[A-ZĐÀ-Ỹ0-9][^()]{1,39})\)\s*[-–—]\s*(?=\S)"
)


def _outlet_prefix(text: str) -> str:
    m = _OUTLET_PREFIX_RE.match(text)
    return m.group("outlet").strip() if m else ""


# --------------------------------------------------------------------------- datelines

_DMY_RE = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")
_YMD_RE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_LONG_DATE_RE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)
_DATELINE_NOISE_RE = re.compile(
    r"\d{1,2}\s*[:hg]\s*\d{2}(?:\s*(?:am|pm))?|\(?gmt\s*[+-]\s*\d+\)?|\butc\b|"
    r"thứ\s+(?:hai|ba|tư|năm|sáu|bảy|2|3|4|5|6|7)|chủ\s+nhật|"
    r"cập\s+nhật(?:\s+lúc)?|ngày\s+đăng|đăng\s+(?:lúc|ngày)|xuất\s+bản|\bngày\b|\blúc\b|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|updated|published",
    re.I,
)


def _parse_date(text: str) -> str:
    """First full date in ``text`` as "YYYY-MM-DD" (Vietnamese day/month order), or ""."""
    import datetime as dt

    for regex, order in ((_YMD_RE, "ymd"), (_DMY_RE, "dmy"), (_LONG_DATE_RE, "dmy")):
        m = regex.search(text)
        if not m:
            continue
        a, b, c = (int(g) for g in m.groups())
        y, mo, d = (a, b, c) if order == "ymd" else (c, b, a)
        try:
            return dt.date(y, mo, d).isoformat()
        except ValueError:
            continue
    return ""


_BYLINE_RE = re.compile(
    r"^(?:PV|Phóng viên|Nhóm PV|Bài(?:\s*(?:và|,|&)\s*ảnh)?|Tác giả|Ảnh|By)\s*:?\s+[A-ZĐ]"
)


def _dateline(line: _Line) -> tuple[str, str] | None:
    """(outlet, date) when ``line`` is a dateline like "KTĐT| 20/11/2017 13:20"."""
    if line.words > 14 or line.bullet:
        return None
    date = _parse_date(line.text)
    if not date:
        return None
    rest = _LONG_DATE_RE.sub(" ", _YMD_RE.sub(" ", _DMY_RE.sub(" ", line.text)))
    rest = _DATELINE_NOISE_RE.sub(" ", rest)
    rest = " ".join(re.sub(r"[|,;•·()\[\]–—-]+", " ", rest).split()).strip(" :.")
    if len(rest.split()) > 5:
        return None  # a sentence that mentions a date
    outlet = rest if rest[:1].isupper() or rest[:1].isdigit() else ""
    return outlet, date


# --------------------------------------------------------------------------- credits

_CREDIT_RE = re.compile(
    r"^(?:(?:theo|nguồn)\s*:?\s+(?P<source>[A-ZĐ0-9].{1,60})"
    r"|\((?P<paren>[A-ZĐ][^()]{1,40})\)"
    r"|(?P<slash>[A-ZĐ][^/]{1,40}(?:/[^/]{2,40}){1,3}))$",
    re.I,
)


def _credit(line: _Line) -> str:
    """The outlet named by a closing credit line ("TTXVN/Báo ảnh Việt Nam"), or ""."""
    if line.bullet or line.words > 8 or _ends_sentence(line.text.rstrip(")")):
        return ""
    m = _CREDIT_RE.match(line.text)
    if not m:
        return ""
    name = (m.group("source") or m.group("paren") or m.group("slash") or "").strip()
    if m.group("slash") and not all(part.strip()[:1].isupper() for part in name.split("/")):
        return ""  # "20/11" or "và/hoặc" is not a credit
    return name


# --------------------------------------------------------------------------- teasers


@dataclass
class _Run:
    end: int = 0
    strong: int = 0  # bullet + summary, headline printed twice, "(Outlet) -" summary
    weak: int = 0  # bare headline or bullet headline without summary


def _transparent(line: _Line, title_key: str) -> bool:
    """Lines a teaser run may contain besides teasers: chrome, markers, the title again."""
    return line.chrome or bool(line.marker) or (bool(title_key) and line.key == title_key)


def _teaser_run(lines: list[_Line], start: int, stop: int, title_key: str) -> _Run:
    """Parse teaser units from ``start``; ``end`` is where the run stops."""
    run = _Run(end=start)
    i = start
    while i < stop:
        line = lines[i]
        if _transparent(line, title_key):
            i += 1
            run.end = i
            continue
        nxt = lines[i + 1] if i + 1 < stop else None
        if line.bullet and _is_headline(line):
            i += 1
            if nxt is not None and not nxt.bullet and not _transparent(nxt, title_key):
                i += 1
                run.strong += 1
            else:
                run.weak += 1
        elif _is_headline(line) and nxt is not None and nxt.key == line.key:
            i += 2
            run.strong += 1
            after = lines[i] if i < stop else None
            if after is not None and not after.bullet and not _transparent(after, title_key):
                if not _is_headline(after) or _outlet_prefix(after.text):
                    i += 1
        elif _is_headline(line) and nxt is not None and _outlet_prefix(nxt.text):
            i += 2
            run.strong += 1
        elif _outlet_prefix(line.text) and not line.bullet:
            i += 1
            run.strong += 1
        elif _is_headline(line) and not line.text.rstrip(_CLOSERS).endswith(("?", "!")):
            i += 1
            run.weak += 1
        else:
            break
        run.end = i
    return run


def _is_teaser_tail(run: _Run, stop: int) -> bool:
    if run.end != stop:
        return False
    return run.strong >= 2 or (run.strong == 0 and run.weak >= 5)


def _tail_start(lines: list[_Line], body_start: int, stop: int, title_key: str) -> int:
    """First index from which ``lines[:stop]`` is only a teaser block, else ``stop``.

    The block must not start inside a bullet list, nor after a line ending
    with ":" (a list the body announces is not a teaser block).
    """
    for k in range(body_start + 1, stop):
        before = [lines[j] for j in range(k - 1, body_start - 1, -1) if not lines[j].chrome][:2]
        if not before or any(line.bullet for line in before):
            continue  # inside a bullet list (with or without a line under each item)
        if before[0].text.rstrip(_CLOSERS).endswith(":"):
            continue
        if _is_teaser_tail(_teaser_run(lines, k, stop, title_key), stop):
            return k
    return stop


def _body_resumes(lines: list[_Line], start: int, title_key: str) -> bool:
    """True when real paragraphs follow a mid-article "related" box ending at ``start``."""
    rest = [line for line in lines[start:] if not _transparent(line, title_key)]
    if not rest or not (_is_prose(rest[0]) or (_is_headline(rest[0]) and len(rest) > 1)):
        return False
    prose = [line for line in rest if _is_prose(line) and not _outlet_prefix(line.text)]
    if len(prose) < 2 or sum(len(line.text) for line in prose) < _MIN_BODY_CHARS:
        return False
    tail = _tail_start(lines, start - 1, len(lines), title_key)
    return tail > start


# --------------------------------------------------------------------------- cleaning


def _find_title(lines: list[_Line], title: str) -> int | None:
    """Index of the title line: the given title, else the first substantial line."""
    limit = min(len(lines), _TITLE_SEARCH_LINES)
    if title:
        key = _key(title)
        return next((i for i in range(limit) if lines[i].key == key), None)
    for i in range(limit):
        line = lines[i]
        if line.chrome or line.marker or line.bullet or _dateline(line):
            continue
        if re.search(r"\s[>»›/|]\s", line.text) and not _ends_sentence(line.text):
            continue  # breadcrumb "Trang chủ > Thời sự > Chính trị"
        if line.words < 3 or len(line.text) < 12:
            continue  # section labels: "Tin tức", "Dòng sự kiện"
        if line.words > 40 or (line.words > 30 and _ends_sentence(line.text)):
            return None  # the page starts with a paragraph: no title line
        if line.text.rstrip(_CLOSERS).endswith((".", ";", ",")) and not line.text.endswith(".."):
            return None  # a sentence, not a headline
        return i
    return None


@dataclass
class _Page:
    """The lines of a page and what has been found in them so far."""

    lines: list[_Line]
    title: str = ""
    title_line: int | None = None
    body_start: int = 0
    stop: int = 0
    outlet: str = ""
    date: str = ""

    @property
    def title_key(self) -> str:
        return _key(self.title)

    def found(self, outlet: str, date: str) -> None:
        self.outlet = self.outlet or outlet
        self.date = self.date or date


def _read_header(page: _Page, given_title: str) -> None:
    """Title, the header lines around it, dateline, byline and the lead's outlet tag."""
    lines = page.lines
    t = _find_title(lines, given_title)
    page.title_line = t
    page.title = nfc(given_title) if given_title else (lines[t].text if t is not None else "")
    if t is not None:
        for line in lines[:t]:
            # above a guessed title there are only short lines; above a given
            # title that came late, real paragraphs are kept
            line.drop = not (given_title and _is_prose(line))
        lines[t].drop = True
        page.body_start = t + 1
    else:
        while page.body_start < len(lines) and (
            lines[page.body_start].chrome or lines[page.body_start].words < 3
        ):
            lines[page.body_start].drop = True
            page.body_start += 1
    for line in lines[max(0, page.body_start - 3) : page.body_start]:  # a date above the title
        found = _dateline(line)
        if found:
            page.found(*found)
    i = page.body_start
    while i < len(lines) and i < page.body_start + 4:  # datelines and bylines under it
        line = lines[i]
        found = _dateline(line)
        if found:
            page.found(*found)
            line.drop = True
        elif _BYLINE_RE.match(line.text) and line.words <= 8:
            line.drop = True
        elif not (line.chrome or line.words < 3):
            break
        i += 1
    if i < len(lines):  # the lead: "(Ngày Nay) - Tiếp tục ..." names the outlet
        prefix = _OUTLET_PREFIX_RE.match(lines[i].text)
        if prefix:
            page.found(prefix.group("outlet").strip(), "")
            lines[i].text = lines[i].text[prefix.end() :]


def _cut_at_markers(page: _Page) -> None:
    """End the page at the first "related news" marker after a substantial body."""
    lines, title_key = page.lines, page.title_key
    page.stop = len(lines)
    body_chars = 0
    i = page.body_start
    while i < page.stop:
        line = lines[i]
        if line.marker == "titled":
            nxt = next((x for x in lines[i + 1 :] if not x.chrome), None)
            if nxt is None or not (nxt.bullet or _is_headline(nxt)):
                line.marker = ""  # a heading that merely starts like a marker
        if line.marker == "inline":
            line.drop = True
        elif line.marker:
            run = _teaser_run(lines, i + 1, page.stop, title_key)
            if body_chars >= _MIN_BODY_CHARS and not _body_resumes(lines, run.end, title_key):
                page.stop = i
                return
            for skipped in lines[i : run.end]:
                skipped.drop = True  # a widget above the body, or a mid-article box
            i = max(run.end, i + 1)
            continue
        elif not line.chrome and not line.drop:
            body_chars += len(line.text)
        i += 1


# "Ảnh: TTXVN", "(Ảnh minh họa)", "Nguồn ảnh: ...", "Photo: Reuters"; capitalised, so
# that prose ("... về hình ảnh: ...") is not taken for a credit
_PHOTO_CREDIT_RE = re.compile(
    r"(?:^|[\s(.,;-])(?:Ảnh|ẢNH|Nguồn ảnh|Photo|PHOTO|Image)(?:\s+minh\s+họa)?\s*[:)]"
)
_MAX_CAPTION_CHARS = 250


def _is_photo_caption(line: _Line) -> bool:
    """A short line with a photo credit: "Quang cảnh hội nghị. Ảnh: An Đăng - TTXVN"."""
    return (
        not line.bullet
        and len(line.text) <= _MAX_CAPTION_CHARS
        and bool(_PHOTO_CREDIT_RE.search(line.text))
    )


def _body_lines(page: _Page) -> list[_Line]:
    """The body: kept lines once each, without chrome, the title or a closing credit.

    A photo caption (a short line with a photo credit) describes a picture,
    not the sentence before it; between two paragraphs it cuts the second
    from the one that leads to it. It is kept, after the prose.
    """
    body: list[_Line] = []
    captions: list[_Line] = []
    seen: set[str] = set()
    for line in page.lines[page.body_start : page.stop]:
        if line.drop or line.chrome or line.marker or not line.text:
            continue
        key = line.key
        if key == page.title_key:
            continue
        if key in seen and len(key.split()) >= 3:
            log.debug("dropped repeated line: %.60s", line.text)
            continue
        seen.add(key)
        (captions if _is_photo_caption(line) else body).append(line)
    while body and _credit(body[-1]):
        page.found(_credit(body[-1]), "")
        body.pop()
    body.extend(captions)
    t = page.title_line
    if not body and t is not None and not page.lines[t].chrome:
        body = [page.lines[t]]  # a one-line text: its only line is also its body
    return body


def clean_article(raw_text: str, *, title: str = "") -> CleanedArticle:
    """Find the article in scraped page text: title, body paragraphs, outlet, date.

    ``title`` (from a sidecar or an HTML ``og:title``) is used instead of
    guessing it; lines equal to it are removed from the body either way.
    The body keeps its paragraphs, separated by a blank line.

    >>> page = "Tin tức\\n\\nHà Nội mở rộng phố đi bộ\\n\\nKTĐT| 05/03/2024 08:30\\n\\n" \\
    ...        "Sáng 5/3, TP. Hà Nội mở rộng phố đi bộ quanh hồ Hoàn Kiếm.\\n(0) Bình luận"
    >>> art = clean_article(page)
    >>> art.title, art.outlet, art.date, art.text
    ('Hà Nội mở rộng phố đi bộ', 'KTĐT', '2024-03-05', 'Sáng 5/3, TP. Hà Nội mở rộng phố đi bộ quanh hồ Hoàn Kiếm.')
    """
    lines = _split_lines(raw_text)
    for line in lines:
        line.chrome = is_chrome_line(line.text)
        line.marker = "" if line.chrome else _marker_kind(line)
    page = _Page(lines)
    _read_header(page, title)  # 1. title, dateline, byline
    _cut_at_markers(page)  # 2. "Tin liên quan", "Đọc thêm", "Related"...
    page.stop = _tail_start(lines, page.body_start, page.stop, page.title_key)  # 3. teasers
    body = _body_lines(page)  # 4. chrome, repeats, title, credit line
    return CleanedArticle(
        title=page.title,
        text="\n\n".join(line.text for line in body),
        outlet=page.outlet,
        date=page.date,
    )


# --------------------------------------------------------------------------- metadata

_DATE_VALUE_RE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def read_sidecar(directory: str | Path) -> dict[str, dict[str, str]]:
    """The ``metadata.json`` of ``directory``: file name → {"title","outlet","date"}.

    Missing file → {}. A malformed file or entry is logged and ignored (it is
    data, not configuration); dates must be "", "YYYY", "YYYY-MM" or
    "YYYY-MM-DD".

    >>> read_sidecar("data/articles")["003_bb8dc27ebd9d1b07.txt"]["date"]  # doctest: +SKIP
    '2026-01-21'
    """
    path = Path(directory) / SIDECAR_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        log.warning("ignoring %s: %s", path, e)
        return {}
    if not isinstance(data, dict):
        log.warning("ignoring %s: expected an object of file name → metadata", path)
        return {}
    result: dict[str, dict[str, str]] = {}
    for name, entry in data.items():
        if not isinstance(entry, dict):
            log.warning("%s: entry %r is not an object; ignored", path, name)
            continue
        clean: dict[str, str] = {}
        for field in METADATA_FIELDS:
            value = entry.get(field)
            if value is None:
                continue
            if not isinstance(value, str):
                log.warning("%s: %s.%s is not a string; ignored", path, name, field)
                continue
            value = nfc(value.strip())
            if field == "date" and value and not _DATE_VALUE_RE.fullmatch(value):
                log.warning("%s: %s.date %r is not YYYY[-MM[-DD]]; ignored", path, name, value)
                continue
            clean[field] = value
        result[nfc(name)] = clean
    return result


def extract_metadata(
    raw_text: str, path: str | Path, *, hints: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Title, outlet and date of the article in ``raw_text`` (file ``path``).

    Precedence per field: the sidecar ``metadata.json`` next to the file
    (even an explicit "" there wins: the curator says "unknown"), then
    ``hints`` from the file format (HTML ``og:title``...; empty hints are
    ignored), then what the text says (title line, dateline "KTĐT| 20/11/2017
    13:20", lead "(Ngày Nay) - ...", closing credit "TTXVN/Báo ảnh Việt Nam").

    >>> extract_metadata("Tin tức\\nHà Nội mở rộng phố đi bộ\\nKTĐT| 20/11/2017 13:20\\n"
    ...                  "Sáng 19/11, TP. Hà Nội họp.", "/nowhere/a.txt")
    {'title': 'Hà Nội mở rộng phố đi bộ', 'outlet': 'KTĐT', 'date': '2017-11-20'}
    """
    path = Path(path)
    sidecar = read_sidecar(path.parent).get(nfc(path.name), {})
    given = {k: nfc(v) for k, v in (hints or {}).items() if k in METADATA_FIELDS and v}
    article = clean_article(raw_text, title=sidecar.get("title") or given.get("title", ""))
    meta = {"title": article.title, "outlet": article.outlet, "date": article.date}
    meta.update(given)
    meta.update(sidecar)
    return meta
