"""Small typed results returned by the public API.

Every stage below the assistant passes LangChain ``Document`` objects whose
metadata carry the keys listed in :mod:`ingest.schema`; these classes are the
read-only views the assistant hands to its callers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from langchain_core.documents import Document


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk of an article, best-first in a result list.

    ``score`` is the retrieval score (higher is better): the fused dense and
    lexical score, or, after re-ranking, its blend with ``evidence_score`` (how
    well the passage's best sentence answers the question), with the first-stage
    score kept in ``fused_score``. ``dense_rank`` / ``lexical_rank`` are 1-based
    ranks on each side (None when that side did not return the passage), for
    ``search --explain``. ``period`` is the year its article is about where it
    starts ("2023", or a range "2021-2025"; "" when none or not known).
    """

    text: str
    source: str
    title: str
    score: float
    chunk_id: str
    date: str = ""
    outlet: str = ""
    position: int = 0
    start: int = 0
    end: int = 0
    period: str = ""
    dense_rank: int | None = None
    lexical_rank: int | None = None
    dense_score: float | None = None
    lexical_score: float | None = None
    fused_score: float | None = None
    evidence_score: float | None = None

    @classmethod
    def from_document(cls, doc: Document, score: float, **extra: Any) -> Passage:
        m = doc.metadata
        return cls(
            text=doc.page_content,
            source=str(m.get("source", "")),
            title=str(m.get("title", "")),
            date=str(m.get("date", "") or ""),
            outlet=str(m.get("outlet", "") or ""),
            score=float(score),
            chunk_id=str(m.get("chunk_id", "")),
            position=int(m.get("chunk_index", 0) or 0),
            start=int(m.get("start", 0) or 0),
            end=int(m.get("end", 0) or 0),
            period=str(m.get("period", "") or ""),
            **extra,
        )

    def to_document(self) -> Document:
        """The passage as a LangChain Document (for retrievers and chains)."""
        return Document(
            page_content=self.text,
            id=self.chunk_id or None,
            metadata={
                "source": self.source,
                "title": self.title,
                "date": self.date,
                "outlet": self.outlet,
                "chunk_id": self.chunk_id,
                "chunk_index": self.position,
                "start": self.start,
                "end": self.end,
                "period": self.period,
                "score": self.score,
            },
        )


@dataclass(frozen=True)
class Citation:
    """What an inline marker ``[n]`` points at: ``answer.citations[n-1]``.

    ``quote`` is the sentence of the passage that supports the claim, and
    ``quote_start``/``quote_end`` its offsets inside ``passage.text``;
    ``span_start``/``span_end`` mark the direct answer (a number, name, date)
    inside the passage text when there is one, for the UI to highlight.
    """

    index: int
    passage: Passage
    quote: str = ""
    quote_start: int = -1
    quote_end: int = -1
    span_start: int = -1
    span_end: int = -1


@dataclass(frozen=True)
class Answer:
    """The assistant's reply.

    ``abstained`` is True when the articles do not contain the answer; then
    ``citations`` is empty and ``related`` holds the closest passages.
    ``grounded`` is False when an LLM answer had no valid citation. ``search_query`` is
    the stand-alone question actually searched and answered; ``understood_as`` is the same
    when it was read with the conversation ("Hiểu là: …"), "" when read as asked.
    ``note`` is a short remark for the reader about how the answer was made
    (e.g. the language model did not answer in time, so the sentences are
    quoted); it is not part of the answer's text.
    """

    text: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    related: list[Passage] = field(default_factory=list)
    question: str = ""
    search_query: str = ""
    direct_answer: str = ""
    grounded: bool = True
    confidence: float = 0.0
    note: str = ""
    understood_as: str = ""


@dataclass
class IngestReport:
    """What an ingest did, by source path.

    ``failed`` maps a path to the human-readable reason it was skipped.
    """

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    chunks_added: int = 0
    chunks_removed: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed

    def merge(self, other: IngestReport) -> IngestReport:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.removed += other.removed
        self.failed.update(other.failed)
        self.chunks_added += other.chunks_added
        self.chunks_removed += other.chunks_removed
        return self

    def summary(self) -> str:
        """One line for logs and the CLI.

        >>> IngestReport(added=["a.txt"], chunks_added=3).summary()
        'added 1, updated 0, unchanged 0, removed 0, failed 0 (chunks +3/-0)'
        """
        return (
            f"added {len(self.added)}, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)}, removed {len(self.removed)}, "
            f"failed {len(self.failed)} (chunks +{self.chunks_added}/-{self.chunks_removed})"
        )


class AssistantError(Exception):
    """A domain error with a message meant for the user (CLI, app)."""
