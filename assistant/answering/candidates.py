"""Candidate answers: the sentences of the retrieved passages, with their neighbours.

>>> from assistant.types import Passage
>>> p = Passage(text="Đây là câu thứ nhất. Câu thứ hai dài hơn một chút.", source="a",
...             title="T", score=1.0, chunk_id="a")
>>> [(c.rank, c.text) for c in sentence_candidates([p])]
[(1, 'Đây là câu thứ nhất.'), (1, 'Câu thứ hai dài hơn một chút.')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.types import Passage
from textvi import split_sentences, tokenize

#: a sentence longer than this is also offered clause by clause (split at ";")
LONG_SENTENCE = 300
MIN_CHARS = 12


@dataclass(frozen=True)
class Candidate:
    """One sentence (or clause) of one retrieved passage."""

    passage_index: int  # 0-based, in retrieval order
    start: int  # offsets into passage.text
    end: int
    text: str
    tokens: tuple[str, ...]  # lowercase syllables, accented
    sentence_index: int  # 0-based within the passage
    prev_tokens: tuple[str, ...] = ()
    next_tokens: tuple[str, ...] = ()
    clause: bool = False  # a clause cut from a long sentence at ";"

    @property
    def rank(self) -> int:
        return self.passage_index + 1


def _clauses(text: str, s: int, e: int) -> list[tuple[int, int]]:
    out, start = [], s
    for i in range(s, e):
        if text[i] == ";":
            out.append((start, i + 1))
            start = i + 1
    out.append((start, e))
    return [(a + len(text[a:b]) - len(text[a:b].lstrip()), b) for a, b in out if text[a:b].strip()]


def sentence_candidates(passages: Sequence[Passage]) -> list[Candidate]:
    """Every sentence of every passage, in order; long ones also as clauses."""
    out: list[Candidate] = []
    for pi, p in enumerate(passages):
        spans = [(s, e) for s, e in split_sentences(p.text) if e - s >= MIN_CHARS]
        toks = [tuple(tokenize(p.text[s:e])) for s, e in spans]
        for si, (s, e) in enumerate(spans):
            prev = toks[si - 1] if si else ()
            nxt = toks[si + 1] if si + 1 < len(toks) else ()
            pieces = [(s, e)]
            if e - s > LONG_SENTENCE:
                pieces += [c for c in _clauses(p.text, s, e) if c != (s, e)]
            for a, b in pieces:
                out.append(
                    Candidate(
                        passage_index=pi,
                        start=a,
                        end=b,
                        text=p.text[a:b],
                        tokens=toks[si] if (a, b) == (s, e) else tuple(tokenize(p.text[a:b])),
                        sentence_index=si,
                        prev_tokens=prev,
                        next_tokens=nxt,
                        clause=(a, b) != (s, e),
                    )
                )
    return out
