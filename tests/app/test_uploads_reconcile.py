"""After an app was killed during an upload, the next start reconciles ``uploads/``."""

from __future__ import annotations

from assistant import Assistant, Settings
from ingest.pipeline import load_article
from webapp.uploads import BACKUP_PREFIX, reconcile_uploads

OLD = "Bản tin cũ\n\nHà Nội khánh thành cầu đi bộ dài 120 mét qua sông Tô Lịch.\n"
NEW = "Bản tin mới\n\nCầu đi bộ qua sông Tô Lịch mở cửa từ 6 giờ sáng mỗi ngày.\n"


def test_a_killed_upload_is_reconciled_on_start(tmp_path):
    settings = Settings(data_dir=tmp_path / "kb", embedding={"model": "fake"})
    uploads = settings.data_dir / "uploads"
    uploads.mkdir(parents=True)
    bot = Assistant(settings)
    # an earlier upload, indexed
    (uploads / "ban_tin.txt").write_text(OLD, encoding="utf-8")
    bot.ingest([uploads / "ban_tin.txt"])
    # then an upload killed after copying its files, before indexing them:
    backup = settings.data_dir / f"{BACKUP_PREFIX}abc123"
    backup.mkdir()
    (backup / "ban_tin.txt").write_text(OLD, encoding="utf-8")  # the version it replaced
    (uploads / "ban_tin.txt").write_text(NEW, encoding="utf-8")  # not indexed
    (uploads / "moi.txt").write_text(NEW.replace("mới", "khác"), encoding="utf-8")  # not indexed
    (uploads / "hong.pdf").write_bytes(b"%PDF-1.4 broken")  # would have been refused

    done = reconcile_uploads(Assistant(settings), uploads)

    assert (uploads / "ban_tin.txt").read_text(encoding="utf-8") == OLD  # what the index holds
    assert sorted(p.name for p in uploads.iterdir()) == ["ban_tin.txt", "moi.txt"]
    assert not list(settings.data_dir.glob(BACKUP_PREFIX + "*"))
    bot = Assistant(settings)
    assert {s.file_name for s in bot.sources()} == {"ban_tin.txt", "moi.txt"}
    live = bot.components.store.manifest()[str((uploads / "ban_tin.txt").resolve())]["doc_hash"]
    assert live == load_article(uploads / "ban_tin.txt").metadata["doc_hash"]  # file and index agree
    assert len(done) == 3  # each step is said (and logged)
    assert reconcile_uploads(Assistant(settings), uploads) == []  # nothing left to do


def test_a_replacement_that_was_indexed_is_kept(tmp_path):
    settings = Settings(data_dir=tmp_path / "kb", embedding={"model": "fake"})
    uploads = settings.data_dir / "uploads"
    uploads.mkdir(parents=True)
    (uploads / "ban_tin.txt").write_text(NEW, encoding="utf-8")
    Assistant(settings).ingest([uploads / "ban_tin.txt"])  # killed after indexing the new version
    backup = settings.data_dir / f"{BACKUP_PREFIX}def456"
    backup.mkdir()
    (backup / "ban_tin.txt").write_text(OLD, encoding="utf-8")

    assert reconcile_uploads(Assistant(settings), uploads) == []
    assert (uploads / "ban_tin.txt").read_text(encoding="utf-8") == NEW
    assert not backup.exists()
