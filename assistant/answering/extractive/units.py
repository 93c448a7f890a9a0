"""The sentences of the retrieved passages as the extractive answerer scores them.

A passage is cut into sentences, and a long sentence also into its ";"-separated
clauses (:class:`Unit`); each keeps its tokens, accented and folded, read once and
cached by the passage's text, since the same passages come back question after
question. :class:`ScoredSentence` is a unit with its score and the parts of it.

>>> from assistant.types import Passage
>>> p = Passage(text="Hà Nội có 30 quận, huyện. Dân số khoảng 8 triệu người.", source="a",
...             title="", score=1.0, chunk_id="a")
>>> sentences, units = units_of([p])
>>> [u.text for u in units[0]]
['Hà Nội có 30 quận, huyện.', 'Dân số khoảng 8 triệu người.']
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import NamedTuple

from assistant.answering.question import Term
from assistant.answering.question_cues import fold
from assistant.types import Passage
from textvi import split_sentences, tokenize

__all__ = [
    "Near",
    "ScoredSentence",
    "Unit",
    "cached_tokens",
    "passage_units",
    "near_of",
    "passage_view",
    "sentence_counts",
    "term_match",
    "units_of",
    "word_spans",
]


@dataclass
class Unit:
    """A sentence of a passage, or a clause of a long sentence (split at ";")."""

    passage_index: int
    start: int
    end: int
    text: str
    tokens: set[str]
    folded: set[str]
    folded_seq: list[str]
    sentence_index: int
    clause: bool = False

    @cached_property
    def pairs(self) -> frozenset[tuple[str, str]]:
        """Its adjacent folded syllables, read once for the bigram share and the split words."""
        seq = self.folded_seq
        return frozenset(zip(seq, seq[1:], strict=False))


class Near(NamedTuple):
    """What stands just before a unit: two sentences, and its own sentence's head."""

    tokens: set[str]
    folded: set[str]
    text: str
    folded_text: str  # its folded words, space-separated


@dataclass
class ScoredSentence:
    """A candidate sentence (or clause) with its score and the parts of it."""

    passage_index: int
    start: int
    end: int
    text: str
    score: float
    support: float = 0.0
    coverage: float = 0.0
    context_coverage: float = 0.0
    bigram: float = 0.0
    type_factor: float = 1.0
    constraint_factor: float = 1.0
    covered: dict[str, float] = field(default_factory=dict)
    span: tuple[int, int] | None = None  # direct answer, offsets in the passage text
    clause: bool = False


_LONG_SENTENCE = 260  # characters; longer sentences are also scored clause by clause


def _make_unit(i: int, text: str, s: int, e: int, si: int, clause: bool) -> Unit | None:
    piece = text[s:e]
    toks = cached_tokens(piece)
    if len(toks) < 3:
        return None
    folded_seq = [fold(t) for t in toks]
    return Unit(i, s, e, piece, set(toks), set(folded_seq), folded_seq, si, clause)


def _clauses(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Spans of the ";"-separated clauses of ``text[s:e]``, without the separators."""
    out = []
    pos = s
    for m in re.finditer(r";\s+", text[s:e]):
        cut = s + m.start()
        out.append((pos, cut))
        pos = s + m.end()
    out.append((pos, e))
    return [(a, b) for a, b in out if b - a > 20]


@lru_cache(maxsize=1 << 15)
def cached_tokens(text: str) -> tuple[str, ...]:
    """``tokenize(text)``, cached: the same passages come back question after question."""
    return tuple(tokenize(text))


@lru_cache(maxsize=4096)
def passage_units(text: str) -> tuple[tuple[Unit, ...], tuple[Unit, ...]]:
    """A passage's sentences and scored units (with passage index 0), cached by its text."""
    sents: list[Unit] = []
    all_units: list[Unit] = []
    seen: set[str] = set()
    for s, e in split_sentences(text):
        u = _make_unit(0, text, s, e, len(sents), False)
        if u is None:
            continue
        key = " ".join(u.folded_seq)
        if key in seen:
            continue
        seen.add(key)
        sents.append(u)
        all_units.append(u)
        if e - s > _LONG_SENTENCE and "; " in text[s:e]:
            parts = _clauses(text, s, e)
            if len(parts) > 1:
                for a, b in parts:
                    c = _make_unit(0, text, a, b, u.sentence_index, True)
                    if c is not None:
                        all_units.append(c)
    return tuple(sents), tuple(all_units)


@lru_cache(maxsize=4096)
def sentence_counts(text: str) -> dict[str, int]:
    """In how many sentences of a passage each folded word ("\\x00" + accented word) is."""
    counts: dict[str, int] = {}
    for u in passage_units(text)[0]:
        for f in u.folded:
            counts[f] = counts.get(f, 0) + 1
        for t in u.tokens:
            counts["\x00" + t] = counts.get("\x00" + t, 0) + 1
    return counts


@lru_cache(maxsize=1 << 14)
def word_spans(folded: str) -> dict[str, list[tuple[int, int]]]:
    """Where each maximal run of word characters of ``folded`` starts and ends."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for m in re.finditer(r"\w+", folded):
        spans.setdefault(m.group(), []).append((m.start(), m.end()))
    return spans


def units_of(passages: Sequence[Passage]) -> tuple[list[list[Unit]], list[list[Unit]]]:
    """Per passage: its sentences (for context) and all scored units."""
    sentences, units = [], []
    for i, p in enumerate(passages):
        cached_sents, cached_units = passage_units(p.text)
        own = {id(u): dataclasses.replace(u, passage_index=i) for u in cached_units}
        sentences.append([own[id(u)] for u in cached_sents])
        units.append([own[id(u)] for u in cached_units])
    return sentences, units


@lru_cache(maxsize=4096)
def passage_view(text: str, title: str) -> tuple[frozenset[str], frozenset[str], str]:
    """A passage's tokens, folded tokens and folded text (spaced), cached."""
    toks = cached_tokens(text + " " + title)
    folded = [fold(t) for t in toks]
    return frozenset(toks), frozenset(folded), " " + " ".join(folded) + " "


def term_match(term: Term, tokens: set[str], folded: set[str], folded_input: bool) -> float:
    if folded_input:
        return 1.0 if term.folded in folded else 0.0
    if term.accented in tokens:
        return 1.0
    return 0.5 if term.folded in folded else 0.0


def near_of(
    u: Unit, sentences: list[list[Unit]], passages: Sequence[Passage], previous: int | None
) -> Near:
    """What stands just before ``u``: the two sentences before it (at a chunk's start, the
    last two of the article's previous chunk ``previous``, when retrieved), and for a
    clause, its own sentence's head."""
    sents = sentences[u.passage_index]
    before = sents[max(0, u.sentence_index - 2) : u.sentence_index]
    if not before and previous is not None:
        # a chunk's first sentence: the two before it come from the article's previous
        # chunk, when retrieved (those before this chunk's start, if the offsets are
        # known: chunks overlap)
        here, prev = passages[u.passage_index], passages[previous]
        earlier = [
            s for s in sentences[previous] if not here.end or prev.start + s.end <= here.start
        ]
        before = earlier[-2:]
    tokens: set[str] = set()
    folded: set[str] = set()
    texts = []
    folded_words = []
    for s in before:
        tokens |= s.tokens
        folded |= s.folded
        texts.append(s.text)
        folded_words.extend(s.folded_seq)
    if u.clause:
        own = sents[u.sentence_index]
        head = passages[u.passage_index].text[own.start : u.start]
        toks = cached_tokens(head)
        head_folded = [fold(t) for t in toks]
        tokens |= set(toks)
        folded |= set(head_folded)
        texts.append(head)
        folded_words.extend(head_folded)
    return Near(tokens, folded, " ".join(texts), " ".join(folded_words))
