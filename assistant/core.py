"""The public API: :class:`Assistant`.

Example:
    >>> from assistant import Assistant, Settings
    >>> bot = Assistant(Settings(data_dir="/tmp/kb"))           # doctest: +SKIP
    >>> report = bot.ingest(["data/articles"])                    # doctest: +SKIP
    >>> bot.retrieve("Hà Nội đặt mục tiêu tăng trưởng bao nhiêu?", k=5)[0].title  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.answering.base import AnswerEvent, Turn
from assistant.conversation.base import Attempt, Reading
from assistant.settings import Settings
from assistant.types import Answer, AssistantError, IngestReport, Passage
from ingest import schema
from ingest.errors import IngestError
from ingest.pipeline import discover_files, load_article
from textvi import nfc

if TYPE_CHECKING:
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever

    from assistant.answering.base import Answerer
    from assistant.factory import Components
    from vectorstore.embeddings import ModelIdentified
    from vectorstore.store import VectorStore

log = logging.getLogger(__name__)

#: progress callback: (files done, files total, current file name)
Progress = Callable[[int, int, str], None]

HistoryLike = Sequence[Turn | dict[str, str] | tuple[str, str]] | None

MAX_QUESTION_CHARS = 2000
#: a question needs this many letters or digits to be searched for ("GDP" is enough, "ổ" is not)
MIN_QUESTION_ALNUM = 2
#: most passages a caller may ask for
MAX_K = 100
#: history limits when no settings are at hand (``Settings.history`` has the same defaults)
DEFAULT_HISTORY_TURNS = 8
DEFAULT_HISTORY_TURN_CHARS = 2000

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


class Assistant:
    """Vietnamese retrieval Q&A over a collection of articles.

    Construction is light: the embedding model and the store open on first use.
    Parts can be injected (``embeddings=``, ``store=``, ``answerer=``) for tests
    or custom backends.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embeddings: ModelIdentified | None = None,
        store: VectorStore | None = None,
        answerer: Answerer | None = None,
    ) -> None:
        self.settings = settings if settings is not None else Settings()
        self._inject = {"embeddings": embeddings, "store": store, "answerer": answerer}
        self._components: Components | None = None
        self._lock = threading.Lock()

    # ----------------------------------------------------------------- wiring
    @property
    def components(self) -> Components:
        if self._components is None:
            with self._lock:
                if self._components is None:
                    from assistant.factory import build_components

                    self._components = build_components(self.settings, **self._inject)
        return self._components

    @property
    def answerer(self) -> Answerer:
        return self.components.answerer

    def with_answerer(self, answerer: Answerer, settings: Settings | None = None) -> Assistant:
        """A view of this assistant that answers with another answerer (same index)."""
        from assistant.factory import build_condenser, build_judge

        settings = settings or self.settings
        other = Assistant(settings, answerer=answerer)
        other._components = dataclasses.replace(
            self.components,
            answerer=answerer,
            condenser=build_condenser(settings, answerer),
            judge=build_judge(settings, answerer),
        )
        return other

    def with_answer_mode(self, mode: str) -> Assistant:
        """A view of this assistant answering in another ``answer.mode`` (same index).

        >>> bot = Assistant(Settings(data_dir="/tmp/kb", embedding={"model": "fake"}))
        >>> type(bot.with_answer_mode("learned").answerer).__name__
        'EvidenceAnswerer'
        """
        from assistant.factory import build_answerer

        answer = self.settings.answer.model_copy(update={"mode": mode})
        settings = self.settings.model_copy(update={"answer": answer})
        return self.with_answerer(build_answerer(settings), settings)

    def with_settings(self, settings: Settings) -> Assistant:
        """A view of this assistant under other search and answer settings (same model, store).

        Only how questions are searched and answered may differ (``retrieval``, ``answer``,
        ``history``...): ``data_dir``, ``chroma``, ``embedding`` and ``chunking`` must be this
        assistant's, since the view reads the same index. The embedding model and the store
        are shared; the rest (lexical index, re-ranker, answerer) is built from ``settings``.
        An ablation is a list of such settings.

        >>> bot = Assistant(Settings(data_dir="/tmp/kb", embedding={"model": "fake"}))
        >>> lexical = bot.with_settings(bot.settings.model_copy(
        ...     update={"retrieval": bot.settings.retrieval.model_copy(update={"mode": "lexical"})}))
        >>> lexical.settings.retrieval.mode
        'lexical'
        """
        for part in ("data_dir", "chroma", "embedding", "chunking"):
            if getattr(settings, part) != getattr(self.settings, part):
                raise ValueError(f"with_settings: {part} differs from this assistant's")
        c = self.components
        return Assistant(settings, embeddings=c.embeddings, store=c.store)

    def warm_up(self) -> None:
        """Load the model, open the store and the lexical index now."""
        c = self.components
        c.embeddings.embed_query("khởi động")
        c.index.manifest()
        c.index.sync_lexical()

    # ----------------------------------------------------------------- ingest
    def ingest(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        progress: bool | Progress = False,
        rebuild: bool = False,
    ) -> IngestReport:
        """Index files and folders (recursively); returns what changed.

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
        paths = [Path(p) for p in paths]
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

    # -------------------------------------------------------------- retrieval
    def retrieve(
        self,
        question: str,
        k: int | None = None,
        *,
        history: HistoryLike = None,
        sources: Sequence[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        mode: str | None = None,
        rerank: bool = True,
    ) -> list[Passage]:
        """Passages that best answer ``question``, best first.

        ``sources`` restricts to some articles (paths, file names or titles);
        ``date_from``/``date_to`` are ISO dates (``"2023"``, ``"2023-11"``,
        ``"2023-11-24"``), and articles without a known date are then left out.
        With ``history``, the question is searched as :meth:`read` reads it.
        ``rerank=False`` skips the second stage (``settings.retrieval.rerank``)
        and returns the first-stage order.
        """
        question = check_question(question)
        query = self.search_query(question, history)
        return self._retrieve(query, k, sources, date_from, date_to, mode, rerank)

    def _retrieve(
        self,
        query: str,
        k: int | None = None,
        sources: Sequence[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        mode: str | None = None,
        rerank: bool = True,
    ) -> list[Passage]:
        k = check_k(k or self.settings.retrieval.top_k)
        src = [self.resolve_source(s) for s in sources] if sources else None
        reranker = self.components.reranker if rerank else None
        hits = self.components.index.search(
            query,
            max(k, reranker.depth) if reranker else k,
            mode=mode or self.settings.retrieval.mode,  # type: ignore[arg-type]
            sources=src,
            date_from=date_from,
            date_to=date_to,
        )
        passages = [
            Passage.from_document(
                h.to_document(),
                h.score,
                dense_rank=h.dense_rank,
                lexical_rank=h.lexical_rank,
                dense_score=h.dense_score,
                lexical_score=h.lexical_score,
            )
            for h in hits
        ]
        if reranker:
            passages = reranker.rerank(query, passages)
        return passages[:k]

    def search_query(self, question: str, history: HistoryLike = None) -> str:
        """The stand-alone query a (follow-up) question is retrieved with."""
        return self.read(question, history).query

    def read(self, question: str, history: HistoryLike = None, *, k: int | None = None) -> Reading:
        """How ``question`` is read after ``history``: as asked, or with the conversation.

        The conversation condenser (``settings.conversation``) decides; the evidence one
        searches and answers both readings with ``k`` passages.
        """
        return self._read(check_question(question), self._history(history), {}, k)

    def _read(
        self,
        question: str,
        turns: list[Turn],
        tried: dict[str, Attempt],
        k: int | None,
    ) -> Reading:
        c = self.components
        if not turns or c.condenser is None:
            return Reading(nfc(question))
        k = k or self.settings.answer.context_passages

        def try_reading(query: str) -> Attempt:
            if query not in tried:
                passages = self._retrieve(query, k)
                tried[query] = Attempt(query, passages, c.reading_judge.answer(query, passages))
            return tried[query]

        return c.condenser.read(question, turns, try_reading)

    def _history(self, history: HistoryLike) -> list[Turn]:
        """``history`` as turns, within ``settings.history`` limits."""
        h = self.settings.history
        return normalize_history(history, max_turns=h.max_turns, max_chars=h.max_turn_chars)

    def as_retriever(self, k: int | None = None, **search: Any) -> BaseRetriever:
        """This assistant as a LangChain ``BaseRetriever``."""
        from assistant.retriever import AssistantRetriever

        return AssistantRetriever(
            assistant=self, k=k or self.settings.retrieval.top_k, search_kwargs=search
        )

    # -------------------------------------------------------------- answering
    def stream(
        self, question: str, history: HistoryLike = None, *, k: int | None = None
    ) -> Iterator[AnswerEvent]:
        """Stream the answer: text deltas, then a final event with the ``Answer``."""
        question = check_question(question)
        k = k or self.settings.answer.context_passages
        tried: dict[str, Attempt] = {}
        reading = self._read(question, self._history(history), tried, k)
        query = reading.query
        passages = tried[query].passages if query in tried else self._retrieve(query, k)
        for event in self.answerer.stream_focused(query, passages, reading.focus):
            if event.answer is not None:
                event = AnswerEvent(
                    delta=event.delta,
                    answer=dataclasses.replace(
                        event.answer,
                        question=question,
                        search_query=query,
                        understood_as=reading.understood_as,
                    ),
                )
            yield event

    def ask(self, question: str, history: HistoryLike = None, *, k: int | None = None) -> Answer:
        """Answer ``question`` with inline citations [n] → ``answer.citations[n-1]``."""
        final = None
        for event in self.stream(question, history, k=k):
            if event.answer is not None:
                final = event.answer
        assert final is not None
        return final


def check_question(question: str) -> str:
    """Validate a user question; raises ``AssistantError`` with a clear message.

    >>> check_question("  GDP  ")
    'GDP'
    """
    if not isinstance(question, str):
        raise AssistantError("Câu hỏi phải là văn bản. (The question must be text.)")
    if _has_lone_surrogate(question):
        raise AssistantError(
            "Câu hỏi có ký tự không hợp lệ (không phải UTF-8). Hãy gõ lại câu hỏi. "
            "(The question contains invalid characters: not valid UTF-8.)"
        )
    q = nfc(question).strip()
    if not q:
        raise AssistantError("Câu hỏi trống. Hãy nhập một câu hỏi. (The question is empty.)")
    if len(q) > MAX_QUESTION_CHARS:
        raise AssistantError(
            f"Câu hỏi quá dài ({len(q)} ký tự; tối đa {MAX_QUESTION_CHARS}). "
            f"(The question is too long: {len(q)} characters, at most {MAX_QUESTION_CHARS}.)"
        )
    searchable = sum(ch.isalnum() for ch in q)
    if not searchable:
        raise AssistantError(
            "Câu hỏi không có chữ hay số nào. Hãy hỏi bằng lời. "
            "(The question has no letters or digits.)"
        )
    if searchable < MIN_QUESTION_ALNUM:
        raise AssistantError(
            "Câu hỏi quá ngắn, không đủ để tìm. Hãy hỏi cụ thể hơn, ví dụ: "
            '"Hà Nội tăng trưởng bao nhiêu?" '
            f"(The question is too short to search for: fewer than {MIN_QUESTION_ALNUM} "
            "letters or digits.)"
        )
    return q


def check_k(k: Any, *, high: int = MAX_K) -> int:
    """``k`` (passages) as an int from 1 to ``high``; ``AssistantError`` otherwise.

    >>> check_k("3")
    3
    """
    try:
        n = int(k)
        if isinstance(k, float) and n != k:
            raise ValueError(k)
    except (TypeError, ValueError):
        n = 0
    if isinstance(k, bool) or not 1 <= n <= high:
        raise AssistantError(
            f"k phải là số nguyên từ 1 đến {high}. (k must be a whole number from 1 to {high}.)"
        )
    return n


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _turn_text(value: Any, max_chars: int) -> str:
    """A history field as text: lone surrogates replaced, cut to ``max_chars``."""
    text = "" if value is None else str(value)
    if _has_lone_surrogate(text):
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text[:max_chars]


_BAD_HISTORY = (
    "Lịch sử hội thoại không hợp lệ: cần một danh sách các lượt "
    '{{"question": ..., "answer": ...}}. (Malformed history: {why}.)'
)


def normalize_history(
    history: HistoryLike,
    *,
    max_turns: int = DEFAULT_HISTORY_TURNS,
    max_chars: int = DEFAULT_HISTORY_TURN_CHARS,
) -> list[Turn]:
    """Accept Turns, {"question","answer"[,"understood_as"]} dicts, or (question, answer) pairs.

    Keeps the last ``max_turns`` turns with a question, each question and
    answer cut to ``max_chars`` characters: a follow-up needs the recent
    conversation, and a history of any size must not cost more than that.
    Anything else raises ``AssistantError`` with a clear message.

    >>> normalize_history([("Ai ký?", "Bà Tuyến"), {"question": "Khi nào?"}])
    [Turn(question='Ai ký?', answer='Bà Tuyến', understood_as=''), Turn(question='Khi nào?', answer='', understood_as='')]
    """
    if history is None:
        return []
    if isinstance(history, str | bytes | dict) or not isinstance(history, Iterable):
        raise AssistantError(
            _BAD_HISTORY.format(why=f"a list is needed, not {type(history).__name__}")
        )
    turns: list[Turn] = []
    for item in history:
        read = ""
        if isinstance(item, Turn):
            q, a, read = item.question, item.answer, item.understood_as
        elif isinstance(item, dict):
            q, a = item.get("question", ""), item.get("answer", "")
            read = item.get("understood_as", "") or ""
        elif isinstance(item, list | tuple) and len(item) == 2:
            q, a = item
        else:
            raise AssistantError(
                _BAD_HISTORY.format(
                    why=f"a turn is a dict or a (question, answer) pair, not {item!r:.60}"
                )
            )
        turn = Turn(_turn_text(q, max_chars), _turn_text(a, max_chars), _turn_text(read, max_chars))
        if turn.question.strip():
            turns.append(turn)
    return turns[-max_turns:] if max_turns > 0 else []


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
