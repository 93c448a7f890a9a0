"""The runner end to end: a tiny corpus and gold set, the fake embedder, real reports."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from assistant.answering.base import Answerer, AnswerEvent, Turn
from assistant.settings import Settings
from assistant.types import Answer, Citation, Passage
from eval.__main__ import main
from eval.dataset import DatasetError, load_dataset
from eval.report import compare_table, write_report
from eval.runner import (
    EvalConfig,
    EvalResult,
    eval_settings,
    evaluate,
    load_result,
    run_suite,
    temporary_assistant,
)

ARTICLES = {
    "kinh_te.txt": (
        "Kinh tế Thủ đô năm 2023\n\n"
        "Năm 2023, tổng sản phẩm trên địa bàn thành phố tăng 6,27%, cao hơn bình quân cả nước.\n\n"
        "Thu ngân sách năm 2023 ước đạt 400,421 nghìn tỷ đồng, vượt dự toán được giao.\n\n"
        "Năm 2024, thành phố phấn đấu tăng trưởng GRDP khoảng 6,5-7,0%.\n"
    ),
    "giao_duc.txt": (
        "Quận Cầu Giấy xây thêm trường học\n\n"
        "Quận Cầu Giấy sẽ xây mới 12 trường học công lập trong giai đoạn 2021-2025.\n\n"
        "Các trường mới tập trung ở phường Dịch Vọng và phường Yên Hòa.\n"
    ),
    "giao_thong.txt": (
        "Hà Nội mở rộng đường sắt đô thị\n\n"
        "Tuyến đường sắt đô thị Nhổn - ga Hà Nội dài 12,5 km, đoạn trên cao đã vận hành.\n\n"
        "Thành phố đặt mục tiêu hoàn thành đoạn đi ngầm vào năm 2027.\n"
    ),
    "van_hoa.txt": (
        "Lễ hội mùa thu ở phố cổ\n\n"
        "Lễ hội mùa thu phố cổ Hà Nội thu hút hàng nghìn du khách mỗi tối cuối tuần.\n\n"
        "Các nghệ nhân trình diễn làm đèn ông sao và bánh trung thu truyền thống.\n"
    ),
}

ITEMS = [
    {
        "id": "t-001",
        "question": "Thu ngân sách năm 2023 của thành phố ước đạt bao nhiêu?",
        "answer": "Thu ngân sách năm 2023 ước đạt 400,421 nghìn tỷ đồng.",
        "key_phrases": ["400,421"],
        "sources": ["kinh_te.txt"],
        "evidence": ["Thu ngân sách năm 2023 ước đạt 400,421 nghìn tỷ đồng"],
        "category": "factual",
        "answerable": True,
        "history": [],
        "standalone": "",
    },
    {
        "id": "t-002",
        "question": "quan cau giay xay moi bao nhieu truong hoc cong lap",
        "answer": "Quận Cầu Giấy xây mới 12 trường học công lập.",
        "key_phrases": ["12 trường"],
        "sources": ["giao_duc.txt"],
        "evidence": ["Quận Cầu Giấy sẽ xây mới 12 trường học công lập"],
        "category": "no_diacritics",
        "answerable": True,
        "history": [],
        "standalone": "",
    },
    {
        "id": "t-003a",
        "question": "Năm 2023 tổng sản phẩm trên địa bàn Hà Nội tăng bao nhiêu?",
        "answer": "Năm 2023 GRDP của Hà Nội tăng 6,27%.",
        "key_phrases": ["6,27%"],
        "sources": ["kinh_te.txt"],
        "evidence": ["Năm 2023, tổng sản phẩm trên địa bàn thành phố tăng 6,27%"],
        "category": "factual",
        "answerable": True,
        "history": [],
        "standalone": "",
    },
    {
        "id": "t-003b",
        "question": "Còn năm 2024 thì sao?",
        "answer": "Năm 2024 thành phố phấn đấu tăng trưởng GRDP khoảng 6,5-7,0%.",
        "key_phrases": ["6,5"],
        "sources": ["kinh_te.txt"],
        "evidence": ["Năm 2024, thành phố phấn đấu tăng trưởng GRDP khoảng 6,5-7,0%"],
        "category": "followup",
        "answerable": True,
        "history": [
            {
                "question": "Năm 2023 tổng sản phẩm trên địa bàn Hà Nội tăng bao nhiêu?",
                "answer": "Năm 2023 GRDP của Hà Nội tăng 6,27%.",
            }
        ],
        "standalone": "Năm 2024 Hà Nội phấn đấu tăng trưởng GRDP bao nhiêu?",
    },
    {
        "id": "t-004",
        "question": "Dân số thành phố Hải Phòng năm 2023 là bao nhiêu người?",
        "answer": "",
        "key_phrases": [],
        "sources": [],
        "evidence": [],
        "category": "unanswerable",
        "answerable": False,
        "history": [],
        "standalone": "",
    },
]


class TopPassageAnswerer(Answerer):
    """Scripted answerer: quotes the top passage with [1]; abstains on scripted words."""

    name = "top-passage"

    def __init__(self, abstain_words: Sequence[str] = ("Hải Phòng",)) -> None:
        self.abstain_words = abstain_words
        self.questions: list[str] = []

    def stream(
        self, question: str, passages: Sequence[Passage], *, history: Sequence[Turn] = ()
    ) -> Iterator[AnswerEvent]:
        self.questions.append(question)
        if not passages or any(w in question for w in self.abstain_words):
            answer = Answer(
                "Tôi không tìm thấy thông tin này.", abstained=True, related=list(passages[:3])
            )
        else:
            top = passages[0]
            answer = Answer(
                f"{top.text.strip()} [1]", citations=[Citation(1, top)], question=question
            )
        yield AnswerEvent(delta=answer.text, answer=answer)


def write_fixture(root: Path) -> tuple[Path, Path]:
    """The four articles and the five-question gold set under ``root``."""
    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    dataset = root / "mini.jsonl"
    dataset.write_text(
        "\n".join(json.dumps(i, ensure_ascii=False) for i in ITEMS) + "\n", encoding="utf-8"
    )
    return corpus, dataset


@pytest.fixture
def fixture_files(tmp_path) -> tuple[Path, Path]:
    return write_fixture(tmp_path)


@pytest.fixture
def settings() -> Settings:
    return Settings(embedding={"model": "fake"}, chunking={"chunk_size": 100})


@pytest.fixture
def result(fixture_files, settings) -> EvalResult:
    corpus, dataset = fixture_files
    config = EvalConfig(dataset=dataset, corpus=corpus)
    return run_suite(config, settings=settings, progress=False, answerer=TopPassageAnswerer())


def test_dataset_loads_and_rejects_bad_rows(fixture_files, tmp_path):
    _, dataset = fixture_files
    items = load_dataset(dataset)
    assert [i.id for i in items] == ["t-001", "t-002", "t-003a", "t-003b", "t-004"]
    assert items[3].is_followup and items[3].history[0].question.startswith("Năm 2023")
    bad = tmp_path / "bad.jsonl"
    rows = [dict(ITEMS[0], category="trivia"), dict(ITEMS[1], evidence=[]), ITEMS[2], ITEMS[2]]
    bad.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n{oops\n", encoding="utf-8"
    )
    with pytest.raises(DatasetError) as err:
        load_dataset(bad)
    text = str(err.value)
    assert "unknown category 'trivia'" in text and "evidence" in text
    assert "duplicate id 't-003a'" in text and "invalid JSON" in text


def test_runner_end_to_end_scores_through_the_public_api(result):
    assert result.suite == "mini"
    assert result.config["questions"] == 5
    assert result.config["settings"]["embedding_model"] == "fake"
    assert result.config["settings"]["chunk_size"] == 100
    m = result.metrics
    for name in ("hit@1", "hit@3", "hit@5", "recall@5", "mrr", "ndcg@10", "key_phrase_accuracy", "token_f1",
                 "citation_precision", "citation_recall", "abstention_precision", "abstention_recall",
                 "false_abstention_rate", "faithfulness", "retrieve_p50_ms", "ask_p95_ms"):  # fmt: skip
        assert name in m, name
    assert m["hit@5"] == 1.0  # the tiny corpus is easy for hashing + BM25
    assert m["abstention_recall"] == 1.0 and m["false_abstention_rate"] == 0.0
    assert m["faithfulness"] == 1.0  # the answer quotes the passage it cites
    assert result.counts["hit@5"] == 4  # the four answerable questions as written
    assert result.metrics["retrieve_p50_ms"] > 0


def test_followups_are_run_with_history_and_standalone(result):
    rows = {(r["id"], r["variant"]): r for r in result.rows}
    assert ("t-003b", "as_written") in rows and ("t-003b", "standalone") in rows
    assert rows[("t-003b", "as_written")]["history"][0]["question"].startswith("Năm 2023")
    assert rows[("t-003b", "standalone")]["question"] == ITEMS[3]["standalone"]
    assert rows[("t-003b", "standalone")]["category"] == "followup_standalone"
    assert {"followup", "followup_standalone"} <= set(result.categories)
    assert result.categories["followup_standalone"]["n"] == 1


def test_rows_hold_what_a_reviewer_needs(result):
    row = next(r for r in result.rows if r["id"] == "t-001")
    assert row["expected"].startswith("Thu ngân sách")
    assert "400,421" in row["answer"]
    assert row["citations"][0]["file"] == "kinh_te.txt" and row["citations"][0]["supported"]
    assert row["retrieved"][0]["relevant"] and row["first_relevant_rank"] == 1
    assert row["scores"]["hit@1"] == 1.0 and row["latency_ms"]["retrieve"] > 0
    unanswerable = next(r for r in result.rows if r["id"] == "t-004")
    assert unanswerable["abstained"] and unanswerable["scores"]["hit@5"] is None


def test_report_files(result, tmp_path):
    out = write_report(result, tmp_path / "report")
    md = (out / "report.md").read_text(encoding="utf-8")
    assert (
        "## Headline metrics" in md
        and "| metric | value | n |" in md
        and "| hit@5 | 1.0000 | 4 |" in md
    )
    assert "## Per category" in md and "| followup_standalone | 1 |" in md
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["metrics"]["hit@5"] == 1.0 and len(data["rows"]) == 6
    assert (out / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert load_result(out).metrics == result.metrics


def test_failures_list_question_expected_answer_and_passages(fixture_files, settings, tmp_path):
    corpus, dataset = fixture_files
    # an answerer that abstains on everything: every answerable question fails
    res = run_suite(
        EvalConfig(dataset=dataset, corpus=corpus),
        settings=settings,
        progress=False,
        answerer=TopPassageAnswerer(abstain_words=("",)),
    )
    assert res.metrics["false_abstention_rate"] == 1.0 and res.metrics["key_phrase_accuracy"] == 0.0
    md = (write_report(res, tmp_path / "r") / "report.md").read_text(encoding="utf-8")
    failures = md.split("## Failures", 1)[1]
    assert "### t-001 (factual): abstained on an answerable question" in failures
    assert "**expected**: Thu ngân sách năm 2023 ước đạt 400,421 nghìn tỷ đồng." in failures
    assert (
        "**answer** (abstained)" in failures
        and "*Kinh tế Thủ đô năm 2023* (kinh_te.txt)" in failures
    )
    assert "t-004" not in failures  # abstaining there is right


def test_retrieval_only_category_and_limit(fixture_files, settings):
    corpus, dataset = fixture_files
    answerer = TopPassageAnswerer()
    res = run_suite(
        EvalConfig(
            dataset=dataset, corpus=corpus, retrieval_only=True, categories=("factual",), limit=1
        ),
        settings=settings,
        progress=False,
        answerer=answerer,
    )
    assert answerer.questions == []  # ask was never called
    assert [r["id"] for r in res.rows] == ["t-001"]
    assert "key_phrase_accuracy" not in res.metrics and "ask_p50_ms" not in res.metrics
    assert any("Partial run" in n for n in res.notes)


def test_settings_overrides_reach_the_assistant(fixture_files, settings):
    corpus, dataset = fixture_files
    res = run_suite(
        EvalConfig(
            dataset=dataset, corpus=corpus, mode="lexical", k=3, chunk_size=400, retrieval_only=True
        ),
        settings=settings,
        progress=False,
    )
    s = res.config["settings"]
    assert (s["retrieval_mode"], s["top_k"], s["chunk_size"]) == ("lexical", 3, 400)


def test_cli_run_writes_report_and_prints_headline(fixture_files, tmp_path, capsys):
    corpus, dataset = fixture_files
    out = tmp_path / "cli-report"
    code = main(["--dataset", str(dataset), "--corpus", str(corpus), "--model", "fake", "--retrieval-only",
                 "--chunk-size", "100", "--out", str(out), "--no-progress"])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "| hit@5 |" in printed and str(out / "report.md") in printed
    assert (out / "results.json").exists() and (out / "chart.png").exists()


def test_cli_full_run_with_the_extractive_answerer(fixture_files, tmp_path, capsys):
    pytest.importorskip("assistant.answering.extractive")
    corpus, dataset = fixture_files
    out = tmp_path / "full"
    code = main(
        [
            "--dataset",
            str(dataset),
            "--corpus",
            str(corpus),
            "--model",
            "fake",
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    assert code == 0
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["metrics"]["key_phrase_accuracy"] is not None
    assert all("answer" in r for r in data["rows"])


def test_cli_beside_compares_answer_modes_in_one_run(fixture_files, tmp_path, capsys):
    corpus, dataset = fixture_files
    out = tmp_path / "modes"
    code = main(["--dataset", str(dataset), "--corpus", str(corpus), "--model", "fake",
                 "--answer-mode", "extractive", "--beside", "learned", "--out", str(out),
                 "--no-progress"])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "answer mode 'extractive'" in printed and "answer mode 'learned'" in printed
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    mine, theirs = data["baselines"].values()
    assert {"key_phrase_accuracy", "ask_p50_ms"} <= set(mine) & set(theirs)
    assert mine["key_phrase_accuracy"] == data["metrics"]["key_phrase_accuracy"]


def test_cli_errors_are_clean(tmp_path, capsys):
    assert (
        main(["--dataset", str(tmp_path / "missing.jsonl"), "--model", "fake", "--no-progress"])
        == 2
    )
    assert "error:" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    _, dataset = write_fixture(tmp_path / "fx")
    assert (
        main(
            ["--dataset", str(dataset), "--corpus", str(empty), "--model", "fake", "--no-progress"]
        )
        == 2
    )
    assert "nothing could be ingested" in capsys.readouterr().err


def _saved(tmp_path: Path, name: str, metrics: dict) -> Path:
    res = EvalResult("hanoi", {"started_at": name}, metrics, {}, {}, [])
    return write_report(res, tmp_path / name)


def test_compare_prints_deltas(tmp_path, capsys):
    a = _saved(
        tmp_path,
        "a",
        {"hit@5": 0.80, "mrr": 0.70, "false_abstention_rate": 0.10, "retrieve_p50_ms": 20.0},
    )
    b = _saved(
        tmp_path,
        "b",
        {"hit@5": 0.90, "mrr": 0.65, "false_abstention_rate": 0.05, "retrieve_p50_ms": 25.0},
    )
    assert main(["--compare", str(a), str(b / "results.json")]) == 0
    out = capsys.readouterr().out
    assert "| metric | A | B | Δ (B − A) |" in out
    assert "| hit@5 | 0.8000 | 0.9000 | +0.1000 ▲ |" in out
    assert "| mrr | 0.7000 | 0.6500 | -0.0500 ▼ |" in out
    assert "| false_abstention_rate | 0.1000 | 0.0500 | -0.0500 ▲ |" in out  # lower is better
    assert "| retrieve_p50_ms | 20.0 | 25.0 | +5.0 ▼ |" in out
    table = compare_table(load_result(a), load_result(a))
    assert "+0.0000 |" in table
    assert main(["--compare", str(tmp_path / "nope"), str(b)]) == 2


class ScriptedJudge:
    """A fake chat model that says every answer is supported, and records the prompts."""

    def __init__(self) -> None:
        self.prompts: list[str] = []

    def invoke(self, prompt: str):
        self.prompts.append(prompt)
        return type("Msg", (), {"content": "CÓ"})()


def test_llm_judge_is_skipped_cleanly_without_an_llm(fixture_files, settings):
    corpus, dataset = fixture_files
    res = run_suite(
        EvalConfig(dataset=dataset, corpus=corpus, llm_judge=True),
        settings=settings,
        progress=False,
        answerer=TopPassageAnswerer(),
    )
    assert "llm_faithfulness" not in res.metrics
    assert any("LLM-judged metrics skipped" in n for n in res.notes)


def test_llm_judge_with_an_injected_chat_model(fixture_files, settings):
    corpus, dataset = fixture_files
    config = EvalConfig(dataset=dataset, corpus=corpus, llm_judge=True)
    judge = ScriptedJudge()
    with temporary_assistant(
        eval_settings(settings, config), corpus, answerer=TopPassageAnswerer()
    ) as (bot, _):
        res = evaluate(bot, load_dataset(dataset), config, progress=False, judge=judge)
    assert res.metrics["llm_faithfulness"] == 1.0
    assert res.counts["llm_faithfulness"] == 4  # the answered questions as written
    assert len(judge.prompts) == 4 and "400,421" in "".join(judge.prompts)


def test_assistant_cli_passes_eval_arguments_through(tmp_path, capsys):
    from cli import main as assistant_main

    a = _saved(tmp_path, "a", {"hit@5": 0.5})
    b = _saved(tmp_path, "b", {"hit@5": 0.6})
    assert assistant_main(["eval", "compare", str(a), str(b)]) == 0
    assert "| hit@5 | 0.5000 | 0.6000 | +0.1000 ▲ |" in capsys.readouterr().out
