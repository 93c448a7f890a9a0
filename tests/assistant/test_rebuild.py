"""Rebuilding the index after a change of embedding model."""

from __future__ import annotations

from pathlib import Path

from assistant import Assistant, Settings
from assistant.cli import main


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_rebuild_is_the_way_out_of_a_model_mismatch(tmp_path, tiny_corpus, capsys):
    data = str(tmp_path / "kb")
    code, _, _ = _run(capsys, "ingest", str(tiny_corpus), "--data-dir", data, "--model", "fake:64", "-q")
    assert code == 0
    code, _, err = _run(capsys, "sources", "--data-dir", data, "--model", "fake")
    assert code == 2 and "--rebuild" in err  # the mismatch names the way out ...

    code, out, err = _run(
        capsys, "ingest", str(tiny_corpus), "--data-dir", data, "--model", "fake", "--rebuild", "-q"
    )
    assert code == 0, err  # ... and the way out works
    assert "updated 0" in out and "removed 0" in out

    bot = Assistant(Settings(data_dir=data, embedding={"model": "fake"}))
    assert sorted(s.file_name for s in bot.sources()) == ["giao_thong.txt", "kinh_te.txt", "quy_hoach.txt"]
    assert bot.components.store.embedding_model == "fake-hashing-256"
    assert Path(bot.retrieve("điểm nghẽn giao thông", k=1)[0].source).name == "giao_thong.txt"
