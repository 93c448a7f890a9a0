"""Write an evaluation run to disk: ``results.json``, ``report.md``, ``chart.png``.

Also formats the tables the CLI prints (headline metrics, ``--compare`` deltas).

Example:
    >>> from eval.runner import EvalResult
    >>> r = EvalResult("hanoi", {}, {"hit@5": 0.9, "mrr": 0.75}, {"hit@5": 10, "mrr": 10}, {}, [])
    >>> print(headline_table(r))
    | metric | value | n |
    |---|---:|---:|
    | hit@5 | 0.9000 | 10 |
    | mrr | 0.7500 | 10 |
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from eval.runner import (
    ANSWER_METRICS,
    LATENCY_METRICS,
    LOWER_IS_BETTER,
    REPORTS_DIR,
    RETRIEVAL_METRICS,
    EvalResult,
)

#: metrics in the headline table, in this order (others follow alphabetically)
HEADLINE_ORDER = (
    *RETRIEVAL_METRICS,
    *ANSWER_METRICS,
    "llm_faithfulness",
    "folded_hit@1",
    "folded_hit@5",
    "folded_mrr",
    "answer_contains",
    *LATENCY_METRICS,
)
CATEGORY_COLUMNS = (
    "hit@1",
    "hit@5",
    "mrr",
    "folded_hit@1",
    "folded_hit@5",
    "folded_mrr",
    "key_phrase_accuracy",
    "token_f1",
    "abstention_recall",
)
FAILURES_SHOWN = 60


def default_out_dir(name: str, *, now: datetime | None = None) -> Path:
    """``eval/reports/<timestamp>-<name>/`` in the repository."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return REPORTS_DIR / f"{stamp}-{name}"


def _fmt(value: Any, metric: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if metric.endswith("_ms"):
        return f"{value:.1f}"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def ordered_metrics(names: Sequence[str]) -> list[str]:
    known = [n for n in HEADLINE_ORDER if n in names]
    return known + sorted(n for n in names if n not in HEADLINE_ORDER)


def headline_table(result: EvalResult) -> str:
    """The headline metrics as a markdown table."""
    lines = ["| metric | value | n |", "|---|---:|---:|"]
    for name in ordered_metrics(list(result.metrics)):
        n = result.counts.get(name, "")
        lines.append(f"| {name} | {_fmt(result.metrics[name], name)} | {n} |")
    return "\n".join(lines)


def category_table(result: EvalResult) -> str:
    """Per-category metrics as a markdown table (columns the run measured)."""
    cols = [c for c in CATEGORY_COLUMNS if any(c in v for v in result.categories.values())]
    lines = ["| category | n | " + " | ".join(cols) + " |", "|---|---:|" + "---:|" * len(cols)]
    for cat, values in result.categories.items():
        cells = " | ".join(_fmt(values.get(c), c) for c in cols)
        lines.append(f"| {cat} | {values.get('n', '')} | {cells} |")
    return "\n".join(lines)


def baseline_table(result: EvalResult) -> str:
    """Ours beside published baselines (same metric names)."""
    if not result.baselines:
        return ""
    cols = sorted({k for b in result.baselines.values() for k in b}, key=_baseline_col_order)
    lines = ["| run | " + " | ".join(cols) + " |", "|---|" + "---:|" * len(cols)]
    for name, values in result.baselines.items():
        lines.append(f"| {name} | " + " | ".join(_fmt(values.get(c), c) for c in cols) + " |")
    return "\n".join(lines)


def _baseline_col_order(name: str) -> tuple[int, str]:
    order = ("hit@1", "hit@5", "mrr")
    return (order.index(name) if name in order else len(order), name)


def failures(result: EvalResult) -> list[tuple[str, dict[str, Any]]]:
    """(why, row) for every question the run got wrong."""
    out = []
    for row in result.rows:
        s = row.get("scores", {})
        reasons = []
        if row.get("error"):
            reasons.append(f"error: {row['error']}")
        if row.get("answerable"):
            if s.get("hit@5") == 0.0:
                reasons.append("no relevant passage in top 5")
            if s.get("folded_hit@5") == 0.0:
                reasons.append("typed without diacritics: no relevant passage in top 5")
            if row.get("abstained"):
                reasons.append("abstained on an answerable question")
            elif s.get("key_phrase_accuracy") == 0.0:
                reasons.append("answer misses key phrases")
        elif "abstained" in row and not row["abstained"]:
            reasons.append("answered an unanswerable question")
        if reasons:
            out.append(("; ".join(reasons), row))
    return out


def _snippet(text: str, n: int = 200) -> str:
    text = " ".join(text.split())
    return text[:n] + ("…" if len(text) > n else "")


def failures_section(result: EvalResult, limit: int = FAILURES_SHOWN) -> str:
    found = failures(result)
    if not found:
        return "No failures."
    parts = [
        f"{len(found)} question(s) failed"
        + (f"; the first {limit} are shown." if len(found) > limit else ".")
    ]
    for why, row in found[:limit]:
        parts.append(f"### {row['id']} ({row['category']}): {why}")
        for turn in row.get("history") or []:
            parts.append(f"- **earlier turn**: {turn['question']}")
        parts.append(f"- **question**: {row['question']}")
        parts.append(f"- **expected**: {row.get('expected') or '(not in the articles: abstain)'}")
        if row.get("key_phrases"):
            parts.append(f"- **key phrases**: {', '.join(row['key_phrases'])}")
        if "answer" in row:
            label = " (abstained)" if row.get("abstained") else ""
            parts.append(f"- **answer**{label}: {_snippet(row['answer'], 500)}")
        cited = row.get("citations") or []
        if cited:
            parts.append("- **cited passages**:")
            for c in cited:
                mark = "✓" if c.get("supported") else "✗"
                parts.append(
                    f"  - [{c['index']}] {mark} *{c['title']}* ({c['file']}): {_snippet(c['text'])}"
                )
        else:
            rank = row.get("first_relevant_rank")
            parts.append(
                f"- **first relevant passage at rank**: {rank if rank else 'none in top ' + str(len(row.get('retrieved', [])))}"
            )
            parts.append("- **retrieved passages**:")
            for p in row.get("retrieved", [])[:3]:
                mark = "✓" if p.get("relevant") else "✗"
                parts.append(
                    f"  - {p['rank']}. {mark} *{p['title']}* ({p['file']}): {_snippet(p['text'])}"
                )
        parts.append("")
    return "\n".join(parts)


def gate_section(result: EvalResult) -> str:
    g = result.gate
    if not g:
        return ""
    if g["passed"]:
        text = f"**PASSED**: {len(g['checked'])} threshold(s) met."
    else:
        text = "**FAILED**:\n\n" + "\n".join(f"- {f}" for f in g["failures"])
    if g.get("unmeasured"):
        text += f"\n\nNot measured in this run: {', '.join(g['unmeasured'])}."
    return text


def config_section(result: EvalResult) -> str:
    c = result.config
    lines = []
    for key in (
        "dataset",
        "corpus",
        "questions",
        "retrieval_only",
        "categories",
        "limit",
        "started_at",
        "duration_s",
        "git_commit",
        "ingest",
    ):
        if key in c and c[key] not in (None, [], ""):
            lines.append(f"- {key}: {c[key]}")
    for key, value in (c.get("settings") or {}).items():
        lines.append(f"- {key}: {value}")
    for key, value in (c.get("data_notes") or {}).items():
        lines.append(f"- {key}: {value}")
    return "\n".join(lines)


def render_markdown(result: EvalResult) -> str:
    """The whole ``report.md``."""
    parts = [
        f"# Evaluation: {result.suite}",
        "",
        config_section(result),
        "",
        "## Headline metrics",
        "",
        headline_table(result),
    ]
    if result.baselines:
        parts += ["", "## Beside the published baselines", "", baseline_table(result)]
    if result.gate:
        parts += ["", "## Regression gate", "", gate_section(result)]
    if result.notes:
        parts += ["", "## Notes", "", *[f"- {n}" for n in result.notes]]
    if result.categories:
        parts += ["", "## Per category", "", category_table(result)]
    parts += ["", "## Failures", "", failures_section(result), ""]
    return "\n".join(parts)


def write_chart(result: EvalResult, path: Path) -> Path:
    """Bar charts: headline rate metrics, and hit@5 / key-phrase accuracy per category."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rates = [
        k
        for k in ordered_metrics(list(result.metrics))
        if not k.endswith("_ms") and result.metrics[k] is not None
    ]
    cats = list(result.categories)
    fig, axes = plt.subplots(
        2 if cats else 1,
        1,
        figsize=(max(8, 0.55 * len(rates) + 2), 9 if cats else 4.5),
        squeeze=False,
    )
    ax = axes[0][0]
    values = [result.metrics[k] for k in rates]
    colors = ["#c0504d" if k in LOWER_IS_BETTER else "#4f81bd" for k in rates]
    bars = ax.bar(rates, values, color=colors)
    ax.bar_label(bars, labels=[f"{v:.2f}" for v in values], fontsize=7)
    ax.set_ylim(0, 1.08)
    ax.set_title(f"{result.suite}: headline metrics (red: lower is better)")
    ax.tick_params(axis="x", rotation=45, labelsize=8)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    if cats:
        import numpy as np

        ax = axes[1][0]
        x = np.arange(len(cats))
        series = [
            ("hit@5", "#4f81bd"),
            ("key_phrase_accuracy", "#9bbb59"),
            ("abstention_recall", "#8064a2"),
        ]
        series = [
            s for s in series if any(result.categories[c].get(s[0]) is not None for c in cats)
        ]
        width = 0.8 / max(1, len(series))
        for i, (metric, color) in enumerate(series):
            vals = [result.categories[c].get(metric) for c in cats]
            ax.bar(
                x + (i - (len(series) - 1) / 2) * width,
                [v if v is not None else 0 for v in vals],
                width,
                label=metric,
                color=color,
            )
        ax.set_xticks(
            x,
            [f"{c}\n(n={result.categories[c].get('n', '')})" for c in cats],
            fontsize=7,
            rotation=30,
        )
        ax.set_ylim(0, 1.05)
        ax.set_title("per category")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def write_report(result: EvalResult, out_dir: str | os.PathLike[str]) -> Path:
    """Write ``results.json``, ``report.md`` and ``chart.png`` into ``out_dir``; returns it."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(
        json.dumps(_json_safe(result.to_dict()), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    (out / "report.md").write_text(render_markdown(result), encoding="utf-8")
    write_chart(result, out / "chart.png")
    return out


def compare_table(a: EvalResult, b: EvalResult, *, label_a: str = "A", label_b: str = "B") -> str:
    """Headline metrics of two runs side by side, with B − A.

    A change is marked ▲ when it is an improvement and ▼ when a regression
    (for latency and false abstentions, lower is better).
    """
    names = ordered_metrics(sorted(set(a.metrics) | set(b.metrics)))
    lines = [
        f"A: {label_a} ({a.suite}, {a.config.get('started_at', '?')})",
        f"B: {label_b} ({b.suite}, {b.config.get('started_at', '?')})",
        "",
        "| metric | A | B | Δ (B − A) |",
        "|---|---:|---:|---:|",
    ]
    for name in names:
        va, vb = a.metrics.get(name), b.metrics.get(name)
        if va is None or vb is None:
            delta = "–"
        else:
            d = vb - va
            better = d < 0 if name in LOWER_IS_BETTER else d > 0
            mark = "" if abs(d) < 1e-9 else (" ▲" if better else " ▼")
            delta = (f"{d:+.1f}" if name.endswith("_ms") else f"{d:+.4f}") + mark
        lines.append(f"| {name} | {_fmt(va, name)} | {_fmt(vb, name)} | {delta} |")
    return "\n".join(lines)
