"""Evaluation suite: gold questions → the assistant's public API → metrics and a report.

Run it with ``python -m eval`` (or ``assistant eval``); see :mod:`eval.__main__`.

Example:
    >>> from eval import hit_at_k
    >>> hit_at_k([["11%"]], [["tăng trưởng 11% trở lên"]], k=1).score
    1.0
"""

from eval.dataset import CATEGORIES, DatasetError, EvalItem, load_dataset, select_items
from eval.metrics import (
    MetricResult,
    abstention_precision,
    abstention_recall,
    citation_precision,
    citation_recall,
    contains_evidence,
    faithfulness_proxy,
    false_abstention_rate,
    hit_at_k,
    key_phrase_accuracy,
    latency_summary,
    llm_faithfulness,
    mrr,
    ndcg_at_k,
    recall_at_k,
    token_f1,
)
from eval.runner import (
    EvalConfig,
    EvalError,
    EvalResult,
    GateResult,
    check_thresholds,
    evaluate,
    load_result,
    load_thresholds,
    run_suite,
    temporary_assistant,
)

__all__ = [
    "CATEGORIES",
    "DatasetError",
    "EvalConfig",
    "EvalError",
    "EvalItem",
    "EvalResult",
    "GateResult",
    "MetricResult",
    "abstention_precision",
    "abstention_recall",
    "check_thresholds",
    "citation_precision",
    "citation_recall",
    "contains_evidence",
    "evaluate",
    "faithfulness_proxy",
    "false_abstention_rate",
    "hit_at_k",
    "key_phrase_accuracy",
    "latency_summary",
    "llm_faithfulness",
    "load_dataset",
    "load_result",
    "load_thresholds",
    "mrr",
    "ndcg_at_k",
    "recall_at_k",
    "run_suite",
    "select_items",
    "temporary_assistant",
    "token_f1",
]
