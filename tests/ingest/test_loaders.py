"""Files → text: encodings, HTML extraction, PDFs and the errors of each (files under tmp_path)."""

from __future__ import annotations

import codecs
import os
import re
import unicodedata

import pytest

from ingest.errors import IngestError
from ingest.loaders import decode_bytes, extract_html, load_file, load_text

VI = "Hà Nội thí điểm mô hình chính quyền đô thị tại các quận. Đảng bộ Thủ đô quyết tâm đổi mới."


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def as_mojibake(text: str) -> str:
    """UTF-8 bytes read as cp1252 the way browsers do (undefined bytes pass through)."""
    return "".join(
        chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252")
        for b in text.encode("utf-8")
    )


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf8.txt", VI.encode("utf-8")),
        ("utf8-bom.txt", codecs.BOM_UTF8 + VI.encode("utf-8")),
        ("utf16-le.txt", VI.encode("utf-16")),  # Python writes a BOM
        ("utf16-be.txt", codecs.BOM_UTF16_BE + VI.encode("utf-16-be")),
        ("utf32.txt", VI.encode("utf-32")),
        ("utf16-le-no-bom.txt", VI.encode("utf-16-le")),  # Windows tools write these too
        ("utf16-be-no-bom.txt", VI.encode("utf-16-be")),
    ],
)
def test_unicode_encodings(tmp_path, name, data):
    text = load_text(write(tmp_path, name, data))
    assert text == VI
    assert "\ufeff" not in text


def test_sixteen_bit_numbers_are_still_binary(tmp_path):
    import array

    numbers = array.array("H", list(range(200)) * 20).tobytes()  # zero high bytes, like UTF-16
    with pytest.raises(IngestError, match="binary"):
        load_file(write(tmp_path, "numbers.txt", numbers))


def test_cp1258_decodes_to_nfc(tmp_path, cp1258):
    data = cp1258(VI)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    # Python's cp1258 codec yields combining tone marks ...
    assert not unicodedata.is_normalized("NFC", data.decode("cp1258"))
    # ... which the loader composes
    text = load_text(write(tmp_path, "legacy.txt", data))
    assert text == VI
    assert unicodedata.is_normalized("NFC", text)


def test_decomposed_utf8_is_normalised(tmp_path):
    path = write(tmp_path, "nfd.txt", unicodedata.normalize("NFD", VI).encode("utf-8"))
    assert load_text(path) == VI


def test_other_legacy_encodings_fall_back_to_charset_normalizer():
    russian = (
        "Москва — столица России. Город является крупнейшим по численности населения "
        "в стране, в нём проживает много людей."
    )
    assert decode_bytes(russian.encode("cp1251")) == russian
    french = "Le café de la gare est très agréable, à côté du marché."
    assert decode_bytes(french.encode("latin-1")) == french


def test_newlines_are_normalised():
    assert decode_bytes(b"a\r\nb\rc\n") == "a\nb\nc\n"


def test_double_encoded_utf8_is_repaired():
    assert decode_bytes(as_mojibake(VI).encode("utf-8")) == VI


def test_unrepairable_mojibake_is_refused():
    broken = as_mojibake(VI).replace("»", "\ufffd") + " Ã© Ã¨ Ä‘"
    with pytest.raises(IngestError, match="mojibake"):
        decode_bytes(broken.encode("utf-8"))


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        bytes(range(1, 32)) * 20,  # control characters, no NUL
        b"Ha Noi\x00\x00\x00 text with NUL bytes",
        os.urandom(4096),
    ],
)
def test_binary_txt_is_refused(tmp_path, data):
    with pytest.raises(IngestError, match="binary file, not text"):
        load_text(write(tmp_path, "binary.txt", data))


def test_utf16_bom_with_garbage_is_refused():
    with pytest.raises(IngestError, match="binary file"):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8\x00\xd8")


@pytest.mark.parametrize("data", [b"", b"   \n\t\n  ", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\n \n"])
def test_empty_file(tmp_path, data):
    with pytest.raises(IngestError, match="^empty file$"):
        load_text(write(tmp_path, "empty.txt", data))


def test_file_too_large(tmp_path):
    path = write(tmp_path, "big.txt", ("Hà Nội " * 60_000).encode("utf-8"))  # 0.5 MB
    with pytest.raises(IngestError, match=r"^file too large: 0\.\d MB > 0\.1 MB$"):
        load_text(path, max_bytes=100 * 1024)
    assert load_text(path, max_bytes=1024 * 1024).startswith("Hà Nội")


def test_unsupported_and_missing(tmp_path):
    with pytest.raises(IngestError, match="unsupported file type: .docx"):
        load_file(write(tmp_path, "a.docx", b"PK\x03\x04"))
    with pytest.raises(IngestError, match="file not found"):
        load_file(tmp_path / "missing.txt")


def test_suffix_is_case_insensitive(tmp_path):
    assert load_file(write(tmp_path, "A.TXT", VI.encode())).text == VI


def test_markdown(tmp_path):
    md = (
        "---\ntitle: Hà Nội mở phố đi bộ\ndate: 2024-03-05\n---\n"
        "# Tiêu đề phụ\n\n![ảnh](anh.jpg)\nSáng 5/3, [UBND TP](https://example.vn/ubnd) "
        "**thông báo** mở rộng phố đi bộ.\n\n> Trích dẫn.\n"
    )
    loaded = load_file(write(tmp_path, "a.md", md.encode()))
    assert loaded.kind == "markdown"
    assert loaded.title == "Hà Nội mở phố đi bộ"
    assert loaded.date == "2024-03-05"
    assert "Sáng 5/3, UBND TP thông báo mở rộng phố đi bộ." in loaded.text
    assert "Trích dẫn." in loaded.text
    assert "![" not in loaded.text and "https://" not in loaded.text and "#" not in loaded.text


# --------------------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>Hà Nội mở rộng không gian đi bộ | Báo Phố Thị</title>
<meta property="og:title" content="Hà Nội mở rộng không gian đi bộ quanh hồ Tây">
<meta property="og:site_name" content="Báo Phố Thị">
<meta property="article:published_time" content="2024-03-05T08:30:00+07:00">
<script>var tracking = "mã theo dõi quảng cáo";</script>
<style>.menu { color: red }</style>
</head><body>
<header class="site-header"><a href="/">Trang chủ</a> <a href="/xa-hoi">Xã hội</a></header>
<nav><ul><li><a href="/thoi-su">Thời sự</a></li><li><a href="/kinh-te">Kinh tế</a></li></ul></nav>
<main>
<article>
  <h1>Hà Nội mở rộng không gian đi bộ quanh hồ Tây</h1>
  <div class="share-buttons"><a href="#">Chia sẻ Facebook</a> <a href="#">Zalo</a></div>
  <p>Sáng 5/3, UBND TP. Hà Nội thông báo mở rộng không gian đi bộ quanh hồ Tây từ tháng 4.</p>
  <p>Theo kế hoạch, tuyến phố mới dài 1,5 km, <b>hoạt động</b> vào tối thứ Sáu,<br>
     thứ Bảy và Chủ nhật hằng tuần.</p>
  <h2>Phân luồng giao thông</h2>
  <p>Người dân được khuyến khích sử dụng xe buýt và tàu điện Cát Linh - Hà Đông.</p>
  <ul><li>Tuyến 1: Thanh Niên – Trích Sài;</li><li>Tuyến 2: Nhật Chiêu – Quảng Bá.</li></ul>
  <table><tr><th>Tuyến</th><th>Chiều dài</th></tr><tr><td>Thanh Niên</td><td>1,5 km</td></tr></table>
  <div class="related-news"><h3>Tin liên quan</h3>
    <a href="/a">Giá vàng hôm nay tăng mạnh</a></div>
  <ul class="list"><li><a href="/b">Bão số 3 đổ bộ vào Quảng Ninh</a></li>
    <li><a href="/c">Giá xăng giảm lần thứ ba liên tiếp</a></li></ul>
</article>
<aside><h3>Đọc nhiều</h3><p>Tin thể thao hấp dẫn nhất tuần</p></aside>
</main>
<div id="comments"><p>Bạn đọc A: bài viết hay quá.</p></div>
<footer>© 2024 Báo Phố Thị. Bản quyền thuộc về Phố Thị.</footer>
<noscript>Bật JavaScript</noscript>
</body></html>
"""


def test_html_article_extraction():
    page = extract_html(PAGE)
    assert page.kind == "html"
    assert page.title == "Hà Nội mở rộng không gian đi bộ quanh hồ Tây"
    assert page.outlet == "Báo Phố Thị"
    assert page.date == "2024-03-05"
    blocks = page.text.split("\n\n")
    assert (
        "Sáng 5/3, UBND TP. Hà Nội thông báo mở rộng không gian đi bộ quanh hồ Tây từ tháng 4."
        in blocks
    )
    assert "Theo kế hoạch, tuyến phố mới dài 1,5 km, hoạt động vào tối thứ Sáu," in blocks
    assert "thứ Bảy và Chủ nhật hằng tuần." in blocks
    assert "Phân luồng giao thông" in blocks
    assert "• Tuyến 1: Thanh Niên – Trích Sài;" in blocks
    assert "Tuyến | Chiều dài" in blocks and "Thanh Niên | 1,5 km" in blocks
    for junk in (
        "tracking", "color: red", "Trang chủ", "Thời sự", "Chia sẻ", "Giá vàng", "Bão số 3",
        "Giá xăng", "Đọc nhiều", "thể thao", "Bạn đọc A", "Bản quyền", "JavaScript",
    ):  # fmt: skip
        assert junk not in page.text, junk


def test_html_file_title_fallbacks_and_json_ld(tmp_path):
    html = """<html><head><title>Đường sắt đô thị về đích – Tin Nhanh</title>
    <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "NewsArticle", "datePublished": "2023-11-24T10:00:00+07:00",
       "publisher": {"@type": "Organization", "name": "Tin Nhanh"}}]}</script>
    </head><body><div class="content"><p>Tuyến metro Nhổn - ga Hà Nội chạy thử đoạn trên cao
    từ ngày 24/11. Hành khách đi thử nghiệm miễn phí trong 15 ngày đầu.</p></div></body></html>"""
    loaded = load_file(write(tmp_path, "page.HTM", html.encode("utf-8")))
    assert loaded.title == "Đường sắt đô thị về đích"
    assert loaded.date == "2023-11-24"
    assert loaded.outlet == "Tin Nhanh"
    assert loaded.text.startswith("Tuyến metro Nhổn - ga Hà Nội chạy thử")


def test_html_declared_legacy_charset(tmp_path, cp1258):
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
        f"</head><body><p>{VI}</p></body></html>"
    )
    assert load_text(write(tmp_path, "old.html", cp1258(html))) == VI


def test_html_without_text_is_empty_file(tmp_path):
    text = load_file(
        write(tmp_path, "x.html", b"<html><body><script>x()</script></body></html>")
    ).text
    assert text == ""  # the pipeline turns this into "no article text left after cleaning"


# --------------------------------------------------------------------------- PDF


def test_pdf_text_and_title(tmp_path, make_pdf):
    data = make_pdf(
        [
            [
                "Hà Nội thí điểm mô hình chính quyền đô thị.",
                "Sáng 19/11, Ban Chấp hành Đảng bộ TP họp.",
            ],
            ["Kinh tế tăng trưởng 7,5% trở lên."],
        ],
        title="Chính quyền đô thị",
    )
    loaded = load_file(write(tmp_path, "a.pdf", data))
    assert loaded.kind == "pdf"
    assert loaded.title == "Chính quyền đô thị"
    assert "Hà Nội thí điểm mô hình chính quyền đô thị." in loaded.text
    assert "Sáng 19/11, Ban Chấp hành Đảng bộ TP họp." in loaded.text
    assert loaded.text.endswith("Kinh tế tăng trưởng 7,5% trở lên.")
    assert unicodedata.is_normalized("NFC", loaded.text)


def test_pdf_wrapped_lines_are_joined(tmp_path, make_pdf):
    lines = [
        "Thành ủy Hà Nội đề nghị các cấp ủy, chính quyền, tổ chức chính trị - xã hội",
        "từ thành phố đến cơ sở cần tập trung chỉ đạo quyết liệt, sâu sát hơn nữa;",
        "tăng cường kiểm tra, giám sát, đổi mới phương thức lãnh đạo.",
        "Kết luận số 143-KL/TU được ban hành sau hội nghị lần thứ mười bốn của",
        "Ban Chấp hành Đảng bộ thành phố khóa XVII.",
    ]
    text = load_text(write(tmp_path, "wrapped.pdf", make_pdf([lines])))
    assert text.split("\n\n") == [
        "Thành ủy Hà Nội đề nghị các cấp ủy, chính quyền, tổ chức chính trị - xã hội từ thành "
        "phố đến cơ sở cần tập trung chỉ đạo quyết liệt, sâu sát hơn nữa; tăng cường kiểm tra, "
        "giám sát, đổi mới phương thức lãnh đạo.",
        "Kết luận số 143-KL/TU được ban hành sau hội nghị lần thứ mười bốn của Ban Chấp hành "
        "Đảng bộ thành phố khóa XVII.",
    ]


def test_pdf_encrypted(tmp_path, make_pdf):
    data = make_pdf([["Bí mật quốc gia."]], user_password="secret")
    with pytest.raises(IngestError, match="^encrypted PDF$"):
        load_file(write(tmp_path, "locked.pdf", data))


def test_pdf_encrypted_with_empty_user_password_opens(tmp_path, make_pdf):
    data = make_pdf([["Văn bản công khai."]], user_password="")
    assert load_text(write(tmp_path, "owner-only.pdf", data)) == "Văn bản công khai."


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda d: b"%PDF-1.7\n" + b"\x8f garbage " * 50, r"^corrupt PDF: .+"),
        (lambda d: d[: len(d) // 3], r"^corrupt PDF: .+"),
        # page streams replaced by junk: the structure is readable, no text is
        (
            lambda d: re.sub(
                rb"stream.*?endstream", b"stream\n\xff\xfe\x00junk\nendstream", d, flags=re.S
            ),
            r"^(corrupt PDF: .+|no text found .*)$",
        ),
    ],
    ids=["garbage", "truncated", "broken-streams"],
)
def test_pdf_corrupt(tmp_path, make_pdf, mangle, reason):
    data = mangle(make_pdf([["Hà Nội quyết liệt đổi mới công tác chỉ đạo, điều hành."]]))
    with pytest.raises(IngestError, match=reason):
        load_file(write(tmp_path, "bad.pdf", data))


def test_pdf_without_header_is_corrupt(tmp_path):
    with pytest.raises(IngestError, match="^corrupt PDF: no PDF header$"):
        load_file(write(tmp_path, "fake.pdf", "Hà Nội".encode()))


def test_pdf_without_text_layer(tmp_path, make_pdf):
    with pytest.raises(
        IngestError, match=r"^no text found \(scanned PDF without a text layer\?\)$"
    ):
        load_file(write(tmp_path, "scan.pdf", make_pdf([[], []])))


@pytest.mark.parametrize(
    "junk",
    [
        "about:blank",  # a page printed to PDF by a browser
        "https://baomoi.com/ha-noi-thi-diem-c123.epi",
        "file:///C:/Users/nv/Desktop/bao-cao.html",
        "Microsoft Word - bao cao.docx",
        "bao-cao-2025.pdf",
    ],
)
def test_pdf_title_that_is_an_address_or_a_file_name_is_not_taken(tmp_path, make_pdf, junk):
    data = make_pdf([["Báo cáo Veltrano năm 2025.", "Veltrano mở 14 chi nhánh mới."]], title=junk)
    loaded = load_file(write(tmp_path, "a.pdf", data))
    assert loaded.title == ""  # the document's own first line is its title then
    assert "Veltrano mở 14 chi nhánh mới." in loaded.text
