"""PDFs that place syllables in pieces (Chromium's "print to PDF") read as whole words."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from ingest.loaders import join_split_syllables
from ingest.pipeline import load_article

# what pypdf returns for one line of a page Debian's chromium printed (plain and layout mode)
CHROMIUM_PLAIN = "Ki ể m th ử  ti ế ng Vi ệ t ở  Hà N ộ i\nHà N ộ i đ ặ t m ụ c tiêu tăng tr ưở ng 7,5%."
CHROMIUM_LAYOUT = "Kiểm thử tiếng Việt ở Hà Nội\n\nHà Nội đặt mục tiêu tăng trưởng 7,5%."


def test_split_syllables_are_joined_where_the_glyphs_touch():
    text = join_split_syllables(CHROMIUM_PLAIN, CHROMIUM_LAYOUT)
    assert text.split() == CHROMIUM_LAYOUT.split()
    assert text.count("\n") == CHROMIUM_PLAIN.count("\n")  # the plain line breaks stay


def test_text_in_another_order_is_left_as_it_was():
    plain = "Cột một dòng một\nCột hai dòng một"
    layout = "Cột một dòng một     Cột hai dòng một"  # two columns side by side would interleave
    assert join_split_syllables(plain + " x", layout) == plain + " x"


ARTICLE_HTML = """<!doctype html><html lang="vi"><head><meta charset="utf-8"></head>
<body style="font-family: sans-serif; font-size: 14px; margin: 40px">
<h1>Kiểm thử phần mềm ở Hà Nội</h1>
<p>Hà Nội đặt mục tiêu tăng trưởng kinh tế bình quân hàng năm từ 7,5% trở lên. Thành phố quyết liệt
tháo gỡ năm điểm nghẽn: ùn tắc giao thông, trật tự đô thị, úng ngập, ô nhiễm môi trường và vệ sinh
an toàn thực phẩm.</p>
<p>Nguyễn Thị Tuyến, Phó Bí thư Thường trực Thành ủy, ký Kết luận 143-KL/TU.</p>
</body></html>
"""


@pytest.mark.integration
def test_a_pdf_printed_by_chromium_reads_as_whole_syllables(tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is missing (apt-get install -y chromium)")
    page = tmp_path / "bai.html"
    page.write_text(ARTICLE_HTML, encoding="utf-8")
    pdf = tmp_path / "bai.pdf"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    article = load_article(pdf)
    assert article.metadata["title"] == "Kiểm thử phần mềm ở Hà Nội"  # not 'bai.html', not 'Ki ể m th ử'
    text = article.page_content
    assert "tăng trưởng kinh tế bình quân hàng năm từ 7,5% trở lên" in text
    assert "Nguyễn Thị Tuyến, Phó Bí thư Thường trực Thành ủy" in text
    assert "ng ập" not in text and " ể " not in text
