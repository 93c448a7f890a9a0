"""Contracts of the learned answerer: what a user relies on, whatever the weights."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from assistant.answering.evidence import (
    DEFAULT_MODEL,
    EvidenceModel,
    EvidenceScorer,
    ModelFileError,
)
from assistant.answering.evidence_answerer import EvidenceAnswerer
from assistant.answering.features import FEATURE_NAMES
from assistant.answering.spans import spans_for
from assistant.settings import AnswerSettings
from assistant.types import Passage

ORACLE = (
    "Oracle là một tập đoàn công nghệ đa quốc gia của Mỹ. Công ty được Larry Ellison, "
    "Bob Miner và Ed Oates thành lập năm 1977 tại Santa Clara. Trụ sở hiện nay đặt tại Austin."
)
NBA = (
    "NBA là giải đấu bóng rổ chuyên nghiệp hàng đầu ở Bắc Mỹ, gồm 30 đội bóng. "
    "Giải được thành lập năm 1946 tại thành phố New York. Mùa giải thường kéo dài từ tháng 10."
)
WEATHER = "Thời tiết miền Bắc hôm nay có mưa rào rải rác. Nhiệt độ cao nhất khoảng 30 độ C."


def _p(cid: str, text: str, score: float = 1.0, title: str = "") -> Passage:
    return Passage(text=text, source=f"{cid}.txt", title=title or cid, score=score, chunk_id=cid)


PASSAGES = [_p("oracle", ORACLE, 2.0, "Oracle"), _p("nba", NBA, 1.5, "NBA"), _p("weather", WEATHER, 0.5)]
QUESTIONS = [
    "Oracle được thành lập năm nào?",
    "Ai đã thành lập Oracle?",
    "NBA có bao nhiêu đội bóng?",
    "nba duoc thanh lap nam nao",
    "Trụ sở của Oracle ở đâu?",
]
ANSWERER = EvidenceAnswerer(abstain_threshold=0.0)


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_answer_is_made_only_of_cited_sentences(question):
    a = ANSWERER.answer(question, PASSAGES)
    assert not a.abstained and a.citations
    body = a.text.split("\n\n")[-1]
    pieces = re.split(r"(?<=\])[.!?…]?\s*", body)
    for piece in filter(None, (x.strip() for x in pieces)):
        m = re.search(r"\[(\d+)\]$", piece)
        assert m, piece
        cited = a.citations[int(m.group(1)) - 1]
        sentence = piece[: m.start()].strip().rstrip(".")
        # quoted verbatim (a leading connector may be dropped and the first letter capitalised)
        assert sentence[1:] in cited.passage.text, (sentence, cited.passage.text)
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", a.text)}
    assert markers == set(range(1, len(a.citations) + 1))


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_direct_answer_is_a_span_of_the_kind_asked_inside_its_quote(question):
    a = EvidenceAnswerer(EvidenceScorer(_model(span_threshold=0.0)), abstain_threshold=0.0).answer(
        question, PASSAGES
    )
    if not a.direct_answer:
        return
    first = a.citations[0]
    assert a.direct_answer in first.quote
    assert first.passage.text[first.span_start : first.span_end] == a.direct_answer
    from assistant.answering.question_kind import analyze

    kind = analyze(question).kind
    assert (a.direct_answer in first.quote[s:e] for s, e in spans_for(kind, first.quote))


def test_streamed_deltas_add_up_to_the_answer():
    events = list(ANSWERER.stream(QUESTIONS[0], PASSAGES))
    assert events[-1].answer is not None
    assert "".join(e.delta for e in events) == events[-1].answer.text


def test_a_question_whose_passage_is_withheld_is_refused():
    # the shipped model and threshold: the topic is there (NBA), its founding year is not
    withheld = [_p("nba", NBA.split(". ")[0] + ".", 2.0, "NBA"), _p("weather", WEATHER, 0.5)]
    a = EvidenceAnswerer().answer("Oracle được thành lập năm nào?", withheld)
    assert a.abstained and not a.citations and a.related


def test_no_passages_means_a_refusal():
    a = EvidenceAnswerer().answer("Oracle được thành lập năm nào?", [])
    assert a.abstained and a.confidence == 0.0


def test_settings_choose_the_threshold_and_the_model(tmp_path):
    bot = EvidenceAnswerer.from_settings(AnswerSettings())
    assert bot.abstain_threshold == EvidenceModel.load(DEFAULT_MODEL).abstain_threshold
    assert EvidenceAnswerer.from_settings(AnswerSettings(evidence_threshold=0.9)).abstain_threshold == 0.9
    path = tmp_path / "m.json"
    path.write_text(json.dumps(_model(abstain_threshold=0.123).to_json()), encoding="utf-8")
    assert EvidenceAnswerer.from_settings(AnswerSettings(evidence_model=path)).abstain_threshold == 0.123
    with pytest.raises(ValueError):
        EvidenceAnswerer(abstain_threshold=1.5)


def _model(**changes) -> EvidenceModel:
    base = EvidenceModel.load(DEFAULT_MODEL)
    return EvidenceModel(**{**base.__dict__, **changes})


def test_model_file_errors_say_what_is_wrong(tmp_path):
    with pytest.raises(ModelFileError, match="not found"):
        EvidenceModel.load(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(ModelFileError, match="malformed"):
        EvidenceModel.load(bad)
    data = _model().to_json()
    data["features"][0] = "not_a_feature"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelFileError, match="retrain"):
        EvidenceModel.load(bad)


def test_the_shipped_model_round_trips_and_uses_known_features():
    m = EvidenceModel.load(DEFAULT_MODEL)
    assert set(m.features) <= set(FEATURE_NAMES)
    again = EvidenceModel(**{**m.__dict__})
    rows = np.zeros((2, len(m.features)))
    assert np.allclose(m.probabilities(rows), again.probabilities(rows))
    assert 0.0 < m.abstain_threshold < 1.0
    assert m.meta.get("trained_on")


def test_the_answers_confidence_is_the_answerability_models_when_there_is_one():
    from assistant.answering.answerability import QUESTION_FEATURES
    from assistant.answering.logistic import LogisticWeights

    n = len(QUESTION_FEATURES)
    # a model that only looks at the best probability, and strongly
    coef = np.zeros(n)
    coef[QUESTION_FEATURES.index("best")] = 5.0
    q = LogisticWeights(QUESTION_FEATURES, np.zeros(n), np.ones(n), coef, -2.5)
    again = LogisticWeights.from_json(json.loads(json.dumps(q.to_json())), QUESTION_FEATURES)
    model = _model(answerability=again)
    ev = EvidenceScorer(model).score(QUESTIONS[0], PASSAGES)
    expected = 1 / (1 + np.exp(-(5.0 * ev.ranked[0].probability - 2.5)))
    assert ev.confidence == pytest.approx(expected)
    answer = EvidenceAnswerer(EvidenceScorer(model), abstain_threshold=0.0).answer(QUESTIONS[0], PASSAGES)
    assert answer.confidence == pytest.approx(expected)
    refused = EvidenceAnswerer(EvidenceScorer(model), abstain_threshold=min(expected + 0.01, 1.0))
    assert refused.answer(QUESTIONS[0], PASSAGES).abstained
