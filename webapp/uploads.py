"""The app's uploads folder: where an upload is stored, and what to do after a crash.

:func:`upload_path` picks the stored name: the upload's safe name, or the first
free ``name (2).ext``, ``name (3).ext`` ... when a different file has it (names
that differ only in characters a safe name drops end up the same), so an upload
never silently replaces another file.

After a crash: an upload copies the files into ``<data_dir>/uploads`` (keeping the earlier
version of a replaced file in a ``.replaced-*`` folder beside it), indexes them,
then removes the folder. Killed in between, it leaves files that are neither
indexed nor listed; :func:`reconcile_uploads` runs when the app starts.
"""

from __future__ import annotations

import contextlib
import filecmp
import logging
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest import schema
from ingest.errors import IngestError
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.pipeline import load_article
from webapp.ui_format import (
    numbered_upload_name,
    render_ingest_report,
    safe_upload_name,
    upload_destination,
    upload_rejection,
    user_error_message,
)

if TYPE_CHECKING:
    from assistant.core import Assistant
    from webapp.chat import ChatSession

log = logging.getLogger(__name__)

#: prefix of the folder (beside ``uploads/``) holding the files an upload replaces
BACKUP_PREFIX = ".replaced-"


def upload_path(uploads_dir: Path, name: str, upload: Path) -> Path:
    """Where the file ``upload``, uploaded as ``name``, is stored in ``uploads_dir``.

    Its safe name, unless a file with other content has that name: then the first
    ``name (n).ext`` that is free or holds the same content (uploading a file again
    leaves it as it is). Never outside ``uploads_dir`` (see ``upload_destination``).
    """
    dest = first = upload_destination(uploads_dir, name)
    n = 1
    while dest.exists() and not (dest.is_file() and filecmp.cmp(dest, upload, shallow=False)):
        n += 1
        dest = upload_destination(uploads_dir, numbered_upload_name(first.name, n))
    return dest


def reconcile_uploads(assistant: Assistant, uploads_dir: Path) -> list[str]:
    """Bring ``uploads_dir`` and the index back in line; returns what was done, one line each.

    A file an interrupted upload replaced is put back unless its new version
    made it into the index; files the index does not list are indexed, and
    removed when they cannot be (as a finished upload would have).
    """
    done: list[str] = []
    uploads_dir = Path(uploads_dir)
    manifest = assistant.components.index.store.manifest()
    for backup_dir in sorted(uploads_dir.parent.glob(BACKUP_PREFIX + "*")):
        for backup in sorted(p for p in backup_dir.iterdir() if p.is_file()):
            dest = uploads_dir / backup.name
            if not _indexed_as_is(dest, manifest):
                shutil.copy2(backup, dest)
                done.append(f"restored the earlier {dest.name}")
        shutil.rmtree(backup_dir, ignore_errors=True)
    if not uploads_dir.is_dir():
        return done
    unlisted = [
        p
        for p in sorted(uploads_dir.iterdir())
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and str(p.resolve()) not in manifest
    ]
    if unlisted:
        report = assistant.ingest(unlisted)
        done += [f"indexed {Path(s).name}" for s in report.added + report.updated]
        for path in report.failed:
            Path(path).unlink(missing_ok=True)
            done.append(f"removed {Path(path).name}: {report.failed[path]}")
    for line in done:
        log.warning("uploads after an interrupted upload: %s", line)
    return done


def _indexed_as_is(path: Path, manifest: dict) -> bool:
    """Whether the index's live version of ``path`` is the file as it is now."""
    record = manifest.get(str(path.resolve()))
    if record is None or not path.is_file():
        return False
    try:
        return load_article(path).metadata[schema.DOC_HASH] == record.get("doc_hash")
    except IngestError:
        return False


def ingest_uploads(
    session: ChatSession,
    files: Sequence[Path],
    max_mb: float,
    progress: Any = None,
) -> str:
    """Copy acceptable uploads into ``<data_dir>/uploads`` and index them; the report as HTML.

    A refused or unreadable file is reported by name and leaves everything else
    as it was. An upload whose name a different stored file already has is stored as
    ``name (2).ext`` (see :func:`webapp.uploads.upload_path`) and the report says so.
    """
    if not files:
        return render_ingest_report(None)
    session.uploads_dir.mkdir(parents=True, exist_ok=True)
    rejected: dict[str, str] = {}
    accepted: list[Path] = []
    backup_dir = Path(tempfile.mkdtemp(prefix=BACKUP_PREFIX, dir=session.uploads_dir.parent))
    backups: dict[Path, Path] = {}
    renamed: dict[str, str] = {}  # stored name -> the name it was uploaded as
    try:
        for src in files:
            shown = safe_upload_name(src.name)
            try:
                size = src.stat().st_size
            except OSError:
                rejected[shown] = "không đọc được tệp tải lên"
                continue
            reason = upload_rejection(src.name, size, max_mb)
            if reason:
                rejected[shown] = reason
                continue
            dest = upload_path(session.uploads_dir, src.name, src)
            if dest in accepted:
                rejected[shown] = "trùng với một tệp khác trong lần nạp này"
                continue
            if dest.exists():  # the same file again (upload_path never picks another one)
                backups[dest] = backup_dir / dest.name  # the name says where it goes back
                shutil.copy2(dest, backups[dest])
            elif dest.name != shown:
                renamed[dest.name] = shown
            shutil.copyfile(src, dest)
            accepted.append(dest)

        def step(done: int, total: int, name: str) -> None:
            if progress is not None:
                progress((done, total), desc=f"Đang nạp {name}", unit="tệp")

        report = session.assistant.ingest(accepted, progress=step) if accepted else None
        failed = set(report.failed) if report else set()
        for dest in accepted:
            if str(dest) in failed:
                _restore(dest, backups.get(dest))
    except Exception as e:
        log.exception("upload failed")
        for dest in accepted:
            _restore(dest, backups.get(dest))
        from assistant import StoreError

        why = user_error_message(e) if isinstance(e, StoreError) else e
        for dest in accepted:
            rejected.setdefault(renamed.get(dest.name, dest.name), f"lỗi khi nạp, đã huỷ ({why})")
        renamed.clear()
        report = None
    finally:
        shutil.rmtree(backup_dir, ignore_errors=True)
        for src in files:
            _discard_temporary_upload(src)
    return render_ingest_report(report, rejected, renamed)


def _discard_temporary_upload(src: Path) -> None:
    """Gradio's temporary copy of an upload, once read: refused, or copied into
    ``uploads/``, it is of no further use (files elsewhere are left alone)."""
    from gradio.utils import get_upload_folder

    try:
        path = src.resolve()
        inside = Path(get_upload_folder()).resolve() in path.parents
    except OSError:
        return
    if inside:
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            path.parent.rmdir()  # Gradio's folder for this one file, when empty


def _restore(dest: Path, backup: Path | None) -> None:
    if backup is not None and backup.exists():
        shutil.copy2(backup, dest)
    else:
        dest.unlink(missing_ok=True)
