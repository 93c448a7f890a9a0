"""External benchmark: Zalo AI 2019 Vietnamese wiki QA (SQuAD v1 format).

Each paragraph becomes one small document, ingested with ``Assistant.ingest``
(the same pipeline the product uses, with a chunk size large enough that every
paragraph is one chunk). A question hits when its own paragraph ranks in the
top k. Every question is asked as written and again with its diacritics
stripped (:func:`textvi.vietnamese.fold_diacritics`), and the numbers are
reported beside the baselines published with the benchmark.

The file has known defects (see its README): answers whose ``answer_start``
does not match the context, and two ids shared by two different questions.
Answers are located by their text, never by offset, and a repeated id gets a
``~2`` suffix (the same question repeated under one id is dropped).

Example:
    >>> bench = load_squad("/path/to/train.json")                       # doctest: +SKIP
    >>> result = run_zalo(bench, settings=Settings())                   # doctest: +SKIP
    >>> result.metrics["hit@5"], result.metrics["folded_hit@5"]         # doctest: +SKIP
    (0.98, 0.95)
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from assistant.types import Answer, AssistantError, Passage
from eval import metrics as m
from eval.runner import (
    EvalConfig,
    EvalError,
    EvalResult,
    eval_settings,
    finite_or_none,
    git_commit,
    temporary_assistant,
)
from textvi import fold_diacritics, nfc

log = logging.getLogger(__name__)

SUITE = "zalo"
#: larger than any paragraph of the benchmark (the longest is 1,737 characters)
ZALO_CHUNK_SIZE = 4000

#: Published with the benchmark (README of zalo-wikiqa-2019), each paragraph one document.
BASELINES: dict[str, dict[str, float]] = {
    "baseline: dense multilingual-e5-small": {"hit@1": 0.824, "hit@5": 0.969, "mrr": 0.890},
    "baseline: BM25, accented tokens": {"hit@1": 0.825, "hit@5": 0.978, "mrr": 0.892},
    "baseline: BM25, diacritics folded": {"hit@1": 0.796, "hit@5": 0.957, "mrr": 0.868},
    "baseline: RRF dense + folded BM25 (k=60)": {"hit@1": 0.847, "hit@5": 0.989, "mrr": 0.911},
    "baseline: dense e5-small · questions without diacritics": {
        "hit@1": 0.224,
        "hit@5": 0.416,
        "mrr": 0.322,
    },
    "baseline: folded BM25 · questions without diacritics": {
        "hit@1": 0.796,
        "hit@5": 0.957,
        "mrr": 0.868,
    },
}


@dataclass(frozen=True)
class Paragraph:
    pid: str
    title: str
    context: str

    @property
    def kind(self) -> str:
        """'wikipedia' or 'regulations' (the two halves of the benchmark)."""
        return "wikipedia" if self.title.strip().lower() == "wikipedia" else "regulations"


@dataclass(frozen=True)
class ZaloQuestion:
    id: str
    question: str
    pid: str
    answer: str
    answer_start: int  # located by text; -1 when the text is not in the context


@dataclass
class ZaloBenchmark:
    """Paragraphs and questions, with what loading had to repair."""

    paragraphs: list[Paragraph]
    questions: list[ZaloQuestion]
    notes: dict[str, Any] = field(default_factory=dict)

    def paragraph(self, pid: str) -> Paragraph:
        return self._by_pid[pid]

    @property
    def _by_pid(self) -> dict[str, Paragraph]:
        return {p.pid: p for p in self.paragraphs}


def locate_answer(context: str, text: str, hint: int = -1) -> int:
    """Where ``text`` occurs in ``context`` (the occurrence nearest ``hint``), or -1.

    Falls back to a case-insensitive comparison of NFC text with whitespace
    collapsed; the offset then points into ``context`` approximately (at the
    start of the matching word run), good enough to show the answer.

    >>> locate_answer("Hà Nội là thủ đô. Hà Nội đẹp.", "Hà Nội", hint=15)
    18
    >>> locate_answer("Giải  NBA", "giải nba")
    0
    """
    text = text.strip()
    if not text:
        return -1
    starts = []
    i = context.find(text)
    while i >= 0:
        starts.append(i)
        i = context.find(text, i + 1)
    if starts:
        return min(starts, key=lambda s: abs(s - hint)) if hint >= 0 else starts[0]
    norm_ctx, norm_text = m.normalize_text(context), m.normalize_text(text)
    pos = norm_ctx.find(norm_text)
    if pos < 0:
        return -1
    # map back: count non-space characters before the match
    before = len(norm_ctx[:pos].replace(" ", ""))
    seen = 0
    for idx, ch in enumerate(context):
        if seen == before and not ch.isspace():
            return idx
        if not ch.isspace():
            seen += 1
    return -1


def load_squad(path: str | os.PathLike[str]) -> ZaloBenchmark:
    """Read a SQuAD-v1 file into paragraphs and questions, repairing known defects."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvalError(f"benchmark file not found: {path}") from None
    except json.JSONDecodeError as e:
        raise EvalError(f"{path} is not valid JSON: {e}") from None
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise EvalError(f"{path} is not in SQuAD format (no top-level 'data' list)")

    paragraphs: list[Paragraph] = []
    questions: list[ZaloQuestion] = []
    seen: dict[str, str] = {}
    notes = {
        "renamed_duplicate_ids": 0,
        "dropped_repeated_questions": 0,
        "offsets_repaired": 0,
        "answers_not_in_context": 0,
    }
    for entry in data["data"]:
        title = nfc(str(entry.get("title", "")))
        for para in entry.get("paragraphs", []):
            context = nfc(str(para.get("context", "")))
            if not context.strip():
                continue
            pid = f"p{len(paragraphs):04d}"
            paragraphs.append(Paragraph(pid, title, context))
            for qa in para.get("qas", []):
                question = nfc(str(qa.get("question", ""))).strip()
                qid = str(qa.get("id", "")) or f"{pid}-q"
                if not question:
                    continue
                if qid in seen:
                    if seen[qid] == question:
                        notes["dropped_repeated_questions"] += 1
                        continue
                    n = 2
                    while f"{qid}~{n}" in seen:
                        n += 1
                    qid = f"{qid}~{n}"
                    notes["renamed_duplicate_ids"] += 1
                seen[qid] = question
                answers = qa.get("answers") or [{}]
                text = nfc(str(answers[0].get("text", "")))
                hint = int(answers[0].get("answer_start", -1))
                start = locate_answer(context, text, hint)
                if start < 0:
                    notes["answers_not_in_context"] += 1
                elif context[hint : hint + len(text)] != text:
                    notes["offsets_repaired"] += 1
                questions.append(ZaloQuestion(qid, question, pid, text, start))
    if not questions:
        raise EvalError(f"{path} holds no questions")
    return ZaloBenchmark(paragraphs, questions, notes)


def write_paragraphs(bench: ZaloBenchmark, folder: str | os.PathLike[str]) -> dict[str, str]:
    """Write each paragraph as a Markdown file titled in its front matter; file name → pid."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = {}
    for p in bench.paragraphs:
        name = f"{p.pid}.md"
        title = p.title.replace('"', "'").replace("\n", " ")
        (folder / name).write_text(f'---\ntitle: "{title}"\n---\n\n{p.context}\n', encoding="utf-8")
        names[name] = p.pid
    return names


@dataclass
class _Asked:
    question: ZaloQuestion
    ranked: list[str]
    folded_ranked: list[str]
    passages: list[Passage]
    passage_pids: list[str]
    retrieve_s: list[float]
    answer: Answer | None = None
    ask_s: float | None = None
    error: str | None = None


def run_zalo(
    bench: ZaloBenchmark,
    *,
    settings: Settings | None = None,
    config: EvalConfig | None = None,
    ask: bool = False,
    limit: int | None = None,
    progress: bool = True,
    source: str = "",
    **inject: Any,
) -> EvalResult:
    """Index every paragraph on a temporary store and measure paragraph-level retrieval.

    ``config`` carries ``mode``/``model``/``depth`` overrides; ``ask`` also
    answers each question and checks the answer contains the gold answer text.
    """
    from tqdm import tqdm

    config = config or EvalConfig(name=SUITE)
    started = time.time()
    questions = bench.questions[:limit] if limit else bench.questions
    settings = eval_settings(settings, config, chunk_size=ZALO_CHUNK_SIZE)
    with tempfile.TemporaryDirectory(prefix="zalo-docs-") as docs:
        names = write_paragraphs(bench, docs)
        with temporary_assistant(settings, docs, progress=progress, **inject) as (bot, report):
            notes = dict(bench.notes)
            notes["paragraphs_indexed"] = len(report.added)
            notes["chunks_indexed"] = report.chunks_added
            asked: list[_Asked] = []
            for q in tqdm(
                questions, desc="zalo", unit="q", disable=not progress, dynamic_ncols=True
            ):
                asked.append(_ask_one(bot, q, names, config.depth, ask))
            used = bot.settings
    result = _score(bench, asked, notes, ask=ask)
    result.config = {
        "suite": SUITE,
        "dataset": source,
        "questions": len(questions),
        "paragraphs": len(bench.paragraphs),
        "limit": limit,
        "depth": config.depth,
        "ask": ask,
        "started_at": datetime.fromtimestamp(started).isoformat(timespec="seconds"),
        "duration_s": round(time.time() - started, 2),
        "git_commit": git_commit(),
        "ingest": report.summary(),
        "settings": {
            "embedding_model": used.embedding.model,
            "retrieval_mode": used.retrieval.mode,
            "candidates": used.retrieval.candidates,
            "chunk_size": used.chunking.chunk_size,
            "answer_mode": used.answer.mode,
        },
        "data_notes": notes,
    }
    if notes["chunks_indexed"] != len(bench.paragraphs):
        result.notes.append(
            f"{notes['chunks_indexed']} chunks for {len(bench.paragraphs)} paragraphs: "
            "some paragraphs were split or dropped by ingest."
        )
    return result


def _ask_one(bot: Any, q: ZaloQuestion, names: dict[str, str], depth: int, ask: bool) -> _Asked:
    def ranked(question: str) -> tuple[list[Passage], list[str], float]:
        t0 = time.perf_counter()
        passages = bot.retrieve(question, depth)
        elapsed = time.perf_counter() - t0
        return passages, [names.get(Path(p.source).name, "?") for p in passages], elapsed

    try:
        passages, pids, t1 = ranked(q.question)
        _, folded, t2 = ranked(fold_diacritics(q.question))
    except AssistantError as e:
        return _Asked(q, [], [], [], [], [], error=str(e))
    # paragraph-level ranking: a paragraph split into several chunks counts once
    out = _Asked(
        q, list(dict.fromkeys(pids)), list(dict.fromkeys(folded)), passages, pids, [t1, t2]
    )
    if ask:
        try:
            t0 = time.perf_counter()
            out.answer = bot.ask(q.question)
            out.ask_s = time.perf_counter() - t0
        except AssistantError as e:
            out.error = str(e)
    return out


def _metrics_for(
    asked: Sequence[_Asked], *, ask: bool
) -> tuple[dict[str, m.MetricResult], list[float]]:
    gold = [[a.question.pid] for a in asked]
    plain = [a.ranked for a in asked]
    folded = [a.folded_ranked for a in asked]
    eq = str.__eq__
    out = {
        "hit@1": m.hit_at_k(gold, plain, 1, match=eq),
        "hit@5": m.hit_at_k(gold, plain, 5, match=eq),
        "mrr": m.mrr(gold, plain, match=eq),
        "folded_hit@1": m.hit_at_k(gold, folded, 1, match=eq),
        "folded_hit@5": m.hit_at_k(gold, folded, 5, match=eq),
        "folded_mrr": m.mrr(gold, folded, match=eq),
    }
    if ask:
        answers = ["" if (a.answer is None or a.answer.abstained) else a.answer.text for a in asked]
        out["answer_contains"] = m.key_phrase_accuracy(
            [[a.question.answer] for a in asked], answers
        )
        out["token_f1"] = m.token_f1([a.question.answer for a in asked], answers)
        out["false_abstention_rate"] = m.false_abstention_rate(
            [True] * len(asked), [bool(a.answer and a.answer.abstained) for a in asked]
        )
    return out, [t for a in asked for t in a.retrieve_s]


def _values(
    results: dict[str, m.MetricResult], timings: list[float], asked: Sequence[_Asked]
) -> tuple[dict[str, float | None], dict[str, int]]:
    values = {k: finite_or_none(r.score) for k, r in results.items()}
    counts = {k: r.n for k, r in results.items()}
    lat = m.latency_summary(timings)
    values["retrieve_p50_ms"], values["retrieve_p95_ms"] = (
        finite_or_none(lat["p50_ms"]),
        finite_or_none(lat["p95_ms"]),
    )
    counts["retrieve_p50_ms"] = counts["retrieve_p95_ms"] = int(lat["n"])
    ask_times = [a.ask_s for a in asked if a.ask_s is not None]
    if ask_times:
        lat = m.latency_summary(ask_times)
        values["ask_p50_ms"], values["ask_p95_ms"] = (
            finite_or_none(lat["p50_ms"]),
            finite_or_none(lat["p95_ms"]),
        )
        counts["ask_p50_ms"] = counts["ask_p95_ms"] = int(lat["n"])
    return values, counts


def _score(
    bench: ZaloBenchmark, asked: list[_Asked], notes: dict[str, Any], *, ask: bool
) -> EvalResult:
    results, timings = _metrics_for(asked, ask=ask)
    metrics, counts = _values(results, timings, asked)
    categories: dict[str, dict[str, Any]] = {}
    kinds = {p.pid: p.kind for p in bench.paragraphs}
    for kind in ("wikipedia", "regulations"):
        subset = [a for a in asked if kinds[a.question.pid] == kind]
        if subset:
            sub, sub_t = _metrics_for(subset, ask=ask)
            values, _ = _values(sub, sub_t, subset)
            categories[kind] = {"n": len(subset), **values}

    by_pid = {p.pid: p for p in bench.paragraphs}
    rows = []
    for i, a in enumerate(asked):
        q = a.question
        gold_text = by_pid[q.pid].context
        row: dict[str, Any] = {
            "id": q.id,
            "variant": "as_written",
            "category": kinds[q.pid],
            "question": q.question,
            "folded_question": fold_diacritics(q.question),
            "answerable": True,
            "expected": q.answer,
            "gold_paragraph": q.pid,
            "rank": a.ranked.index(q.pid) + 1 if q.pid in a.ranked else None,
            "folded_rank": a.folded_ranked.index(q.pid) + 1 if q.pid in a.folded_ranked else None,
            "retrieved": [
                {
                    "rank": r,
                    "title": p.title,
                    "file": Path(p.source).name,
                    "score": round(p.score, 6),
                    "relevant": pid == q.pid,
                    "text": p.text[:200],
                }
                for r, (p, pid) in enumerate(zip(a.passages, a.passage_pids, strict=True), 1)
            ],
            "answer_in_gold_paragraph": q.answer_start >= 0
            or m.contains_evidence(q.answer, gold_text),
            "scores": {
                k: (None if r.per_item[i] is None else round(r.per_item[i], 6))
                for k, r in results.items()
            },
            "latency_ms": {
                "retrieve": [round(t * 1000, 3) for t in a.retrieve_s],
                "ask": None if a.ask_s is None else round(a.ask_s * 1000, 3),
            },
            "error": a.error,
        }
        if a.answer is not None:
            row["answer"] = a.answer.text
            row["abstained"] = a.answer.abstained
            row["citations"] = [
                {
                    "index": c.index,
                    "title": c.passage.title,
                    "file": Path(c.passage.source).name,
                    "text": c.passage.text[:200],
                    "supported": m.contains_evidence(q.answer, c.passage.text),
                }
                for c in a.answer.citations
            ]
        rows.append(row)

    result = EvalResult(
        SUITE, {}, metrics, counts, categories, rows, baselines=_baselines_with_ours(metrics)
    )
    errors = sum(1 for a in asked if a.error)
    if errors:
        result.notes.append(f"{errors} question(s) raised an error; they count as misses.")
    result.notes.append(
        "Folded = the same questions with diacritics stripped (fold_diacritics). "
        "Baselines from the benchmark README; ours go through Assistant.ingest/retrieve."
    )
    return result


def _baselines_with_ours(metrics: dict[str, float | None]) -> dict[str, dict[str, Any]]:
    ours = {
        "**ours**": {k: metrics.get(k) for k in ("hit@1", "hit@5", "mrr")},
        "**ours** · questions without diacritics": {
            k: metrics.get(f"folded_{k}") for k in ("hit@1", "hit@5", "mrr")
        },
    }
    return {**ours, **BASELINES}


def summary_lines(result: EvalResult) -> list[str]:
    """A short text summary: ours beside the baselines (for the terminal)."""
    from eval.report import baseline_table

    s = result.config.get("settings", {})
    head = f"zalo: {result.config.get('questions')} questions, {result.config.get('paragraphs')} paragraphs; mode={s.get('retrieval_mode')} model={s.get('embedding_model')}"
    return [head, "", baseline_table(result)]
