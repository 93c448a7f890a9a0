"""Weights of a small logistic model over named features, as stored in the model file.

The span scorer and the answerability model are both one of these; the training command
(``python -m eval.train_scorer``) fits them.

>>> import numpy as np
>>> w = LogisticWeights(("a", "b"), np.zeros(2), np.ones(2), np.array([2.0, 0.0]), 0.0)
>>> float(w.probabilities([{"a": 0.0, "b": 5.0}])[0])
0.5
>>> again = LogisticWeights.from_json(w.to_json(), ("a", "b"))
>>> float(again.probabilities([{"a": 1.0, "b": 0.0}])[0]) == float(w.probabilities([{"a": 1.0, "b": 0.0}])[0])
True
>>> LogisticWeights.from_json(w.to_json(), ("b",))
Traceback (most recent call last):
ValueError: weights for features ['a', 'b'], expected ['b']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True, eq=False)
class LogisticWeights:
    """``sigmoid(((x - mean) / scale) · coef + intercept)`` over ``features``."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    @classmethod
    def from_json(cls, raw: dict[str, Any], features: Sequence[str]) -> LogisticWeights:
        """Read weights written for ``features``; a ValueError when they are for others."""
        if list(raw["features"]) != list(features):
            raise ValueError(f"weights for features {raw['features']}, expected {list(features)}")
        return cls(
            tuple(features), np.asarray(raw["mean"], float), np.asarray(raw["scale"], float),
            np.asarray(raw["coef"], float), float(raw["intercept"]),
        )  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": [round(float(x), 6) for x in self.mean],
            "scale": [round(float(x), 6) for x in self.scale],
            "coef": [round(float(x), 6) for x in self.coef],
            "intercept": round(self.intercept, 6),
        }

    def probabilities(self, rows: Sequence[dict[str, float]]) -> np.ndarray:
        """One probability per row of named feature values."""
        return self.apply(np.asarray([[r[f] for f in self.features] for r in rows], dtype=float))

    def apply(self, x: np.ndarray) -> np.ndarray:
        """One probability per row of a matrix whose columns are ``features`` in order."""
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
