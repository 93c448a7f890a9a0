"""Typed spans: what a direct answer of each kind can be."""

from __future__ import annotations

from assistant.answering.spans import date_spans, name_spans, number_spans, spans_for


def _texts(text, spans):
    return [text[s:e] for s, e in spans]


def test_names_of_any_origin():
    t = "Năm 1977, Larry Ellison cùng Bob Miner lập ra Oracle tại Santa Clara."
    assert _texts(t, name_spans(t)) == ["Larry Ellison", "Bob Miner", "Oracle", "Santa Clara"]


def test_a_sentence_opening_word_is_no_name_unless_it_cannot_be_vietnamese():
    assert name_spans("Sau đó ông về nước.") == []
    t = "NBA có 30 đội."
    assert _texts(t, name_spans(t)) == ["NBA"]


def test_numbers_keep_their_unit():
    t = "Hợp đồng làm thành 02 bản, phạt từ 50.000.000 đồng và tăng 7,5%."
    assert _texts(t, number_spans(t)) == ["02 bản", "50.000.000 đồng", "7,5%"]


def test_dates_in_the_usual_forms():
    t = "Ngày 2 tháng 9 năm 1945, rồi 20/11/2017, tháng 5/2020 và thế kỷ XV."
    assert _texts(t, date_spans(t)) == ["Ngày 2 tháng 9 năm 1945", "20/11/2017", "tháng 5/2020", "thế kỷ XV"]


def test_a_year_is_a_date_not_a_number():
    t = "Giải được thành lập năm 1946 với 11 đội."
    assert _texts(t, spans_for("date", t)) == ["năm 1946"]
    assert _texts(t, spans_for("number", t)) == ["11 đội"]


def test_kinds_without_typed_spans_get_none():
    assert spans_for("reason", "Vì trời mưa 2 ngày ở Huế.") == []
