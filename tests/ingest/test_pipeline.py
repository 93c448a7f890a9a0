"""Paths → article Documents: discovery, metadata per schema, skip-and-report."""

from __future__ import annotations

import json
import os
import unicodedata

import pytest

import ingest
from ingest import schema
from ingest.chunking import ArticleChunker
from ingest.errors import IngestError
from ingest.pipeline import discover_files, load_article, load_articles

ARTICLE = (
    "Hà Nội mở rộng không gian đi bộ quanh hồ Tây\n\n"
    "Chia sẻ | In bài\n\n"
    "Sáng 5/3, UBND TP. Hà Nội thông báo mở rộng không gian đi bộ quanh hồ Tây từ tháng 4, "
    "với tổng chiều dài các tuyến phố khoảng 7,5 km.\n\n"
    "Theo kế hoạch, không gian đi bộ hoạt động vào tối thứ Sáu, thứ Bảy và Chủ nhật hằng tuần; "
    "các phương tiện cá nhân được phân luồng sang đường Thụy Khuê và Âu Cơ.\n"
    "(0) Bình luận\n"
)


@pytest.fixture
def tree(tmp_path):
    """A small corpus with every kind of file discovery must handle."""
    root = tmp_path / "corpus"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".hidden_dir").mkdir()
    (root / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "B.MD").write_text("# Tiêu đề\n\nNội dung bài viết về Hà Nội.", encoding="utf-8")
    (root / "sub" / "c.html").write_text("<p>Hà Nội</p>", encoding="utf-8")
    (root / "sub" / "deeper" / "d.PDF").write_bytes(b"%PDF-1.4")
    (root / "sub" / "e.htm").write_text("<p>Hà Nội</p>", encoding="utf-8")
    (root / "notes.docx").write_bytes(b"PK")
    (root / "image.png").write_bytes(b"\x89PNG")
    (root / ".secret.txt").write_text("ẩn", encoding="utf-8")
    (root / ".hidden_dir" / "x.txt").write_text("ẩn", encoding="utf-8")
    (root / "metadata.json").write_text("{}", encoding="utf-8")
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)  # a symlink loop
    (root / "sub" / "alias.txt").symlink_to(root / "a.txt")  # same file twice
    (root / "broken.txt").symlink_to(root / "nowhere.txt")
    return root


# --------------------------------------------------------------------------- discovery


def test_discover_files_recursively(tree):
    files, failed = discover_files([tree])
    names = sorted(p.relative_to(tree).as_posix() for p in files)
    assert names == ["B.MD", "a.txt", "sub/c.html", "sub/deeper/d.PDF", "sub/e.htm"]
    assert failed == {str(tree / "broken.txt"): "broken symbolic link"}


def test_discover_files_failures_and_explicit_files(tree):
    files, failed = discover_files(
        [tree / "a.txt", tree / "missing.txt", tree / "notes.docx", tree / ".secret.txt",
         str(tree / "a.txt")]
    )  # fmt: skip
    assert files == [tree / "a.txt", tree / ".secret.txt"]  # explicit hidden file is taken
    assert failed == {
        str(tree / "missing.txt"): "path does not exist",
        str(tree / "notes.docx"): "unsupported file type: .docx",
    }


def test_discover_files_is_deterministic_and_deduplicated(tree):
    first, _ = discover_files([tree, tree / "sub"])
    again, _ = discover_files([tree, tree / "sub"])
    assert first == again
    assert len({p.resolve() for p in first}) == len(first)


# --------------------------------------------------------------------------- articles


def test_load_article_metadata_follows_the_schema(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    doc = load_article(path)
    assert tuple(doc.metadata) == schema.ARTICLE_KEYS
    assert all(isinstance(v, str) for v in doc.metadata.values())
    assert doc.metadata[schema.SOURCE] == str(path.resolve())
    assert doc.metadata[schema.FILE_NAME] == "a.txt"
    assert doc.metadata[schema.TITLE] == "Hà Nội mở rộng không gian đi bộ quanh hồ Tây"
    assert doc.metadata[schema.DOC_HASH] == schema.content_hash(doc.page_content)
    assert doc.page_content.startswith("Sáng 5/3, UBND TP. Hà Nội")
    assert doc.page_content.endswith("Thụy Khuê và Âu Cơ.")
    assert "Chia sẻ" not in doc.page_content and "Bình luận" not in doc.page_content


def test_load_article_normalises_to_nfc(tmp_path):
    path = tmp_path / "nfd.txt"
    path.write_text(unicodedata.normalize("NFD", ARTICLE), encoding="utf-8")
    doc = load_article(path)
    assert unicodedata.is_normalized("NFC", doc.page_content)
    assert unicodedata.is_normalized("NFC", doc.metadata[schema.TITLE])
    nfc_path = tmp_path / "nfc.txt"
    nfc_path.write_text(ARTICLE, encoding="utf-8")
    assert doc.metadata[schema.DOC_HASH] == load_article(nfc_path).metadata[schema.DOC_HASH]


def test_load_article_source_of_a_symlink_is_the_real_file(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text(ARTICLE, encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    assert load_article(link).metadata[schema.SOURCE] == str(real.resolve())


def test_load_article_html(tmp_path):
    html = """<html><head><meta property="og:title" content="Hà Nội mở rộng phố đi bộ">
    <meta property="og:site_name" content="Báo Phố Thị">
    <meta property="article:published_time" content="2024-03-05T08:30:00+07:00"></head>
    <body><nav><a href="/">Trang chủ</a></nav><article><h1>Hà Nội mở rộng phố đi bộ</h1>
    <p>Chia sẻ | In bài</p>
    <p>Sáng 5/3, UBND TP. Hà Nội thông báo mở rộng không gian đi bộ quanh hồ Tây.</p>
    <p>Theo kế hoạch, tuyến phố hoạt động vào cuối tuần.</p>
    <p>Sáng 5/3, UBND TP. Hà Nội thông báo mở rộng không gian đi bộ quanh hồ Tây.</p>
    </article><footer>© 2024 Báo Phố Thị</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    doc = load_article(path)
    assert doc.metadata[schema.TITLE] == "Hà Nội mở rộng phố đi bộ"
    assert doc.metadata[schema.OUTLET] == "Báo Phố Thị"
    assert doc.metadata[schema.DATE] == "2024-03-05"
    assert doc.page_content == (
        "Sáng 5/3, UBND TP. Hà Nội thông báo mở rộng không gian đi bộ quanh hồ Tây.\n\n"
        "Theo kế hoạch, tuyến phố hoạt động vào cuối tuần."
    )


def test_load_article_with_sidecar(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "metadata.json").write_text(
        json.dumps(
            {"a.txt": {"title": "Tiêu đề biên tập", "outlet": "Phố Thị", "date": "2024-03"}}
        ),
        encoding="utf-8",
    )
    meta = load_article(tmp_path / "a.txt").metadata
    assert (meta[schema.TITLE], meta[schema.OUTLET], meta[schema.DATE]) == (
        "Tiêu đề biên tập", "Phố Thị", "2024-03",
    )  # fmt: skip


def test_load_article_errors(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(IngestError, match="^empty file$"):
        load_article(tmp_path / "empty.txt")
    (tmp_path / "chrome.txt").write_text("Chia sẻ | In bài\n(0) Bình luận\nTop\n", encoding="utf-8")
    with pytest.raises(IngestError, match="no article text left after cleaning"):
        load_article(tmp_path / "chrome.txt")
    (tmp_path / "big.txt").write_text(ARTICLE * 10, encoding="utf-8")
    with pytest.raises(IngestError, match="file too large"):
        load_article(tmp_path / "big.txt", max_bytes=1000)


def test_the_bundled_corpus(article_files):
    docs, failed = load_articles([next(iter(article_files.values())).parent])
    assert failed == {}
    assert [d.metadata[schema.FILE_NAME] for d in docs] == [p.name for p in article_files.values()]
    by_name = {d.metadata[schema.FILE_NAME]: d for d in docs}
    m000 = by_name[article_files["000"].name].metadata
    assert (m000[schema.OUTLET], m000[schema.DATE]) == ("Kinh tế & Đô thị (KTĐT)", "2017-11-20")
    m003 = by_name[article_files["003"].name].metadata
    assert (m003[schema.OUTLET], m003[schema.DATE]) == ("Ngày Nay", "2026-01-21")
    assert by_name[article_files["004"].name].metadata[schema.DATE] == "2023-11"
    for d in docs:
        assert 4000 < len(d.page_content) < 10000
        assert "\n\n" in d.page_content


def test_load_articles_skips_and_reports(tmp_path, make_pdf, cp1258):
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "legacy.txt").write_bytes(cp1258(ARTICLE))
    (tmp_path / "report.pdf").write_bytes(
        make_pdf([["Hà Nội thí điểm mô hình chính quyền đô thị tại các quận."]])
    )
    (tmp_path / "binary.txt").write_bytes(os.urandom(2048) + b"\x00")
    (tmp_path / "empty.md").write_bytes(b"  \n")
    (tmp_path / "locked.pdf").write_bytes(make_pdf([["Bí mật."]], user_password="secret"))
    (tmp_path / "scan.pdf").write_bytes(make_pdf([[]]))
    docs, failed = load_articles([tmp_path, tmp_path / "missing"])
    assert sorted(d.metadata[schema.FILE_NAME] for d in docs) == [
        "good.txt",
        "legacy.txt",
        "report.pdf",
    ]
    assert failed == {
        str(tmp_path / "binary.txt"): "binary file, not text",
        str(tmp_path / "empty.md"): "empty file",
        str(tmp_path / "locked.pdf"): "encrypted PDF",
        str(tmp_path / "scan.pdf"): "no text found (scanned PDF without a text layer?)",
        str(tmp_path / "missing"): "path does not exist",
    }
    good, legacy = (
        next(d for d in docs if d.metadata[schema.FILE_NAME] == n)
        for n in ("good.txt", "legacy.txt")
    )
    assert good.page_content == legacy.page_content


def test_reingest_is_idempotent(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE * 3, encoding="utf-8")
    chunker = ArticleChunker(chunk_size=200, overlap_sentences=1)
    first = chunker.split([load_article(tmp_path / "a.txt")])
    again = chunker.split([load_article(tmp_path / "a.txt")])
    assert [c.metadata[schema.CHUNK_ID] for c in first] == [
        c.metadata[schema.CHUNK_ID] for c in again
    ]


def test_public_api():
    for name in ingest.__all__:
        assert hasattr(ingest, name), name
    assert {
        "load_article",
        "discover_files",
        "chunk_article",
        "ArticleChunker",
        "IngestError",
        "clean_article",
        "extract_metadata",
    } <= set(ingest.__all__)


def test_unexpected_parser_error_becomes_an_ingest_error(tmp_path, monkeypatch):
    import ingest.pipeline as pipeline

    def boom(*args, **kwargs):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(pipeline, "clean_article", boom)
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    docs, failed = load_articles([tmp_path])
    assert docs == []
    assert failed == {str(tmp_path / "a.txt"): "unexpected error: RuntimeError: parser bug"}
