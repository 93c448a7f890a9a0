"""Public QA sets as documents and questions; the end-to-end run on a tiny set."""

from __future__ import annotations

import json

import pytest

from assistant.settings import Settings
from eval.__main__ import main
from eval.qa_run import baseline_sentence, gold_in, qa_metrics, run_qa, span_f1
from eval.qa_sets import load_qa_set
from eval.runner import EvalError

NBA = (
    "NBA là giải đấu bóng rổ chuyên nghiệp hàng đầu ở Bắc Mỹ, gồm 30 đội bóng. "
    "Giải được thành lập năm 1946 tại thành phố New York."
)
OCEAN = (
    "Ấn Độ Dương có diện tích 75.000.000 km² bao phủ 20% diện tích mặt nước trên Trái Đất. "
    "Đại dương này về hướng Bắc được giới hạn bởi bán đảo Ấn Độ, Pakistan và Iran."
)


def _squad(tmp_path):
    def qa(qid, q, text, ctx):
        return {"id": qid, "question": q, "answers": [{"text": text, "answer_start": ctx.index(text)}]}

    data = {"data": [
        {"title": "NBA", "paragraphs": [{"context": NBA, "qas": [
            qa("n1", "NBA được thành lập năm nào?", "1946", NBA),
            qa("n2", "NBA có bao nhiêu đội bóng?", "30", NBA)]}]},
        {"title": "Ấn Độ Dương", "paragraphs": [{"context": OCEAN, "qas": [
            qa("o1", "Ấn Độ Dương có diện tích bao nhiêu?", "75.000.000 km²", OCEAN)]}]},
    ]}  # fmt: skip
    path = tmp_path / "set" / "dev.json"
    path.parent.mkdir()
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _alqac(tmp_path):
    folder = tmp_path / "alqac"
    folder.mkdir()
    law = [{"id": "45/2019/QH14", "articles": [
        {"id": "14", "text": "Điều 14. Hình thức hợp đồng\n\nHợp đồng lao động được làm thành 02 bản."},
        {"id": "25", "text": "Điều 25. Thời gian thử việc\n\nChỉ được thử việc một lần đối với một công việc."}]}]
    qs = [{"id": "q-1", "text": "Hợp đồng lao động được làm thành mấy bản?", "answer": "02 bản",
           "relevant_articles": [{"law_id": "45/2019/QH14", "article_id": "14"}]}]  # fmt: skip
    (folder / "law.json").write_text(json.dumps(law, ensure_ascii=False), encoding="utf-8")
    (folder / "question.json").write_text(json.dumps(qs, ensure_ascii=False), encoding="utf-8")
    return folder


def test_squad_and_alqac_load_as_documents_and_questions(tmp_path):
    s = load_qa_set(_squad(tmp_path))
    assert s.name == "set" and len(s.documents) == 2 and len(s.questions) == 3
    a = load_qa_set(_alqac(tmp_path))
    assert len(a.documents) == 2 and a.questions[0].answer == "02 bản"
    doc = next(d for d in a.documents if d.doc_id == a.questions[0].doc_id)
    assert a.questions[0].answer_start == doc.text.index("02 bản")


def test_missing_or_wrong_paths_are_clear_errors(tmp_path):
    with pytest.raises(EvalError, match="not found"):
        load_qa_set(tmp_path / "nope.json")
    (tmp_path / "empty").mkdir()
    with pytest.raises(EvalError, match="law.json"):
        load_qa_set(tmp_path / "empty")


def test_withheld_documents_are_stable_and_about_the_share(tmp_path):
    s = load_qa_set(_squad(tmp_path))
    assert s.withheld_docs(0.0) == frozenset()
    assert s.withheld_docs(0.5) == s.withheld_docs(0.5)
    assert s.withheld_docs(0.999) == {q.doc_id for q in s.questions}


def test_judging_helpers():
    assert gold_in("Năm 1946 [1].", "1946")
    assert not gold_in("Không rõ.", "1946")
    assert span_f1("năm 1946", "1946") == pytest.approx(2 / 3)
    from assistant.types import Passage

    ps = [Passage(text=NBA, source="a", title="", score=1.0, chunk_id="a")]
    assert "1946" in baseline_sentence("NBA được thành lập năm nào?", ps)


def test_end_to_end_run_asks_refuses_withheld_and_reports_the_baseline(tmp_path):
    s = load_qa_set(_squad(tmp_path))
    result = run_qa(s, Settings(embedding={"model": "fake"}), withhold=0.999)
    assert result.counts["answerable"] == 3 and result.counts["withheld"] == 3
    for key in ("gold_in_answer", "baseline_gold_in_answer", "false_abstentions", "withheld_refused"):
        assert result.metrics[key] is not None
    # with every document withheld, nothing is left to answer from
    assert result.metrics["withheld_refused"] == 1.0
    assert qa_metrics([]) ["gold_in_answer"] is None


def test_beside_answers_the_same_questions_with_another_mode(tmp_path):
    s = load_qa_set(_squad(tmp_path))
    result = run_qa(s, Settings(embedding={"model": "fake"}), withhold=0.5, beside=["learned"])
    mine = result.baselines["answer mode 'extractive'"]
    theirs = result.baselines["answer mode 'learned' (same store, same run)"]
    assert mine["gold_in_answer"] == result.metrics["gold_in_answer"]
    assert {"gold_in_answer", "withheld_refused", "ask_p50_ms"} <= set(theirs)


def test_the_command_writes_a_report(tmp_path):
    out = tmp_path / "run"
    code = main(["qa", "--path", str(_squad(tmp_path)), "--model", "fake", "--out", str(out),
                 "--no-progress"])  # fmt: skip
    assert code == 0
    assert (out / "results.json").exists() and (out / "report.md").exists()
    assert main(["qa", "--path", str(tmp_path / "nope.json"), "--model", "fake"]) == 2
