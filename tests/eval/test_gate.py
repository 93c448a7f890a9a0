"""The regression gate: thresholds, a planted regression, and ``--check`` exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.settings import Settings
from eval.__main__ import main
from eval.dataset import load_dataset
from eval.report import render_markdown
from eval.runner import (
    ANSWER_METRICS,
    DEFAULT_THRESHOLDS,
    LATENCY_METRICS,
    LOWER_IS_BETTER,
    RETRIEVAL_METRICS,
    EvalConfig,
    apply_gate,
    check_thresholds,
    eval_settings,
    evaluate,
    load_thresholds,
    temporary_assistant,
)

ARTICLES = {
    "ngan_sach.txt": "Ngân sách Thủ đô\n\nThu ngân sách năm 2023 ước đạt 400,421 nghìn tỷ đồng.\n\n"
    "Chi đầu tư phát triển chiếm 40% tổng chi ngân sách.\n",
    "truong_hoc.txt": "Trường học mới ở Cầu Giấy\n\nQuận Cầu Giấy sẽ xây mới 12 trường học công lập.\n\n"
    "Các trường mới đặt ở phường Dịch Vọng và phường Yên Hòa.\n",
    "duong_sat.txt": "Đường sắt đô thị\n\nTuyến Nhổn - ga Hà Nội dài 12,5 km, đoạn trên cao đã chạy.\n\n"
    "Đoạn đi ngầm dự kiến hoàn thành vào năm 2027.\n",
    "le_hoi.txt": "Lễ hội mùa thu\n\nLễ hội mùa thu phố cổ thu hút hàng nghìn du khách mỗi tối.\n\n"
    "Nghệ nhân trình diễn làm đèn ông sao truyền thống.\n",
}
QUESTIONS = [
    (
        "g-1",
        "Thu ngân sách năm 2023 ước đạt bao nhiêu?",
        "Thu ngân sách năm 2023 ước đạt 400,421 nghìn tỷ đồng",
        "ngan_sach.txt",
    ),
    (
        "g-2",
        "Cầu Giấy xây mới bao nhiêu trường học công lập?",
        "Quận Cầu Giấy sẽ xây mới 12 trường học công lập",
        "truong_hoc.txt",
    ),
    (
        "g-3",
        "tuyen nhon ga ha noi dai bao nhieu km",
        "Tuyến Nhổn - ga Hà Nội dài 12,5 km",
        "duong_sat.txt",
    ),
    (
        "g-4",
        "Nghệ nhân trình diễn làm gì ở lễ hội mùa thu?",
        "Nghệ nhân trình diễn làm đèn ông sao truyền thống",
        "le_hoi.txt",
    ),
]
THRESHOLDS = {"mini": {"hit@1": 0.75, "hit@5": 0.9, "mrr": 0.8, "_why": "test fixture"}}


@pytest.fixture
def mini(tmp_path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    rows = [
        {"id": i, "question": q, "answer": ev, "key_phrases": [], "sources": [src], "evidence": [ev],
         "category": "factual", "answerable": True, "history": [], "standalone": ""}
        for i, q, ev, src in QUESTIONS
    ]  # fmt: skip
    dataset = tmp_path / "mini.jsonl"
    dataset.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )
    return corpus, dataset


class WorstFirst:
    """A deliberately bad retriever: the assistant's ranking, reversed (worst passage first)."""

    def __init__(self, bot) -> None:
        self.bot = bot

    def retrieve(self, question, k=None, *, history=None):
        everything = self.bot.retrieve(question, 100, history=history)
        return list(reversed(everything))[: k or 5]

    def ask(self, question, history=None):
        return self.bot.ask(question, history)


def _run(mini, wrap=None):
    corpus, dataset = mini
    config = EvalConfig(dataset=dataset, corpus=corpus, retrieval_only=True)
    settings = eval_settings(
        Settings(embedding={"model": "fake"}, chunking={"chunk_size": 100}), config
    )
    with temporary_assistant(settings, corpus) as (bot, _):
        return evaluate(wrap(bot) if wrap else bot, load_dataset(dataset), config, progress=False)


def test_planted_regression_fails_the_gate_and_a_good_run_passes(mini):
    good = _run(mini)
    gate = apply_gate(good, THRESHOLDS)
    assert gate.passed and gate.exit_code == 0, gate.failures
    assert set(gate.checked) == {"hit@1", "hit@5", "mrr"}

    bad = _run(mini, wrap=WorstFirst)
    assert bad.metrics["hit@1"] < good.metrics["hit@1"]
    gate = apply_gate(bad, THRESHOLDS)
    assert not gate.passed and gate.exit_code == 1
    failed = {f.split(" ")[0] for f in gate.failures}
    assert {"hit@1", "mrr"} <= failed
    assert bad.gate["passed"] is False
    assert "**FAILED**" in render_markdown(bad) and "hit@1 = " in render_markdown(bad)


def test_check_thresholds_semantics():
    thresholds = {
        "s": {
            "hit@5": 0.8,
            "mrr": 0.7,
            "false_abstention_rate": 0.2,
            "key_phrase_accuracy": 0.5,
            "_why": "x",
        }
    }
    gate = check_thresholds(
        "s", {"hit@5": 0.85, "mrr": 0.69, "false_abstention_rate": 0.25}, thresholds
    )
    assert gate.failures == ["false_abstention_rate = 0.2500 > 0.2000", "mrr = 0.6900 < 0.7000"]
    assert gate.unmeasured == ["key_phrase_accuracy"]  # e.g. a --retrieval-only run
    assert check_thresholds(
        "s", {"hit@5": 0.8, "mrr": 0.7, "false_abstention_rate": 0.2}, thresholds
    ).passed
    assert check_thresholds(
        "unknown", {"hit@5": 0.0}, thresholds
    ).passed  # no thresholds, nothing to fail


def test_repository_thresholds_file_is_well_formed():
    thresholds = load_thresholds(DEFAULT_THRESHOLDS)
    known = set(RETRIEVAL_METRICS) | set(ANSWER_METRICS) | set(LATENCY_METRICS)
    known |= {"folded_hit@1", "folded_hit@5", "folded_mrr", "llm_faithfulness"}
    assert {"hanoi", "zalo"} <= set(thresholds)
    for suite in ("hanoi", "zalo"):
        values = thresholds[suite]
        assert values.get("_why"), f"{suite}: every change needs a '_why'"
        metrics = {k: v for k, v in values.items() if not k.startswith("_")}
        assert metrics and set(metrics) <= known, set(metrics) - known
        for name, v in metrics.items():
            assert isinstance(v, int | float) and (name.endswith("_ms") or 0.0 <= v <= 1.0), name
            assert (
                name not in LOWER_IS_BETTER
                or name == "false_abstention_rate"
                or name.endswith("_ms")
            )


def _cli(mini, tmp_path, thresholds: dict) -> int:
    corpus, dataset = mini
    path = tmp_path / "thresholds.json"
    path.write_text(json.dumps(thresholds), encoding="utf-8")
    return main(["--dataset", str(dataset), "--corpus", str(corpus), "--model", "fake", "--chunk-size", "100",
                 "--retrieval-only", "--check", "--thresholds", str(path), "--out", str(tmp_path / "out"),
                 "--no-progress"])  # fmt: skip


def test_cli_check_exit_codes(mini, tmp_path, capsys):
    assert _cli(mini, tmp_path, {"mini": {"hit@5": 0.5, "_why": "low"}}) == 0
    assert "regression gate: PASSED" in capsys.readouterr().out
    assert (
        _cli(mini, tmp_path, {"mini": {"hit@5": 1.01, "ndcg@10": 1.01, "_why": "impossible"}}) == 1
    )
    out = capsys.readouterr().out
    assert "FAILED" in out and "hit@5 = " in out and "ndcg@10 = " in out
    saved = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert saved["gate"]["passed"] is False
    assert _cli(mini, tmp_path, {"other": {"hit@5": 0.5}}) == 0
    assert "no thresholds for suite 'mini'" in capsys.readouterr().err
