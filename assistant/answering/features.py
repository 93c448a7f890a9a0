"""Features of a candidate sentence: small functions, each returning one number.

Every feature reads the question (:class:`~assistant.answering.question_kind.QuestionAnalysis`),
the candidate and the context shared by all candidates of one question
(:class:`EvidenceContext`: IDF over the candidates, the passages' retrieval scores). The
scorer combines them with weights learned from data (``python -m eval.train_scorer``);
nothing here is tuned to a question.

>>> from assistant.types import Passage
>>> ps = [Passage(text="Oracle được Larry Ellison thành lập năm 1977.", source="a",
...               title="Oracle", score=1.0, chunk_id="a")]
>>> ctx = EvidenceContext.build("Ai là người sáng lập Oracle?", ps)
>>> f = ctx.features(ctx.candidates[0])
>>> f["kind_span"], round(f["coverage"], 2) > 0
(1.0, True)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from assistant.answering.candidates import Candidate, sentence_candidates
from assistant.answering.question_kind import QuestionAnalysis, analyze
from assistant.answering.spans import spans_for
from assistant.types import Passage
from textvi import fold_diacritics, tokenize


@dataclass
class EvidenceContext:
    """One question and its retrieved passages, read once for all candidates."""

    question: QuestionAnalysis
    passages: Sequence[Passage]
    candidates: list[Candidate]
    _cache: dict[int, dict[str, float]] = field(default_factory=dict, repr=False)
    span_cache: dict[int, list[tuple[int, int]]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, question: str, passages: Sequence[Passage]) -> EvidenceContext:
        return cls(analyze(question), list(passages), sentence_candidates(passages))

    # ------------------------------------------------------------ shared
    def form(self, tokens: Sequence[str]) -> tuple[str, ...]:
        if self.question.folded:
            return tuple(fold_diacritics(t) for t in tokens)
        return tuple(tokens)

    @cached_property
    def idf(self) -> dict[str, float]:
        n = len(self.candidates) + 1
        df = Counter(t for c in self.candidates for t in set(self.form(c.tokens)))
        return {t: math.log((n + 1) / (df.get(t, 0) + 0.5)) for t in set(self.question.terms)}

    @cached_property
    def term_weight(self) -> float:
        return sum(self.idf.values()) or 1.0

    @cached_property
    def passage_tokens(self) -> list[frozenset[str]]:
        return [
            frozenset(self.form(tokenize(p.text + " " + p.title))) for p in self.passages
        ]

    @cached_property
    def title_tokens(self) -> list[frozenset[str]]:
        return [frozenset(self.form(tokenize(p.title))) for p in self.passages]

    @cached_property
    def score_z(self) -> list[float]:
        scores = [p.score for p in self.passages]
        if len(scores) < 2:
            return [0.0] * len(scores)
        mean = sum(scores) / len(scores)
        sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / len(scores)) or 1.0
        return [(s - mean) / sd for s in scores]

    @cached_property
    def best_coverage(self) -> float:
        return max((coverage(self, c) for c in self.candidates), default=0.0)

    @cached_property
    def mean_length(self) -> float:
        return sum(len(c.tokens) for c in self.candidates) / max(len(self.candidates), 1)

    def bm25(self, c: Candidate, k1: float = 1.2, b: float = 0.75) -> float:
        tf = Counter(self.form(c.tokens))
        norm = k1 * (1 - b + b * len(c.tokens) / (self.mean_length or 1.0))
        return sum(w * tf[t] * (k1 + 1) / (tf[t] + norm) for t, w in self.idf.items() if tf[t])

    @cached_property
    def best_bm25(self) -> float:
        return max((self.bm25(c) for c in self.candidates), default=0.0)

    @cached_property
    def question_forms(self) -> frozenset[str]:
        return frozenset(self.form(tokenize(self.question.text)))

    def covered(self, tokens: frozenset[str] | set[str]) -> float:
        """IDF-weighted share of the question's terms among ``tokens``."""
        return sum(w for t, w in self.idf.items() if t in tokens) / self.term_weight

    def features(self, c: Candidate) -> dict[str, float]:
        key = id(c)
        if key not in self._cache:
            self._cache[key] = {name: fn(self, c) for name, fn in FEATURES.items()}
        return self._cache[key]

    def matrix(self) -> list[list[float]]:
        return [[self.features(c)[n] for n in FEATURE_NAMES] for c in self.candidates]


# ---------------------------------------------------------------- features
def coverage(ctx: EvidenceContext, c: Candidate) -> float:
    """IDF-weighted share of the question's content words found in the sentence."""
    return ctx.covered(set(ctx.form(c.tokens)))


def context_coverage(ctx: EvidenceContext, c: Candidate) -> float:
    """IDF-weighted share of the question's words in the sentence, its neighbours and the title."""
    around = set(ctx.form(c.tokens + c.prev_tokens + c.next_tokens))
    return ctx.covered(around | ctx.title_tokens[c.passage_index])


def prev_coverage(ctx: EvidenceContext, c: Candidate) -> float:
    """IDF-weighted share of the question's words in the sentence before."""
    return ctx.covered(set(ctx.form(c.prev_tokens)))


def next_coverage(ctx: EvidenceContext, c: Candidate) -> float:
    """IDF-weighted share of the question's words in the sentence after."""
    return ctx.covered(set(ctx.form(c.next_tokens)))


def bm25(ctx: EvidenceContext, c: Candidate) -> float:
    """BM25 of the sentence for the question's words (IDF over the candidates), over the best."""
    return ctx.bm25(c) / (ctx.best_bm25 or 1.0)


def rarest_word(ctx: EvidenceContext, c: Candidate) -> float:
    """1 when the question's rarest word (highest IDF) is in the sentence or beside it."""
    if not ctx.idf:
        return 0.0
    rare = max(ctx.idf, key=lambda t: (ctx.idf[t], t))
    return 1.0 if rare in set(ctx.form(c.tokens + c.prev_tokens + c.next_tokens)) else 0.0


def passage_coverage(ctx: EvidenceContext, c: Candidate) -> float:
    """IDF-weighted share of the question's words in the whole passage and its title."""
    return ctx.covered(ctx.passage_tokens[c.passage_index])


def coverage_gap(ctx: EvidenceContext, c: Candidate) -> float:
    """How far the sentence's coverage is below the best candidate's (0 for the best)."""
    return coverage(ctx, c) - ctx.best_coverage


def bigrams(ctx: EvidenceContext, c: Candidate) -> float:
    """Share of the question's adjacent word pairs found adjacent in the sentence."""
    pairs = ctx.question.bigrams
    if not pairs:
        return 0.0
    toks = ctx.form(c.tokens)
    have = set(zip(toks, toks[1:], strict=False))
    return sum(p in have for p in pairs) / len(pairs)


def proximity(ctx: EvidenceContext, c: Candidate) -> float:
    """Matched distinct words over the width of the window they are found in."""
    terms = set(ctx.question.terms)
    pos = [i for i, t in enumerate(ctx.form(c.tokens)) if t in terms]
    if not pos:
        return 0.0
    found = len({ctx.form(c.tokens)[i] for i in pos})
    return found / (pos[-1] - pos[0] + 1) if found > 1 else 1.0 / (1 + len(terms))


def names_found(ctx: EvidenceContext, c: Candidate) -> float:
    """Share of the question's names and numbers found in the passage (1 with none)."""
    wanted = [ctx.form(tokenize(n)) for n in ctx.question.names] + [
        (n,) for n in ctx.question.numbers
    ]
    if not wanted:
        return 1.0
    have = ctx.passage_tokens[c.passage_index]
    return sum(all(t in have for t in w) for w in wanted) / len(wanted)


def names_in_sentence(ctx: EvidenceContext, c: Candidate) -> float:
    """Share of the question's names and numbers found in the sentence or its neighbours."""
    wanted = [ctx.form(tokenize(n)) for n in ctx.question.names] + [
        (n,) for n in ctx.question.numbers
    ]
    if not wanted:
        return 1.0
    have = set(ctx.form(c.tokens + c.prev_tokens + c.next_tokens))
    return sum(all(t in have for t in w) for w in wanted) / len(wanted)


def answer_spans(ctx: EvidenceContext, c: Candidate) -> list[tuple[int, int]]:
    """Spans of the kind asked in the sentence that the question does not already hold."""
    key = id(c)
    if key not in ctx.span_cache:
        asked = ctx.question_forms
        out = []
        for s, e in spans_for(ctx.question.kind, c.text):
            toks = ctx.form(tokenize(c.text[s:e]))
            if toks and not all(t in asked for t in toks):
                out.append((s, e))
        ctx.span_cache[key] = out
    return ctx.span_cache[key]


def kind_span(ctx: EvidenceContext, c: Candidate) -> float:
    """1 when the sentence holds a span of the kind asked that the question does not."""
    return 1.0 if answer_spans(ctx, c) else 0.0


def span_date(ctx: EvidenceContext, c: Candidate) -> float:
    """``kind_span`` for a question asking when."""
    return kind_span(ctx, c) if ctx.question.kind == "date" else 0.0


def span_number(ctx: EvidenceContext, c: Candidate) -> float:
    """``kind_span`` for a question asking how many or how much."""
    return kind_span(ctx, c) if ctx.question.kind == "number" else 0.0


def span_name(ctx: EvidenceContext, c: Candidate) -> float:
    """``kind_span`` for a question asking who or where."""
    return kind_span(ctx, c) if ctx.question.kind in ("person", "place") else 0.0


def kind_typed(ctx: EvidenceContext, c: Candidate) -> float:
    """1 when the question asks for a typed span (a date, number, person or place)."""
    return 1.0 if ctx.question.kind in ("date", "number", "person", "place") else 0.0


def term_positions(ctx: EvidenceContext, c: Candidate) -> list[int]:
    """Offsets in the sentence where a word of the question stands."""
    terms = set(ctx.question.terms)
    low, off, out = c.text.lower(), 0, []
    for t in c.tokens:
        i = low.find(t, off)
        if i < 0:
            continue
        off = i + len(t)
        if ctx.form((t,))[0] in terms:
            out.append(i)
    return out


def span_near(ctx: EvidenceContext, c: Candidate) -> float:
    """Closeness of the nearest span of the kind asked to a word of the question."""
    spans = answer_spans(ctx, c)
    if not spans:
        return 0.0
    starts = term_positions(ctx, c)
    if not starts:
        return 0.0
    gap = min(min(abs(s - p), abs(e - p)) for s, e in spans for p in starts)
    return 1.0 / (1.0 + gap / 20.0)


def novelty(ctx: EvidenceContext, c: Candidate) -> float:
    """Share of the sentence's words the question does not use (an echo answers nothing)."""
    toks = ctx.form(c.tokens)
    if not toks:
        return 0.0
    asked = ctx.question_forms
    return sum(t not in asked for t in toks) / len(toks)


def rank_recip(ctx: EvidenceContext, c: Candidate) -> float:
    """1 / the passage's retrieval rank."""
    return 1.0 / c.rank


def score_z(ctx: EvidenceContext, c: Candidate) -> float:
    """The passage's retrieval score, z-scored over the retrieved passages."""
    return ctx.score_z[c.passage_index]


def dense_recip(ctx: EvidenceContext, c: Candidate) -> float:
    """1 / the passage's rank on the dense side (0 when dense search missed it)."""
    r = ctx.passages[c.passage_index].dense_rank
    return 1.0 / r if r else 0.0


def lexical_recip(ctx: EvidenceContext, c: Candidate) -> float:
    """1 / the passage's rank on the lexical side (0 when lexical search missed it)."""
    r = ctx.passages[c.passage_index].lexical_rank
    return 1.0 / r if r else 0.0


def first_sentences(ctx: EvidenceContext, c: Candidate) -> float:
    """1 / (1 + the sentence's place in its passage)."""
    return 1.0 / (1 + c.sentence_index)


def log_length(ctx: EvidenceContext, c: Candidate) -> float:
    """log(1 + words in the sentence)."""
    return math.log1p(len(c.tokens))


def foreign(ctx: EvidenceContext, c: Candidate) -> float:
    """1 when the question is not Vietnamese (its words cannot be matched)."""
    return 1.0 if ctx.question.foreign else 0.0


FEATURES: dict[str, Callable[[EvidenceContext, Candidate], float]] = {
    f.__name__: f
    for f in (
        coverage,
        context_coverage,
        prev_coverage,
        next_coverage,
        bm25,
        rarest_word,
        passage_coverage,
        coverage_gap,
        bigrams,
        proximity,
        names_found,
        names_in_sentence,
        kind_span,
        span_date,
        span_number,
        span_name,
        kind_typed,
        span_near,
        novelty,
        rank_recip,
        score_z,
        dense_recip,
        lexical_recip,
        first_sentences,
        log_length,
        foreign,
    )
}
FEATURE_NAMES: tuple[str, ...] = tuple(FEATURES)
