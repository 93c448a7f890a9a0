"""The whole document behind a citation: only indexed sources, the passage marked, PDF pages."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from assistant.core import Source
from webapp.document_view import pdf_page_of, render_document_html

ARTICLE = (
    "Tăng trưởng kinh tế Thủ đô\n\n"
    "Đoạn mở đầu nói về bối cảnh chung của năm.\n\n"
    "Hà Nội phấn đấu tăng trưởng 7,5% trở lên. Đoạn này được trích dẫn.\n\n"
    "Đoạn cuối kể tiếp các mục tiêu <b>khác</b>.\n"
)


def source(path: Path) -> Source:
    return Source(str(path), path.name, "Tăng trưởng kinh tế Thủ đô", "", "", 3, "")


def test_a_source_not_in_the_index_is_never_read(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("bí mật", encoding="utf-8")
    out = render_document_html(None, str(path), {}, 0, 5, "")
    assert "bí mật" not in out and "không còn trong kho" in out


def test_the_passage_is_marked_in_the_whole_escaped_document(tmp_path):
    from ingest.pipeline import load_article

    path = tmp_path / "bai.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    text = load_article(path).page_content
    passage = "Hà Nội phấn đấu tăng trưởng 7,5% trở lên. Đoạn này được trích dẫn."
    start = text.index(passage)
    quote = passage.index("Hà Nội"), passage.index(" Đoạn này")
    out = render_document_html(
        source(path),
        str(path),
        {"qs": quote[0], "qe": quote[1]},
        start,
        start + len(passage),
        passage,
    )
    assert 'id="doc-cited"' in out and '<mark class="quote">Hà Nội phấn đấu' in out
    assert "Đoạn mở đầu" in out and "Đoạn cuối kể tiếp" in out  # the rest: read on
    assert "<b>" not in out and "&lt;b&gt;" in out
    # offsets that no longer fit (the file changed): the passage is found by its text
    moved = render_document_html(source(path), str(path), {}, 0, 10, passage)
    assert 'id="doc-cited"' in moved


def _build_pdf(path: Path, pages: list[list[str]]) -> Path:
    spec = importlib.util.spec_from_file_location(
        "ingest_conftest", Path(__file__).parents[1] / "ingest" / "conftest.py"
    )
    helpers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(helpers)
    path.write_bytes(helpers.build_pdf(pages))
    return path


def test_a_pdf_quote_is_found_on_its_page(tmp_path):
    pdf = _build_pdf(
        tmp_path / "bao-cao.pdf",
        [["Trang đầu nói về kế hoạch của thành phố."], ["Kinh tế tăng trưởng 7,5% trở lên."]],
    )
    assert pdf_page_of(pdf, "Kinh tế tăng trưởng 7,5%") == 2
    assert pdf_page_of(pdf, "không có câu này") is None

    from ingest.pipeline import load_article

    text = load_article(pdf).page_content
    passage = "Kinh tế tăng trưởng 7,5% trở lên."
    start = text.index(passage)
    out = render_document_html(
        source(pdf), str(pdf), {"qs": 0, "qe": len(passage)}, start, start + len(passage), passage
    )
    assert "trang 2 của tệp PDF" in out
