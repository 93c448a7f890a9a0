"""The evidence re-ranker, alone and inside ``Assistant.retrieve``."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.answering.extractive import passage_support
from assistant.rerank import EvidenceReranker
from assistant.types import Passage


def _p(cid: str, text: str, score: float) -> Passage:
    return Passage(text=text, source=f"{cid}.txt", title="", score=score, chunk_id=cid)


ABOUT = _p(
    "about",
    "Hội nghị Ban Chấp hành Đảng bộ thành phố bàn về kế hoạch phát triển kinh tế - xã hội.",
    3.0,
)
DATED = _p(
    "dated",
    "Ngày 23 và 24/11/2023, Hội nghị Ban Chấp hành Đảng bộ thành phố đã họp.",
    2.0,
)
OTHER = _p("other", "Thành phố chú trọng cải tạo chung cư cũ và phát triển nhà ở xã hội.", 1.0)
QUESTION = "Hội nghị Ban Chấp hành Đảng bộ thành phố họp vào những ngày nào?"


def test_passage_with_the_asked_kind_of_answer_gets_more_support():
    support = passage_support(QUESTION, [ABOUT, DATED, OTHER])
    assert support[1] > support[0] > support[2]
    assert all(0.0 <= s <= 1.0 for s in support)


def test_rerank_puts_the_answering_passage_first_and_keeps_the_first_stage_score():
    ranked = EvidenceReranker(weight=0.5).rerank(QUESTION, [ABOUT, DATED, OTHER])
    assert [p.chunk_id for p in ranked] == ["dated", "about", "other"]
    assert [p.fused_score for p in ranked] == [2.0, 3.0, 1.0]
    assert ranked[0].evidence_score == pytest.approx(
        max(passage_support(QUESTION, [ABOUT, DATED, OTHER]))
    )
    assert ranked[0].score > ranked[1].score > ranked[2].score


def test_weight_zero_or_a_single_passage_keeps_the_order():
    assert EvidenceReranker(weight=0.0).rerank(QUESTION, [ABOUT, DATED]) == [ABOUT, DATED]
    assert EvidenceReranker().rerank(QUESTION, [DATED]) == [DATED]


def test_a_question_without_content_words_keeps_the_fused_order():
    ranked = EvidenceReranker(weight=0.5).rerank("gì?", [ABOUT, DATED, OTHER])
    assert [p.chunk_id for p in ranked] == ["about", "dated", "other"]


@pytest.mark.parametrize("kwargs", [{"weight": -0.1}, {"weight": 1.5}, {"depth": 1}])
def test_bad_parameters_are_refused(kwargs):
    with pytest.raises(ValueError):
        EvidenceReranker(**kwargs)


@pytest.fixture
def corpus(tmp_path) -> Path:
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "hoi_nghi.txt").write_text(
        "Hội nghị Ban Chấp hành Đảng bộ thành phố\n\n"
        "Hội nghị Ban Chấp hành Đảng bộ thành phố bàn về kế hoạch phát triển kinh tế - xã hội "
        "của Hội nghị Ban Chấp hành. Hội nghị Ban Chấp hành Đảng bộ thành phố thống nhất cao.\n",
        encoding="utf-8",
    )
    (d / "lich_hop.txt").write_text(
        "Lịch làm việc\n\nNgày 23 và 24/11/2023, Hội nghị Ban Chấp hành Đảng bộ thành phố đã họp.\n",
        encoding="utf-8",
    )
    (d / "nha_o.txt").write_text(
        "Nhà ở\n\nThành phố chú trọng cải tạo chung cư cũ và phát triển nhà ở xã hội.\n",
        encoding="utf-8",
    )
    return d


def _bot(tmp_path: Path, **retrieval) -> Assistant:
    return Assistant(
        Settings(data_dir=tmp_path / "kb", embedding={"model": "fake"}, retrieval=retrieval)
    )


def test_retrieve_reranks_unless_asked_not_to(tmp_path, corpus):
    bot = _bot(tmp_path, rerank_weight=0.6)
    bot.ingest([corpus])
    first_stage = bot.retrieve(QUESTION, 3, rerank=False)
    assert Path(first_stage[0].source).name == "hoi_nghi.txt"  # more words in common
    assert all(p.fused_score is None and p.evidence_score is None for p in first_stage)
    reranked = bot.retrieve(QUESTION, 3)
    assert Path(reranked[0].source).name == "lich_hop.txt"
    assert sorted(p.chunk_id for p in reranked) == sorted(p.chunk_id for p in first_stage)
    assert {p.chunk_id: p.score for p in first_stage} == {
        p.chunk_id: p.fused_score for p in reranked
    }


def test_k_smaller_than_the_depth_still_reranks_the_whole_depth(tmp_path, corpus):
    bot = _bot(tmp_path, rerank_weight=0.6, rerank_depth=3)
    bot.ingest([corpus])
    assert [p.chunk_id for p in bot.retrieve(QUESTION, 1)] == [
        bot.retrieve(QUESTION, 3)[0].chunk_id
    ]


def test_rerank_none_in_settings_switches_it_off(tmp_path, corpus):
    bot = _bot(tmp_path, rerank="none")
    assert bot.components.reranker is None
    bot.ingest([corpus])
    assert all(p.fused_score is None for p in bot.retrieve(QUESTION, 3))


def test_passage_support_is_the_best_sentence_support_of_the_full_scoring():
    from assistant.answering.extractive import analyze_question
    from assistant.answering.extractive.scorer import SentenceScorer

    passages = [
        ABOUT,
        DATED,
        OTHER,
        _p("kt", "Thu ngân sách năm 2023 ước đạt 400,421 nghìn tỷ đồng.", 0.5),
    ]
    for question in (QUESTION, "Thu ngân sách năm 2023 ước đạt bao nhiêu?", "Ai ký kết luận?"):
        exact = [0.0] * len(passages)
        for s in SentenceScorer(analyze_question(question), passages).score():
            exact[s.passage_index] = max(exact[s.passage_index], s.support)
        fast = passage_support(question, passages)
        assert all(f <= e + 1e-12 for f, e in zip(fast, exact, strict=True))
        assert fast.index(max(fast)) == exact.index(max(exact))
