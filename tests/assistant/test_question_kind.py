"""Question analysis: the kind of answer asked, read alike with and without diacritics."""

from __future__ import annotations

import pytest

from assistant.answering.question_kind import QUESTION_WORDS, analyze
from textvi import fold_diacritics


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Oracle được thành lập năm nào?", "date"),
        ("Chiến tranh kết thúc khi nào?", "date"),
        ("Springsteen đã bán bao nhiêu triệu bản ghi?", "number"),
        ("Một đội có mấy cầu thủ?", "number"),
        ("Mưa lớn có ở đâu?", "place"),
        ("Ai là người sáng lập Tập đoàn Oracle?", "person"),
        ("Công ty nào đã tích hợp MVC và AJAX?", "person"),
        ("Vì sao da bị phai màu?", "reason"),
        ("Watson bắt đầu nghề nghiệp như thế nào?", "manner"),
        ("Phạm tội chưa đạt là gì?", "other"),
    ],
)
def test_kind_is_the_same_typed_with_or_without_diacritics(question, kind):
    assert analyze(question).kind == kind
    assert analyze(fold_diacritics(question)).kind == kind


def test_question_words_are_not_terms_to_find():
    a = analyze("Ai là người sáng lập Tập đoàn Oracle?")
    assert "ai" not in a.terms and "là" not in a.terms
    assert {"sáng", "lập", "oracle"} <= set(a.terms)


def test_a_question_typed_without_diacritics_is_matched_folded():
    a = analyze("ha noi tang truong bao nhieu")
    assert a.folded and a.kind == "number"
    assert a.terms == ("ha", "noi", "tang", "truong")


def test_names_and_numbers_of_any_origin_are_read():
    a = analyze("Luke Kuechly đã có bao nhiêu cú húc năm 2012?")
    assert "Luke Kuechly" in a.names
    assert "2012" in a.numbers


def test_english_is_read_as_foreign():
    assert analyze("Who founded Oracle?").foreign


def test_the_table_holds_only_question_words():
    # a topic word would make one corpus special: every entry must hold a question word
    markers = ("nào", "ai", "đâu", "bao", "mấy", "gì", "sao", "thế", "lý do", "nguyên nhân",
               "khi", "giờ", "gồm", "những", "các loại", "lượng", "tỷ lệ", "không", "năm",
               "mục đích", "cách")  # fmt: skip
    for kind, words in QUESTION_WORDS.items():
        for w in words:
            assert any(m in w for m in markers), (kind, w)
