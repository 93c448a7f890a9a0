"""Run a public QA set end to end through the public API, and judge the answers.

``python -m eval qa --path FILE_OR_FOLDER`` ingests the set's documents on a temporary
store, asks every question with :meth:`Assistant.ask`, then withholds a share of the
documents (:meth:`Assistant.delete`) and asks their questions again, which must now be
refused. Beside it, in the same run and on the same retrieval, the naive baseline: the
sentence of the top-3 passages sharing most words with the question.

Metrics (answerable questions unless said):

* ``gold_in_answer``: the gold answer occurs in the answer text (normalised);
* ``baseline_gold_in_answer``: the same for the naive baseline;
* ``false_abstentions``: answerable questions refused;
* ``withheld_refused``: questions whose document was withheld, refused;
* ``direct_shown`` and ``direct_f1`` (token F1 against the gold span where shown);
* ``answer_chars``: mean length of an answer's text without its markers.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from assistant.types import Answer, AssistantError, Passage
from eval import metrics as m
from eval.qa_sets import QAQuestion, QASet
from eval.runner import EvalResult, git_commit, temporary_assistant
from textvi import split_sentences, tokenize

WITHHOLD_SHARE = 0.3
_SKIP = frozenset("là của và có được những các cho với trong về theo đã thì mà để ở tại từ gì ai nào bao nhiêu".split())


@dataclass
class Asked:
    """One question and what came back (passages for training, the answer for eval)."""

    question: QAQuestion
    withheld: bool
    passages: list[Passage]
    doc_ids: list[str]
    answer: Answer | None = None
    baseline: str = ""
    ask_ms: float | None = None
    error: str | None = None
    beside: dict[str, tuple[Answer, float]] = field(default_factory=dict)


def baseline_sentence(question: str, passages: Sequence[Passage], top: int = 3) -> str:
    """The sentence of the first ``top`` passages sharing the most words with ``question``."""
    words = {t for t in tokenize(question) if t not in _SKIP}
    best, best_n = "", -1
    for p in passages[:top]:
        for s, e in split_sentences(p.text):
            n = len(words & set(tokenize(p.text[s:e])))
            if n > best_n:
                best, best_n = p.text[s:e], n
    return best


def collect(
    qaset: QASet,
    settings: Any,
    *,
    withhold: float = WITHHOLD_SHARE,
    limit: int | None = None,
    ask: bool = True,
    rerank: bool = True,
    progress: bool = False,
    beside: Sequence[str] = (),
    **inject: Any,
) -> list[Asked]:
    """Ask every question of ``qaset`` on a fresh store, then the withheld ones again.

    ``beside``: answer modes that also answer every question, on the same store.
    """
    from tqdm import tqdm

    questions = qaset.questions[:limit] if limit else qaset.questions
    held = qaset.withheld_docs(withhold)
    k = settings.answer.context_passages
    out: list[Asked] = []
    with tempfile.TemporaryDirectory(prefix="qa-docs-") as docs:
        names = qaset.write(docs)
        by_doc = {v: str(Path(docs, n).resolve()) for n, v in names.items()}
        with temporary_assistant(settings, docs, progress=progress, **inject) as (bot, _):
            others = {mode: bot.with_answer_mode(mode) for mode in beside}

            def one(q: QAQuestion, withheld: bool) -> Asked:
                try:
                    ps = bot.retrieve(q.question, k, rerank=rerank)
                    a = Asked(q, withheld, ps, [names.get(Path(p.source).name, "?") for p in ps])
                    a.baseline = baseline_sentence(q.question, ps)
                    if ask:
                        t0 = time.perf_counter()
                        a.answer = bot.ask(q.question)
                        a.ask_ms = (time.perf_counter() - t0) * 1000
                        for mode, other in others.items():
                            t0 = time.perf_counter()
                            answer = other.ask(q.question)
                            a.beside[mode] = (answer, (time.perf_counter() - t0) * 1000)
                    return a
                except AssistantError as e:
                    return Asked(q, withheld, [], [], error=str(e))

            for q in tqdm(questions, desc=qaset.name, unit="q", disable=not progress):
                out.append(one(q, False))
            for d in held:
                bot.delete(by_doc[d])
            again = [q for q in questions if q.doc_id in held]
            for q in tqdm(again, desc=f"{qaset.name} withheld", unit="q", disable=not progress):
                out.append(one(q, True))
    return out


def _norm(text: str) -> str:
    return m.normalize_text(m.strip_citation_markers(text))


def gold_in(answer_text: str, gold: str) -> bool:
    """The gold answer, normalised, occurs in the answer text (markers removed)."""
    g = _norm(gold)
    return bool(g) and g in _norm(answer_text)


def span_f1(pred: str, gold: str) -> float:
    p, g = tokenize(pred), tokenize(gold)
    if not p or not g:
        return 0.0
    common = sum(min(p.count(t), g.count(t)) for t in set(p))
    if not common:
        return 0.0
    prec, rec = common / len(p), common / len(g)
    return 2 * prec * rec / (prec + rec)


def qa_metrics(asked: Sequence[Asked]) -> dict[str, float | None]:
    ans = [a for a in asked if not a.withheld and a.answer is not None]
    held = [a for a in asked if a.withheld and a.answer is not None]

    def mean(xs: list[float]) -> float | None:
        return round(sum(xs) / len(xs), 4) if xs else None

    answered = [a for a in ans if not a.answer.abstained]
    shown = [a for a in answered if a.answer.direct_answer]
    lat = sorted(a.ask_ms for a in asked if a.ask_ms is not None)
    cited = [[c.passage.text for c in a.answer.citations] for a in answered]
    return {
        "gold_in_answer": mean([float(gold_in(a.answer.text, a.question.answer)) for a in ans]),
        "baseline_gold_in_answer": mean([float(gold_in(a.baseline, a.question.answer)) for a in ans]),
        "false_abstentions": mean([float(a.answer.abstained) for a in ans]),
        "withheld_refused": mean([float(a.answer.abstained) for a in held]),
        "direct_shown": mean([float(bool(a.answer.direct_answer)) for a in ans]),
        "direct_f1": mean([span_f1(a.answer.direct_answer, a.question.answer) for a in shown]),
        "direct_exact": mean(
            [float(_norm(a.answer.direct_answer) == _norm(a.question.answer)) for a in shown]
        ),
        "answer_chars": mean([float(len(m.strip_citation_markers(a.answer.text))) for a in answered]),
        "gold_doc_in_context": mean([float(a.question.doc_id in a.doc_ids) for a in ans]),
        "ask_p50_ms": round(lat[len(lat) // 2], 1) if lat else None,
        "ask_p95_ms": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 1) if lat else None,
        # cited passages holding the gold answer (pooled), and answer sentences covered by them
        "citation_precision": _finite(m.citation_precision(
            [[a.question.answer] for a in answered], [[] for _ in answered], cited
        ).score),
        "faithfulness": _finite(m.faithfulness_proxy(
            [a.answer.text for a in answered],
            [{c.index: c.passage.text for c in a.answer.citations} for a in answered],
        ).score),
    }  # fmt: skip


def _finite(x: float) -> float | None:
    return None if x != x else round(x, 4)


def answers_of(asked: Sequence[Asked], mode: str) -> list[Asked]:
    """The same questions with the answers ``mode`` gave (``collect(..., beside=[mode])``)."""
    return [
        replace(a, answer=a.beside[mode][0], ask_ms=a.beside[mode][1]) if mode in a.beside else a
        for a in asked
    ]


def run_qa(
    qaset: QASet,
    settings: Any,
    *,
    withhold: float = WITHHOLD_SHARE,
    limit: int | None = None,
    progress: bool = False,
    source: str = "",
    beside: Sequence[str] = (),
    **inject: Any,
) -> EvalResult:
    """The end-to-end run as an :class:`EvalResult` (suite ``qa-<set name>``).

    ``beside``: answer modes also run on the same store; their figures go in
    ``baselines`` beside this run's.
    """
    started = time.time()
    asked = collect(
        qaset, settings, withhold=withhold, limit=limit, progress=progress, beside=beside, **inject
    )
    metrics = qa_metrics(asked)
    rows = [_row(a) for a in asked]
    counts = {
        "answerable": sum(not a.withheld for a in asked),
        "withheld": sum(a.withheld for a in asked),
        "errors": sum(a.error is not None for a in asked),
    }
    result = EvalResult(f"qa-{qaset.name}", {}, metrics, counts, {}, rows)
    result.baselines = {
        "**ours**": {"gold_in_answer": metrics["gold_in_answer"]},
        "baseline: best sentence of the top 3 by shared words": {
            "gold_in_answer": metrics["baseline_gold_in_answer"]
        },
    }
    shown = ("gold_in_answer", "citation_precision", "faithfulness", "false_abstentions",
             "withheld_refused", "ask_p50_ms", "ask_p95_ms")  # fmt: skip
    for mode in beside:
        if not result.baselines.get(f"answer mode '{settings.answer.mode}'"):
            result.baselines[f"answer mode '{settings.answer.mode}'"] = {
                k: metrics[k] for k in shown if metrics.get(k) is not None
            }
        theirs = qa_metrics(answers_of(asked, mode))
        result.baselines[f"answer mode '{mode}' (same store, same run)"] = {
            k: theirs[k] for k in shown if theirs.get(k) is not None
        }
    result.config = {
        "suite": result.suite,
        "dataset": source,
        "documents": len(qaset.documents),
        "questions": counts["answerable"],
        "withhold_share": withhold,
        "limit": limit,
        "duration_s": round(time.time() - started, 2),
        "git_commit": git_commit(),
        "settings": {"answer_mode": settings.answer.mode, "chunk_size": settings.chunking.chunk_size},
    }
    result.notes.append(
        "Withheld: the questions of a stable share of documents, asked again after those "
        "documents were deleted; they should be refused."
    )
    return result


def _row(a: Asked) -> dict[str, Any]:
    ans, q = a.answer, a.question
    hit = gold_in(ans.text, q.answer) if ans and not ans.abstained else False
    row: dict[str, Any] = {
        "id": q.qid,
        "category": "withheld" if a.withheld else "answerable",
        "question": q.question,
        "answerable": not a.withheld,
        "expected": q.answer if not a.withheld else "",
        "gold_document": q.doc_id,
        "direct_answer": ans.direct_answer if ans else None,
        "confidence": round(ans.confidence, 4) if ans else None,
        "baseline": a.baseline,
        "gold_in_answer": hit,
        "scores": {"key_phrase_accuracy": float(hit)} if not a.withheld else {},
        "first_relevant_rank": a.doc_ids.index(q.doc_id) + 1 if q.doc_id in a.doc_ids else None,
        "retrieved": [
            {"rank": r, "title": p.title, "file": Path(p.source).name,
             "relevant": d == q.doc_id, "text": p.text[:200]}
            for r, (p, d) in enumerate(zip(a.passages, a.doc_ids, strict=True), 1)
        ],  # fmt: skip
        "error": a.error,
    }
    if ans is not None:
        row["answer"] = ans.text
        row["abstained"] = ans.abstained
        if ans.note:
            row["note"] = ans.note
        row["citations"] = [
            {"index": c.index, "title": c.passage.title, "file": Path(c.passage.source).name,
             "text": c.quote or c.passage.text[:200],
             "supported": m.contains_evidence(q.answer, c.passage.text)}
            for c in ans.citations
        ]  # fmt: skip
    return row


_LABELS = (
    ("gold_in_answer", "gold answer in the answer text"),
    ("baseline_gold_in_answer", "naive baseline (best sentence of top 3 by shared words)"),
    ("false_abstentions", "answerable questions refused"),
    ("withheld_refused", "withheld-paragraph questions refused"),
    ("direct_shown", "direct answer shown"),
    ("direct_f1", "direct answer token F1 (where shown)"),
    ("direct_exact", "direct answer exact match (where shown)"),
    ("answer_chars", "answer length, characters (mean)"),
    ("gold_doc_in_context", "gold document among the passages answered from"),
    ("ask_p50_ms", "ask p50, ms"),
)


def summary_lines(result: EvalResult) -> list[str]:
    """The headline figures as a small table (for the terminal and the report)."""
    c = result.counts
    lines = [
        f"{result.suite}: {c.get('answerable')} answerable questions, {c.get('withheld')} "
        f"withheld, {result.config.get('documents')} documents",
        "",
        "| metric | value |",
        "|---|---:|",
    ]
    for key, label in _LABELS:
        v = result.metrics.get(key)
        lines.append(f"| {label} | {'—' if v is None else v} |")
    return lines
