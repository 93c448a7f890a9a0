"""Files → text: decoding, HTML article extraction, PDF text extraction.

:func:`load_file` reads one ``.txt``, ``.md``, ``.html``/``.htm`` or ``.pdf``
file and returns its text (NFC, ``"\\n"`` newlines) plus whatever metadata the
format itself carries (an HTML ``og:title``, a PDF ``/Title``...). It raises
:class:`~ingest.errors.IngestError` with a short reason when the file cannot
be an article: too large, empty, binary, undecodable, an encrypted, corrupt or
scanned PDF. Site chrome and teaser lists are not removed here: that is
:mod:`ingest.clean`'s job, for every format alike.

Decoding order for bytes without a BOM: strict UTF-8, then Vietnamese
Windows-1258 when the result is plausibly Vietnamese, then Windows-1252 when
the bytes are unambiguous Western European text, then charset-normalizer.
Binary data is refused rather than turned into mojibake.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ingest.errors import IngestError
from textvi import nfc

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SUPPORTED_SUFFIXES",
    "LoadedFile",
    "decode_bytes",
    "extract_html",
    "extract_pdf",
    "load_file",
    "load_text",
]

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 50 * MB
SUPPORTED_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm", ".pdf"})

FileKind = Literal["text", "markdown", "html", "pdf"]


@dataclass(frozen=True)
class LoadedFile:
    """The text of one file and the metadata its format carried ("" when absent).

    ``text`` is NFC with ``"\\n"`` newlines; for HTML and PDF, blocks are
    separated by a blank line.
    """

    text: str
    kind: FileKind
    title: str = ""
    outlet: str = ""
    date: str = ""


# --------------------------------------------------------------------------- files


def load_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedFile:
    """Read ``path`` (.txt .md .html .htm .pdf) into a :class:`LoadedFile`.

    Raises :class:`IngestError` ("file too large: 80.0 MB > 50.0 MB", "empty
    file", "binary file, not text", "encrypted PDF", ...).

    >>> loaded = load_file("data/articles/000_cb99b14b31951c52.txt")  # doctest: +SKIP
    >>> loaded.text.splitlines()[0]  # doctest: +SKIP
    'Hà Nội thí điểm mô hình chính quyền đô thị tại các quận'
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(f"unsupported file type: {suffix or '(no suffix)'}")
    data = _read_bytes(path, max_bytes)
    if suffix == ".pdf":
        return extract_pdf(data)
    if suffix in (".html", ".htm"):
        return extract_html(_decode_html(data))
    text = decode_bytes(data)
    if suffix == ".md":
        return _markdown_to_text(text)
    return LoadedFile(text=text, kind="text")


def load_text(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The text of ``path``: :func:`load_file` without the metadata.

    >>> load_text("data/articles/002_6cec925b734f27ee.txt")[:7]  # doctest: +SKIP
    'Tin tức'
    """
    return load_file(path, max_bytes).text


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise IngestError("file not found") from None
    except OSError as e:
        raise IngestError(f"cannot read file: {e.strerror or e}") from None
    if not path.is_file():
        raise IngestError("not a regular file")
    if size > max_bytes:
        raise IngestError(f"file too large: {size / MB:.1f} MB > {max_bytes / MB:.1f} MB")
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        raise IngestError(f"cannot read file: {e.strerror or e}") from None
    if len(data) > max_bytes:  # grew since stat()
        raise IngestError(f"file too large: > {max_bytes / MB:.1f} MB")
    if not data.strip():
        raise IngestError("empty file")
    return data


# --------------------------------------------------------------------------- decoding

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: same first two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1b")
_MAX_CONTROL_RATIO = 0.05
# Letters only Vietnamese uses among Latin scripts (incl. the two-mark vowels).
_VIETNAMESE_LETTER_RE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")
# UTF-8 read as cp1252/latin-1: "Hà" → "HÃ ", "ộ" → "á»™", "đ" → "Ä‘", "ư" → "Æ°".
_MOJIBAKE_RE = re.compile(r"Ã[\u0080-\u00bf\u0152-\u2122]|á[º»]|Ä[\u0080-\u00bf‘’]|Æ[°¡¯ ]")


def decode_bytes(data: bytes) -> str:
    """Decode the bytes of a text file to NFC text with ``"\\n"`` newlines.

    UTF-8 (with or without BOM), UTF-16/32 with BOM, UTF-16 without BOM
    (recognised by its zero bytes), Vietnamese Windows-1258
    (whose Python codec yields combining tone marks, composed here by NFC),
    then whatever charset-normalizer finds. Binary data raises
    ``IngestError("binary file, not text")``; UTF-8 that was mis-decoded once
    before ("HÃ  Ná»™i") is repaired, or refused if it cannot be.

    >>> decode_bytes(b"H\\xe0 N\\xf4\\xf2i")  # cp1258: "ô" + combining dot below
    'Hà Nội'
    >>> decode_bytes(b"\\xef\\xbb\\xbfH\\xc3\\xa0 N\\xe1\\xbb\\x99i\\r\\n")
    'Hà Nội\\n'
    """
    if not data.strip():
        raise IngestError("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                raise IngestError(f"binary file, not text (invalid {encoding})") from None
            return _finish(text)
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return _finish(utf16)
    if _looks_binary(data):
        raise IngestError("binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _decode_legacy(data)
    return _finish(_repair_mojibake(text))


def _utf16_without_bom(data: bytes) -> str | None:
    """The text of UTF-16 bytes that carry no BOM, or None when they are not that.

    Text in UTF-16 has a zero byte beside most ASCII characters (Vietnamese is
    mostly ASCII letters) and almost none on the other side; what decodes must
    be text: letters of the Latin and Vietnamese blocks, no control characters.

    >>> _utf16_without_bom("Hà Nội tăng trưởng".encode("utf-16-le"))
    'Hà Nội tăng trưởng'
    >>> _utf16_without_bom("Hà Nội".encode("utf-8")) is None
    True
    """
    sample = data[: 64 * 1024]
    sample = sample[: len(sample) // 2 * 2]
    half = len(sample) // 2
    if half < 2 or len(data) % 2:
        return None
    zeros_even, zeros_odd = sample[0::2].count(0), sample[1::2].count(0)
    if zeros_odd >= 0.3 * half and zeros_even <= 0.02 * half:
        encoding = "utf-16-le"
    elif zeros_even >= 0.3 * half and zeros_odd <= 0.02 * half:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    controls = sum(1 for c in text if ord(c) < 0x20 and c not in _TEXT_CONTROLS)
    foreign = sum(1 for c in text if ord(c) >= 0x2100)
    if controls > _MAX_CONTROL_RATIO * len(text) or foreign > 0.05 * len(text):
        return None
    log.debug("decoded as %s without BOM", encoding)
    return text


def _looks_binary(data: bytes) -> bool:
    sample = data[: 64 * 1024]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 0x20 and chr(b) not in _TEXT_CONTROLS)
    return controls > _MAX_CONTROL_RATIO * len(sample)


def _decode_legacy(data: bytes) -> str:
    """Non-UTF-8 bytes: Windows-1258 if it reads as Vietnamese, else charset-normalizer."""
    try:
        text = nfc(data.decode("cp1258"))
    except UnicodeDecodeError:  # bytes cp1258 leaves undefined
        text = ""
    if text and _plausible_vietnamese(text):
        log.debug("decoded as cp1258")
        return text
    western = _plain_western(data, text)
    if western:
        log.debug("decoded as cp1252")
        return western
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise IngestError("binary file, not text (no text encoding fits)")
    log.debug("decoded as %s (charset-normalizer)", best.encoding)
    return str(best)


def _plausible_vietnamese(text: str) -> bool:
    """Every tone mark composed with a vowel, and enough Vietnamese letters."""
    if any(unicodedata.combining(c) for c in text):
        return False  # a mark NFC could not attach: not cp1258 Vietnamese
    letters = sum(1 for c in text if c.isalpha())
    viet = len(_VIETNAMESE_LETTER_RE.findall(text))
    return letters > 0 and viet >= max(1, 0.03 * letters)


def _plain_western(data: bytes, cp1258_text: str) -> str:
    """The cp1252 text of ``data`` when it is unambiguous Western European text.

    Unambiguous: cp1252 and cp1258 read the bytes the same way (none of the
    bytes where Vietnamese letters live), and accented letters are a minority
    as in French or German, not every letter as in Cyrillic read wrongly.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return ""
    if nfc(text) != cp1258_text:
        return ""
    letters = [c for c in text if c.isalpha()]
    accented = sum(1 for c in letters if not c.isascii())
    return text if letters and accented <= 0.25 * len(letters) else ""


def _repair_mojibake(text: str) -> str:
    """Undo one round of "UTF-8 decoded as cp1252/latin-1", or refuse the text."""
    if len(_MOJIBAKE_RE.findall(text)) < 3:
        return text
    raw = bytearray()
    try:
        for ch in text:
            try:
                raw += ch.encode("cp1252")
            except UnicodeEncodeError:
                if ord(ch) > 0xFF:
                    raise
                raw.append(ord(ch))  # bytes cp1252 leaves undefined pass through as latin-1
        repaired = raw.decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        raise IngestError("text is mojibake (UTF-8 decoded twice) and cannot be repaired") from None
    log.info("repaired double-encoded UTF-8")
    return repaired


def _finish(text: str) -> str:
    """NFC, ``"\\n"`` newlines, no BOM, and a last check that it is text."""
    text = text.replace("\ufeff", "")
    text = re.sub(r"\r\n?|[\u2028\u2029\x85]", "\n", text).replace("\f", "\n\n")
    if text:
        controls = sum(
            1 for c in text if unicodedata.category(c) == "Cc" and c not in _TEXT_CONTROLS
        )
        if controls > _MAX_CONTROL_RATIO * len(text):
            raise IngestError("binary file, not text")
    text = nfc(text)
    if not text.strip():
        raise IngestError("empty file")
    return text


# --------------------------------------------------------------------------- markdown

_FRONT_MATTER_RE = re.compile(r"\A---\n(.*?)\n(?:---|\.\.\.)\n", re.S)
_MD_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def _markdown_to_text(text: str) -> LoadedFile:
    """Plain text of a Markdown article; the first ``#`` heading or front matter titles it."""
    meta: dict[str, str] = {}
    front = _FRONT_MATTER_RE.match(text)
    if front:
        for line in front.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip().lower() in ("title", "date", "outlet", "source"):
                meta[key.strip().lower()] = value.strip().strip("\"'")
        text = text[front.end() :]
    lines: list[str] = []
    in_fence = False
    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if not in_fence:
            heading = _MD_HEADING_RE.match(line)
            if heading:
                line = heading.group(2)
                if heading.group(1) == "#" and "title" not in meta:
                    meta["title"] = line
            elif re.fullmatch(r"\s*(=+|-{3,}|\*{3,})\s*", line):
                continue  # setext underline or thematic break
            line = _MD_IMAGE_RE.sub("", line)
            line = _MD_LINK_RE.sub(r"\1", line)
            line = re.sub(r"^\s{0,3}>\s?", "", line)
            line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
        lines.append(line)
    return LoadedFile(
        text="\n".join(lines),
        kind="markdown",
        title=meta.get("title", ""),
        outlet=meta.get("outlet", meta.get("source", "")),
        date=_iso_date(meta.get("date", "")),
    )


# --------------------------------------------------------------------------- HTML

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "form", "button",
    "input", "select", "textarea", "nav", "aside", "footer", "video", "audio", "object",
    "embed", "map", "dialog", "menu",
)  # fmt: skip
_DROP_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alert", "menu"}
)
# class/id words of page furniture (matched as whole words of the attribute).
_DROP_CLASS_WORDS = frozenset(
    {
        "nav", "navbar", "menu", "breadcrumb", "breadcrumbs", "sidebar", "footer", "share",
        "sharing", "social", "related", "comment", "comments", "advert", "advertisement",
        "ads", "ad", "banner", "popup", "modal", "cookie", "newsletter", "subscribe", "tags",
        "widget", "recommend", "recommended", "promo", "toolbar", "rating", "print",
    }
)  # fmt: skip
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "h1", "h2", "h3", "h4", "h5",
        "h6", "li", "dt", "dd", "blockquote", "pre", "ul", "ol", "dl", "table", "tbody",
        "thead", "figure", "figcaption", "caption", "address", "hr", "center", "details",
        "summary",
    }
)  # fmt: skip
_MAX_LINK_DENSITY = 0.7
_PUBLISHED_KEYS = (
    "article:published_time", "og:published_time", "article:published", "pubdate",
    "publishdate", "publish-date", "publish_date", "date", "dc.date", "dc.date.issued",
    "dcterms.created", "dcterms.date", "datepublished", "parsely-pub-date", "sailthru.date",
)  # fmt: skip


def _decode_html(data: bytes) -> str:
    """Decode HTML honouring a ``<meta charset>`` that actually fits the bytes."""
    if not any(data.startswith(bom) for bom, _ in _BOMS):
        declared = _META_CHARSET_RE.search(data[:4096])
        if declared:
            name = declared.group(1).decode("ascii", "replace")
            try:
                codecs.lookup(name)
                if not _looks_binary(data):
                    return _finish(data.decode(name))
            except (LookupError, UnicodeDecodeError):
                log.debug("declared charset %r does not fit; detecting", name)
    return decode_bytes(data)


def extract_html(html: str) -> LoadedFile:
    """The article text of an HTML page, one block per paragraph, and its metadata.

    Takes the ``<article>`` (or ``[itemprop=articleBody]``, ``<main>``, the
    body) without its ``<h1>`` (the headline is the title), drops scripts, styles, navigation, headers/footers of the page,
    asides, forms, elements whose class/id names page furniture ("related",
    "share", "comment"...) and blocks that are mostly links (teaser lists).
    Title: ``og:title``, JSON-LD ``headline``, ``<h1>``, then ``<title>``;
    date: ``article:published_time`` and similar metas, JSON-LD, ``<time>``;
    outlet: ``og:site_name`` or the JSON-LD publisher.

    >>> page = extract_html(
    ...     "<html><head><title>Tin | Báo A</title></head><body><nav>Trang chủ</nav>"
    ...     "<article><h1>Hà Nội mở phố đi bộ</h1><p>Sáng 5/3, TP. Hà Nội thông báo.</p>"
    ...     "</article></body></html>")
    >>> page.title, page.text
    ('Hà Nội mở phố đi bộ', 'Sáng 5/3, TP. Hà Nội thông báo.')
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    ld = _json_ld_article(soup)
    site_name = _meta(soup, "og:site_name") or _meta(soup, "application-name")
    publisher = ld.get("publisher")
    if not site_name and isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
        site_name = publisher["name"].strip()
    date = ""
    for key in _PUBLISHED_KEYS:
        date = _iso_date(_meta(soup, key))
        if date:
            break
    date = date or _iso_date(str(ld.get("datePublished", "")))
    if not date:
        node = soup.find(attrs={"itemprop": "datePublished"}) or soup.find("time")
        if node is not None:
            date = _iso_date(str(node.get("datetime") or node.get("content") or node.get_text()))

    for tag in soup(_DROP_TAGS):
        tag.decompose()
    root = _article_root(soup)
    h1 = root.find("h1") or soup.find("h1")
    h1_text = _squash(h1.get_text(" ")) if h1 is not None else ""
    if root.name == "body" or root.find_parent("body") is None:
        for tag in root.find_all("header"):
            tag.decompose()
    _drop_furniture(root)
    if h1 is not None and not h1.decomposed:
        h1.decompose()  # the headline is the title, kept apart from the text

    page_title = soup.title.get_text(" ") if soup.title is not None else ""
    headline = ld.get("headline") if isinstance(ld.get("headline"), str) else ""
    title = (
        _meta(soup, "og:title")
        or _meta(soup, "twitter:title")
        or _squash(headline or "")
        or h1_text
        or _strip_site_suffix(_squash(page_title), site_name)
    )
    blocks = list(_blocks(root))
    return LoadedFile(
        text=nfc("\n\n".join(blocks)),
        kind="html",
        title=nfc(title),
        outlet=nfc(site_name),
        date=date,
    )


def _meta(soup: BeautifulSoup, key: str) -> str:
    """Content of ``<meta property|name|itemprop=key>`` (case-insensitive), or ""."""
    key = key.lower()
    for tag in soup.find_all("meta"):
        for attr in ("property", "name", "itemprop"):
            value = tag.get(attr)
            if isinstance(value, str) and value.strip().lower() == key:
                content = tag.get("content")
                if isinstance(content, str) and content.strip():
                    return _squash(content)
    return ""


def _json_ld_article(soup: BeautifulSoup) -> dict[str, Any]:
    """The first schema.org ``*Article`` object in the page's JSON-LD, or {}."""

    def walk(node: Any) -> Iterator[dict[str, Any]]:
        if isinstance(node, list):
            for item in node:
                yield from walk(item)
        elif isinstance(node, dict):
            yield node
            yield from walk(node.get("@graph", []))

    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            data = json.loads(script.string or "")
        except (json.JSONDecodeError, TypeError):
            continue
        for obj in walk(data):
            kind = obj.get("@type", "")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k.endswith("Article") for k in kinds):
                return obj
    return {}


def _article_root(soup: BeautifulSoup) -> Tag:
    """The element holding the article: the longest <article>/articleBody/<main>, else body."""
    candidates = soup.find_all("article") + soup.find_all(attrs={"itemprop": "articleBody"})
    if not candidates:
        candidates = soup.find_all("main") + soup.find_all(attrs={"role": "main"})
    best = max(candidates, key=lambda t: len(t.get_text(" ", strip=True)), default=None)
    if best is not None and len(best.get_text(" ", strip=True)) >= 80:
        return best
    return soup.body or soup


def _drop_furniture(root: Tag) -> None:
    """Remove hidden elements and those whose role or class/id names page furniture."""
    total = len(root.get_text(" ", strip=True)) or 1
    doomed: list[Tag] = []
    for tag in root.find_all(True):
        role = str(tag.get("role", "")).lower()
        style = str(tag.get("style", "")).replace(" ", "").lower()
        hidden = (
            tag.has_attr("hidden")
            or str(tag.get("aria-hidden", "")).lower() == "true"
            or "display:none" in style
        )
        classes = " ".join(tag.get("class", []) if isinstance(tag.get("class"), list) else [])
        words = set(re.split(r"[^a-z0-9]+", f"{classes} {tag.get('id', '')}".lower()))
        if hidden or role in _DROP_ROLES or words & _DROP_CLASS_WORDS:
            # never drop what holds the article itself
            if tag.find("h1") is None and len(tag.get_text(" ", strip=True)) < 0.5 * total:
                doomed.append(tag)
    for tag in doomed:
        if not tag.decomposed:  # not already gone with a doomed ancestor
            tag.decompose()


class _BlockWriter:
    """Accumulates inline text into blocks, tracking how much of each is link text."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self._parts: list[str] = []
        self._link_chars = 0
        self.in_link = 0
        self.prefix = ""

    def text(self, s: str) -> None:
        self._parts.append(s)
        if self.in_link:
            self._link_chars += len(s.strip())

    def flush(self) -> None:
        block = _squash("".join(self._parts))
        chars = len(block)
        if block and self._link_chars <= _MAX_LINK_DENSITY * chars:
            self.blocks.append(self.prefix + block)
        elif block:
            log.debug("dropped link block: %.60s", block)
        if block:
            self.prefix = ""
        self._parts, self._link_chars = [], 0


def _blocks(root: Tag) -> Iterator[str]:
    """Paragraph texts of ``root`` in document order."""
    from bs4 import Comment, NavigableString, Tag

    out = _BlockWriter()

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a Doctype, CData...
                    out.text(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name == "br":
                out.flush()
            elif name == "tr":
                out.flush()
                cells = [_squash(c.get_text(" ")) for c in child.find_all(["td", "th"])]
                out.text(" | ".join(c for c in cells if c))
                out.flush()
            elif name == "pre":
                out.flush()
                for line in child.get_text().split("\n"):
                    out.text(line)
                    out.flush()
            elif name in _BLOCK_TAGS:
                out.flush()
                if name == "li":
                    out.prefix = "• "
                walk(child)
                out.flush()
            elif name == "a":
                out.in_link += 1
                walk(child)
                out.in_link -= 1
            else:
                walk(child)

    walk(root)
    out.flush()
    yield from out.blocks


def _squash(text: str) -> str:
    """Collapse whitespace (incl. NBSP) to single spaces and strip."""
    return " ".join(text.split())


def _strip_site_suffix(title: str, site_name: str) -> str:
    """ "Hà Nội mở phố đi bộ | Báo A" → "Hà Nội mở phố đi bộ"."""
    for sep in (" | ", " - ", " – ", " — ", " :: "):
        head, found, tail = title.rpartition(sep)
        if (
            found
            and head
            and (
                (site_name and tail.strip().lower() == site_name.lower()) or len(tail.split()) <= 3
            )
        ):
            return head.strip()
    return title


def _iso_date(value: str) -> str:
    """ISO date "YYYY-MM-DD" from "2024-03-05T08:30:00+07:00", "05/03/2024"..., else ""."""
    value = value.strip()
    m = re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = re.search(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)  # Vietnamese d/m/y
        if not m:
            return ""
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return ""


# --------------------------------------------------------------------------- PDF

_SENTENCE_END = tuple('.!?…:;"”’)')


def extract_pdf(data: bytes) -> LoadedFile:
    """Text of a PDF via pypdf, lines re-flowed into paragraphs, and its /Title.

    Raises ``IngestError`` for an encrypted PDF (an empty user password is
    tried first), a corrupt one ("corrupt PDF: ...") and one without a text
    layer ("no text found (scanned PDF without a text layer?)").

    >>> extract_pdf(b"%PDF-1.4 not really")  # doctest: +SKIP
    Traceback (most recent call last):
    ingest.errors.IngestError: corrupt PDF: ...
    """
    from pypdf import PdfReader

    if b"%PDF-" not in data[:1024]:
        raise IngestError("corrupt PDF: no PDF header")
    try:
        reader = PdfReader(BytesIO(data))
        encrypted = reader.is_encrypted
    except Exception as e:  # pypdf raises many types on damaged files
        raise IngestError(f"corrupt PDF: {_reason(e)}") from None
    if encrypted:
        try:
            opened = bool(reader.decrypt(""))
        except Exception as e:  # e.g. an AES PDF without the crypto dependency
            log.debug("decrypting with the empty password failed: %s", e)
            opened = False
        if not opened:
            raise IngestError("encrypted PDF")
    try:
        pages = list(reader.pages)
    except Exception as e:
        raise IngestError(f"corrupt PDF: {_reason(e)}") from None
    if not pages:
        raise IngestError("corrupt PDF: no pages")
    texts: list[str] = []
    unreadable = 0
    for number, page in enumerate(pages, start=1):
        try:
            raw = page.extract_text() or ""
        except Exception as e:
            unreadable += 1
            log.warning("PDF page %d unreadable: %s", number, _reason(e))
            continue
        if _looks_split(raw):
            try:
                raw = join_split_syllables(raw, page.extract_text(extraction_mode="layout") or "")
            except Exception as e:  # the plain text stays
                log.debug("PDF page %d: layout extraction failed: %s", number, _reason(e))
        page_text = _reflow_pdf_page(nfc(raw))
        if page_text:
            texts.append(page_text)
    if not texts:
        if unreadable == len(pages):
            raise IngestError("corrupt PDF: no page could be read")
        raise IngestError("no text found (scanned PDF without a text layer?)")
    title = ""
    try:
        title = _squash(str((reader.metadata or {}).get("/Title", "") or ""))
    except Exception as e:
        log.debug("unreadable PDF metadata: %s", e)
    if re.search(
        r"\.(docx?|pdf|odt|rtf|html?|txt|md)$|^Microsoft Word -|^untitled$|^[a-z][a-z0-9+.-]*:(//|blank)",
        title,
        re.I,
    ):
        title = ""  # a file name or an address (a page printed to PDF by a browser), not a title
    return LoadedFile(text="\n\n".join(texts), kind="pdf", title=nfc(title))


def _looks_split(text: str) -> bool:
    """Many lone accented letters between spaces ("Ki ể m th ử"): the PDF placed
    syllables in pieces (Chromium does, one text object per font run)."""
    tokens = text.split()
    lone = sum(1 for t in tokens if len(t) == 1 and t.isalpha() and not t.isascii())
    return lone >= 2 and lone >= 0.05 * len(tokens)


def join_split_syllables(plain: str, layout: str) -> str:
    """``plain`` without the spaces that ``layout`` does not have.

    pypdf's plain extraction puts a space between text objects, which splits
    the syllables of a PDF that draws each font run as its own object; its
    layout mode places characters by their positions, but also sets columns
    side by side. Where both give the same characters in the same order, the
    spaces inside a line come from the layout; the line breaks stay plain's.
    Otherwise (columns, other orders) ``plain`` is returned as it is.

    >>> join_split_syllables("Ki ể m th ử  ở  Hà N ộ i", "Kiểm thử ở Hà Nội")
    'Kiểm thử  ở  Hà Nội'
    """
    if re.sub(r"\s+", "", plain) != re.sub(r"\s+", "", layout):
        return plain
    gaps: set[int] = set()  # after how many non-space characters layout has a space
    seen = 0
    for ch in layout:
        if ch.isspace():
            gaps.add(seen)
        else:
            seen += 1
    out: list[str] = []
    seen = 0
    for m in re.finditer(r"\s+|\S+", plain):
        piece = m.group()
        if not piece[0].isspace():
            seen += len(piece)
            out.append(piece)
        elif seen in gaps or "\n" in piece:
            out.append(piece)
    return "".join(out)


def _reason(e: Exception) -> str:
    return str(e).strip() or type(e).__name__


def _reflow_pdf_page(text: str) -> str:
    """Join a page's wrapped lines into paragraphs (blank line between paragraphs).

    A line ends its paragraph when it is followed by a blank line, or ends
    with sentence punctuation and is clearly shorter than a full line, or is
    a short line without punctuation followed by a capitalised line (a
    heading). "exam-" + "ple" joins to "example".
    """
    lines = [_squash(line) for line in text.split("\n")]
    lengths = sorted(len(line) for line in lines if line)
    if not lengths:
        return ""
    full = lengths[int(0.8 * (len(lengths) - 1))]
    paragraphs: list[str] = []
    current = ""

    def flush() -> None:
        nonlocal current
        if current:
            paragraphs.append(current)
        current = ""

    for i, line in enumerate(lines):
        if not line:
            flush()
            continue
        if current.endswith("-") and line[:1].islower() and current[-2:-1].isalpha():
            current = current[:-1] + line
        else:
            current = f"{current} {line}" if current else line
        nxt = next((x for x in lines[i + 1 :] if x), "")
        short = len(line) < 0.85 * full
        if short and line.endswith(_SENTENCE_END):
            flush()
        elif len(line) < 0.6 * full and nxt[:1].isupper() and current == line:
            flush()  # a heading on its own line
    flush()
    return "\n\n".join(paragraphs)
