"""Second-stage re-ranking of retrieved passages.

The first stage (dense + BM25, fused in :mod:`vectorstore.index`) ranks
chunks by how much they are *about* the question. The :class:`EvidenceReranker`
looks again at the first ``depth`` of them and asks which one holds a sentence
that *answers* it: the question's words close together, the kind of answer
asked for (a date for "ngày nào", a number for "bao nhiêu", a person for
"ai"), and the question's years, numbers and names. Both signals are z-scored
over the candidates and blended with ``weight`` on the evidence side.

The evidence is the answerer's: the extractive answerer's sentence support by
default, or, in answer mode 'learned', each passage's best sentence probability
under the learned evidence scorer (``support=``, wired by the factory).

It runs on the CPU in pure Python (no model): about 6 to 9 ms for 15 passages on
2 cores. Its weight and depth were chosen on the bundled evaluation set and
checked on the Zalo benchmark; the ablation in ``docs/retrieval.md`` shows
what it adds on both.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Protocol

from assistant.types import Passage
from vectorstore.index import zscores

__all__ = ["EvidenceReranker", "Reranker"]


class Reranker(Protocol):
    """Re-orders retrieved passages (best first) for a stand-alone question."""

    depth: int

    def rerank(self, question: str, passages: Sequence[Passage]) -> list[Passage]: ...


class EvidenceReranker:
    """Blend the fused retrieval score with the best sentence's evidence.

    >>> from assistant.types import Passage
    >>> about = Passage(text="Doanh nghiệp thành lập mới được hỗ trợ thủ tục nhanh gọn.",
    ...                 source="a", title="", score=2.0, chunk_id="a")
    >>> answers = Passage(text="Năm 2023 có 2.500 doanh nghiệp thành lập mới.",
    ...                   source="b", title="", score=1.0, chunk_id="b")
    >>> ranked = EvidenceReranker(weight=0.6).rerank(
    ...     "Năm 2023 có bao nhiêu doanh nghiệp thành lập mới?", [about, answers])
    >>> [p.chunk_id for p in ranked]
    ['b', 'a']
    >>> ranked[1].fused_score
    2.0
    """

    name = "evidence"

    def __init__(
        self,
        weight: float = 0.4,
        depth: int = 15,
        *,
        support: Callable[[str, Sequence[Passage]], list[float]] | None = None,
    ) -> None:
        if not 0.0 <= weight <= 1.0:
            raise ValueError("rerank weight must be between 0 and 1")
        if depth < 2:
            raise ValueError("rerank depth must be at least 2")
        self.weight = weight
        self.depth = depth
        self._support = support  # None: the extractive answerer's sentence support

    def rerank(self, question: str, passages: Sequence[Passage]) -> list[Passage]:
        """``passages`` re-ordered; each keeps its first-stage score as ``fused_score``.

        ``score`` becomes the blended z-score (comparable within this list only)
        and ``evidence_score`` the best sentence's support, 0..1.
        """
        if len(passages) < 2 or self.weight == 0.0:
            return list(passages)
        if self._support is None:
            from assistant.answering.extractive import passage_support

            self._support = passage_support
        support = self._support(question, passages)
        fused = zscores([p.score for p in passages])
        evidence = zscores(support)
        blended = [
            (1.0 - self.weight) * f + self.weight * e for f, e in zip(fused, evidence, strict=True)
        ]
        out = [
            dataclasses.replace(p, score=b, fused_score=p.score, evidence_score=s)
            for p, b, s in zip(passages, blended, support, strict=True)
        ]
        order = sorted(range(len(out)), key=lambda i: (-blended[i], i))
        return [out[i] for i in order]
