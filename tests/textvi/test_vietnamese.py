"""Vietnamese text handling, shown on real Vietnamese (much of it from data/articles)."""

from __future__ import annotations

import unicodedata

import pytest

from textvi import (
    capitalised_runs,
    fold_diacritics,
    has_diacritics,
    is_folded,
    is_mostly_folded,
    nfc,
    period_at,
    periods,
    person_names,
    query_kind,
    split_sentences,
    tokenize,
)

# every Vietnamese letter with a diacritic, lower and upper case
VIETNAMESE_LETTERS = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


# --------------------------------------------------------------------------- nfc


def test_nfc_composes_decomposed_text():
    decomposed = unicodedata.normalize("NFD", "Thủ đô Hà Nội")
    assert len(decomposed) > len("Thủ đô Hà Nội")
    assert nfc(decomposed) == "Thủ đô Hà Nội"
    assert unicodedata.is_normalized("NFC", nfc(decomposed))


# --------------------------------------------------------------------------- folding


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Hà Nội", "Ha Noi"),
        ("Đảng", "Dang"),
        ("đường Vành đai 4", "duong Vanh dai 4"),
        ("Ưu tiên hiện đại hóa", "Uu tien hien dai hoa"),
        ("Ơn nghĩa, Ấm áp, Ủy ban", "On nghia, Am ap, Uy ban"),
        ("tăng trưởng 7,5%", "tang truong 7,5%"),
        ("Thủ đô nghìn năm văn hiến", "Thu do nghin nam van hien"),
        ("GRDP ước đạt 150 triệu đồng", "GRDP uoc dat 150 trieu dong"),
    ],
)
def test_fold_diacritics(text, folded):
    assert fold_diacritics(text) == folded


def test_fold_every_vietnamese_letter_to_ascii():
    for letter in VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper():
        out = fold_diacritics(letter)
        assert len(out) == 1 and out.isascii() and out.isalpha(), letter


def test_fold_is_length_preserving_on_nfc_text(article_files):
    text = nfc(article_files["003"].read_text(encoding="utf-8"))
    folded = fold_diacritics(text)
    assert len(folded) == len(text)
    assert folded.isascii() or not has_diacritics(folded)
    i = text.index("Đảng bộ thành phố Hà Nội")
    assert folded[i : i + 24] == "Dang bo thanh pho Ha Noi"


def test_fold_accepts_decomposed_input_and_drops_orphan_marks():
    assert fold_diacritics(unicodedata.normalize("NFD", "Hà Nội")) == "Ha Noi"
    assert fold_diacritics("x\u0301y") == "xy"  # no precomposed x-acute: mark dropped


def test_has_diacritics():
    assert has_diacritics("Hà Nội")
    assert has_diacritics("đi")  # đ counts, though it does not decompose
    assert not has_diacritics("Ha Noi 2024")
    assert not has_diacritics("")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ha noi tang truong bao nhieu", True),
        ("ket luan 143-KL/TU noi gi", True),
        ("What is GRDP", True),  # English looks the same: documented, harmless
        ("Hà Nội tăng trưởng bao nhiêu", False),
        ("ha noi tăng truong", False),  # one accented word: the user types marks
        ("2024", False),
        ("", False),
        ("東京", False),
    ],
)
def test_is_folded(query, expected):
    assert is_folded(query) is expected


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("Hà Nội tăng trưởng bao nhiêu?", "accented"),
        ("ha noi tang truong bao nhieu", "folded"),
        ("What growth target did Hanoi set?", "foreign"),
        ("Who signed conclusion 143-KL/TU?", "foreign"),
        # the abbreviations staff type are Vietnamese, not a sign of another language
        ("ubnd tp ha noi phai lam gi", "folded"),
        ("ban can su dang ubnd tp can lam gi", "folded"),
        ("hdnd tp co nhiem vu gi", "folded"),
        ("kt-xh ha noi nam 2023", "folded"),
        ("What did the UBND of Hanoi propose?", "foreign"),
    ],
)
def test_query_kind(query, kind):
    assert query_kind(query) == kind


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ha noi co bao nhieu sân bay", True),  # one word with its marks
        ("ha noi tang truong bao nhieu", True),
        ("Hà Nội có bao nhiêu sân bay?", False),
        ("Thành ủy ban hành bao nhiêu văn bản?", False),
        ("GCC front-end cho Go do ai làm?", False),  # names and few syllables
        ("ha noi tăng", False),  # too short to tell
    ],
)
def test_is_mostly_folded(query, expected):
    assert is_mostly_folded(query) is expected


# --------------------------------------------------------------------------- tokenize


def test_tokenize_lowercases_syllables_and_keeps_diacritics():
    assert tokenize("Thủ đô HÀ NỘI") == ["thủ", "đô", "hà", "nội"]


def test_tokenize_normalises_decomposed_input():
    assert tokenize(unicodedata.normalize("NFD", "Hà Nội")) == ["hà", "nội"]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("tăng trưởng 7,5% trở lên", ["tăng", "trưởng", "7,5", "trở", "lên"]),
        ("đạt 400,421 nghìn tỷ đồng", ["đạt", "400,421", "nghìn", "tỷ", "đồng"]),
        ("thành lập mới 26.500 doanh nghiệp", ["thành", "lập", "mới", "26.500", "doanh", "nghiệp"]),
        ("1.000.000 đồng", ["1.000.000", "đồng"]),
        ("khoảng 6,5-7,0%", ["khoảng", "6,5", "7,0"]),
        ("giai đoạn 2011 - 2020.", ["giai", "đoạn", "2011", "2020"]),
        ("Kết luận số 143-KL/TU", ["kết", "luận", "số", "143", "kl", "tu"]),
        (
            "Nghị quyết số 15-NQ/TW ngày 30/7/2007",
            ["nghị", "quyết", "số", "15", "nq", "tw", "ngày", "30", "7", "2007"],
        ),
        ("KTĐT| 20/11/2017 13:20", ["ktđt", "20", "11", "2017", "13", "20"]),
        ("PAR-Index 2022", ["par", "index", "2022"]),
        ("G7 và COVID-19", ["g7", "và", "covid", "19"]),
        ("snake_case", ["snake", "case"]),
    ],
)
def test_tokenize_numbers_dates_and_codes(text, tokens):
    assert tokenize(text) == tokens


def test_tokenize_empty():
    assert tokenize("") == []
    assert tokenize(" ... ") == []


# --------------------------------------------------------------------------- sentences


def test_sentences_keep_numbers_whole_004():
    # data/articles/004, paragraph "18/23 chỉ tiêu ..."
    text = (
        "18/23 chỉ tiêu phát triển kinh tế - xã hội dự kiến đạt kế hoạch đề ra, trong đó có 3 "
        "chỉ tiêu vượt kế hoạch. Kinh tế duy trì mức tăng trưởng khá, ước đạt 6,11%, cao hơn "
        "mức bình quân chung cả nước (trên 5%); GRDP bình quân đầu người ước đạt 150 triệu đồng. "
        "Thu ngân sách trên địa bàn ước đạt 400,421 nghìn tỷ đồng, đạt 113,5% dự toán. Tổng vốn "
        "đầu tư xã hội ước đạt 504,89 nghìn tỷ đồng, tăng 9,0%. Tổng mức bán lẻ hàng hóa và "
        "doanh thu dịch vụ tiêu dùng tăng trên 10%; thành lập mới 26.500 doanh nghiệp (tăng 6%)."
    )
    got = sentences(text)
    assert len(got) == 5
    assert got[0].startswith("18/23 chỉ tiêu") and got[0].endswith("vượt kế hoạch.")
    assert got[2] == "Thu ngân sách trên địa bàn ước đạt 400,421 nghìn tỷ đồng, đạt 113,5% dự toán."
    assert got[3].endswith("tăng 9,0%.")
    assert got[4].endswith("26.500 doanh nghiệp (tăng 6%).")


def test_sentences_keep_abbreviation_tp_000():
    # data/articles/000: "(số 21B ngõ Đoàn Nhữ Hài, phường Cửa Nam, TP. Hà Nội) hứa hẹn ..."
    text = (
        "Nhà lưu niệm nhà văn Tô Hoài (số 21B ngõ Đoàn Nhữ Hài, phường Cửa Nam, TP. Hà Nội) "
        "hứa hẹn là điểm đến văn hóa dành cho công chúng."
    )
    assert sentences(text) == [text]


def test_sentences_quote_then_period_000():
    # data/articles/000: a quotation closed before the period, then "Đó ..."
    text = (
        "Ngày đầu tiên nhận nhiệm vụ tại Vinmec Đà Nẵng, TS.BS Tôn Thất Trí Dũng nói với đồng "
        "nghiệp: “Nếu muốn cứu bệnh nhân đột quỵ, chúng ta phải chạy nhanh hơn thời gian”. "
        "Đó cũng chính là nguyên tắc làm việc của ông suốt hơn 20 năm."
    )
    got = sentences(text)
    assert len(got) == 2
    assert got[0].endswith("chạy nhanh hơn thời gian”.")
    assert got[1].startswith("Đó cũng chính là")


def test_sentences_ellipsis_before_lowercase_goes_on_000():
    # data/articles/000: "... quan liêu... củng cố ..." is one sentence
    text = "Đẩy mạnh phòng, chống tham nhũng, lãng phí, quan liêu... củng cố niềm tin của nhân dân."
    assert sentences(text) == [text]


def test_sentences_ellipsis_before_uppercase_ends_001():
    # data/articles/001: "... sức cạnh tranh quốc tế... Thành phố Hà Nội đã xác ..."
    text = "Là thành phố kết nối toàn cầu, có sức cạnh tranh quốc tế... Thành phố Hà Nội đã xác 5 nhiệm vụ."
    assert sentences(text) == [
        "Là thành phố kết nối toàn cầu, có sức cạnh tranh quốc tế...",
        "Thành phố Hà Nội đã xác 5 nhiệm vụ.",
    ]


def test_sentences_quote_with_dash_attribution_003():
    # data/articles/003: the quotation and its attribution are one sentence
    text = (
        "“Một mô hình lãnh đạo mới phù hợp với đặc thù của Thủ đô và có khả năng lan tỏa” – "
        "Phó Bí thư Thường trực Thành ủy Hà Nội Nguyễn Văn Phong cho biết."
    )
    assert sentences(text) == [text]


def test_sentences_dates_and_times():
    text = "Sáng 19/11, Ban Chấp hành họp. Ngày 20/11/2017 lúc 13:20, kết luận được công bố."
    assert sentences(text) == [
        "Sáng 19/11, Ban Chấp hành họp.",
        "Ngày 20/11/2017 lúc 13:20, kết luận được công bố.",
    ]


@pytest.mark.parametrize(
    "title",
    ["TP.", "TS.", "ThS.", "PGS.TS.", "GS.", "Th.S.", "TS.BS.", "BS.", "Q.", "Nguyễn V."],
)
def test_sentences_do_not_end_after_titles_and_initials(title):
    text = f"Buổi làm việc có {title} Lê Minh tham dự. Sau đó đoàn về Hà Nội."
    assert sentences(text) == [
        f"Buổi làm việc có {title} Lê Minh tham dự.",
        "Sau đó đoàn về Hà Nội.",
    ]


def test_sentences_acronyms_without_period_end_sentences():
    text = "Đề án do UBND. Sau đó HĐND TP thông qua tại TP.HCM. Năm 2024 triển khai."
    assert sentences(text) == [
        "Đề án do UBND.",
        "Sau đó HĐND TP thông qua tại TP.HCM.",
        "Năm 2024 triển khai.",
    ]


@pytest.mark.parametrize("first", ["Đảng", "Ưu", "Ơn", "Âm", "Ủy", "Ấn", "Ông"])
def test_sentences_start_at_vietnamese_uppercase(first):
    text = f"Hội nghị kết thúc. {first} tiếp theo là phần thảo luận."
    assert len(sentences(text)) == 2


def test_sentences_closing_bracket_and_opening_quote():
    text = "Kế hoạch được thông qua (xem Phụ lục.) Sau đó ông nói. “Chúng ta sẽ làm.” Hết."
    assert sentences(text) == [
        "Kế hoạch được thông qua (xem Phụ lục.)",
        "Sau đó ông nói.",
        "“Chúng ta sẽ làm.”",
        "Hết.",
    ]


def test_sentences_question_and_exclamation():
    assert sentences("Vì sao? Bởi vì Hà Nội cần đổi mới! Đó là lý do.") == [
        "Vì sao?",
        "Bởi vì Hà Nội cần đổi mới!",
        "Đó là lý do.",
    ]
    assert sentences("Hỏi gì? ông hỏi lại.") == ["Hỏi gì? ông hỏi lại."]


def test_sentences_list_number_is_not_a_sentence():
    assert sentences("1. Tăng cường kỷ luật.\n2. Đổi mới phương thức.") == [
        "1. Tăng cường kỷ luật.",
        "2. Đổi mới phương thức.",
    ]


def test_sentences_split_on_line_breaks_and_spans_exclude_whitespace():
    text = "  Tập trung 6 nhiệm vụ\n\nTheo đó, Bộ Chính trị yêu cầu.  \nHết "
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Tập trung 6 nhiệm vụ",
        "Theo đó, Bộ Chính trị yêu cầu.",
        "Hết",
    ]
    assert all(text[s:e] == text[s:e].strip() for s, e in spans)


def test_sentences_cover_every_word_of_a_real_article(article_files):
    text = article_files["004"].read_text(encoding="utf-8")
    spans = split_sentences(text)
    assert spans == sorted(spans)
    covered = "".join(text[s:e] for s, e in spans)
    assert "".join(covered.split()) == "".join(text.split())


def test_sentences_empty():
    assert split_sentences("") == []
    assert split_sentences(" \n\n ") == []


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("text", "named", "current"),
    [
        ("Năm 2023, kinh tế tăng 6,11%.", ["2023"], "2023"),
        ("Ngày 23 và 24/11/2023, Ban Chấp hành họp.", ["2023"], "2023"),  # a date's year
        # a range counts only when no single year is named
        ("kế hoạch 5 năm 2021-2025 và giai đoạn 2011 - 2020", ["2021-2025", "2011-2020"], "2011-2020"),
        ("năm 2024 là năm thứ tư thực hiện kế hoạch 5 năm 2021-2025", ["2024", "2021-2025"], "2024"),
        ("đến năm 2045, tầm nhìn đến năm 2065", ["2045", "2065"], "2065"),
        ("tăng khoảng 6,5-7,0%, 160-162 triệu đồng, 2.500 doanh nghiệp, 20245 hồ sơ", [], ""),
        ("số 1999.5 và mã 2023A", [], ""),  # no year inside a longer number or code
        ("từ 2025-2020", ["2025"], "2025"),  # not a range backwards
    ],
)
def test_periods(text, named, current):
    assert [p for _, p in periods(text)] == named
    assert period_at(periods(text), len(text)) == current


def _at_end(text: str, earlier: str = "") -> str:
    return period_at(periods(text), len(text), earlier)


def test_the_period_before_counts_over_a_range_but_not_over_a_year():
    assert _at_end("Kế hoạch 2021-2025 được triển khai.", earlier="2024") == "2024"
    assert _at_end("Năm 2023 tăng 6,11%.", earlier="2024") == "2023"
    assert _at_end("Không có năm nào.", earlier="2021-2025") == "2021-2025"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Bí thư Thành ủy Hà Nội Đinh Tiến Dũng phát biểu", ["Đinh Tiến Dũng"]),
        ("đồng chí Trương Thị Mai, Ủy viên Bộ Chính trị, và ông Nguyễn Văn Phong", ["Trương Thị Mai", "Nguyễn Văn Phong"]),
        # places and titles that start like a family name are not people
        ("Khu vực hồ Hoàn Kiếm và Hồ Gươm ở Hà Nội", []),
        ("Phó Bí thư Thường trực Thành ủy", []),
        # typed without marks, capitalised: the same names and places
        ("Nguyen Thi Tuyen la ai", ["Nguyen Thi Tuyen"]),
        ("Bi thu Ha Noi Dinh Tien Dung phat bieu", ["Dinh Tien Dung"]),
        ("Ho Guom o Ha Noi", []),
    ],
)
def test_person_names(text, names):
    assert [text[a:b] for a, b in person_names(text)] == names


def test_person_names_passes_over_a_name_to_skip():
    text = "Nguyễn Thị Tuyến ký; Nguyễn Văn Phong trình bày"
    assert [text[a:b] for a, b in person_names(text, skip="nguyễn thị tuyến ký gì")] == [
        "Nguyễn Văn Phong"
    ]


def test_capitalised_runs_join_words_a_space_apart():
    text = "Chỉ số PAR-Index của TP. Hà Nội tăng"
    assert [text[a:b] for a, b in capitalised_runs(text)] == ["Chỉ", "PAR-Index", "TP", "Hà Nội"]
