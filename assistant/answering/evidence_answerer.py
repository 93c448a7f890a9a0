"""The default offline answerer: evidence scored by learned weights, then composed.

Pipeline (each part its own module): question analysis
(:mod:`~assistant.answering.question_kind`) → candidate sentences
(:mod:`~assistant.answering.candidates`) → features (:mod:`~assistant.answering.features`)
→ the learned scorer (:mod:`~assistant.answering.evidence`) → calibrated abstention → the
direct-answer span → the composer (:mod:`~assistant.answering.composer`).

The answer is the most probable sentence, then any other sentence nearly as probable
(``extra_sentence_ratio`` of the best, learned with the weights), each quoted verbatim
with its marker. Below the calibrated ``abstain_threshold`` it says it did not find the
information and lists the closest passages.

Example:
    >>> from assistant.types import Passage
    >>> p = Passage(text="Oracle được Larry Ellison thành lập năm 1977.", source="a.txt",
    ...             title="Oracle", score=1.0, chunk_id="c1")
    >>> a = EvidenceAnswerer(abstain_threshold=0.0).answer("Oracle được thành lập năm nào?", [p])
    >>> a.text.endswith("[1]."), a.citations[0].quote
    (True, 'Oracle được Larry Ellison thành lập năm 1977.')
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from assistant.answering.base import Answerer, AnswerEvent, refusal
from assistant.answering.composer import Chosen, compose, word_groups
from assistant.answering.direct_answer import best_span
from assistant.answering.evidence import Evidence, EvidenceScorer, ScoredCandidate
from assistant.types import Answer, Passage
from textvi import nfc, tokenize

if TYPE_CHECKING:
    from assistant.settings import AnswerSettings

MAX_DIRECT_CHARS = 80


class EvidenceAnswerer(Answerer):
    """Answers from the sentences the learned evidence scorer finds most probable."""

    name = "learned"

    def __init__(
        self,
        scorer: EvidenceScorer | None = None,
        *,
        abstain_threshold: float | None = None,
        max_sentences: int = 3,
        max_chars: int = 400,
        related_k: int = 3,
        lead_with_direct_answer: bool = True,
    ) -> None:
        if abstain_threshold is not None and not 0.0 <= abstain_threshold <= 1.0:
            raise ValueError("abstain_threshold must be between 0 and 1")
        if max_sentences < 1:
            raise ValueError("max_sentences must be at least 1")
        self._scorer = scorer
        self._threshold = abstain_threshold
        self.max_sentences = max_sentences
        self.max_chars = max_chars
        self.related_k = related_k
        self.lead_with_direct_answer = lead_with_direct_answer

    @classmethod
    def from_settings(cls, settings: AnswerSettings) -> EvidenceAnswerer:
        scorer = (
            EvidenceScorer.from_path(settings.evidence_model) if settings.evidence_model else None
        )
        return cls(
            scorer,
            abstain_threshold=settings.evidence_threshold,
            max_sentences=settings.max_sentences,
        )

    @property
    def scorer(self) -> EvidenceScorer:
        if self._scorer is None:
            self._scorer = EvidenceScorer.default()
        return self._scorer

    @property
    def abstain_threshold(self) -> float:
        if self._threshold is not None:
            return self._threshold
        return self.scorer.model.abstain_threshold

    def _select(self, ev: Evidence) -> list[ScoredCandidate]:
        best = ev.ranked[0]
        chosen = [best]
        ratio = self.scorer.model.extra_sentence_ratio
        size = len(best.candidate.text)
        for sc in ev.ranked[1:]:
            if len(chosen) >= self.max_sentences or sc.probability < ratio * best.probability:
                break
            if any(_overlaps(sc, o) for o in chosen) or _same_words(sc, chosen):
                continue
            if size + len(sc.candidate.text) > self.max_chars:
                continue
            chosen.append(sc)
            size += len(sc.candidate.text)
        # the best sentence leads (its quote is the first citation's); the others follow in
        # the order of their passages and, within one, of the text
        first = {sc.candidate.passage_index: k for k, sc in reversed(list(enumerate(chosen)))}
        rest = sorted(
            chosen[1:], key=lambda s: (first[s.candidate.passage_index], s.candidate.start)
        )
        return [best, *rest]

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[AnswerEvent]:
        """Yield the answer in word groups, then the final ``Answer``."""
        query = nfc(question)
        ev = self.scorer.score(query, passages)
        question = " ".join(nfc(question).split())
        if not ev.ranked or ev.confidence < self.abstain_threshold:
            yield from refusal(
                question,
                passages[: self.related_k],
                search_query=query,
                confidence=ev.confidence,
            )
            return
        best = ev.ranked[0]
        found = best_span(ev.context, best, self.scorer.model.span_model)
        span, direct = None, ""
        if found and found[1] >= self.scorer.model.span_threshold:
            span = found[0]
            direct = best.candidate.text[span[0] : span[1]].strip()
        chosen = [
            Chosen(
                passage_index=sc.candidate.passage_index,
                start=sc.candidate.start,
                end=sc.candidate.end,
                clause=sc.candidate.clause,
                span=(
                    (sc.candidate.start + span[0], sc.candidate.start + span[1])
                    if sc is best and span and direct
                    else None
                ),
            )
            for sc in self._select(ev)
        ]
        lead = (
            direct
            if (self.lead_with_direct_answer and direct and len(direct) <= MAX_DIRECT_CHARS)
            else ""
        )
        composed = compose(chosen, passages, lead)
        if composed.lead:
            yield AnswerEvent(delta=composed.lead)
        for k, piece in enumerate(composed.pieces):
            for group in word_groups(piece if k == 0 else " " + piece):
                yield AnswerEvent(delta=group)
        yield AnswerEvent(
            answer=Answer(
                text=composed.text,
                citations=composed.citations,
                question=question,
                search_query=query,
                direct_answer=direct,
                confidence=ev.confidence,
            )
        )


def _overlaps(a: ScoredCandidate, b: ScoredCandidate) -> bool:
    x, y = a.candidate, b.candidate
    return x.passage_index == y.passage_index and x.start < y.end and y.start < x.end


def _same_words(sc: ScoredCandidate, chosen: Sequence[ScoredCandidate]) -> bool:
    """A sentence repeated in another passage (overlapping chunks) is not said twice."""
    words = tokenize(sc.candidate.text)
    return any(tokenize(o.candidate.text) == words for o in chosen)
