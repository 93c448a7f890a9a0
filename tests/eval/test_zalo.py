"""The Zalo AI 2019 benchmark adapter on a tiny synthetic SQuAD-format file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.settings import Settings
from eval.__main__ import main
from eval.report import render_markdown, write_report
from eval.runner import EvalConfig, EvalError
from eval.zalo import BASELINES, load_squad, locate_answer, run_zalo

OCEAN = (
    "Ấn Độ Dương có diện tích 75.000.000 km² bao phủ 20% diện tích mặt nước trên Trái Đất. "
    "Đại dương này về hướng Bắc được giới hạn bởi bán đảo Ấn Độ, Pakistan và Iran."
)
GRADUATION = (
    "Sinh viên được xét tốt nghiệp khi tích lũy đủ số tín chỉ của chương trình đào tạo "
    "và có điểm trung bình chung tích lũy từ 2,00 trở lên."
)
NBA = (
    "NBA là giải đấu bóng rổ chuyên nghiệp hàng đầu ở Bắc Mỹ, gồm 30 đội bóng. "
    "Giải được thành lập năm 1946 tại thành phố New York."
)
FEES = (
    "Học phí được thu theo từng học kỳ, tính theo số tín chỉ mà sinh viên đăng ký học "
    "trong học kỳ đó; sinh viên nộp học phí trước khi học kỳ bắt đầu."
)


def squad() -> dict:
    def qa(qid, question, text, start):
        return {"id": qid, "question": question, "answers": [{"text": text, "answer_start": start}]}

    return {
        "data": [
            {"title": "Wikipedia", "paragraphs": [{"context": OCEAN, "qas": [
                qa("A1", "Ấn Độ Dương có diện tích bao nhiêu?", "75.000.000 km²", OCEAN.index("75.000.000")),
                qa("A1", "Ấn Độ Dương bao phủ bao nhiêu phần trăm mặt nước Trái Đất?", "20%", OCEAN.index("20%")),
                qa("A2", "Phía Bắc Ấn Độ Dương giáp những nước nào?", "bán đảo Ấn Độ, Pakistan và Iran", OCEAN.index("bán đảo")),
                qa("A2", "Phía Bắc Ấn Độ Dương giáp những nước nào?", "bán đảo Ấn Độ, Pakistan và Iran", OCEAN.index("bán đảo")),
            ]}]},
            {"title": "Điều kiện xét tốt nghiệp", "paragraphs": [{"context": GRADUATION, "qas": [
                qa("B1", "Điểm trung bình chung tích lũy tối thiểu để tốt nghiệp là bao nhiêu?", "2,00", GRADUATION.index("2,00") + 4),
                qa("B2", "Sinh viên cần tích lũy gì để được xét tốt nghiệp?", "Cúp bóng đá thế giới?", -1),
            ]}]},
            {"title": "Wikipedia", "paragraphs": [{"context": NBA, "qas": [
                qa("C1", "NBA có bao nhiêu đội bóng?", "30", NBA.index("30")),
                qa("C2", "NBA được thành lập năm nào?", "1946", NBA.index("1946")),
            ]}]},
            {"title": "Học phí", "paragraphs": [{"context": FEES, "qas": [
                qa("D1", "Học phí được thu theo kỳ nào?", "theo từng học kỳ", FEES.index("theo từng")),
            ]}]},
        ]
    }  # fmt: skip


@pytest.fixture
def squad_file(tmp_path) -> Path:
    path = tmp_path / "train.json"
    path.write_text(json.dumps(squad(), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def settings() -> Settings:
    return Settings(embedding={"model": "fake"})


def test_load_squad_repairs_known_defects(squad_file):
    bench = load_squad(squad_file)
    assert len(bench.paragraphs) == 4
    ids = [q.id for q in bench.questions]
    assert len(ids) == len(set(ids)) == 8
    assert "A1~2" in ids  # same id, different question: renamed, kept
    assert ids.count("A2") == 1  # same id, same question: dropped
    assert bench.notes == {
        "renamed_duplicate_ids": 1,
        "dropped_repeated_questions": 1,
        "offsets_repaired": 1,
        "answers_not_in_context": 1,
    }
    b1 = next(q for q in bench.questions if q.id == "B1")
    assert GRADUATION[b1.answer_start : b1.answer_start + 4] == "2,00"  # found by text, not offset
    assert next(q for q in bench.questions if q.id == "B2").answer_start == -1
    assert [p.kind for p in bench.paragraphs] == [
        "wikipedia",
        "regulations",
        "wikipedia",
        "regulations",
    ]


def test_locate_answer_by_text():
    ctx = "Hà Nội là thủ đô. Hà Nội có 30 quận, huyện."
    assert locate_answer(ctx, "Hà Nội", hint=20) == 18
    assert locate_answer(ctx, "Hà Nội", hint=-1) == 0
    assert locate_answer("Giải  bóng rổ NBA", "giải bóng rổ nba") == 0
    assert locate_answer(ctx, "Hải Phòng") == -1


def test_load_squad_errors(tmp_path):
    with pytest.raises(EvalError, match="not found"):
        load_squad(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 1}', encoding="utf-8")
    with pytest.raises(EvalError, match="SQuAD"):
        load_squad(bad)


def test_run_zalo_paragraph_level_with_and_without_diacritics(squad_file, settings, tmp_path):
    bench = load_squad(squad_file)
    result = run_zalo(bench, settings=settings, progress=False, source=str(squad_file))
    m = result.metrics
    for name in (
        "hit@1",
        "hit@5",
        "mrr",
        "folded_hit@1",
        "folded_hit@5",
        "folded_mrr",
        "retrieve_p50_ms",
    ):
        assert m[name] is not None, name
    assert m["hit@5"] == 1.0  # four paragraphs: the gold one is always in the top 5
    assert result.counts["hit@1"] == 8
    assert result.config["data_notes"]["chunks_indexed"] == 4  # one chunk per paragraph
    assert result.config["settings"]["chunk_size"] == 4000
    assert set(result.categories) == {"wikipedia", "regulations"}
    row = next(r for r in result.rows if r["id"] == "C1")
    assert row["folded_question"] == "NBA co bao nhieu doi bong?"
    assert row["rank"] is not None and row["retrieved"][0]["file"].endswith(".md")
    # ours beside the published baselines
    assert (
        result.baselines["baseline: dense multilingual-e5-small"]
        == BASELINES["baseline: dense multilingual-e5-small"]
    )
    assert result.baselines["**ours**"]["hit@5"] == 1.0
    md = render_markdown(result)
    assert (
        "## Beside the published baselines" in md
        and "| baseline: RRF dense + folded BM25 (k=60) | 0.8470 | 0.9890 | 0.9110 |" in md
    )
    out = write_report(result, tmp_path / "zalo-report")
    assert (out / "chart.png").exists() and (out / "results.json").exists()


def test_run_zalo_limit_and_mode(squad_file, settings):
    result = run_zalo(
        load_squad(squad_file),
        settings=settings,
        config=EvalConfig(name="zalo", mode="lexical"),
        limit=2,
        progress=False,
    )
    assert result.config["questions"] == 2 and len(result.rows) == 2
    assert result.config["settings"]["retrieval_mode"] == "lexical"


def test_zalo_cli_prints_ours_beside_baselines(squad_file, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(
        ["zalo", "--path", str(squad_file), "--model", "fake", "--out", str(out), "--no-progress"]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "| **ours** |" in printed and "0.8240" in printed and "0.2240" in printed
    assert "| folded_hit@5 |" in printed
    assert (out / "report.md").exists()


def test_zalo_cli_check(squad_file, tmp_path, capsys):
    thresholds = tmp_path / "t.json"
    thresholds.write_text(
        json.dumps({"zalo": {"hit@5": 0.9, "folded_hit@5": 0.9, "_why": "t"}}), encoding="utf-8"
    )
    args = [
        "zalo",
        "--path",
        str(squad_file),
        "--model",
        "fake",
        "--out",
        str(tmp_path / "o"),
        "--no-progress",
    ]
    assert main([*args, "--check", "--thresholds", str(thresholds)]) == 0
    thresholds.write_text(
        json.dumps({"zalo": {"hit@1": 1.01, "_why": "impossible"}}), encoding="utf-8"
    )
    assert main([*args, "--check", "--thresholds", str(thresholds)]) == 1
    assert "hit@1 = " in capsys.readouterr().out


def test_zalo_cli_errors(tmp_path, capsys):
    assert main(["zalo", "--path", str(tmp_path / "nope.json"), "--model", "fake"]) == 2
    assert "benchmark file not found" in capsys.readouterr().err


def test_zalo_ask_scores_answers(squad_file, settings):
    pytest.importorskip("assistant.answering.extractive")
    result = run_zalo(load_squad(squad_file), settings=settings, ask=True, limit=3, progress=False)
    assert "answer_contains" in result.metrics and "false_abstention_rate" in result.metrics
    assert all("answer" in r for r in result.rows)
