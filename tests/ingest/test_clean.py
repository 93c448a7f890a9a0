"""Boilerplate removal and metadata, both directions, on the real pages and made-up sites."""

from __future__ import annotations

import json
import logging
import shutil

import pytest

from ingest.clean import clean_article, extract_metadata, is_chrome_line, read_sidecar

IDS = ["000", "001", "002", "003", "004"]

# Teaser and chrome content of the five scraped pages: none may survive cleaning.
NOT_ARTICLE = [
    "Sun PhuQuoc Airways", "G7", "Tết Bính Ngọ", "Bính Ngọ", "VinFast", "APEC 2027",
    "Gyeongju", "Ngành Tài chính", "cao tốc", "Công điện", "Donald Trump", "Vì biển, đảo",
    "sắp xếp đơn vị hành chính cấp xã", "sắp xếp xã, phường", "Quảng Ninh", "ESG",
    "Olympic", "Tô Hoài", "Podcast", "Trấn Vũ", "A Riêu", "buôn lậu", "Cửa Nam",
    "Tết Việt - Tết Phố", "sông Hồng biểu tượng", "Dấu ấn Việt Nam", "(Ngày Nay)",
    "POWERED BY", "ONECMS", "Bình luận", "tương phản", "A- A A+", "0:00", "Tổng số điểm",
    "đánh giá bài viết", "Nội dung đang cập nhật", "Tin liên quan", "Cùng chuyên mục",
    "Đọc thêm", "Bài viết liên quan", "Nổi bật", "Đừng bỏ lỡ", "Dòng sự kiện", "Tin tức",
    "KTĐT|", "![", "|", "•",
]  # fmt: skip

# Body paragraphs (their openings and endings) that must all survive.
MUST_KEEP = {
    "000": [
        "Sáng 19/11, Ban Chấp hành Đảng bộ TP đã tổ chức quán triệt kết luận",
        "Tập trung 6 nhiệm vụ",
        "Đó là Đảng bộ, chính quyền và nhân dân Thủ đô Hà Nội cần nhận thức sâu sắc",
        "từ 7,5% trở lên.",
        "Nâng cao hiệu lực, hiệu quả quản lý của các cơ quan chính quyền",
        "Tập trung xây dựng nền văn hóa Hà Nội",
        "Thủ đô là địa bàn trọng điểm về an ninh quốc gia",
        "Thủ đô là biểu tượng của đất nước trong mở rộng quan hệ đối ngoại",
        "Đặc biệt chú trọng thực hiện tốt nhiệm vụ xây dựng, chỉnh đốn Đảng",
        "Tăng cường phân cấp, ủy quyền",
        "Trong đó, Đảng đoàn Quốc hội lãnh đạo việc sửa đổi một số luật",
        "Ban cán sự đảng Chính phủ lãnh đạo sửa đổi một số nghị định",
        "tiếp tục củng cố chính quyền nông thôn theo quy định của pháp luật.",
    ],
    "001": [
        "Hà Nội xác định nhiệm vụ đẩy mạnh công tác quy hoạch, xây dựng và quản lý đô thị",
        "Theo đó, với các mục tiêu: Đến năm 2025",
        "Ba khâu đột phá cũng được xác định là",
        "14 nhiệm vụ, giải pháp chủ yếu",
        "Ban cán sự Đảng UBND TP căn cứ nội dung Chương trình hành động",
        "Mặt trận Tổ quốc và các tổ chức chính trị - xã hội thành phố tích cực tham gia",
        "báo cáo kết quả với Ban Thường vụ Thành ủy...",
    ],
    "002": [
        "Chiều 12/4, Đoàn công tác số 1 của Ban Chỉ đạo Đề án Trung ương 6",
        "Quang cảnh hội nghị. Ảnh: An Đăng - TTXVN",
        "Phát biểu tại buổi làm việc, Ủy viên Bộ Chính trị, Bí thư Thành ủy Hà Nội Đinh Tiến Dũng",
        "Thành ủy Hà Nội đã ban hành trên 500 văn bản",
        "Báo cáo của Ban Thường vụ nêu 7 vấn đề còn tồn tại",
        "xây dựng Đảng, xây dựng hệ thống chính trị.",
    ],
    "003": [
        "Tiếp tục chương trình làm việc Đại hội đại biểu toàn quốc lần thứ XIV của Đảng, sáng 21/1",
        "Quyết liệt tập trung tháo gỡ 5 điểm nghẽn",
        "Cùng với đó là thành phố quyết liệt tập trung tháo gỡ 5 điểm nghẽn, đó là: ùn tắc giao "
        "thông, trật tự đô thị, úng ngập, ô nhiễm môi trường, vệ sinh an toàn thực phẩm.",
        "Đảng bộ số, chính quyền kiến tạo, doanh nghiệp tiên phong và xã hội đồng thuận",
        "“Một mô hình lãnh đạo mới phù hợp với đặc thù của Thủ đô và có khả năng lan tỏa”",
        "Bốn cam kết hành động",
        "Tại diễn đàn Đại hội XIV, Đảng bộ Hà Nội đưa ra 4 cam kết hành động.",
        "trung tâm chính trị, hành chính quốc gia, trái tim của cả nước.",
    ],
    "004": [
        "Thành ủy Hà Nội đề nghị các cấp ủy, chính quyền, tổ chức chính trị - xã hội",
        "Ủy viên Bộ Chính trị, Bí thư Thành ủy Hà Nội Đinh Tiến Dũng phát biểu kết luận",
        "Chỉ số cải cách hành chính PAR-Index tăng 7 bậc",
        "kết luận số 143-KL/TU",
        "18/23 chỉ tiêu phát triển kinh tế - xã hội dự kiến đạt kế hoạch đề ra",
        "Thu ngân sách trên địa bàn ước đạt 400,421 nghìn tỷ đồng, đạt 113,5% dự toán.",
        "Quyết liệt giải ngân vốn đầu tư công",
        "Hội nghị lần thứ mười bốn, Ban Chấp hành Đảng bộ thành phố khóa XVII.",
        "Trong đó, các đơn vị sẽ bám sát Chương trình hành động",
        "GRDP bình quân đầu người khoảng 160-162 triệu đồng",
        "quy chế quản lý không gian văn hóa khu vực hồ Hoàn Kiếm",
        "Thứ hai, về tài chính - ngân sách và đầu tư công",
        "Thứ ba, về kế hoạch đầu tư công năm 2024",
        "Thứ tư, về Đồ án Điều chỉnh Quy hoạch chung Thủ đô Hà Nội",
        "Sân bay Hòa Lạc, sân bay Gia Lâm",
        "Tại Kết luận số 143-KL/TU, Ban Chấp hành Đảng bộ thành phố cũng thống nhất",
        "sớm tổ chức, triển khai thực hiện theo quy định.",
    ],
}

TITLES = {
    "000": "Hà Nội thí điểm mô hình chính quyền đô thị tại các quận",
    "001": "Đẩy mạnh công tác quy hoạch, phát triển đô thị Hà Nội theo hướng thông minh, xanh và bền vững",
    "002": "Hà Nội: Đẩy mạnh phân cấp, phân quyền, phát huy tính chủ động của địa phương",
    "003": "Bốn cam kết hành động của Đảng bộ thành phố Hà Nội",
    "004": "Hà Nội quyết liệt đổi mới công tác chỉ đạo, điều hành",
}


@pytest.fixture(scope="module")
def cleaned(article_files):
    return {k: clean_article(p.read_text(encoding="utf-8")) for k, p in article_files.items()}


# --------------------------------------------------------------------------- real pages


@pytest.mark.parametrize("article", IDS)
def test_no_teaser_or_chrome_left(cleaned, article):
    text = cleaned[article].text
    for junk in NOT_ARTICLE:
        assert junk not in text, f"{article}: {junk!r} survived cleaning"


@pytest.mark.parametrize("article", IDS)
def test_every_body_paragraph_kept(cleaned, article):
    text = cleaned[article].text
    for passage in MUST_KEEP[article]:
        assert passage in text, f"{article}: lost {passage!r}"


@pytest.mark.parametrize("article", IDS)
def test_title_kept_separately(cleaned, article):
    art = cleaned[article]
    assert art.title == TITLES[article]
    paragraphs = art.text.split("\n\n")
    assert art.title not in paragraphs  # not even where the page repeats it (000, 003)


@pytest.mark.parametrize("article", IDS)
def test_paragraph_breaks_and_no_repeated_lines(cleaned, article):
    paragraphs = cleaned[article].text.split("\n\n")
    assert len(paragraphs) >= 8
    assert all(p == p.strip() and p and "\n" not in p for p in paragraphs)
    keys = [p.rstrip(".").casefold() for p in paragraphs]
    assert len(keys) == len(set(keys))


def test_first_and_last_paragraphs(cleaned):
    firsts_lasts = {
        "000": ("Sáng 19/11, Ban Chấp hành", "theo quy định của pháp luật."),
        "001": ("Hà Nội xác định nhiệm vụ", "báo cáo kết quả với Ban Thường vụ Thành ủy..."),
        "002": ("Chiều 12/4, Đoàn công tác", "xây dựng hệ thống chính trị."),
        "003": ("Tiếp tục chương trình làm việc", "trái tim của cả nước."),
        "004": ("Thành ủy Hà Nội đề nghị", "triển khai thực hiện theo quy định."),
    }
    captions = {"002": "Quang cảnh hội nghị. Ảnh: An Đăng - TTXVN"}  # moved after the prose
    for article, (first, last) in firsts_lasts.items():
        text = cleaned[article].text
        if article in captions:
            text = text.removesuffix("\n\n" + captions[article])
        assert text.startswith(first), article
        assert text.endswith(last), article


def test_a_photo_caption_moves_after_the_prose():
    page = (
        "Hà Nội mở rộng phố đi bộ\n\n"
        "Sáng 5/3, TP. Hà Nội mở rộng phố đi bộ quanh hồ Hoàn Kiếm từ tối thứ Sáu.\n\n"
        "Du khách dạo quanh hồ. (Ảnh: VGP)\n\n"
        "Thành phố cũng chú trọng tới hình ảnh: đường phố sạch, cây xanh được chăm sóc.\n\n"
        "Phố đi bộ mở cửa từ 19 giờ đến 24 giờ các ngày cuối tuần."
    )
    assert clean_article(page).text.split("\n\n") == [
        "Sáng 5/3, TP. Hà Nội mở rộng phố đi bộ quanh hồ Hoàn Kiếm từ tối thứ Sáu.",
        "Thành phố cũng chú trọng tới hình ảnh: đường phố sạch, cây xanh được chăm sóc.",
        "Phố đi bộ mở cửa từ 19 giờ đến 24 giờ các ngày cuối tuần.",
        "Du khách dạo quanh hồ. (Ảnh: VGP)",
    ]


def test_004_caption_printed_twice_is_kept_once(cleaned):
    text = cleaned["004"].text
    caption = (
        "phát biểu kết luận Hội nghị lần thứ mười bốn, Ban Chấp hành Đảng bộ thành phố khóa XVII"
    )
    assert text.count(caption) == 1
    paragraphs = text.split("\n\n")
    # printed twice, once with a period: kept once
    assert (
        paragraphs.count("Hội nghị lần thứ mười bốn, Ban Chấp hành Đảng bộ thành phố khóa XVII.")
        == 1
    )
    assert "Hội nghị lần thứ mười bốn, Ban Chấp hành Đảng bộ thành phố khóa XVII" not in paragraphs


def test_outlets_and_dates_from_the_text(cleaned):
    assert (cleaned["000"].outlet, cleaned["000"].date) == ("KTĐT", "2017-11-20")
    assert cleaned["002"].outlet == "TTXVN/Báo ảnh Việt Nam"  # the closing credit line
    assert cleaned["003"].outlet == "Ngày Nay"  # the lead "(Ngày Nay) - ..."
    assert (cleaned["001"].outlet, cleaned["001"].date) == ("", "")
    assert cleaned["002"].date == ""  # "Chiều 12/4" has no year
    assert cleaned["004"].date == ""  # "ngày 23 và 24/11/2023" is in the body, not a dateline


# --------------------------------------------------------------------------- chrome lines


@pytest.mark.parametrize(
    "line",
    [
        "A- A A+ | Tăng tương phản Giảm tương phản",
        "0:00 / 0:00",
        "0:00",
        "(0) Bình luận",
        "(12) Bình luận",
        "POWERED BY ONECMS - A PRODUCT OF NEKO",
        "Top",
        "Về đầu trang",
        "Tổng số điểm của bài viết là: 0 trong 0 đánh giá",
        "Click để đánh giá bài viết",
        "Nội dung đang cập nhật...",
        "![]() |",
        "Chia sẻ | In bài | Lưu tin",
        "Share | Print | Email",
        "Nghe bài viết 0:00",
        "Giọng nữ miền Bắc | Tốc độ đọc",
        "© 2024 Báo Phố Thị. Bản quyền thuộc về Phố Thị.",
        "Copyright 2024 Daily Times. All rights reserved.",
        "Theo dõi Báo Phố Thị trên Google News",
        "Từ khóa: Hà Nội, quy hoạch, đô thị",
        "Đánh giá: 4,5/5 sao",
        "1.234 lượt xem",
        "Đăng nhập | Đăng ký",
        "Quảng cáo",
        "***",
    ],
)
def test_chrome_lines(line):
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Tập trung 6 nhiệm vụ",
        "Bình luận viên nổi tiếng qua đời",
        "Top 10 doanh nghiệp nộp thuế lớn nhất Thủ đô",
        "Hà Nội chia sẻ kinh nghiệm quản lý đô thị",
        "Bản quyền tác giả được bảo vệ.",
        "Người dân Pa Cô vùng cao A Lưới phụng dựng lễ hội",
        "Kinh tế tăng trưởng 6,11%, cao hơn bình quân cả nước.",
        "TTXVN/Báo ảnh Việt Nam",
    ],
)
def test_not_chrome(line):
    assert not is_chrome_line(line)


# --------------------------------------------------------------------------- made-up sites

BODY_1 = (
    "Sáng 5/3, UBND TP. Hà Nội thông báo mở rộng không gian đi bộ quanh hồ Tây từ tháng 4, "
    "với tổng chiều dài các tuyến phố khoảng 7,5 km."
)
BODY_2 = (
    "Theo kế hoạch, không gian đi bộ hoạt động vào tối thứ Sáu, thứ Bảy và Chủ nhật hằng tuần; "
    "các phương tiện cá nhân được phân luồng sang đường Thụy Khuê và Âu Cơ."
)
BODY_3 = (
    "Ông Trần Văn B., Giám đốc Sở Giao thông vận tải, cho biết thành phố bố trí 12 điểm trông "
    "giữ xe và tăng cường xe buýt để người dân thuận tiện di chuyển."
)
BODY_4 = (
    "Sau 3 tháng thí điểm, thành phố sẽ tổng kết, đánh giá hiệu quả để quyết định duy trì hoặc "
    "mở rộng mô hình sang các quận khác."
)

SITE_WITH_MARKER = f"""Trang chủ > Đô thị > Giao thông
Chia sẻ | In bài | Lưu tin
Hà Nội mở rộng không gian đi bộ quanh hồ Tây
Thứ Ba, 05/03/2024 08:30 (GMT+7)
Nghe bài viết 0:00
HÀ NỘI (Phố Thị) - {BODY_1}
{BODY_2}
Xem thêm: Giá vé xe buýt tăng từ tháng 6
{BODY_3}

Phân luồng giao thông
{BODY_4}
Minh An
Có thể bạn quan tâm
Giá vàng hôm nay tăng mạnh phiên đầu tuần
Bão số 3 đổ bộ vào Quảng Ninh, hàng nghìn hộ dân sơ tán
Đội tuyển bóng đá nữ giành vé dự World Cup
© 2024 Báo Phố Thị. Bản quyền thuộc về Phố Thị.
"""

SITE_WITH_BULLET_TEASERS = f"""Hà Nội mở rộng không gian đi bộ quanh hồ Tây
{BODY_1}
{BODY_2}
{BODY_3}
{BODY_4}
👍 Thích | Chia sẻ
• Giá vàng hôm nay tăng mạnh phiên đầu tuần
Giá vàng miếng trong nước sáng nay tăng thêm 500.000 đồng mỗi lượng so với cuối tuần trước.
• Bão số 3 đổ bộ vào Quảng Ninh
Hàng nghìn hộ dân ven biển đã được sơ tán đến nơi an toàn trước khi bão đổ bộ.
• Đội tuyển bóng đá nữ giành vé dự World Cup
Đây là lần thứ hai liên tiếp đội tuyển nữ Việt Nam góp mặt tại vòng chung kết thế giới.
"""

SITE_WITH_DOUBLED_HEADLINES = f"""Hà Nội mở rộng không gian đi bộ quanh hồ Tây
{BODY_1}
{BODY_2}
{BODY_3}
{BODY_4}
Giá vàng hôm nay tăng mạnh phiên đầu tuần
Giá vàng hôm nay tăng mạnh phiên đầu tuần
(Phố Thị) - Giá vàng miếng trong nước sáng nay tăng thêm 500.000 đồng mỗi lượng.
Bão số 3 đổ bộ vào Quảng Ninh
Bão số 3 đổ bộ vào Quảng Ninh
(Phố Thị) - Hàng nghìn hộ dân ven biển đã được sơ tán đến nơi an toàn.
"""

SITE_WITH_INLINE_BOX = f"""Hà Nội mở rộng không gian đi bộ quanh hồ Tây
{BODY_1}
{BODY_2}
Tin liên quan
Giá vàng hôm nay tăng mạnh phiên đầu tuần
Bão số 3 đổ bộ vào Quảng Ninh
{BODY_3}
{BODY_4}
"""

ENGLISH_SITE = """Hanoi expands pedestrian zone around West Lake
Share | Print | Email
HANOI (Daily Times) - The Hanoi People's Committee on Tuesday announced that the pedestrian zone around West Lake will be expanded from April, covering about 7.5 km of streets.
The zone will open on Friday, Saturday and Sunday evenings, and private vehicles will be diverted to Thuy Khue and Au Co streets.
Officials said 12 parking lots and more bus services would be provided for residents and visitors.
Related
Gold prices surge at the start of the week
Typhoon Yagi makes landfall in Quang Ninh
Copyright 2024 Daily Times. All rights reserved.
"""


def test_made_up_site_with_marker_breadcrumb_and_dateline():
    art = clean_article(SITE_WITH_MARKER)
    assert art.title == "Hà Nội mở rộng không gian đi bộ quanh hồ Tây"
    assert art.date == "2024-03-05"
    assert art.outlet == "Phố Thị"
    paragraphs = art.text.split("\n\n")
    assert paragraphs[0] == BODY_1  # "HÀ NỘI (Phố Thị) - " moved to metadata
    assert paragraphs[1:4] == [BODY_2, BODY_3, "Phân luồng giao thông"]
    assert BODY_4 in paragraphs
    for junk in (
        "Trang chủ",
        "Chia sẻ",
        "Nghe bài viết",
        "Xem thêm",
        "Giá vé xe buýt",
        "Có thể bạn quan tâm",
        "Giá vàng",
        "Bão số 3",
        "World Cup",
        "Bản quyền",
        "GMT",
    ):
        assert junk not in art.text, junk


def test_made_up_site_bullet_teasers_without_marker():
    art = clean_article(SITE_WITH_BULLET_TEASERS)
    assert art.text == "\n\n".join([BODY_1, BODY_2, BODY_3, BODY_4])


def test_made_up_site_doubled_headlines_with_outlet_summaries():
    art = clean_article(SITE_WITH_DOUBLED_HEADLINES)
    assert art.text == "\n\n".join([BODY_1, BODY_2, BODY_3, BODY_4])


def test_mid_article_related_box_removed_and_body_after_it_kept():
    art = clean_article(SITE_WITH_INLINE_BOX)
    assert art.text == "\n\n".join([BODY_1, BODY_2, BODY_3, BODY_4])


def test_english_site():
    art = clean_article(ENGLISH_SITE)
    assert art.title == "Hanoi expands pedestrian zone around West Lake"
    assert art.outlet == "Daily Times"
    assert art.text.startswith("The Hanoi People's Committee on Tuesday announced")
    assert art.text.endswith("for residents and visitors.")
    assert "Gold prices" not in art.text and "Typhoon" not in art.text


def test_body_list_announced_by_colon_is_not_a_teaser_block():
    page = (
        f"Hà Nội khởi công bốn dự án giao thông trọng điểm\n{BODY_1}\n"
        "Các dự án được khởi công gồm:\n"
        "• Đường Vành đai 4 Vùng Thủ đô\n• Cầu Trần Hưng Đạo qua sông Hồng\n"
        "• Tuyến đường sắt đô thị số 5\n• Nút giao Ngã Tư Sở mở rộng\n"
    )
    text = clean_article(page).text
    assert "Nút giao Ngã Tư Sở mở rộng" in text
    assert "Đường Vành đai 4 Vùng Thủ đô" in text


def test_body_list_with_a_line_under_each_item_is_kept():
    items = [
        ("Giải pháp thứ nhất về giao thông", "Thành phố mở thêm 20 tuyến xe buýt điện."),
        ("Giải pháp thứ hai về quy hoạch", "Các khu đô thị mới phải có đủ trường học."),
        ("Giải pháp thứ ba về môi trường", "Hà Nội trồng thêm một triệu cây xanh."),
        ("Giải pháp thứ tư về chuyển đổi số", "Mọi thủ tục hành chính được làm trực tuyến."),
    ]
    listing = "".join(f"• {head}\n{line}\n" for head, line in items)
    page = f"Hà Nội công bố bốn giải pháp\n{BODY_1}\nCụ thể như sau:\n{listing}"
    text = clean_article(page).text
    for head, line in items:
        assert head in text and line in text


def test_headed_sections_at_the_end_are_body():
    page = (
        f"Hà Nội mở rộng không gian đi bộ quanh hồ Tây\n{BODY_1}\n"
        f"Phân luồng giao thông\n{BODY_2}\n"
        f"Bãi đỗ xe\n{BODY_3}\n"
        f"Đánh giá sau thí điểm\n{BODY_4}\n"
    )
    assert clean_article(page).text.split("\n\n") == [
        BODY_1, "Phân luồng giao thông", BODY_2, "Bãi đỗ xe", BODY_3,
        "Đánh giá sau thí điểm", BODY_4,
    ]  # fmt: skip


def test_heading_that_starts_like_a_marker_is_kept():
    page = (
        f"Hà Nội mở rộng không gian đi bộ quanh hồ Tây\n{BODY_1}\n{BODY_2}\n"
        f"Nổi bật trong năm 2024 là giao thông công cộng\n{BODY_3}\n{BODY_4}\n"
    )
    text = clean_article(page).text
    assert "Nổi bật trong năm 2024 là giao thông công cộng" in text
    assert text.endswith(BODY_4)


def test_hard_wrapped_text_is_rejoined():
    page = (
        "Hà Nội mở rộng không gian đi bộ quanh hồ Tây\n\n"
        "Sáng 5/3, UBND TP. Hà Nội thông báo mở rộng không gian\n"
        "đi bộ quanh hồ Tây từ tháng 4.\n\n"
        "Đoạn thứ hai của bài viết.\n"
    )
    assert clean_article(page).text == (
        "Sáng 5/3, UBND TP. Hà Nội thông báo mở rộng không gian đi bộ quanh hồ Tây từ tháng 4."
        "\n\nĐoạn thứ hai của bài viết."
    )


def test_date_above_the_title_and_byline_under_it():
    page = f"05/03/2024 08:30\nHà Nội mở rộng không gian đi bộ\nPV Minh Anh\n{BODY_1}\n{BODY_2}"
    art = clean_article(page)
    assert (art.title, art.date) == ("Hà Nội mở rộng không gian đi bộ", "2024-03-05")
    assert art.text == f"{BODY_1}\n\n{BODY_2}"


def test_page_without_title_line():
    page = f"{BODY_1} {BODY_2} {BODY_3}\n{BODY_4}"
    art = clean_article(page)
    assert art.title == ""
    assert art.text.startswith("Sáng 5/3")


def test_given_title_is_used_and_removed():
    page = f"Chuyên mục\nHà Nội mở rộng phố đi bộ\n{BODY_1}\nHà Nội mở rộng phố đi bộ\n{BODY_2}"
    art = clean_article(page, title="Hà Nội mở rộng phố đi bộ")
    assert art.title == "Hà Nội mở rộng phố đi bộ"
    assert art.text == f"{BODY_1}\n\n{BODY_2}"


# --------------------------------------------------------------------------- metadata


def test_extract_metadata_with_the_bundled_sidecar(article_files):
    expected = {
        "000": ("Kinh tế & Đô thị (KTĐT)", "2017-11-20"),
        "001": ("", ""),
        "002": ("TTXVN/Báo ảnh Việt Nam", ""),
        "003": ("Ngày Nay", "2026-01-21"),
        "004": ("", "2023-11"),
    }
    for article, path in article_files.items():
        meta = extract_metadata(path.read_text(encoding="utf-8"), path)
        assert meta == {
            "title": TITLES[article],
            "outlet": expected[article][0],
            "date": expected[article][1],
        }, article


def test_extract_metadata_from_the_text_without_sidecar(tmp_path, article_files):
    found = {}
    for article, path in article_files.items():
        copy = tmp_path / path.name
        shutil.copy(path, copy)
        found[article] = extract_metadata(copy.read_text(encoding="utf-8"), copy)
    assert found["000"] == {"title": TITLES["000"], "outlet": "KTĐT", "date": "2017-11-20"}
    assert found["002"]["title"] == TITLES["002"]  # "Tin tức" above it is a section label
    assert found["002"]["outlet"] == "TTXVN/Báo ảnh Việt Nam"
    assert found["003"]["outlet"] == "Ngày Nay"
    assert found["004"]["title"] == TITLES["004"]  # under "Dòng sự kiện" and "A- A A+"


def test_sidecar_overrides_hints_and_text(tmp_path):
    page = "Tin tức\nTiêu đề trong văn bản\nKTĐT| 20/11/2017 13:20\nSáng 19/11, TP. Hà Nội họp."
    (tmp_path / "a.txt").write_text(page, encoding="utf-8")
    (tmp_path / "metadata.json").write_text(
        json.dumps({"a.txt": {"title": "Tiêu đề biên tập", "date": ""}}), encoding="utf-8"
    )
    meta = extract_metadata(page, tmp_path / "a.txt", hints={"outlet": "Báo A", "title": "og"})
    assert meta == {"title": "Tiêu đề biên tập", "outlet": "Báo A", "date": ""}
    # without a sidecar entry: hints, then the text
    meta = extract_metadata(page, tmp_path / "b.txt", hints={"outlet": "", "title": ""})
    assert meta == {"title": "Tiêu đề trong văn bản", "outlet": "KTĐT", "date": "2017-11-20"}


def test_bad_sidecar_is_ignored_with_a_warning(tmp_path, caplog):
    (tmp_path / "metadata.json").write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert read_sidecar(tmp_path) == {}
    assert "ignoring" in caplog.text
    (tmp_path / "metadata.json").write_text(
        json.dumps({"a.txt": {"date": "20/11/2017", "title": 5, "outlet": "KTĐT"}, "b.txt": "x"}),
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING):
        assert read_sidecar(tmp_path) == {"a.txt": {"outlet": "KTĐT"}}


def test_bundled_sidecar_is_valid(article_files):
    sidecar = read_sidecar(next(iter(article_files.values())).parent)
    assert set(sidecar) == {p.name for p in article_files.values()}
    assert all(set(v) == {"title", "outlet", "date"} for v in sidecar.values())
