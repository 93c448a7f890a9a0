"""Rendering answers and sources for the web page: escaping, highlighting, notices, names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.core import Source
from assistant.types import Answer, Citation, IngestReport, Passage
from webapp.sources_panel import (
    NO_SOURCES_HTML,
    citation_ranges,
    highlight_passage,
    render_sources_html,
)
from webapp.ui_format import (
    citations_json,
    escape_markdown,
    file_name_of,
    format_answer_markdown,
    format_error_markdown,
    numbered_upload_name,
    passages_json,
    render_ingest_report,
    safe_upload_name,
    source_choices,
    sources_table,
    upload_destination,
    upload_rejection,
)

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
LINK = "[click](javascript:alert(3))"
IMAGE_MD = "![x](https://evil.example/p.png)"


def passage(text: str, **kw) -> Passage:
    defaults = dict(
        source="/kb/uploads/bai.txt",
        title="Hà Nội tháo gỡ điểm nghẽn",
        score=0.5,
        chunk_id="c1",
        date="2017-11-20",
        outlet="KTĐT",
    )
    return Passage(text=text, **{**defaults, **kw})


# ------------------------------------------------------------------ markdown
def test_escape_markdown_neutralises_html_and_links():
    out = escape_markdown(f"{SCRIPT} {IMG} {LINK} {IMAGE_MD}")
    assert "<" not in out and ">" not in out
    assert "&lt;script&gt;" in out and "&lt;img" in out
    # no unescaped link/image syntax is left: every [ ] ( ) ! is backslash-escaped
    assert not re.search(r"(?<!\\)[\[\]()!]", out)
    assert "javascript:alert" in out  # the text itself is still shown


@pytest.mark.parametrize(
    "text",
    ["*đậm*", "_nghiêng_", "`code`", "# tiêu đề", "a | b", "~~gạch~~", "$$x$$", "\\[1\\]"],
)
def test_escape_markdown_escapes_formatting(text):
    out = escape_markdown(text)
    for ch in "*_`#|~$[]":
        assert not re.search(rf"(?<!\\){re.escape(ch)}", out.replace("\\\\", "")), (ch, out)


def test_escape_markdown_escapes_line_start_lists():
    out = escape_markdown("- mục một\n+ mục hai\n1. mục ba\n===")
    assert out.splitlines() == ["\\- mục một", "\\+ mục hai", "1\\. mục ba", "\\==="]


def test_escape_markdown_keeps_vietnamese_and_numbers():
    assert escape_markdown("Tăng trưởng 7,5% năm 2023") == "Tăng trưởng 7,5% năm 2023"


def test_answer_markdown_keeps_citation_markers_visible():
    out = format_answer_markdown("GRDP tăng 6,27% [1]. Thu ngân sách vượt dự toán [2].")
    assert "\\[1\\]" in out and "\\[2\\]" in out


def test_answer_markdown_escapes_document_text():
    out = format_answer_markdown(f"Trích: {SCRIPT} {IMG} {LINK} [1]")
    assert "<" not in out.replace("&lt;", "")
    assert "](" not in out


def test_abstained_answer_reads_as_notice():
    out = format_answer_markdown("Tôi không tìm thấy thông tin này.", abstained=True)
    assert out.startswith("🔎 **Không tìm thấy")
    assert "Tôi không tìm thấy thông tin này" in out


def test_ungrounded_answer_carries_warning():
    assert "⚠️" in format_answer_markdown("Câu trả lời tự do.", grounded=False)
    assert "⚠️" not in format_answer_markdown("Câu trả lời [1].")


def test_answer_note_follows_the_answer_escaped():
    note = "Mô hình <b>quá</b> 60 giây; trích nguyên văn."
    out = format_answer_markdown("Tăng 6,27% [1].", note=note)
    assert out.startswith("Tăng 6,27%") and "ℹ️" in out and "<b>" not in out
    assert "ℹ️" not in format_answer_markdown("Tăng 6,27% [1].")


def test_error_markdown_is_escaped():
    assert format_error_markdown("<b>x</b>") == "⚠️ &lt;b&gt;x&lt;/b&gt;"


# ---------------------------------------------------------------- highlight
def test_highlight_quote_and_span():
    text = "Mở đầu. Thành phố tăng 7,5% mỗi năm. Kết."
    qs = text.index("Thành")
    qe = text.index("Kết") - 1
    ss = text.index("7,5%")
    out = highlight_passage(text, (qs, qe), (ss, ss + 4))
    assert out == (
        'Mở đầu. <mark class="quote">Thành phố tăng </mark>'
        '<mark class="answer">7,5%</mark><mark class="quote"> mỗi năm.</mark> Kết.'
    )


def test_highlight_escapes_inside_and_outside_marks():
    text = f"{IMG} câu có {SCRIPT} ở giữa."
    qs = text.index("câu")
    out = highlight_passage(text, (qs, len(text)), None)
    assert "<img" not in out and "<script" not in out
    assert out.count("<mark") == 1 and out.count("</mark>") == 1


@pytest.mark.parametrize("bad", [(-1, 3), (5, 2), (0, 999), (4, 4)])
def test_highlight_ignores_invalid_ranges(bad):
    assert highlight_passage("Hà Nội <3", bad, bad) == "Hà Nội &lt;3"


def test_span_outside_quote_is_still_marked():
    out = highlight_passage("abc def ghi", (0, 3), (8, 11))
    assert out == '<mark class="quote">abc</mark> def <mark class="answer">ghi</mark>'


def test_citation_ranges_fall_back_to_finding_the_quote():
    p = passage("Câu một. Câu hai nói 7,5%. Câu ba.")
    c = Citation(index=1, passage=p, quote="Câu hai nói 7,5%.")
    quote, span = citation_ranges(c)
    assert p.text[quote[0] : quote[1]] == "Câu hai nói 7,5%."
    assert span is None


# ------------------------------------------------------------ sources panel
def test_sources_panel_lists_citations_with_metadata_and_marks():
    text = "Thành phố phấn đấu tăng trưởng 7,5% trở lên. Câu khác."
    p = passage(text)
    c = Citation(
        index=1,
        passage=p,
        quote=text[:44],
        quote_start=0,
        quote_end=44,
        span_start=text.index("7,5%"),
        span_end=text.index("7,5%") + 4,
    )
    out = render_sources_html(Answer(text="Tăng 7,5% [1].", citations=[c]))
    assert "[1]" in out
    assert "Hà Nội tháo gỡ điểm nghẽn" in out
    assert "KTĐT" in out and "2017-11-20" in out and "bai.txt" in out
    assert '<mark class="answer">7,5%</mark>' in out
    assert '<mark class="quote">' in out
    assert "src-notice" not in out and "src-warning" not in out


def test_sources_panel_escapes_titles_file_names_and_text():
    p = passage(
        f"Nội dung {SCRIPT} {IMG} {LINK}",
        title=f"Tiêu đề {IMG}",
        source="/kb/uploads/a<b>x.txt",
        outlet="<i>báo</i>",
    )
    out = render_sources_html(
        Answer(text="x [1]", citations=[Citation(index=1, passage=p, quote="Nội dung")])
    )
    assert "<script" not in out and "<img" not in out and "<b>" not in out and "<i>" not in out
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in out
    assert "a&lt;b&gt;x.txt" in out
    # only our own tags are present
    tags = set(re.findall(r"<\s*([a-zA-Z0-9]+)", out))
    assert tags <= {"div", "span", "mark", "h4", "button"}


def test_abstained_panel_shows_notice_and_related_passages():
    related = [
        passage(f"Đoạn {i} <img src=x>", title=f"Bài {i}", chunk_id=str(i)) for i in range(5)
    ]
    out = render_sources_html(Answer(text="Không thấy.", abstained=True, related=related))
    assert "src-notice" in out and "Có thể liên quan" in out
    assert out.count('class="src-card related"') == 3
    assert "<img" not in out
    assert "<mark" not in out


def test_ungrounded_panel_warns():
    out = render_sources_html(Answer(text="Tự do.", grounded=False))
    assert "src-warning" in out


def test_empty_panel_placeholder_is_plain():
    assert "<" not in NO_SOURCES_HTML.replace("<div", "").replace("</div>", "")


# ---------------------------------------------------------------- API views
def test_citations_and_passages_json():
    p = passage("Văn bản.")
    a = Answer(text="x [1]", citations=[Citation(index=1, passage=p, quote="Văn bản.")])
    assert citations_json(a) == [
        {
            "index": 1,
            "title": p.title,
            "source": p.source,
            "quote": "Văn bản.",
            "text": "Văn bản.",
        }
    ]
    rows = passages_json([p, p])
    assert [r["rank"] for r in rows] == [1, 2] and rows[0]["chunk_id"] == "c1"


# ------------------------------------------------------------ documents tab
def test_sources_table_and_choices():
    s = Source(
        source="/kb/a.txt",
        file_name="a.txt",
        title="",
        outlet="TTXVN",
        date="2024",
        chunks=3,
        ingested_at="",
    )
    assert sources_table([s]) == [["a.txt", "TTXVN", "2024", "a.txt", "Có sẵn", "", 3]]
    assert source_choices([s]) == [("a.txt — a.txt", "/kb/a.txt")]


def test_ingest_report_lists_added_and_rejected_escaped():
    report = IngestReport(
        added=["/kb/uploads/bài mới.txt"],
        unchanged=["/kb/uploads/cũ.md"],
        failed={"/kb/uploads/hỏng.pdf": "cannot read <pdf>"},
    )
    out = render_ingest_report(report, {"<script>.exe": "loại tệp không được hỗ trợ"})
    assert "Đã thêm (1): bài mới.txt" in out
    assert "cũ.md" in out
    assert "hỏng.pdf" in out and "cannot read &lt;pdf&gt;" in out
    assert "&lt;script&gt;.exe" in out and "<script" not in out


def test_ingest_report_says_a_file_was_stored_under_another_name():
    report = IngestReport(
        added=["/kb/uploads/report2024 (2).txt", "/kb/uploads/<b> (2).md"],
        failed={"/kb/uploads/tin (2).pdf": "cannot read"},
    )
    renamed = {"report2024 (2).txt": "report2024.txt", "<b> (2).md": "<b>.md"}
    out = render_ingest_report(report, {}, {**renamed, "tin (2).pdf": "tin.pdf"})
    assert "report2024.txt: Đã có tệp cùng tên; lưu thành report2024 (2).txt (" in out
    assert "&lt;b&gt; (2).md" in out and "<b>" not in out
    # a renamed file that could not be read is reported under the name it was uploaded as
    assert "tin.pdf: không đọc được" in out and "lưu thành tin (2).pdf" not in out


def test_ingest_report_without_files():
    assert "Chưa có tệp" in render_ingest_report(None)


# ------------------------------------------------------------------ uploads
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\x.txt", "x.txt"),
        ("C:\\Users\\a\\Báo cáo.pdf", "Báo cáo.pdf"),
        ("/abs/path/tin.md", "tin.md"),
        ("bad\x00name.txt", "badname.txt"),
        ("tab\tand\nnewline.txt", "tab and newline.txt"),
        ("..", "tai-lieu"),
        ("...", "tai-lieu"),
        (".hidden.txt", "hidden.txt"),
        ("", "tai-lieu"),
        ("a<b>c:d|e?.txt", "a_b_c_d_e_.txt"),
        ("Hà Nội – Quy hoạch đô thị.txt", "Hà Nội – Quy hoạch đô thị.txt"),
        ("Thủ đô ngàn năm văn hiến.html", "Thủ đô ngàn năm văn hiến.html"),
        ("trailing dots. . .", "trailing dots"),
        ("\u202egnp.txt", "gnp.txt"),  # right-to-left override
    ],
)
def test_safe_upload_name(name, expected):
    assert safe_upload_name(name) == expected


def test_safe_upload_name_normalises_to_nfc():
    decomposed = "Ha\u0300 No\u0323\u0302i.txt"  # "Hà Nội" typed with combining marks
    assert safe_upload_name(decomposed) == "Hà Nội.txt"


@pytest.mark.parametrize(
    ("name", "suffix"),
    [
        ("ả" * 500 + ".pdf", ".pdf"),  # 3 bytes a letter
        ("Báo cáo tổng kết công tác Đảng ủy phường " * 8 + ".txt", ".txt"),
        ("ư" * 300, ""),  # no suffix
        ("a" * 400 + ".md", ".md"),
    ],
)
def test_safe_upload_name_caps_utf8_bytes_and_keeps_suffix(name, suffix):
    # file systems allow 255 bytes a name, not 255 letters
    out = safe_upload_name(name)
    assert len(out.encode("utf-8")) <= 255
    assert out.endswith(suffix) and len(out) > len(suffix) + 50
    assert name.startswith(out[: len(out) - len(suffix)])  # whole letters, cut at the end


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report2024.txt", "report2024 (2).txt"),
        ("tai-lieu", "tai-lieu (2)"),
        ("bao.cao.2024.md", "bao.cao.2024 (2).md"),
    ],
)
def test_numbered_upload_name(name, expected):
    assert numbered_upload_name(name, 2) == expected


def test_numbered_upload_name_keeps_number_and_suffix_within_the_cap():
    name = safe_upload_name("Hội nghị Ban Chấp hành Đảng bộ " * 20 + ".pdf")
    out = numbered_upload_name(name, 12)
    assert out.endswith(" (12).pdf") and len(out.encode("utf-8")) <= 255
    assert safe_upload_name(out) == out


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "..\\..\\x.txt", "/etc/shadow", "a/../../b.txt", "..", "\x00"]
)
def test_upload_destination_stays_inside(tmp_path, name):
    dest = upload_destination(tmp_path, name)
    assert dest.parent == tmp_path.resolve()


def test_upload_destination_refuses_symlink_escape(tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "link.txt").symlink_to(tmp_path / "outside.txt")
    with pytest.raises(ValueError):
        upload_destination(uploads, "link.txt")


def test_upload_rejection_reasons():
    assert upload_rejection("bai.txt", 10, 1) is None
    assert upload_rejection("Bai.PDF", 10, 1) is None
    assert "không được hỗ trợ" in upload_rejection("virus.exe", 10, 1)
    assert "không được hỗ trợ" in upload_rejection("README", 10, 1)
    assert "quá lớn" in upload_rejection("lon.txt", 3 * 1024 * 1024, 2)
    assert "rỗng" in upload_rejection("rong.md", 0, 2)


def test_file_name_of_handles_both_separators():
    assert file_name_of("/a/b/c.txt") == "c.txt"
    assert file_name_of("C:\\a\\d.txt") == "d.txt"
    assert Path(file_name_of("x.txt")).name == "x.txt"
