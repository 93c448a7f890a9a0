"""The command line, on the deterministic fake embedder (``--model fake``)."""

from __future__ import annotations

import json

from assistant.cli import main


def _run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_ingest_then_search_explain_shows_ranks_fused_and_evidence(tmp_path, tiny_corpus, capsys):
    data = str(tmp_path / "kb")
    code, _ = _run(capsys, "ingest", str(tiny_corpus), "--data-dir", data, "--model", "fake", "-q")
    assert code == 0
    code, out = _run(
        capsys, "search", "--explain", "-k", "2", "--data-dir", data, "--model", "fake",
        "Thu ngân sách năm 2023 ước đạt bao nhiêu?",
    )  # fmt: skip
    assert code == 0
    assert out.startswith("[1] Tăng trưởng kinh tế Thủ đô")
    explain = [line for line in out.splitlines() if "dense rank" in line]
    assert len(explain) == 2
    assert all(
        "lexical rank" in x and "fused" in x and "evidence" in x and "re-ranked" in x
        for x in explain
    )


def test_search_json_carries_the_first_stage_and_evidence_scores(tmp_path, tiny_corpus, capsys):
    data = str(tmp_path / "kb")
    _run(capsys, "ingest", str(tiny_corpus), "--data-dir", data, "--model", "fake", "-q")
    code, out = _run(
        capsys,
        "search",
        "--json",
        "--data-dir",
        data,
        "--model",
        "fake",
        "Quy hoạch chung điều chỉnh đến năm nào?",
    )
    assert code == 0
    rows = json.loads(out)
    assert rows[0]["source"].endswith("quy_hoach.txt")
    assert all(r["fused_score"] is not None and 0.0 <= r["evidence_score"] <= 1.0 for r in rows)


def test_an_empty_question_is_a_clear_error_not_a_traceback(tmp_path, capsys):
    code = main(["search", "--data-dir", str(tmp_path / "kb"), "--model", "fake", "  "])
    assert code != 0
    assert "question" in capsys.readouterr().err.lower()


def test_a_missing_path_is_one_clear_line_and_exit_2(tmp_path, tiny_corpus, capsys):
    data = tmp_path / "kb"
    code = main(
        [
            "ingest",
            str(tiny_corpus),
            str(tmp_path / "khong_co"),
            "--data-dir",
            str(data),
            "--model",
            "fake",
            "-q",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2  # as the README says for a missing path
    assert err.startswith("error: ") and "khong_co" in err and len(err.strip().splitlines()) == 1
    assert not (data / "chroma").exists()  # nothing was ingested


def test_chat_keeps_the_reading_and_shows_it_before_the_answer(
    tmp_path, tiny_corpus, capsys, monkeypatch
):
    from assistant.cli import _print_answer
    from assistant.types import Answer

    _print_answer(Answer("160-162 triệu đồng [1]", understood_as="GRDP năm 2024 đạt bao nhiêu?"))
    out = capsys.readouterr().out
    assert out.index("Hiểu là: GRDP năm 2024 đạt bao nhiêu?") < out.index("160-162")
    data = str(tmp_path / "kb")
    _run(capsys, "ingest", str(tiny_corpus), "--data-dir", data, "--model", "fake", "-q")
    seen = []
    from assistant.core import Assistant

    real_ask = Assistant.ask

    def spy(self, question, history=None, **kw):
        seen.append(list(history or []))
        return real_ask(self, question, history, **kw)

    monkeypatch.setattr(Assistant, "ask", spy)
    lines = iter(["Thu ngân sách năm 2023 ước đạt bao nhiêu?", "Còn năm 2024 thì sao?", "exit"])
    monkeypatch.setattr("builtins.input", lambda _prompt="": next(lines))
    assert _run(capsys, "chat", "--data-dir", data, "--model", "fake")[0] == 0
    assert (
        seen[1][0].question == "Thu ngân sách năm 2023 ước đạt bao nhiêu?"
    )  # the turn as answered
