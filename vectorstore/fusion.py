"""How the dense and lexical rankings are fused: the weights per kind of query, and z-scores."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FusionWeights:
    """How the dense and lexical rankings are fused, per kind of query.

    ``method="zscore"`` (default) standardises each side's scores over its
    candidates (z-scores; a candidate one side did not return gets that side's
    lowest z) and adds them with the weights; ``"rrf"`` is weighted reciprocal
    rank fusion with constant ``rrf_k``. Weights per kind of query:

    * accented Vietnamese: dense on the query, lexical on accented syllables;
    * folded (typed without diacritics): dense on the query with its marks
      restored from corpus statistics, lexical on folded syllables;
    * foreign (e.g. English): dense on the query (e5 is multilingual), lexical
      on folded syllables for names, numbers and codes.

    ``period`` is added to the fused score of a chunk whose ``period`` (the
    year its article is about where the chunk starts, see
    :mod:`ingest.chunking`) is a year the query names: "GRDP tăng khoảng
    6,5-7,0%", written after "trong năm 2024, ...", answers "Năm 2024 Hà Nội
    tăng trưởng bao nhiêu?" without naming 2024 itself. Ranges ("2025-2030")
    do not count: a plan's range is named all over an article. It is in
    z-score units (with ``rrf``, in units of one first-rank vote) and applies
    to hybrid search only.

    Defaults were chosen with ``python -m eval.ablation`` (docs/retrieval.md).
    """

    method: str = "zscore"
    rrf_k: int = 60
    dense: float = 0.6
    lexical: float = 0.4
    folded_dense: float = 0.35
    folded_lexical: float = 0.65
    foreign_dense: float = 0.8
    foreign_lexical: float = 0.2
    candidates: int = 50
    restore_diacritics: bool = True
    period: float = 2.5

    def for_kind(self, kind: str) -> tuple[float, float]:
        """(dense weight, lexical weight) for a query kind."""
        if kind == "folded":
            return self.folded_dense, self.folded_lexical
        if kind == "foreign":
            return self.foreign_dense, self.foreign_lexical
        return self.dense, self.lexical


def zscores(values: Sequence[float]) -> list[float]:
    """``values`` standardised (mean 0, population sd 1); all 0 when they (nearly) tie.

    The tie guard keeps equal scores equal: their mean can differ from them by
    a rounding error, which divided by an sd of that size would spread them.

    >>> zscores([1.0, 2.0, 3.0])
    [-1.224744871391589, 0.0, 1.224744871391589]
    >>> zscores([0.1, 0.1, 0.1])
    [0.0, 0.0, 0.0]
    """
    if not values:
        return []
    mean = sum(values) / len(values)
    sd = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
    if sd < 1e-12:
        return [0.0] * len(values)
    return [(v - mean) / sd for v in values]
