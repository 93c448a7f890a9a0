"""Run a gold question set through the public API and score it.

The runner is a thin client of :class:`assistant.Assistant`: it builds one on a
fresh temporary data directory, ingests the corpus with ``Assistant.ingest``,
then calls ``Assistant.retrieve`` and ``Assistant.ask`` for every question,
timing each call, exactly as a developer would. Follow-up questions are asked
with their conversation history and, as a separate variant, in their
stand-alone form (category ``followup_standalone``), so both are reported.

Example:
    >>> from assistant.settings import Settings
    >>> cfg = EvalConfig(retrieval_only=True)
    >>> settings = eval_settings(Settings(embedding={"model": "fake"}), cfg)
    >>> with temporary_assistant(settings, cfg.corpus) as (bot, _):   # doctest: +SKIP
    ...     result = evaluate(bot, load_dataset(cfg.dataset), cfg)
    >>> result.metrics["hit@5"]                                       # doctest: +SKIP
    0.91
"""

from __future__ import annotations

import json
import logging
import math
import os
import platform
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from assistant.settings import BUNDLED_CORPUS, Settings
from assistant.types import Answer, AssistantError, IngestReport, Passage
from eval import metrics as m
from eval.dataset import EvalItem, load_dataset, select_items

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATASET = Path(__file__).resolve().parent / "datasets" / "hanoi.jsonl"
DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.json"
REPORTS_DIR = REPO_ROOT / "eval" / "reports"

#: passages retrieved per question for the ranking metrics (nDCG@10 needs 10)
RETRIEVAL_DEPTH = 10

#: the variant of a follow-up asked in its stand-alone form
STANDALONE_CATEGORY = "followup_standalone"

#: metrics where lower is better: their threshold is a ceiling, not a floor
LOWER_IS_BETTER = frozenset(
    {
        "false_abstention_rate",
        "false_abstentions",
        "hijack_rate",
        "answer_chars",
        "retrieve_p50_ms",
        "retrieve_p95_ms",
        "ask_p50_ms",
        "ask_p95_ms",
    }
)

RETRIEVAL_METRICS = (
    "hit@1",
    "hit@3",
    "hit@5",
    "recall@5",
    "recall@10",
    "mrr",
    "ndcg@10",
    "source_recall@5",
)
ANSWER_METRICS = (
    "key_phrase_accuracy",
    "token_f1",
    "citation_precision",
    "citation_recall",
    "abstention_precision",
    "abstention_recall",
    "false_abstention_rate",
    "faithfulness",
)
LATENCY_METRICS = ("retrieve_p50_ms", "retrieve_p95_ms", "ask_p50_ms", "ask_p95_ms")


class EvalError(Exception):
    """The evaluation cannot run (empty corpus, nothing ingested...); message for the user."""


class QuestionAnswerer(Protocol):
    """What the runner needs from an assistant: the two public calls it measures."""

    def retrieve(
        self, question: str, k: int | None = None, *, history: Any = None
    ) -> list[Passage]: ...

    def ask(self, question: str, history: Any = None) -> Answer: ...


# --------------------------------------------------------------------- config
@dataclass(frozen=True)
class EvalConfig:
    """What to evaluate and how; ``mode``/``k``/``chunk_size``/``model`` override Settings."""

    dataset: Path = DEFAULT_DATASET
    corpus: Path = BUNDLED_CORPUS
    name: str | None = None
    mode: str | None = None
    k: int | None = None
    chunk_size: int | None = None
    model: str | None = None
    retrieval_only: bool = False
    categories: tuple[str, ...] = ()
    limit: int | None = None
    llm_judge: bool = False
    depth: int = RETRIEVAL_DEPTH
    answer_mode: str | None = None
    beside: tuple[str, ...] = ()

    @property
    def suite(self) -> str:
        """The name thresholds and reports use: ``--name`` or the dataset's stem."""
        return self.name or Path(self.dataset).stem

    @property
    def partial(self) -> bool:
        return bool(self.categories or self.limit)


def eval_settings(
    base: Settings | None = None,
    config: EvalConfig | None = None,
    *,
    chunk_size: int | None = None,
) -> Settings:
    """Settings for an evaluation run: ``base`` (or env/.env defaults) with the overrides.

    The vector store is always the embedded one (the index is temporary), so a
    configured Chroma server is never written to.
    """
    base = base if base is not None else Settings()
    data = base.model_dump()
    config = config or EvalConfig()
    if config.model:
        data["embedding"]["model"] = config.model
    if config.mode:
        data["retrieval"]["mode"] = config.mode
    if config.k:
        data["retrieval"]["top_k"] = config.k
    size = chunk_size or config.chunk_size
    if size:
        data["chunking"]["chunk_size"] = size
    if config.answer_mode:
        data["answer"]["mode"] = config.answer_mode
    data["chroma"]["host"] = None
    return Settings(**data)


@contextmanager
def temporary_assistant(
    settings: Settings,
    corpus: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    progress: bool = False,
    **inject: Any,
) -> Iterator[tuple[Any, IngestReport]]:
    """An :class:`Assistant` on a fresh temporary index holding ``corpus``.

    ``inject`` passes ``embeddings=``/``store=``/``answerer=`` through. The
    index is deleted on exit. Raises :class:`EvalError` when nothing could be
    ingested.
    """
    from assistant.core import Assistant

    paths = [corpus] if isinstance(corpus, str | os.PathLike) else list(corpus)
    for p in paths:
        if not Path(p).exists():
            raise EvalError(f"corpus not found: {p}")
    with tempfile.TemporaryDirectory(prefix="assistant-eval-", ignore_cleanup_errors=True) as tmp:
        settings = settings.model_copy(update={"data_dir": Path(tmp)})
        bot = Assistant(settings, **inject)
        report = bot.ingest(paths, progress=progress)
        for path, reason in report.failed.items():
            log.warning("not ingested: %s: %s", path, reason)
        if not (report.added or report.updated or report.unchanged):
            raise EvalError(f"nothing could be ingested from {', '.join(map(str, paths))}")
        bot.warm_up()  # load the model and the lexical index now, not in the first timed call
        yield bot, report


# ----------------------------------------------------------------- one run
@dataclass
class QuestionRun:
    """One question put to the assistant, and what came back."""

    item: EvalItem
    category: str
    question: str
    history: list[dict[str, str]]
    passages: list[Passage] = field(default_factory=list)
    retrieve_s: float = math.nan
    answer: Answer | None = None
    ask_s: float | None = None
    error: str | None = None

    @property
    def variant(self) -> str:
        return "standalone" if self.category == STANDALONE_CATEGORY else "as_written"

    @property
    def abstained(self) -> bool:
        return bool(self.answer and self.answer.abstained)

    @property
    def answer_text(self) -> str:
        """The text scored: empty when the assistant abstained or failed."""
        if self.answer is None or self.answer.abstained:
            return ""
        return self.answer.text

    @property
    def cited(self) -> dict[int, str]:
        if self.answer is None or self.answer.abstained:
            return {}
        return {c.index: c.passage.text for c in self.answer.citations}


def question_variants(item: EvalItem) -> list[tuple[str, str, list[dict[str, str]]]]:
    """(category, question, history) to ask: a follow-up also in its stand-alone form."""
    history = [{"question": t.question, "answer": t.answer} for t in item.history]
    out = [(item.category, item.question, history)]
    if item.history and item.standalone:
        out.append((STANDALONE_CATEGORY, item.standalone, []))
    return out


def run_questions(
    assistant: QuestionAnswerer,
    items: Sequence[EvalItem],
    *,
    depth: int = RETRIEVAL_DEPTH,
    retrieval_only: bool = False,
    progress: bool = True,
) -> list[QuestionRun]:
    """Retrieve (and answer) every question, timing each call."""
    from tqdm import tqdm

    todo = [(item, *variant) for item in items for variant in question_variants(item)]
    runs: list[QuestionRun] = []
    for item, category, question, history in tqdm(
        todo, desc="eval", unit="q", disable=not progress, dynamic_ncols=True
    ):
        run = QuestionRun(item, category, question, history)
        try:
            t0 = time.perf_counter()
            run.passages = list(assistant.retrieve(question, depth, history=history or None))
            run.retrieve_s = time.perf_counter() - t0
            if not retrieval_only:
                t0 = time.perf_counter()
                run.answer = assistant.ask(question, history or None)
                run.ask_s = time.perf_counter() - t0
        except AssistantError as e:
            run.error = str(e)
            log.warning("%s: %s", item.id, e)
        runs.append(run)
    return runs


# ------------------------------------------------------------------ scoring
def score_runs(
    runs: Sequence[QuestionRun], *, retrieval_only: bool = False
) -> dict[str, m.MetricResult]:
    """Every metric over ``runs`` (per_item aligned with ``runs``)."""
    gold = [list(r.item.evidence) if r.item.answerable else None for r in runs]
    texts = [[p.text for p in r.passages] for r in runs]
    files = [[Path(p.source).name for p in r.passages] for r in runs]
    sources = [list(r.item.sources) if r.item.answerable else None for r in runs]
    out = {
        "hit@1": m.hit_at_k(gold, texts, 1),
        "hit@3": m.hit_at_k(gold, texts, 3),
        "hit@5": m.hit_at_k(gold, texts, 5),
        "recall@5": m.recall_at_k(gold, texts, 5),
        "recall@10": m.recall_at_k(gold, texts, 10),
        "mrr": m.mrr(gold, texts),
        "ndcg@10": m.ndcg_at_k(gold, texts, 10),
        "source_recall@5": m.recall_at_k(sources, _dedupe(files), 5, match=str.__eq__),
    }
    if retrieval_only:
        return out
    answers = [r.answer_text for r in runs]
    answerable = [r.item.answerable for r in runs]
    abstained = [r.abstained for r in runs]
    cited = [list(r.cited.values()) for r in runs]
    out.update(
        {
            "key_phrase_accuracy": m.key_phrase_accuracy(
                [list(r.item.key_phrases) if r.item.answerable else None for r in runs], answers
            ),
            "token_f1": m.token_f1(
                [r.item.answer if r.item.answerable else None for r in runs], answers
            ),
            "citation_precision": m.citation_precision(
                gold, [list(r.item.key_phrases) for r in runs], cited
            ),
            "citation_recall": m.citation_recall(gold, cited),
            "abstention_precision": m.abstention_precision(answerable, abstained),
            "abstention_recall": m.abstention_recall(answerable, abstained),
            "false_abstention_rate": m.false_abstention_rate(answerable, abstained),
            "faithfulness": m.faithfulness_proxy(
                [None if (r.answer is None or r.abstained) else r.answer.text for r in runs],
                [r.cited for r in runs],
            ),
        }
    )
    return out


def _dedupe(lists: Sequence[Sequence[str]]) -> list[list[str]]:
    """Each ranked list without repeats (first occurrence kept)."""
    return [list(dict.fromkeys(xs)) for xs in lists]


def summarize(
    runs: Sequence[QuestionRun], *, retrieval_only: bool = False
) -> tuple[dict[str, float | None], dict[str, int]]:
    """Headline values (NaN → None) and how many items each was computed over."""
    results = score_runs(runs, retrieval_only=retrieval_only)
    values: dict[str, float | None] = {k: finite_or_none(r.score) for k, r in results.items()}
    counts = {k: r.n for k, r in results.items()}
    lat_r = m.latency_summary([r.retrieve_s for r in runs if not math.isnan(r.retrieve_s)])
    values["retrieve_p50_ms"], values["retrieve_p95_ms"] = (
        finite_or_none(lat_r["p50_ms"]),
        finite_or_none(lat_r["p95_ms"]),
    )
    counts["retrieve_p50_ms"] = counts["retrieve_p95_ms"] = int(lat_r["n"])
    if not retrieval_only:
        lat_a = m.latency_summary([r.ask_s for r in runs if r.ask_s is not None])
        values["ask_p50_ms"], values["ask_p95_ms"] = (
            finite_or_none(lat_a["p50_ms"]),
            finite_or_none(lat_a["p95_ms"]),
        )
        counts["ask_p50_ms"] = counts["ask_p95_ms"] = int(lat_a["n"])
    return values, counts


def finite_or_none(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 6)


# ------------------------------------------------------------------- result
@dataclass
class EvalResult:
    """A finished evaluation: what ``results.json`` holds."""

    suite: str
    config: dict[str, Any]
    metrics: dict[str, float | None]
    counts: dict[str, int]
    categories: dict[str, dict[str, Any]]
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)
    baselines: dict[str, dict[str, float]] = field(default_factory=dict)
    gate: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "suite": self.suite,
            "config": self.config,
            "metrics": self.metrics,
            "counts": self.counts,
            "categories": self.categories,
            "baselines": self.baselines,
            "notes": self.notes,
            "gate": self.gate,
            "rows": self.rows,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EvalResult:
        return cls(
            suite=data.get("suite", "?"),
            config=data.get("config", {}),
            metrics=data.get("metrics", {}),
            counts=data.get("counts", {}),
            categories=data.get("categories", {}),
            rows=data.get("rows", []),
            notes=data.get("notes", []),
            baselines=data.get("baselines", {}),
            gate=data.get("gate"),
        )


def load_result(path: str | os.PathLike[str]) -> EvalResult:
    """A saved run: a report directory or its ``results.json``."""
    path = Path(path)
    if path.is_dir():
        path = path / "results.json"
    try:
        return EvalResult.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise EvalError(f"no results at {path}") from None
    except json.JSONDecodeError as e:
        raise EvalError(f"{path} is not valid JSON: {e}") from None


def evaluate(
    assistant: QuestionAnswerer,
    items: Sequence[EvalItem],
    config: EvalConfig | None = None,
    *,
    settings: Settings | None = None,
    ingest: IngestReport | None = None,
    progress: bool = True,
    judge: Any = None,
) -> EvalResult:
    """Ask every item, score the answers and build the :class:`EvalResult`.

    ``judge`` is an optional LangChain chat model for the LLM-judged
    faithfulness (see :func:`judge_from_settings`).
    """
    config = config or EvalConfig()
    started = time.time()
    runs = run_questions(
        assistant,
        items,
        depth=config.depth,
        retrieval_only=config.retrieval_only,
        progress=progress,
    )
    main = [r for r in runs if r.variant == "as_written"]
    metrics, counts = summarize(main, retrieval_only=config.retrieval_only)
    categories: dict[str, dict[str, Any]] = {}
    for cat in sorted({r.category for r in runs}, key=_category_order):
        subset = [r for r in runs if r.category == cat]
        values, _ = summarize(subset, retrieval_only=config.retrieval_only)
        categories[cat] = {"n": len(subset), **values}

    notes: list[str] = []
    if config.llm_judge and not config.retrieval_only:
        if judge is None:
            notes.append(
                "LLM-judged metrics skipped: no LLM configured "
                "(set ASSISTANT_ANSWER__LLM_BASE_URL / answer.llm_base_url)."
            )
        else:
            answered = [None if (r.answer is None or r.abstained) else r.answer.text for r in main]
            res = m.llm_faithfulness(
                [r.question for r in main], answered, [list(r.cited.values()) for r in main], judge
            )
            metrics["llm_faithfulness"], counts["llm_faithfulness"] = (
                finite_or_none(res.score),
                res.n,
            )
    if config.partial:
        notes.append("Partial run (--category/--limit): not comparable with full-set thresholds.")
    errors = [r for r in runs if r.error]
    if errors:
        notes.append(f"{len(errors)} question(s) raised an error; they count as misses.")

    per_item = score_runs(runs, retrieval_only=config.retrieval_only)
    rows = [_row(r, {k: v.per_item[i] for k, v in per_item.items()}) for i, r in enumerate(runs)]
    return EvalResult(
        suite=config.suite,
        config=_config_record(config, settings, ingest, items, started),
        metrics=metrics,
        counts=counts,
        categories=categories,
        rows=rows,
        notes=notes,
    )


def _category_order(cat: str) -> tuple[int, str]:
    from eval.dataset import CATEGORIES

    order = list(CATEGORIES)
    order.insert(order.index("followup") + 1, STANDALONE_CATEGORY)
    return (order.index(cat) if cat in order else len(order), cat)


def _passage_row(p: Passage, rank: int, evidence: Sequence[str]) -> dict[str, Any]:
    return {
        "rank": rank,
        "title": p.title,
        "file": Path(p.source).name,
        "chunk_id": p.chunk_id,
        "score": round(p.score, 6),
        "relevant": any(m.contains_evidence(e, p.text) for e in evidence),
        "text": p.text[:200],
    }


def _row(run: QuestionRun, scores: dict[str, float | None]) -> dict[str, Any]:
    item = run.item
    ranks = [
        i
        for i, p in enumerate(run.passages, 1)
        if any(m.contains_evidence(e, p.text) for e in item.evidence)
    ]
    row: dict[str, Any] = {
        "id": item.id,
        "variant": run.variant,
        "category": run.category,
        "question": run.question,
        "history": run.history,
        "answerable": item.answerable,
        "expected": item.answer,
        "key_phrases": list(item.key_phrases),
        "sources": list(item.sources),
        "evidence": list(item.evidence),
        "retrieved": [_passage_row(p, i, item.evidence) for i, p in enumerate(run.passages, 1)],
        "first_relevant_rank": ranks[0] if ranks else None,
        "scores": {k: (None if v is None else round(v, 6)) for k, v in scores.items()},
        "latency_ms": {
            "retrieve": None if math.isnan(run.retrieve_s) else round(run.retrieve_s * 1000, 3),
            "ask": None if run.ask_s is None else round(run.ask_s * 1000, 3),
        },
        "error": run.error,
    }
    if run.answer is not None:
        a = run.answer
        row["answer"] = a.text
        row["abstained"] = a.abstained
        if a.note:
            row["note"] = a.note
        row["citations"] = [
            {
                "index": c.index,
                "title": c.passage.title,
                "file": Path(c.passage.source).name,
                "text": c.passage.text[:200],
                "supported": m.citation_supported(c.passage.text, item.evidence, item.key_phrases),
            }
            for c in a.citations
        ]
    return row


def _config_record(
    config: EvalConfig,
    settings: Settings | None,
    ingest: IngestReport | None,
    items: Sequence[EvalItem],
    started: float,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "suite": config.suite,
        "dataset": str(config.dataset),
        "corpus": str(config.corpus),
        "questions": len(items),
        "retrieval_only": config.retrieval_only,
        "categories": list(config.categories),
        "limit": config.limit,
        "depth": config.depth,
        "started_at": datetime.fromtimestamp(started).isoformat(timespec="seconds"),
        "duration_s": round(time.time() - started, 2),
        "git_commit": git_commit(),
        "python": platform.python_version(),
    }
    if settings is not None:
        record["settings"] = {
            "embedding_model": settings.embedding.model,
            "retrieval_mode": settings.retrieval.mode,
            "top_k": settings.retrieval.top_k,
            "candidates": settings.retrieval.candidates,
            "chunk_size": settings.chunking.chunk_size,
            "chunk_overlap": settings.chunking.chunk_overlap,
            "answer_mode": settings.answer.mode,
            "abstain_threshold": settings.answer.abstain_threshold,
        }
    if ingest is not None:
        record["ingest"] = ingest.summary()
    return record


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def judge_from_settings(settings: Settings) -> Any | None:
    """A chat model for LLM-judged metrics, or None when no LLM is configured."""
    a = settings.answer
    if not a.llm_base_url:
        return None
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as e:  # pragma: no cover - install hint
        raise EvalError("--llm-judge needs langchain-openai: pip install langchain-openai") from e
    return ChatOpenAI(
        base_url=a.llm_base_url,
        model=a.llm_model,
        api_key=a.llm_api_key,
        temperature=0.0,
        timeout=a.llm_timeout,
    )


def run_suite(
    config: EvalConfig,
    *,
    settings: Settings | None = None,
    progress: bool = True,
    **inject: Any,
) -> EvalResult:
    """Load the gold set, build a fresh index of the corpus and evaluate.

    ``settings`` is the base (default: env/.env); ``inject`` passes
    ``embeddings=``/``store=``/``answerer=`` to the assistant.
    """
    items = select_items(
        load_dataset(config.dataset), categories=config.categories, limit=config.limit
    )
    if not items:
        raise EvalError("no questions selected")
    settings = eval_settings(settings, config)
    with temporary_assistant(settings, config.corpus, progress=progress, **inject) as (bot, report):
        judge = judge_from_settings(bot.settings) if config.llm_judge else None
        result = evaluate(
            bot, items, config, settings=bot.settings, ingest=report, progress=progress, judge=judge
        )
        if config.beside and not config.retrieval_only:
            result.baselines = {
                f"answer mode '{bot.settings.answer.mode}'": side_by_side(result.metrics)
            }
            for mode in config.beside:
                other = evaluate(bot.with_answer_mode(mode), items, config, progress=progress)
                result.baselines[f"answer mode '{mode}' (same index, same run)"] = side_by_side(
                    other.metrics
                )
        return result


#: The figures shown when answer modes are compared in one run (``--beside``).
SIDE_BY_SIDE = (
    "key_phrase_accuracy",
    "citation_precision",
    "faithfulness",
    "abstention_recall",
    "false_abstention_rate",
    "ask_p50_ms",
    "ask_p95_ms",
)


def side_by_side(metrics: dict[str, float | None]) -> dict[str, float]:
    """The :data:`SIDE_BY_SIDE` figures of a run's metrics (missing ones left out)."""
    return {k: metrics[k] for k in SIDE_BY_SIDE if metrics.get(k) is not None}  # type: ignore[misc]


# --------------------------------------------------------------------- gate
@dataclass(frozen=True)
class GateResult:
    """Which thresholds a run met; ``failures`` lists 'metric value < threshold'."""

    suite: str
    failures: list[str]
    checked: list[str]
    unmeasured: list[str]

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def exit_code(self) -> int:
        """What ``--check`` exits with: 0 when every threshold is met, else 1."""
        return 0 if self.passed else 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "suite": self.suite,
            "passed": self.passed,
            "failures": self.failures,
            "checked": self.checked,
            "unmeasured": self.unmeasured,
        }


def load_thresholds(path: str | os.PathLike[str] = DEFAULT_THRESHOLDS) -> dict[str, dict[str, Any]]:
    """The thresholds file: ``{suite: {metric: value, "_why": "..."}}``."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvalError(f"no thresholds file at {path}") from None
    except json.JSONDecodeError as e:
        raise EvalError(f"{path} is not valid JSON: {e}") from None


def check_thresholds(
    suite: str, metrics: dict[str, float | None], thresholds: dict[str, dict[str, Any]]
) -> GateResult:
    """Compare a run's headline metrics with the suite's thresholds.

    A metric fails when it is below its threshold (above it for the
    lower-is-better metrics in :data:`LOWER_IS_BETTER`). Thresholds of metrics
    the run did not measure (answer metrics in a ``--retrieval-only`` run) are
    listed as unmeasured, not failed. Keys starting with ``_`` are notes.

    >>> check_thresholds("s", {"hit@5": 0.5}, {"s": {"hit@5": 0.8}}).failures
    ['hit@5 = 0.5000 < 0.8000']
    """
    limits = {k: v for k, v in thresholds.get(suite, {}).items() if not k.startswith("_")}
    failures, checked, unmeasured = [], [], []
    for name, limit in sorted(limits.items()):
        value = metrics.get(name)
        if value is None:
            unmeasured.append(name)
            continue
        checked.append(name)
        if name in LOWER_IS_BETTER:
            if value > limit:
                failures.append(f"{name} = {value:.4f} > {limit:.4f}")
        elif value < limit:
            failures.append(f"{name} = {value:.4f} < {limit:.4f}")
    return GateResult(suite, failures, checked, unmeasured)


def apply_gate(
    result: EvalResult,
    thresholds: dict[str, dict[str, Any]],
    *,
    on_missing: Callable[[str], None] | None = None,
) -> GateResult:
    """Check ``result`` against ``thresholds`` and record the verdict on it."""
    if result.suite not in thresholds and on_missing is not None:
        on_missing(result.suite)
    gate = check_thresholds(result.suite, result.metrics, thresholds)
    result.gate = gate.to_dict()
    return gate
