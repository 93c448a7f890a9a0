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

import filecmp
import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from ingest import schema
from ingest.errors import IngestError
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.pipeline import load_article
from webapp.ui_format import numbered_upload_name, upload_destination

if TYPE_CHECKING:
    from assistant.core import Assistant

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
