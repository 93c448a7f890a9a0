"""The app's uploads folder after a crash: put back what an interrupted upload replaced,
index what it copied, so every file in ``uploads/`` is a listed source again.

An upload copies the files into ``<data_dir>/uploads`` (keeping the earlier
version of a replaced file in a ``.replaced-*`` folder beside it), indexes them,
then removes the folder. Killed in between, it leaves files that are neither
indexed nor listed; :func:`reconcile_uploads` runs when the app starts.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from ingest import schema
from ingest.errors import IngestError
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.pipeline import load_article

if TYPE_CHECKING:
    from assistant.core import Assistant

log = logging.getLogger(__name__)

#: prefix of the folder (beside ``uploads/``) holding the files an upload replaces
BACKUP_PREFIX = ".replaced-"


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
