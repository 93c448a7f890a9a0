"""The training command's parts on a handful of made-up questions (no model, no store)."""

from __future__ import annotations

import json

import numpy as np

from assistant.answering.evidence import EvidenceModel, EvidenceScorer
from assistant.answering.evidence_answerer import EvidenceAnswerer
from assistant.answering.features import FEATURE_NAMES
from assistant.types import Passage
from eval.model_card import model_card
from eval.qa_run import Asked
from eval.qa_sets import QAQuestion
from eval.train_scorer import _write, choose, examples, fit, measure, outcomes

FACTS = [
    ("NBA", "NBA là giải bóng rổ nhà nghề. Giải được thành lập năm 1946 tại New York.",
     "NBA được thành lập năm nào?", "1946"),
    ("Oracle", "Oracle là tập đoàn công nghệ. Công ty do Larry Ellison sáng lập năm 1977.",
     "Ai sáng lập Oracle?", "Larry Ellison"),
    ("Ấn Độ Dương", "Ấn Độ Dương là đại dương lớn. Diện tích của nó khoảng 75 triệu km2.",
     "Ấn Độ Dương rộng bao nhiêu?", "75 triệu km2"),
    ("Huế", "Huế là cố đô. Kinh thành Huế được xây dựng từ năm 1805 dưới triều Gia Long.",
     "Kinh thành Huế được xây từ năm nào?", "1805"),
]  # fmt: skip


def _asked() -> list[Asked]:
    passages = [
        Passage(text=t, source=f"{d}.md", title=d, score=1.0 - i / 10, chunk_id=d)
        for i, (d, t, _, _) in enumerate(FACTS)
    ]
    out = []
    for d, _, q, ans in FACTS:
        mine = [p for p in passages if p.chunk_id == d] + [p for p in passages if p.chunk_id != d]
        out.append(Asked(QAQuestion(d, q, d, ans, 0), False, mine, [p.chunk_id for p in mine]))
        others = [p for p in passages if p.chunk_id != d]
        out.append(Asked(QAQuestion(d, q, d, ans, 0), True, others, [p.chunk_id for p in others]))
    return out


def test_examples_label_the_sentence_that_holds_the_answer():
    x, y = examples(_asked(), folded_copies=False)
    assert x.shape[1] == len(FEATURE_NAMES)
    assert y.sum() == len(FACTS)  # one sentence per answerable question, none when withheld


def test_a_fitted_model_ranks_answers_first_and_round_trips(tmp_path):
    asked = _asked()
    x, y = examples(asked)
    model = choose(fit(x, y, {"trained_on": {"toy": len(asked)}}), outcomes(fit(x, y, {}), asked))
    assert 0.0 <= model.abstain_threshold <= 1.0
    path = tmp_path / "m.json"
    _write(model, path)
    again = EvidenceModel.load(path)
    assert np.allclose(again.coef, model.coef, atol=1e-5)
    bot = EvidenceAnswerer(EvidenceScorer(again), abstain_threshold=0.0)
    for a in asked:
        if not a.withheld:
            assert a.question.answer in bot.answer(a.question.question, a.passages).text
    figures = measure(again, outcomes(again, asked))
    assert figures["gold_in_answer"] >= 0.5
    assert 0.0 <= figures["withheld_ceiling"] <= 1.0
    card = model_card(again)
    assert "toy" in card and "| feature | weight |" in card
    assert json.loads(path.read_text(encoding="utf-8"))["features"] == list(FEATURE_NAMES)


def test_the_ceiling_refuses_what_the_confidence_can_tell_apart_within_the_budget():
    from eval.train_scorer import Outcome

    def o(withheld: bool, conf: float) -> Outcome:
        return Outcome(withheld, conf, {1.01: not withheld}, {1.01: 50}, "", 0.0, 0.0, False)

    # 20 answerable questions at 0.5..0.95, withheld ones at 0.1, 0.2 and 0.9
    outs = [o(False, 0.5 + i / 40) for i in range(20)] + [o(True, c) for c in (0.1, 0.2, 0.9)]
    x, y = examples(_asked())
    lax = EvidenceModel(**{**fit(x, y, {}).__dict__, "abstain_threshold": 0.0, "extra_sentence_ratio": 1.01})
    figures = measure(lax, outs, budget=0.1)
    assert figures["withheld_refused"] == 0.0  # the lax threshold refuses nothing
    assert figures["withheld_ceiling"] == round(2 / 3, 3)  # 0.9 sits among the answerable ones
    assert "ceiling" in model_card(EvidenceModel(**{**lax.__dict__, "meta": {"cross_set": [
        {"measured_on": "a", "trained_on": "b", **figures}]}}))
