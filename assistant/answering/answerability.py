"""Whether the retrieved passages answer the question at all: the answer's confidence.

The best sentence's probability alone says how good that sentence is among its neighbours;
whether anything answers is a question about the whole list. A small logistic model,
trained by ``python -m eval.train_scorer`` on public sets where answerable questions are
told from questions whose paragraph was withheld, reads a few figures of the scored
candidates (the best probability, its lead over the next, how much of the question the best
passage names...). Its probability is the answer's ``confidence``, compared with the
calibrated abstention threshold.
"""

from __future__ import annotations

import math
from typing import Any

QUESTION_FEATURES = (
    "log_best",
    "best",
    "lead",
    "top3_mean",
    "names_found",
    "names_in_sentence",
    "context_coverage",
    "passage_coverage",
    "coverage",
    "rarest_word",
    "kind_typed",
    "kind_span",
    "best_passage_share",
    "question_terms",
    "names_found_top5",
)


def question_features(ranked: list[Any], terms: int) -> dict[str, float]:
    """Figures of one question's scored candidates (``ranked``: best first, non-empty)."""
    p = [r.probability for r in ranked]
    best = ranked[0].features
    top = ranked[:5]
    first = ranked[0].candidate.passage_index
    return {
        "log_best": math.log(p[0] + 1e-6),
        "best": p[0],
        "lead": p[0] - (p[1] if len(p) > 1 else 0.0),
        "top3_mean": sum(p[:3]) / len(p[:3]),
        "names_found": best["names_found"],
        "names_in_sentence": best["names_in_sentence"],
        "context_coverage": best["context_coverage"],
        "passage_coverage": best["passage_coverage"],
        "coverage": best["coverage"],
        "rarest_word": best["rarest_word"],
        "kind_typed": best["kind_typed"],
        "kind_span": best["kind_span"],
        "best_passage_share": sum(r.candidate.passage_index == first for r in top) / len(top),
        "question_terms": float(terms),
        "names_found_top5": max(r.features["names_found"] for r in top),
    }
