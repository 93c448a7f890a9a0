"""The document side of :class:`~assistant.core.Assistant`: ingest, list and delete sources.

Ingest reads files into articles and chunks (:mod:`ingest`) and writes them through the
document index, in groups so the model embeds full batches; a rebuild keeps the sources it
has still to re-read in the data dir until it is done.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.types import AssistantError, IngestReport
from ingest import schema
from ingest.errors import IngestError
from ingest.pipeline import discover_files, load_article

if TYPE_CHECKING:
    from langchain_core.documents import Document

    from assistant.factory import Components
    from assistant.settings import Settings

log = logging.getLogger(__name__)

#: progress callback: (files done, files total, current file name)
Progress = Callable[[int, int, str], None]

#: ingest embeds the new chunks of up to this many files (or chunks) together,
#: so the model sees full batches; each article is still switched on its own
INGEST_GROUP_FILES = 16
INGEST_GROUP_CHUNKS = 256

#: in the data dir while a rebuild has sources left to re-read (JSON list of sources)
REBUILD_PENDING_FILE = "rebuild-pending.json"


@dataclass(frozen=True)
class Source:
    """An indexed article."""

    source: str
    file_name: str
    title: str
    outlet: str
    date: str
    chunks: int
    ingested_at: str


class DocumentsMixin:
    """Ingest, list and delete the indexed sources (part of :class:`~assistant.core.Assistant`)."""

    settings: Settings
    components: Components

    def ingest(
        self,
        paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        *,
        progress: bool | Progress = False,
        rebuild: bool = False,
    ) -> IngestReport:
        """Index files and folders (recursively); returns what changed.

        ``paths`` is one path or a list of them.

        Unchanged files are skipped, changed files replace their old chunks,
        files removed from an ingested folder are removed from the index, and a
        file that cannot be read is reported in ``failed`` while the rest go in.

        ``rebuild=True`` drops the index (whatever embedding model built it) and
        re-reads every indexed source file that still exists, plus ``paths``;
        sources whose file is gone are listed in ``removed``. The list of
        sources to re-read is kept in the data dir until the rebuild is done, so
        an interrupted rebuild is finished by the next ingest.

        The store's writer lock is held for the whole ingest: a second writer
        waits for all of it, or gives up having changed nothing.
        """
        c = self.components
        # one path given alone is that path (a str is also an iterable of its characters)
        single = isinstance(paths, (str, os.PathLike))
        paths = [Path(paths)] if single else [Path(p) for p in paths]
        report = IngestReport()
        with c.index.writing():
            pending = self._pending_rebuild()
            if rebuild:
                pending = sorted(set(pending) | set(c.index.recorded_sources()))
                self._save_pending_rebuild(pending)
                c.index.reset()
            for source in pending:
                if Path(source).is_file():
                    paths.append(Path(source))
                else:
                    report.removed.append(source)
                    log.warning("rebuild: %s no longer exists; dropped from the index", source)
            self._ingest_files(paths, progress, report)
            if pending:
                self._pending_rebuild_file.unlink(missing_ok=True)
        log.info("ingest: %s", report.summary())
        return report

    @property
    def _pending_rebuild_file(self) -> Path:
        return self.settings.data_dir / REBUILD_PENDING_FILE

    def _pending_rebuild(self) -> list[str]:
        """Sources an interrupted rebuild had still to re-read ([] when none)."""
        try:
            data = json.loads(self._pending_rebuild_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as e:
            log.warning("ignoring unreadable %s: %s", self._pending_rebuild_file, e)
            return []
        return [str(s) for s in data] if isinstance(data, list) else []

    def _save_pending_rebuild(self, sources: list[str]) -> None:
        path = self._pending_rebuild_file
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(sources, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    def _ingest_files(
        self, paths: list[Path], progress: bool | Progress, report: IngestReport
    ) -> None:
        c = self.components
        files, failures = discover_files(paths)
        report.failed.update(failures)
        bar = _ProgressBar(len(files), progress)
        max_bytes = int(self.settings.max_file_mb * 1024 * 1024)
        group: list[tuple[Path, Document, list[Document]]] = []
        done = 0

        def flush() -> None:
            nonlocal done
            if not group:
                return
            name = group[-1][0].name if len(group) == 1 else f"{len(group)} files"
            results = c.index.write_articles(
                [(a, ch) for _, a, ch in group],
                progress=lambda n, total: bar.note(f"{name}: {n:,}/{total:,} passages"),
            )
            for (path, article, _), result in zip(group, results, strict=True):
                getattr(report, result.status).append(article.metadata[schema.SOURCE])
                report.chunks_added += result.chunks_added
                report.chunks_removed += result.chunks_removed
                done += 1
                bar(done, path.name)
            group.clear()

        for path in files:
            key = str(path)
            try:
                article = load_article(path, max_bytes=max_bytes)
                size, limit = len(article.page_content), self.settings.max_article_chars
                if size > limit:
                    raise IngestError(
                        f"article too long: {size:,} characters > {limit:,} "
                        "(ASSISTANT_MAX_ARTICLE_CHARS); split the file or raise the limit"
                    )
                chunks = c.chunker.split([article])
                if not chunks:
                    raise IngestError("no text left after cleaning")
            except IngestError as e:
                report.failed[key] = str(e)
                log.warning("skipped %s: %s", key, e)
            except FileNotFoundError:
                report.failed[key] = "file disappeared during ingest"
            except OSError as e:
                report.failed[key] = f"cannot read: {e.strerror or e}"
            else:
                group.append((path, article, chunks))
                if (
                    len(group) >= INGEST_GROUP_FILES
                    or sum(len(g[2]) for g in group) >= INGEST_GROUP_CHUNKS
                ):
                    flush()
                continue
            done += 1
            bar(done, path.name)
        flush()
        report.merge(self._remove_vanished(paths))

    def ensure_corpus(
        self, corpus: str | os.PathLike[str] | None = None, *, progress: bool | Progress = False
    ) -> IngestReport | None:
        """First start on an empty index: ingest ``corpus`` (default
        ``settings.corpus_dir``, the bundled articles). Returns None when the
        index already has sources or there is no such folder."""
        folder = Path(corpus) if corpus is not None else self.settings.corpus_dir
        if self.sources() or not folder.is_dir():
            return None
        log.info("empty index: ingesting %s", folder)
        return self.ingest([folder], progress=progress)

    def _remove_vanished(self, paths: list[Path]) -> IngestReport:
        """Sources under an ingested folder whose file no longer exists."""
        report = IngestReport()
        dirs = [str(p.resolve()) + os.sep for p in paths if p.is_dir()]
        if not dirs:
            return report
        for source in list(self.components.index.manifest()):
            if any(source.startswith(d) for d in dirs) and not Path(source).exists():
                report.chunks_removed += self.components.index.delete_source(source)
                report.removed.append(source)
        return report

    # ---------------------------------------------------------------- sources
    def sources(self) -> list[Source]:
        """Indexed articles, by title."""
        out = [
            Source(
                source=src,
                file_name=str(m.get("file_name", "") or Path(src).name),
                title=str(m.get("title", "")),
                outlet=str(m.get("outlet", "")),
                date=str(m.get("date", "")),
                chunks=int(m.get("chunks", 0) or 0),
                ingested_at=str(m.get("ingested_at", "")),
            )
            for src, m in self.components.index.store.manifest().items()
        ]
        return sorted(out, key=lambda s: (s.title.lower(), s.source))

    def resolve_source(self, source: str) -> str:
        """A source key from a full path, a file name or a title (must be unique)."""
        known = {s.source: s for s in self.sources()}
        if source in known:
            return source
        resolved = str(Path(source).expanduser().resolve())
        if resolved in known:
            return resolved
        matches = [s.source for s in known.values() if source in (s.file_name, s.title)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise AssistantError(f"No indexed source matches '{source}'. See `assistant sources`.")
        raise AssistantError(
            f"'{source}' matches {len(matches)} sources; give the full path: " + ", ".join(matches)
        )

    def delete(self, source: str) -> int:
        """Remove a source (path, file name or title) from the index; returns chunks removed."""
        return self.components.index.delete_source(self.resolve_source(source))


class _ProgressBar:
    """Files done, told to a callback or a tqdm bar; ``note`` says what the bar waits on."""

    def __init__(self, total: int, progress: bool | Progress) -> None:
        self.total = total
        self._callback = progress if callable(progress) else None
        self._tqdm = None
        if progress and not callable(progress) and total:
            from tqdm import tqdm

            self._tqdm = tqdm(total=total, unit="file", desc="ingest")

    def __call__(self, n: int, name: str) -> None:
        if self._callback is not None:
            self._callback(n, self.total, name)
        elif self._tqdm is not None:
            self._tqdm.set_postfix_str(name[:40])
            self._tqdm.update(1)
            if n == self.total:
                self._tqdm.close()

    def note(self, text: str) -> None:
        """Shown beside the bar while one file (or group) is embedded."""
        if self._tqdm is not None:
            self._tqdm.set_postfix_str(text[:60])
