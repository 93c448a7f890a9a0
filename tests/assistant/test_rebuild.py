"""Rebuilding the index: after a change of embedding model, and without losing sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import assistant.core as core
import assistant.documents as documents
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


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "kb", embedding={"model": "fake"})


def _article(path: Path, title: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{title}\n\nBài viết về {title.lower()} của Thủ đô Hà Nội năm 2024.\n", encoding="utf-8")
    return path


def test_rebuild_rereads_every_indexed_file_plus_the_paths_given(settings, tiny_corpus, tmp_path):
    bot = Assistant(settings)
    bot.ingest([tiny_corpus])
    single = _article(tmp_path / "elsewhere" / "rieng.txt", "Một bài riêng")
    uploaded = _article(settings.data_dir / "uploads" / "tai_len.txt", "Bài tải lên")
    doomed = _article(tmp_path / "elsewhere" / "se_xoa.txt", "Bài sẽ xoá")
    bot.ingest([single, uploaded, doomed])
    doomed.unlink()
    new = _article(tmp_path / "moi" / "moi.txt", "Bài mới")

    report = Assistant(settings).ingest([new], rebuild=True)

    names = sorted(Path(s).name for s in report.added)
    assert names == ["giao_thong.txt", "kinh_te.txt", "moi.txt", "quy_hoach.txt", "rieng.txt", "tai_len.txt"]
    assert report.removed == [str(doomed.resolve())]  # reported, not silently dropped
    assert not report.failed
    bot = Assistant(settings)
    assert len(bot.sources()) == 6
    assert bot.components.store.count() == sum(s.chunks for s in bot.sources())
    assert not (settings.data_dir / core.REBUILD_PENDING_FILE).exists()


def test_an_interrupted_rebuild_is_finished_by_the_next_ingest(settings, tiny_corpus, monkeypatch):
    Assistant(settings).ingest([tiny_corpus])
    real = documents.load_article
    calls = []

    def dying_loader(path, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the user stops it, or the process dies, mid-way
        return real(path, **kwargs)

    monkeypatch.setattr(documents, "load_article", dying_loader)
    with pytest.raises(KeyboardInterrupt):
        Assistant(settings).ingest([], rebuild=True)
    pending = settings.data_dir / core.REBUILD_PENDING_FILE
    assert len(json.loads(pending.read_text(encoding="utf-8"))) == 3
    monkeypatch.setattr(documents, "load_article", real)

    report = Assistant(settings).ingest([])
    assert len(report.added) == 3 and not report.failed
    assert len(Assistant(settings).sources()) == 3
    assert not pending.exists()
