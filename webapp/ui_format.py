"""Render answers, sources and ingest reports for the chat app, safely.

Everything here is a pure function from the assistant's result objects to text
the web page shows, so the escaping rules live in one tested place:

* HTML for ``gr.HTML`` (the sources panel, the ingest report): every piece of
  text that comes from a document or a file name goes through ``html.escape``.
* Markdown for the chatbot: document text is escaped with
  :func:`escape_markdown`, so a sentence such as ``[click](javascript:...)``
  or ``<img src=x onerror=...>`` is shown as the characters it is, never
  turned into a link, an image or a tag.
* File names chosen by whoever uploads a file are made safe with
  :func:`safe_upload_name` before anything is written.

Example:
    >>> escape_markdown("[click](javascript:alert(1)) <b>")
    '\\\\[click\\\\]\\\\(javascript:alert\\\\(1\\\\)\\\\) &lt;b&gt;'
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.core import Source
    from assistant.types import Answer, IngestReport, Passage

#: file types the documents tab accepts (the ingest layer reads these)
ALLOWED_UPLOAD_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".pdf")

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones
# that start links, images, emphasis, code, headings, tables, strikethrough or LaTeX.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()#!|~${}])")
_LINE_START_BULLET = re.compile(r"(?m)^(\s*)([-+=])")
_LINE_START_NUMBER = re.compile(r"(?m)^(\s*\d+)\.")
#: longest stored upload name, in UTF-8 bytes (file systems allow 255; a Vietnamese
#: letter takes 2-3 bytes, and " (n)" may be added to keep two uploads of one name)
MAX_UPLOAD_NAME_BYTES = 200


# --------------------------------------------------------------------- markdown
def escape_markdown(text: str) -> str:
    """Text from a document, made inert for a Markdown renderer.

    Markdown punctuation is backslash-escaped and ``& < > " '`` become HTML
    entities, so the renderer shows the characters instead of building links,
    images, tags or formulas from them.

    >>> escape_markdown("*Hà Nội* <script>")
    '\\\\*Hà Nội\\\\* &lt;script&gt;'
    """
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    text = _LINE_START_BULLET.sub(r"\1\\\2", text)  # list items, setext underlines
    text = _LINE_START_NUMBER.sub(r"\1\\.", text)  # ordered list items ("1." -> "1\.")
    return html.escape(text, quote=True)


def format_answer_markdown(
    text: str, *, abstained: bool = False, grounded: bool = True, note: str = ""
) -> str:
    """The chatbot message for an answer (``text`` as the answerer wrote it).

    Inline markers ``[n]`` stay visible as typed. An abstention reads as a
    notice, an ungrounded LLM answer carries a warning, and the answer's
    ``note`` (how it was made, e.g. quoted because the LLM did not answer) follows it.

    >>> format_answer_markdown("Tăng 7,5% [1].")
    'Tăng 7,5% \\\\[1\\\\].'
    """
    body = escape_markdown(text.strip())
    if abstained:
        notice = f"🔎 **Không tìm thấy câu trả lời trong tài liệu.**\n\n{body}"
        if "liên quan" not in text:
            notice += "\n\nCác đoạn gần nhất (nếu có) được liệt kê ở khung *Nguồn*."
        return notice
    if not grounded:
        body += (
            "\n\n⚠️ **Lưu ý:** câu trả lời này không dẫn được nguồn nào trong tài liệu, "
            "hãy kiểm tra lại trước khi sử dụng."
        )
    if note.strip():
        body += f"\n\nℹ️ *{escape_markdown(note.strip())}*"
    return body


def format_understood_markdown(answer: Answer) -> str:
    """The muted "Hiểu là: …" line above an answer read with the conversation ("" if not).

    >>> from assistant.types import Answer
    >>> format_understood_markdown(Answer("...", understood_as="GRDP năm 2024?"))
    '<sub>Hiểu là: GRDP năm 2024?</sub>\\n\\n'
    """
    from assistant.conversation import understood_note

    note = understood_note(answer)
    return f"<sub>{escape_markdown(note)}</sub>\n\n" if note else ""


def format_error_markdown(message: str) -> str:
    """A user-facing error (empty question, unavailable backend) as a chat message."""
    return f"⚠️ {escape_markdown(message)}"


def user_error_message(error: Exception) -> str:
    """The message a user reads for a domain or store error (Vietnamese, then the detail).

    >>> from assistant import StoreError
    >>> user_error_message(StoreError("cannot open the Chroma store at http://h:8000"))
    'Không kết nối được kho dữ liệu (Chroma): ... (cannot open the Chroma store at http://h:8000)'
    """
    from assistant import EmbeddingModelMismatch, StoreError, StoreLocked

    if not isinstance(error, StoreError):
        return str(error)
    if isinstance(error, StoreLocked):
        vi = "Một tiến trình khác đang ghi vào kho dữ liệu; hãy thử lại sau ít phút."
    elif isinstance(error, EmbeddingModelMismatch):
        vi = (
            "Kho dữ liệu được xây bằng một mô hình nhúng khác; cần nạp lại kho "
            "(assistant ingest --rebuild)."
        )
    else:
        vi = (
            "Không kết nối được kho dữ liệu (Chroma): chưa thể hỏi đáp hay xem tài liệu. "
            "Hãy kiểm tra máy chủ Chroma rồi thử lại."
        )
    return f"{vi} ({error})"


def format_question_markdown(question: str) -> str:
    """The user's own message, shown as typed."""
    return escape_markdown(question)


def file_name_of(source: str) -> str:
    """The file name part of a source path (POSIX or Windows)."""
    return PureWindowsPath(PurePosixPath(source).name).name or source


# ------------------------------------------------------------ API (JSON) views
def citations_json(answer: Answer) -> list[dict]:
    """Citations as plain dicts for API clients: index, title, source, quote, text."""
    return [
        {
            "index": c.index,
            "title": c.passage.title,
            "source": c.passage.source,
            "quote": c.quote,
            "text": c.passage.text,
        }
        for c in answer.citations
    ]


def passages_json(passages: Iterable[Passage]) -> list[dict]:
    """Retrieved passages as plain dicts for API clients."""
    return [
        {
            "rank": i,
            "title": p.title,
            "source": p.source,
            "outlet": p.outlet,
            "date": p.date,
            "score": p.score,
            "chunk_id": p.chunk_id,
            "text": p.text,
        }
        for i, p in enumerate(passages, 1)
    ]


# -------------------------------------------------------------- documents tab
SOURCES_TABLE_HEADERS = [
    "Tiêu đề",
    "Báo",
    "Ngày đăng",
    "Tệp",
    "Nguồn gốc",
    "Ngày tải lên",
    "Số đoạn",
]
#: widths that fit the table in a 1366-px window without cutting a column
SOURCES_TABLE_WIDTHS = ["29%", "11%", "11%", "22%", "9%", "11%", "7%"]


def sources_table(sources: Sequence[Source], uploads_dir: Path | None = None) -> list[list]:
    """Rows for the indexed-sources table (plain text cells).

    A source stored in ``uploads_dir`` is "Tải lên" with the day it was indexed; the
    others (the bundled corpus, folders ingested from the command line) are "Có sẵn".
    """
    root = Path(uploads_dir).resolve() if uploads_dir is not None else None
    rows = []
    for s in sources:
        uploaded = root is not None and Path(s.source).parent == root
        rows.append(
            [
                s.title or s.file_name,
                s.outlet,
                s.date,
                s.file_name,
                "Tải lên" if uploaded else "Có sẵn",
                s.ingested_at[:10] if uploaded else "",
                s.chunks,
            ]
        )
    return rows


def source_choices(sources: Sequence[Source]) -> list[tuple[str, str]]:
    """(label, source key) pairs for the delete dropdown."""
    return [(f"{s.title or s.file_name} — {s.file_name}", s.source) for s in sources]


def render_ingest_report(
    report: IngestReport | None,
    rejected: Mapping[str, str] | None = None,
    renamed: Mapping[str, str] | None = None,
) -> str:
    """What an upload did, as escaped HTML.

    ``rejected`` maps a file name to why it was refused; ``renamed`` maps the name
    a file was stored under to the name it was uploaded as, when a different file
    already had that name.
    """
    rejected = dict(rejected or {})
    renamed = dict(renamed or {})
    items: list[str] = []

    def names(paths: Iterable[str]) -> str:
        return ", ".join(html.escape(file_name_of(p), quote=True) for p in paths)

    if report is not None:
        for label, paths in (
            ("Đã thêm", report.added),
            ("Đã cập nhật", report.updated),
            ("Không thay đổi (đã có sẵn)", report.unchanged),
        ):
            if paths:
                items.append(f'<li class="ok">✅ {label} ({len(paths)}): {names(paths)}</li>')
        for path, reason in report.failed.items():
            name = file_name_of(path)
            rejected[renamed.pop(name, name)] = f"không đọc được nội dung ({reason})"
    for stored, uploaded in renamed.items():
        note = (
            f"Đã có tệp cùng tên; lưu thành {stored} "
            f"(a different file named {uploaded} exists; saved as {stored})"
        )
        items.append(
            f'<li class="note">ℹ️ {html.escape(uploaded, quote=True)}: '
            f"{html.escape(note, quote=True)}</li>"
        )
    for name, reason in rejected.items():
        items.append(
            f'<li class="bad">❌ {html.escape(name, quote=True)}: {html.escape(reason, quote=True)}</li>'
        )
    if not items:
        return '<div class="ingest-report">Chưa có tệp nào được chọn.</div>'
    return f'<div class="ingest-report"><ul>{"".join(items)}</ul></div>'


# ------------------------------------------------------------------- uploads
_UNSAFE_NAME_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def safe_upload_name(name: str, *, default: str = "tai-lieu") -> str:
    """A file name that is safe to create inside the uploads folder.

    Directories (``/`` or ``\\``) are stripped, control and reserved characters
    replaced, leading dots removed (no ``..``, no hidden files) and the length
    capped at MAX_UPLOAD_NAME_BYTES UTF-8 bytes, keeping the suffix; Vietnamese
    letters are kept (NFC).

    >>> safe_upload_name("../../etc/passwd")
    'passwd'
    >>> safe_upload_name("..\\\\Báo cáo Hà Nội.txt")
    'Báo cáo Hà Nội.txt'
    """
    name = unicodedata.normalize("NFC", str(name)).replace("\x00", "")
    name = re.split(r"[/\\]", name)[-1]
    name = re.sub(r"[\t\n\r\v\f]", " ", name)
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    name = _UNSAFE_NAME_CHARS.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    name = name.rstrip(". ")  # Windows drops trailing dots and spaces
    if len(name.encode("utf-8")) > MAX_UPLOAD_NAME_BYTES:
        stem, dot, suffix = name.rpartition(".")
        if dot and 0 < len(suffix) <= 10:
            name = _fit_name(stem, "." + suffix)
        else:
            name = _fit_name(name, "")
    if not name or set(name) <= {".", "_", " "}:
        name = default
    return name


def numbered_upload_name(name: str, n: int) -> str:
    """``name`` (a safe upload name) with `` (n)`` before its suffix, within the byte cap.

    >>> numbered_upload_name("report2024.txt", 2)
    'report2024 (2).txt'
    """
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        stem, suffix = name, ""
    else:
        suffix = "." + suffix
    return _fit_name(stem, f" ({n}){suffix}")


def _fit_name(stem: str, tail: str) -> str:
    """``stem + tail`` in at most MAX_UPLOAD_NAME_BYTES UTF-8 bytes, cut from the stem's end."""
    room = MAX_UPLOAD_NAME_BYTES - len(tail.encode("utf-8"))
    cut = stem.encode("utf-8")[: max(room, 0)].decode("utf-8", "ignore")  # whole characters
    return cut.rstrip(". ") + tail


def upload_destination(uploads_dir: Path, name: str) -> Path:
    """Where an uploaded file called ``name`` is stored; never outside ``uploads_dir``."""
    root = Path(uploads_dir).resolve()
    dest = (root / safe_upload_name(name)).resolve()
    if dest.parent != root:
        raise ValueError(f"unsafe upload name: {name!r}")
    return dest


def upload_rejection(name: str, size_bytes: int, max_mb: float) -> str | None:
    """Why an upload is refused (in Vietnamese), or None when it is acceptable."""
    suffix = Path(safe_upload_name(name)).suffix.lower()
    if suffix not in ALLOWED_UPLOAD_SUFFIXES:
        allowed = ", ".join(ALLOWED_UPLOAD_SUFFIXES)
        return f"loại tệp “{suffix or 'không có đuôi'}” không được hỗ trợ (chỉ nhận {allowed})"
    if size_bytes > max_mb * 1024 * 1024:
        return f"tệp quá lớn ({size_bytes / 1024 / 1024:.1f} MB; tối đa {max_mb:g} MB)"
    if size_bytes == 0:
        return "tệp rỗng"
    return None
