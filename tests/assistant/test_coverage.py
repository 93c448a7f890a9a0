"""A worded answer never says less than its evidence answered: lost items are quoted back."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.answering.coverage import (
    EvidenceSentence,
    answer_items,
    lost_items,
    restore,
    shown_sentences,
)
from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.llm import LLMAnswerer
from assistant.types import Passage
from eval.metrics import faithfulness_proxy

AIRPORTS = "Vùng Thủ đô có các sân bay Nội Bài, Gia Lâm, Hòa Lạc và Vân Đồn."
QUESTION = "Vùng Thủ đô có những sân bay nào?"


def scripted(reply: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(reply)]))


@pytest.fixture
def passages() -> list[Passage]:
    return [
        Passage(
            text=f"Quy hoạch giao thông được phê duyệt năm 2024. {AIRPORTS} "
            "Tổng vốn đầu tư ước đạt 504,89 nghìn tỷ đồng.",
            source="/kb/a.txt", title="Quy hoạch", score=0.9, chunk_id="a",
        ),
    ]  # fmt: skip


def test_items_are_numbers_names_and_list_pieces_the_question_does_not_state():
    items = answer_items(AIRPORTS, question=QUESTION)
    assert items == ["Nội Bài", "Gia Lâm", "Hòa Lạc", "Vân Đồn"]
    assert answer_items("Thu ngân sách đạt 400,421 nghìn tỷ đồng.", question="") == ["400,421"]
    pieces = answer_items("Hà Nội ưu tiên: xe buýt điện, tàu điện ngầm và xe đạp công cộng.")
    assert {"xe buýt điện", "tàu điện ngầm", "xe đạp công cộng"} <= set(pieces)
    # what the question already says is not asked of the answer
    assert answer_items("Hà Nội tăng 6,11%.", question="Hà Nội tăng bao nhiêu?") == ["6,11"]


def test_an_item_is_kept_as_the_key_phrase_rule_reads_text():
    ev = "Kinh tế tăng 6,11%, thu ngân sách đạt 400,421 nghìn tỷ đồng."
    assert lost_items("Kinh tế tăng 6,11% [1].", ev) == ["400,421"]
    assert lost_items("KINH TẾ tăng 6,11% và thu 400,421 nghìn tỷ [1].", ev) == []
    assert lost_items("Tăng 6,11%.", ev, direct="400,421 nghìn tỷ đồng") == [
        "400,421 nghìn tỷ đồng",
        "400,421",
    ]


def test_restore_quotes_the_sentence_whose_item_was_lost_and_drops_what_it_repeats():
    sentences = [EvidenceSentence(AIRPORTS, 0), EvidenceSentence("Vốn đạt 504,89 nghìn tỷ.", 1)]
    text, used, n = restore(
        "Vùng Thủ đô có sân bay Nội Bài và Gia Lâm [1]. Vốn đạt 504,89 nghìn tỷ [2].",
        [0, 1],
        sentences,
        question=QUESTION,
    )
    assert n == 1
    assert text == f"Vốn đạt 504,89 nghìn tỷ [1]. {AIRPORTS[:-1]} [2]."
    assert used == [1, 0]
    unchanged = restore(
        "Có Nội Bài, Gia Lâm, Hòa Lạc, Vân Đồn [1].", [0], sentences[:1], question=QUESTION
    )
    assert unchanged == ("Có Nội Bài, Gia Lâm, Hòa Lạc, Vân Đồn [1].", [0], 0)


def test_shown_sentences_follow_the_offline_answers_markers():
    text = "20% [1]\n\nBao phủ 20% diện tích [1]. Sâu 3.741 m [2]. Rộng 10.000 km [1]."
    got = [(s.text, s.evidence) for s in shown_sentences(text, 2, direct="20%")]
    assert got == [("Bao phủ 20% diện tích.", 0), ("Sâu 3.741 m.", 1), ("Rộng 10.000 km.", 0)]


def test_a_model_that_shortens_a_list_gets_the_list_back_cited(passages):
    reply = "Vùng Thủ đô có sân bay Nội Bài và Gia Lâm [1]."
    answer = LLMAnswerer(chat_model=scripted(reply)).answer(QUESTION, passages)
    for name in ("Nội Bài", "Gia Lâm", "Hòa Lạc", "Vân Đồn"):
        assert name in answer.text
    assert answer.citations and answer.grounded and answer.note
    cited = {c.index: c.passage.text for c in answer.citations}
    assert faithfulness_proxy([answer.text], [cited]).score == 1.0


def test_a_model_that_keeps_every_item_is_shown_in_its_own_words(passages):
    reply = "Có bốn sân bay: Nội Bài, Gia Lâm, Hòa Lạc và Vân Đồn [1]."
    answer = LLMAnswerer(chat_model=scripted(reply)).answer(QUESTION, passages)
    assert answer.text == reply and answer.note == ""
    assert answer.text != ExtractiveAnswerer().answer(QUESTION, passages).text
