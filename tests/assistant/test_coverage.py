"""A worded answer never says less than its evidence answered: lost items are quoted back."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from pydantic import Field

from assistant.answering.base import Answerer, AnswerEvent
from assistant.answering.coverage import (
    EvidenceSentence,
    answer_items,
    lost_items,
    restore,
    shown_sentences,
)
from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.grounding import Evidence, check_generated
from assistant.answering.llm import LLMAnswerer
from assistant.types import Answer, Citation, Passage
from eval.metrics import faithfulness_proxy

AIRPORTS = "Vùng Thủ đô có các sân bay Nội Bài, Gia Lâm, Hòa Lạc và Vân Đồn."
QUESTION = "Vùng Thủ đô có những sân bay nào?"


class RecordingChat(GenericFakeChatModel):
    """Scripted replies; records every message list it was sent."""

    sent: list[list[BaseMessage]] = Field(default_factory=list)

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        self.sent.append(list(messages))
        return super()._stream(messages, stop=stop, run_manager=run_manager, **kwargs)


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
    assert "北冰洋" in answer_items("Bắc Băng Dương (tiếng Hán: 北冰洋) là đại dương nhỏ nhất.")
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


def test_a_number_in_a_kept_sentence_is_not_read_as_a_citation():
    # "2" in "có 2 sân bay" is a figure, not the marker [2]: only [1] supports the sentence
    text, used, n = restore(
        "Hà Nội có 2 sân bay [1].", [0, 1], [EvidenceSentence(AIRPORTS, 0)], question=QUESTION
    )
    assert n == 1
    assert used == [0]
    assert "[2]" not in text


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


class FixedOffline(Answerer):
    """An offline answerer that always gives ``answer`` (the LLM answerer's evidence)."""

    def __init__(self, answer: Answer) -> None:
        self.fixed = answer

    def stream(self, question, passages):
        yield AnswerEvent(answer=self.fixed)


def _two_passage_answer(lead: bool) -> tuple[Answer, list[Passage]]:
    a = Passage(text="Năm 2023 kinh tế Hà Nội tăng 6,27%.", source="/kb/a.txt", title="A",
                score=0.9, chunk_id="a")  # fmt: skip
    b = Passage(text="Đầu tư công năm 2023 giải ngân 90%.", source="/kb/b.txt", title="B",
                score=0.8, chunk_id="b")  # fmt: skip
    text = "Năm 2023 kinh tế Hà Nội tăng 6,27% [1]. Đầu tư công năm 2023 giải ngân 90% [2]."
    answer = Answer(
        text=("6,27% [1]\n\n" if lead else "") + text,
        citations=[Citation(1, a, quote=a.text), Citation(2, b, quote=b.text)],
        direct_answer="6,27%",
        confidence=0.8,
    )
    return answer, [a, b]


def test_a_one_span_answer_sends_the_model_only_the_passage_that_holds_it():
    base, passages = _two_passage_answer(lead=True)
    model = RecordingChat(messages=iter([AIMessage("Năm 2023 Hà Nội tăng 6,27% [1].")]))
    answer = LLMAnswerer(chat_model=model, offline=FixedOffline(base)).answer("Tăng?", passages)
    user = model.sent[0][-1].content
    assert "6,27%" in user and "giải ngân" not in user
    assert [c.passage.chunk_id for c in answer.citations] == ["a"]
    assert answer.text == "Năm 2023 Hà Nội tăng 6,27% [1]."


def test_an_answer_in_several_passages_sends_them_all():
    base, passages = _two_passage_answer(lead=False)
    model = RecordingChat(messages=iter([AIMessage("Năm 2023 Hà Nội tăng 6,27% [1].")]))
    answer = LLMAnswerer(chat_model=model, offline=FixedOffline(base)).answer("Tăng?", passages)
    assert "giải ngân" in model.sent[0][-1].content
    assert "90%" in answer.text  # the second passage's figure, lost by the wording, quoted back
    assert [c.passage.chunk_id for c in answer.citations] == ["a", "b"]


def test_a_name_the_evidence_never_writes_is_words_recombined_and_dropped():
    ev = [Evidence(quote="Độ mặn của nó thấp nhất so với độ mặn trung bình của các đại dương "
                   "theo quy ước quốc tế.")]  # fmt: skip
    q = "Độ mặn của đại dương nào thấp nhất?"
    recombined = check_generated("Độ mặn thấp nhất là đại dương Trung Quốc [1].", ev, question=q)
    assert recombined.text == "" and not recombined.verdicts[0].kept
    plain = check_generated("Độ mặn của nó thấp nhất so với các đại dương [1].", ev, question=q)
    assert plain.verdicts[0].kept
