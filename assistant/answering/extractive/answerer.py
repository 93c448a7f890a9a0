"""The extractive answerer: the answer is made of the best-supported sentences.

:class:`ExtractiveAnswerer` scores the sentences of the retrieved passages with
:class:`~assistant.answering.extractive.scorer.SentenceScorer` (a question in parts
also part by part), abstains under its threshold, else selects the best sentence,
what continues it (a list it announces) and sentences that cover what it does not,
and streams them verbatim with their markers ``[n]``, led by the direct answer span.
:func:`passage_support` is the same sentence evidence per passage, for the re-ranker.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.answering.base import (
    RELATED_HINT_VI,
    Answerer,
    AnswerEvent,
    Turn,
    refusal,
)
from assistant.answering.citations import CitationNumbering
from assistant.answering.composer import display, with_marker, word_groups
from assistant.answering.extractive.scorer import SentenceScorer
from assistant.answering.extractive.units import ScoredSentence
from assistant.answering.question import QuestionProfile, analyze_question, split_question
from assistant.conversation.rewrite import condense
from assistant.types import Answer, Passage
from textvi import nfc, person_names

if TYPE_CHECKING:
    from assistant.settings import AnswerSettings

__all__ = ["RELATED_HINT_VI", "Evidence", "ExtractiveAnswerer", "passage_support"]


# A list announced by the best sentence ("... 4 cam kết hành động.") is given in
# full, up to this many items, even beyond ``max_sentences``.
_MAX_LIST_ITEMS = 6

_LEAD_IN_MAX = 450  # characters; a clause is shown from its sentence's start up to this length


def passage_support(question: str, passages: Sequence[Passage]) -> list[float]:
    """How well each passage's best sentence answers ``question`` (0 when none does).

    This is the answerer's sentence evidence without its position and length
    terms, nor the discount of stray words
    (:func:`~assistant.answering.extractive.question_words.stray_terms`): the question's
    words in the sentence and just before it, syllable bigrams, the kind of answer
    asked for (a date, a number, a name) and the question's years, numbers and names.
    :class:`assistant.rerank.EvidenceReranker` uses it to re-order retrieved passages.

    >>> a = Passage(text="Năm 2023 có 2.500 doanh nghiệp thành lập mới.", source="a",
    ...             title="", score=1.0, chunk_id="a")
    >>> b = Passage(text="Doanh nghiệp thành lập mới được hỗ trợ thủ tục.", source="b",
    ...             title="", score=1.0, chunk_id="b")
    >>> s = passage_support("Năm 2023 có bao nhiêu doanh nghiệp thành lập mới?", [b, a])
    >>> s[1] > s[0]
    True
    """
    profile = analyze_question(" ".join(nfc(question).split()))
    out = [0.0] * len(passages)
    if not passages or not profile.terms and not profile.foreign:
        return out
    return SentenceScorer(profile, passages, ranking=True).best_support()


# ----------------------------------------------------------------------------- answerer


def _enclosing_sentence(
    c: ScoredSentence, ranked: Sequence[ScoredSentence]
) -> ScoredSentence | None:
    """The whole sentence a clause was cut from (None for a sentence, or when not scored)."""
    if not c.clause:
        return None
    for s in ranked:
        if not s.clause and s.passage_index == c.passage_index and s.start <= c.start < s.end:
            return s
    return None


@dataclass
class Evidence:
    """What the answerer found: ranked sentences, confidence and the profile used."""

    profile: QuestionProfile
    ranked: list[ScoredSentence]
    confidence: float
    query: str
    weights: dict[str, float] = field(default_factory=dict)
    parts: list[Evidence] = field(default_factory=list)


class ExtractiveAnswerer(Answerer):
    """Answers with verbatim sentences of the passages, or abstains.

    ``abstain_threshold`` is compared with the answer's confidence (the best
    sentence's score, 0..1); ``max_sentences`` bounds the answer's length.
    """

    name = "extractive"

    def __init__(
        self,
        abstain_threshold: float = 0.3,
        max_sentences: int = 3,
        *,
        related_k: int = 3,
        lead_with_direct_answer: bool = True,
    ) -> None:
        if not 0.0 <= abstain_threshold <= 1.0:
            raise ValueError("abstain_threshold must be between 0 and 1")
        if max_sentences < 1:
            raise ValueError("max_sentences must be at least 1")
        self.abstain_threshold = abstain_threshold
        self.max_sentences = max_sentences
        self.related_k = related_k
        self.lead_with_direct_answer = lead_with_direct_answer

    @classmethod
    def from_settings(cls, settings: AnswerSettings) -> ExtractiveAnswerer:
        """The answerer configured by ``settings.answer``."""
        return cls(
            abstain_threshold=settings.abstain_threshold, max_sentences=settings.max_sentences
        )

    # -- evidence ---------------------------------------------------------------------
    def evidence(self, question: str, passages: Sequence[Passage], *, focus: str = "") -> Evidence:
        """Score every sentence of ``passages`` for ``question`` (no answer composed).

        A question in several parts ("..., và ...?", "So sánh A và B") is also
        scored part by part; its confidence is then the parts' mean, so each
        part must be supported.

        >>> p = Passage(text="Thu ngân sách ước đạt 400,421 nghìn tỷ đồng.", source="a",
        ...             title="", score=1.0, chunk_id="c")
        >>> ev = ExtractiveAnswerer().evidence("Thu ngân sách ước đạt bao nhiêu?", [p])
        >>> ev.ranked[0].text, ev.confidence > 0.5
        ('Thu ngân sách ước đạt 400,421 nghìn tỷ đồng.', True)
        """
        query = " ".join(nfc(question).split())
        ev = self._score(query, passages, focus=focus)
        parts = split_question(query) if not focus else []
        if len(parts) > 1 and ev.ranked:
            ev.parts = [self._score_part(part, parts[0], passages) for part in parts]
            ev.confidence = sum(x.confidence for x in ev.parts) / len(ev.parts)
        return ev

    @classmethod
    def _score_part(cls, part: str, first: str, passages: Sequence[Passage]) -> Evidence:
        """A later part that refers back to the first ("..., và năm 2024 phải làm gì với
        nó?") is scored as a follow-up of it, like a question in a conversation."""
        if part != first:
            condensed = condense(part, [Turn(first)])
            if condensed.is_followup:
                return cls._score(condensed.query, passages, focus=condensed.focus)
        return cls._score(part, passages)

    @staticmethod
    def _score(query: str, passages: Sequence[Passage], *, focus: str = "") -> Evidence:
        profile = analyze_question(query, focus=focus)
        if not passages or not profile.terms and not profile.foreign:
            return Evidence(profile, [], 0.0, query)
        scorer = SentenceScorer(profile, passages)
        ranked = scorer.score()
        confidence = ranked[0].score if ranked else 0.0
        weights = {t.folded: w for t, w in scorer.weights.items()}
        return Evidence(profile, ranked, min(1.0, confidence), query, weights)

    def _select(self, ev: Evidence, passages: Sequence[Passage]) -> list[ScoredSentence]:
        """The best sentence, what continues it, and sentences covering the rest."""
        chosen: list[ScoredSentence] = []

        def overlaps(c: ScoredSentence) -> bool:
            return any(
                c.passage_index == o.passage_index and c.start < o.end and o.start < c.end
                for o in chosen
            )

        def sentence_of(c: ScoredSentence) -> ScoredSentence:
            """A clause's whole sentence (a list question wants the whole list)."""
            s = _enclosing_sentence(c, ev.ranked)
            return s if s is not None and len(s.text) <= 900 else c

        list_question = "list" in ev.profile.expects
        leads = [ev.ranked[0]]
        for part in ev.parts:
            if part.ranked:
                leads.append(part.ranked[0])
        for lead in leads:
            lead = sentence_of(lead) if list_question else lead
            if not overlaps(lead) and len(chosen) < self.max_sentences:
                chosen.append(lead)
        best = chosen[0]
        top = ev.ranked[0]
        if best is not top and best.span is None and best.start <= top.start < best.end:
            best.span = top.span  # the whole sentence of the best clause
        # a list announced by the best sentence goes on in the next sentences
        announced = self._announced_items(best, ev.profile)
        if announced:
            # the list goes on after the best sentence, and into the article's next
            # chunk when that was retrieved too (its first sentence may repeat the
            # last one: chunks overlap)
            here = passages[best.passage_index]
            nxt = next(
                (
                    j
                    for j, p in enumerate(passages)
                    if p.source == here.source and p.position == here.position + 1
                ),
                None,
            )

            def order(s: ScoredSentence) -> tuple[int, int]:
                return (0 if s.passage_index == best.passage_index else 1, s.start)

            following = sorted(
                (
                    s
                    for s in ev.ranked
                    if not s.clause
                    and (
                        s.passage_index == best.passage_index
                        and s.start >= best.end
                        or s.passage_index == nxt
                    )
                ),
                key=order,
            )
            seen = {" ".join(c.text.split()) for c in chosen}
            for s in following:
                if len(chosen) > announced:
                    break
                key = " ".join(s.text.split())
                if not overlaps(s) and key not in seen:
                    seen.add(key)
                    chosen.append(s)
            return chosen
        covered = dict(best.covered)
        for c in chosen[1:]:
            for k, v in c.covered.items():
                covered[k] = max(covered.get(k, 0.0), v)
        weights = ev.weights or {t.folded: 1.0 for t in ev.profile.terms}
        total = sum(weights.values()) or 1.0
        cited = {c.passage_index for c in chosen}
        # "X được nhắc đến trong những việc gì?": every sentence naming person X is an item
        question = ev.profile.text
        people = [question[a:b] for a, b in person_names(question)] if list_question else []
        for cand in ev.ranked[1:]:
            if len(chosen) >= self.max_sentences:
                break
            if overlaps(cand) or cand.type_factor < 0.9 * best.type_factor:
                continue
            # another passage (a new citation) must add much; the same one, something
            new_source = cand.passage_index not in cited
            min_score, min_gain = (0.75, 0.3) if new_source else (0.5, 0.15)
            if people and any(name in cand.text for name in people):
                min_score, min_gain = 0.5, 0.0  # another mention of the person asked about
            if cand.score < min_score * best.score:
                continue
            gain = sum(
                weights[k] * max(0.0, v - covered.get(k, 0.0))
                for k, v in cand.covered.items()
                if k in weights
            )
            if gain / total < min_gain:
                continue
            cited.add(cand.passage_index)
            chosen.append(cand)
            for k, v in cand.covered.items():
                covered[k] = max(covered.get(k, 0.0), v)
        return chosen

    @staticmethod
    def _with_lead_in(
        c: ScoredSentence, ev: Evidence, passages: Sequence[Passage]
    ) -> ScoredSentence:
        """A clause shown with the rest of its sentence when that is short enough to read.

        In "các đơn vị sẽ bám sát Chương trình ...; Nghị quyết số 15 ...; ..." the
        second clause alone drops what is done with it ("bám sát"); in "Thành ủy
        đã ban hành hai quy chế ...; chỉ đạo UBND thành phố ban hành Quy chế ..."
        the first drops the second half of the answer. The whole sentence is
        shown when it is short enough, else the sentence up to the clause's end;
        verbatim either way, so the quote stays one span of the passage.
        """
        s = _enclosing_sentence(c, ev.ranked)
        if s is None:
            return c
        start, end = s.start, s.end
        if end - start > _LEAD_IN_MAX:
            end = c.end
        if end - start > _LEAD_IN_MAX or (start, end) == (c.start, c.end):
            return c
        text = passages[c.passage_index].text[start:end]
        return dataclasses.replace(c, start=start, end=end, text=text, clause=end != s.end)

    def _announced_items(self, best: ScoredSentence, profile: QuestionProfile) -> int:
        """How many following sentences continue a list the best sentence announces.

        "... tập trung vào 6 nhiệm vụ chủ yếu sau:" or, for a question about
        the items ("4 cam kết ... là gì?"), "Đảng bộ Hà Nội đưa ra 4 cam kết hành động.".
        """
        text = best.text.rstrip()
        limit = max(self.max_sentences, _MAX_LIST_ITEMS) - 1
        if text.endswith(":"):
            m = re.search(r"(?<![\w/])(\d{1,2})\s+\w+", text)
            return min(int(m.group(1)) if m else self.max_sentences - 1, limit)
        if "list" not in profile.expects and not (
            profile.numbers and "entity" not in profile.expects
        ):
            return 0
        if ":" in text or len(re.findall(r"[,;]", text)) >= 2 or len(text) > 200:
            return 0  # the sentence holds the list itself
        for n in profile.numbers:
            if not n.isdigit():  # "384.403", "7,5": no count of items
                continue
            if re.search(rf"(?<![\w/]){re.escape(n)}\s+\w+", text) and 2 <= int(n) <= 10:
                return min(int(n), limit)
        return 0

    # -- answering --------------------------------------------------------------------
    def stream_focused(
        self, question: str, passages: Sequence[Passage], focus: str = ""
    ) -> Iterator[AnswerEvent]:
        """:meth:`stream` weighing the words typed in this turn (``focus``) above the rest."""
        return self.stream(question, passages, focus=focus)

    def stream(
        self, question: str, passages: Sequence[Passage], *, focus: str = ""
    ) -> Iterator[AnswerEvent]:
        """Yield the answer sentence by sentence, then the final ``Answer``."""
        ev = self.evidence(question, passages, focus=focus)
        question = " ".join(nfc(question).split())
        if not ev.ranked or ev.confidence < self.abstain_threshold:
            yield from refusal(
                question,
                passages[: self.related_k],
                search_query=ev.query,
                confidence=ev.confidence,
            )
            return

        chosen = [self._with_lead_in(c, ev, passages) for c in self._select(ev, passages)]
        numbering = CitationNumbering()
        best = chosen[0]
        direct = ""
        pieces: list[str] = []
        for k, sent in enumerate(chosen):
            passage = passages[sent.passage_index]
            span = sent.span if k == 0 else None
            n = numbering.cite(passage, sent.start, sent.end, span=span)
            pieces.append(with_marker(display(sent.text, clause=sent.clause), n))
        if best.span:
            direct = passages[best.passage_index].text[best.span[0] : best.span[1]].strip()
        lead = ""
        if (
            self.lead_with_direct_answer
            and not ev.parts  # one span cannot answer a question in several parts
            and direct
            and len(direct) <= 80
            and direct != best.text
        ):
            lead = f"{direct.rstrip('.,;:')} [1]\n\n"
        text = lead + " ".join(pieces)
        if lead:
            yield AnswerEvent(delta=lead)
        for k, piece in enumerate(pieces):
            for group in word_groups(piece if k == 0 else " " + piece):
                yield AnswerEvent(delta=group)
        yield AnswerEvent(
            answer=Answer(
                text=text,
                citations=numbering.citations,
                question=question,
                search_query=ev.query,
                direct_answer=direct,
                confidence=ev.confidence,
            )
        )
