"""The direct answer: which span of the best sentence answers the question, and whether to say so.

Candidates are the spans of the kind asked in the best sentence (a name, a number with its
unit, a date; a date also without its leading "năm"/"ngày"). A small logistic model, trained
with the evidence scorer (``python -m eval.train_scorer``), scores each from a few features;
the best is shown when its probability reaches the model's ``span_threshold``, chosen on the
training sets so that shown spans reach a token F1 of 0.65 against the gold answers.

>>> from assistant.answering.evidence import EvidenceScorer
>>> from assistant.types import Passage
>>> p = Passage(text="NBA được thành lập năm 1946 tại New York.", source="a", title="NBA",
...             score=1.0, chunk_id="a")
>>> ev = EvidenceScorer.default().score("NBA được thành lập năm nào?", [p])
>>> [p.text[ev.best.candidate.start + s : ev.best.candidate.start + e]
...  for s, e, _ in span_candidates(ev.context, ev.best)]
['năm 1946', '1946']
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from assistant.answering.features import EvidenceContext, answer_spans, term_positions
from assistant.answering.logistic import LogisticWeights
from textvi import tokenize

_LEAD_RE = re.compile(r"^(?:vào\s+)?(?:năm|ngày|tháng|thế kỷ|thập niên|thập kỷ)\s+", re.IGNORECASE)
SPAN_FEATURES = (
    "near",
    "after",
    "n_words",
    "in_question",
    "stripped",
    "first",
    "only",
    "kind_date",
    "kind_number",
    "kind_name",
    "sentence_probability",
)


def span_candidates(ctx: EvidenceContext, sc: Any) -> list[tuple[int, int, bool]]:
    """(start, end, stripped) in the sentence: each span of the kind asked, and a date's
    variant without its leading word."""
    text = sc.candidate.text
    out = []
    for s, e in answer_spans(ctx, sc.candidate):
        out.append((s, e, False))
        m = _LEAD_RE.match(text[s:e])
        if m and s + m.end() < e:
            out.append((s + m.end(), e, True))
    return out


def span_features(
    ctx: EvidenceContext, sc: Any, spans: Sequence[tuple[int, int, bool]]
) -> list[dict[str, float]]:
    """One feature dict per candidate span."""
    anchors = term_positions(ctx, sc.candidate)
    text, kind = sc.candidate.text, ctx.question.kind
    plain = [sp for sp in spans if not sp[2]]
    rows = []
    for s, e, stripped in spans:
        gap = min((min(abs(s - a), abs(e - a)) for a in anchors), default=200)
        toks = ctx.form(tokenize(text[s:e]))
        rows.append(
            {
                "near": 1.0 / (1.0 + gap / 20.0),
                "after": 1.0 if anchors and s > anchors[0] else 0.0,
                "n_words": math.log1p(len(toks)),
                "in_question": sum(t in ctx.question_forms for t in toks) / max(len(toks), 1),
                "stripped": 1.0 if stripped else 0.0,
                "first": 1.0 if plain and (s, e) == plain[0][:2] else 0.0,
                "only": 1.0 if len(plain) == 1 else 0.0,
                "kind_date": 1.0 if kind == "date" else 0.0,
                "kind_number": 1.0 if kind == "number" else 0.0,
                "kind_name": 1.0 if kind in ("person", "place") else 0.0,
                "sentence_probability": float(sc.probability),
            }
        )
    return rows


def best_span(
    ctx: EvidenceContext, sc: Any, model: LogisticWeights | None
) -> tuple[tuple[int, int], float] | None:
    """The best candidate span (offsets in the sentence) and its probability; without a
    span model, the span nearest the question's words with the sentence's probability."""
    spans = span_candidates(ctx, sc)
    if not spans:
        return None
    rows = span_features(ctx, sc, spans)
    if model is None:
        plain = [(sp, r) for sp, r in zip(spans, rows, strict=True) if not sp[2]]
        (s, e, _), _ = max(plain, key=lambda x: x[1]["near"])
        return (s, e), float(sc.probability)
    probs = model.probabilities(rows)
    i = int(np.argmax(probs))
    return (spans[i][0], spans[i][1]), float(probs[i])
