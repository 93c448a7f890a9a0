"""The evidence scorer: how likely each candidate sentence is to hold the answer.

A logistic model over :mod:`assistant.answering.features`, whose weights come from a
small JSON file written by ``python -m eval.train_scorer`` (public Vietnamese QA data;
see ``assistant/answering/MODEL_CARD.md``). Inference is numpy only. The answerer and the
re-ranker both use it; neither reaches into the other.

>>> from assistant.types import Passage
>>> ps = [Passage(text="Oracle được Larry Ellison thành lập năm 1977.", source="a",
...               title="Oracle", score=1.0, chunk_id="a"),
...       Passage(text="Thời tiết hôm nay đẹp.", source="b", title="", score=0.5, chunk_id="b")]
>>> ev = EvidenceScorer.default().score("Oracle được thành lập năm nào?", ps)
>>> ev.best.candidate.passage_index, ev.best.probability > ev.ranked[-1].probability
(0, True)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.answering.answerability import QUESTION_FEATURES, question_features
from assistant.answering.candidates import Candidate
from assistant.answering.direct_answer import SPAN_FEATURES
from assistant.answering.features import FEATURE_NAMES, EvidenceContext
from assistant.answering.logistic import LogisticWeights
from assistant.types import Passage

#: the model shipped with the project (trained on MLQA vi, Zalo wiki QA and ALQAC 2022)
DEFAULT_MODEL = Path(__file__).resolve().parent / "evidence_model.json"


class ModelFileError(ValueError):
    """The evidence model file is missing, malformed or for other features."""


@dataclass(frozen=True)
class ScoredCandidate:
    candidate: Candidate
    probability: float
    features: dict[str, float]


@dataclass
class Evidence:
    """Every candidate of one question with its probability, best first."""

    context: EvidenceContext
    ranked: list[ScoredCandidate] = field(default_factory=list)
    answerable: float | None = None  # the answerability model's probability, when it has one

    @property
    def best(self) -> ScoredCandidate | None:
        return self.ranked[0] if self.ranked else None

    @property
    def confidence(self) -> float:
        """How likely the passages answer the question: the answerability model's
        probability, or without one the best sentence's."""
        if not self.ranked:
            return 0.0
        return self.answerable if self.answerable is not None else self.ranked[0].probability

    def passage_support(self) -> list[float]:
        """Each passage's best candidate probability (0 for a passage with none)."""
        best = [0.0] * len(self.context.passages)
        for sc in self.ranked:
            i = sc.candidate.passage_index
            best[i] = max(best[i], sc.probability)
        return best


@dataclass(frozen=True)
class EvidenceModel:
    """Weights of the logistic scorer and the decisions calibrated with it."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    abstain_threshold: float
    extra_sentence_ratio: float
    span_threshold: float
    meta: dict[str, Any]
    span_model: LogisticWeights | None = None
    answerability: LogisticWeights | None = None

    @classmethod
    def load(cls, path: str | Path) -> EvidenceModel:
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
            model = cls(
                features=tuple(raw["features"]),
                mean=np.asarray(raw["mean"], dtype=float),
                scale=np.asarray(raw["scale"], dtype=float),
                coef=np.asarray(raw["coef"], dtype=float),
                intercept=float(raw["intercept"]),
                abstain_threshold=float(raw["abstain_threshold"]),
                extra_sentence_ratio=float(raw.get("extra_sentence_ratio", 1.0)),
                span_threshold=float(raw.get("span_threshold", 0.5)),
                meta=dict(raw.get("meta", {})),
                span_model=_part(raw, "span_model", SPAN_FEATURES),
                answerability=_part(raw, "answerability", QUESTION_FEATURES),
            )
        except FileNotFoundError:
            raise ModelFileError(f"evidence model not found: {path}") from None
        except (KeyError, TypeError, ValueError) as e:
            raise ModelFileError(f"evidence model {path} is malformed: {e}") from None
        unknown = set(model.features) - set(FEATURE_NAMES)
        if unknown:
            raise ModelFileError(
                f"evidence model {path} uses features this version lacks: {sorted(unknown)}; "
                "retrain it with `python -m eval.train_scorer`"
            )
        n = len(model.features)
        if not (len(model.mean) == len(model.scale) == len(model.coef) == n):
            raise ModelFileError(f"evidence model {path}: weights do not match its features")
        return model

    @property
    def sentence_weights(self) -> LogisticWeights:
        """The sentence scorer's weights (the model's own logistic part)."""
        return LogisticWeights(self.features, self.mean, self.scale, self.coef, self.intercept)

    def to_json(self) -> dict[str, Any]:
        return {
            **self.sentence_weights.to_json(),
            "abstain_threshold": round(self.abstain_threshold, 4),
            "extra_sentence_ratio": round(self.extra_sentence_ratio, 4),
            "span_threshold": round(self.span_threshold, 4),
            "span_model": self.span_model.to_json() if self.span_model else None,
            "answerability": self.answerability.to_json() if self.answerability else None,
            "meta": self.meta,
        }

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        return self.sentence_weights.apply(rows)


def _part(raw: dict[str, Any], key: str, features: tuple[str, ...]) -> LogisticWeights | None:
    """An optional part of the model file (the span scorer, the answerability model)."""
    return LogisticWeights.from_json(raw[key], features) if raw.get(key) else None


@lru_cache(maxsize=4)
def _load(path: str) -> EvidenceModel:
    return EvidenceModel.load(path)


class EvidenceScorer:
    """Scores the candidate sentences of retrieved passages for a question."""

    def __init__(self, model: EvidenceModel) -> None:
        self.model = model

    @classmethod
    def from_path(cls, path: str | Path | None = None) -> EvidenceScorer:
        return cls(_load(str(path or DEFAULT_MODEL)))

    @classmethod
    def default(cls) -> EvidenceScorer:
        return cls.from_path(None)

    def score(self, question: str, passages: Sequence[Passage]) -> Evidence:
        ctx = EvidenceContext.build(question, passages)
        if not ctx.candidates:
            return Evidence(ctx)
        feats = [ctx.features(c) for c in ctx.candidates]
        rows = np.asarray([[f[n] for n in self.model.features] for f in feats], dtype=float)
        probs = self.model.probabilities(rows)
        ranked = [
            ScoredCandidate(c, float(p), f)
            for c, p, f in zip(ctx.candidates, probs, feats, strict=True)
        ]
        ranked.sort(key=lambda s: (-s.probability, s.candidate.passage_index, s.candidate.start))
        answerable = None
        if self.model.answerability is not None:
            feats = question_features(ranked, len(ctx.question.terms))
            answerable = float(self.model.answerability.probabilities([feats])[0])
        return Evidence(ctx, ranked, answerable)

