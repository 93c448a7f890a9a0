"""Calibrate the extractive answerer's abstention threshold on a gold question set.

Every question of the set goes through the real pipeline (retrieval with the
assistant's index and settings, follow-ups with their history) and is answered
by an :class:`ExtractiveAnswerer` that never abstains, so each answer's
``confidence`` is recorded. A threshold ``t`` abstains on questions with
confidence below ``t``; it is chosen to meet the targets (abstention recall on
unanswerable questions ≥ 0.9, false abstention on answerable ones ≤ 5%) with
the best balanced accuracy; when no threshold meets both (``feasible`` is then
False), the recall target comes first, then the fewest refusals of answers
that would have been right, then the most refusals of unanswerable questions,
then the fewest false abstentions (see :func:`choose_threshold`).

Run it after changing the answerer, the retrieval or the corpus::

    python -m assistant.answering.calibrate --dataset eval/datasets/hanoi.jsonl

It ingests the bundled articles into the data dir (unchanged files are
skipped), prints a table and writes the threshold with its evidence to
``eval/calibration.json``. Copy the threshold into ``AnswerSettings.abstain_threshold``.

Example:
    >>> from assistant import Assistant, Settings                    # doctest: +SKIP
    >>> result = calibrate(Assistant(Settings()), "eval/datasets/hanoi.jsonl")  # doctest: +SKIP
    >>> result["threshold"]                                              # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.answering.extractive import ExtractiveAnswerer

if TYPE_CHECKING:
    from assistant.core import Assistant

__all__ = ["CalibrationRow", "calibrate", "choose_threshold", "format_table", "main"]

log = logging.getLogger(__name__)

DEFAULT_DATASET = Path("eval/datasets/hanoi.jsonl")
DEFAULT_OUTPUT = Path("eval/calibration.json")
DEFAULT_ARTICLES = Path("data/articles")
MIN_ABSTENTION_RECALL = 0.9
MAX_FALSE_ABSTENTION = 0.05


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


@dataclass(frozen=True)
class CalibrationRow:
    """One question's outcome with the abstention switched off."""

    id: str
    category: str
    answerable: bool
    confidence: float
    key_phrases_found: bool
    cited_passages: int
    cited_supporting: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "category": self.category,
            "answerable": self.answerable,
            "confidence": round(self.confidence, 4),
            "key_phrases_found": self.key_phrases_found,
            "cited_passages": self.cited_passages,
            "cited_supporting": self.cited_supporting,
        }


def _rates(rows: Sequence[CalibrationRow], t: float) -> dict[str, float]:
    """Abstention recall, false abstention and balanced accuracy at threshold ``t``."""
    answerable = [r for r in rows if r.answerable]
    unanswerable = [r for r in rows if not r.answerable]
    recall = sum(r.confidence < t for r in unanswerable) / max(len(unanswerable), 1)
    false = sum(r.confidence < t for r in answerable) / max(len(answerable), 1)
    # refusals of answers that would have been right (their key phrases found)
    lost = sum(r.confidence < t and r.key_phrases_found for r in answerable)
    answered = [r for r in answerable if r.confidence >= t]
    cited = sum(r.cited_passages for r in answered)
    return {
        "threshold": round(t, 4),
        "abstention_recall": round(recall, 4),
        "false_abstention": round(false, 4),
        "lost_answers": round(lost / max(len(answerable), 1), 4),
        "balanced_accuracy": round((recall + 1.0 - false) / 2.0, 4),
        "key_phrase_accuracy": round(
            sum(r.key_phrases_found for r in answered) / max(len(answerable), 1), 4
        ),
        "citation_precision": round(
            sum(r.cited_supporting for r in answered) / cited if cited else 0.0, 4
        ),
    }


def choose_threshold(
    rows: Sequence[CalibrationRow],
    *,
    min_recall: float = MIN_ABSTENTION_RECALL,
    max_false: float = MAX_FALSE_ABSTENTION,
) -> tuple[float, bool, list[dict[str, float]]]:
    """The threshold to use, whether it meets both targets, and the table of candidates.

    Candidates are the midpoints between consecutive distinct confidences.
    Among those meeting both targets, the best balanced accuracy wins. When
    none does, the abstention-recall target comes first (answering what the
    articles do not say is the worse error): among the candidates meeting
    it, the fewest lost answers win (refusals of answerable questions whose
    answer would have held their key phrases: refusing a question the
    answerer would get wrong loses nothing), then the most abstentions on
    unanswerable questions (those that cost no right answer), then the
    fewest false abstentions; when none meets even the recall target, the
    best balanced accuracy. Ties go to the middle of the tied range, which leaves the most
    margin on both sides.

    >>> rows = [CalibrationRow(str(i), "x", a, c, a, 1, 1)
    ...         for i, (a, c) in enumerate([(True, .8), (True, .6), (False, .2), (False, .1)])]
    >>> choose_threshold(rows)[:2]
    (0.4, True)
    """
    values = sorted({0.0, *(round(r.confidence, 6) for r in rows), 1.0})
    candidates = [(a + b) / 2 for a, b in zip(values, values[1:], strict=False)] or [0.5]
    table = [_rates(rows, t) for t in candidates]
    feasible = [
        x
        for x in table
        if x["abstention_recall"] >= min_recall and x["false_abstention"] <= max_false
    ]
    recall_met = [x for x in table if x["abstention_recall"] >= min_recall]
    if feasible or not recall_met:
        pool = feasible or table
        best = max(x["balanced_accuracy"] for x in pool)
        tied = [x for x in pool if x["balanced_accuracy"] == best]
    else:
        least_lost = min(x["lost_answers"] for x in recall_met)
        kept = [x for x in recall_met if x["lost_answers"] == least_lost]
        most = max(x["abstention_recall"] for x in kept)
        kept = [x for x in kept if x["abstention_recall"] == most]
        fewest = min(x["false_abstention"] for x in kept)
        least_false = [x for x in kept if x["false_abstention"] == fewest]
        best = max(x["balanced_accuracy"] for x in least_false)
        tied = [x for x in least_false if x["balanced_accuracy"] == best]
    lo, hi = tied[0]["threshold"], tied[-1]["threshold"]
    # the middle of the tied range, snapped to a candidate inside it
    middle = min(tied, key=lambda x: abs(x["threshold"] - (lo + hi) / 2))
    return float(middle["threshold"]), bool(feasible), table


def _load(dataset_path: str | Path) -> list[dict[str, Any]]:
    with open(dataset_path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def calibrate(
    assistant: Assistant,
    dataset_path: str | Path = DEFAULT_DATASET,
    *,
    k: int | None = None,
) -> dict[str, Any]:
    """Run the gold set through ``assistant`` and choose the abstention threshold.

    ``k`` is the number of passages retrieved per question (default:
    ``settings.answer.context_passages``, else ``settings.retrieval.top_k``).
    Returns the chosen ``threshold``, whether it is ``feasible`` (meets both
    targets), the ``metrics`` at that threshold, the candidate ``table`` and
    every question's confidence (``questions``).
    """
    settings = assistant.settings
    k = k or getattr(settings.answer, "context_passages", None) or settings.retrieval.top_k
    answerer = ExtractiveAnswerer(
        abstain_threshold=0.0, max_sentences=settings.answer.max_sentences
    )
    bot = assistant.with_answerer(answerer)
    rows: list[CalibrationRow] = []
    for item in _load(dataset_path):
        answer = bot.ask(item["question"], item.get("history") or None, k=k)
        text = _norm(answer.text)
        phrases = [_norm(p) for p in item.get("key_phrases", [])]
        gold = [_norm(" ".join(e.split())) for e in item.get("evidence", [])] + phrases
        supporting = sum(
            any(g in _norm(" ".join(c.passage.text.split())) for g in gold)
            for c in answer.citations
        )
        rows.append(
            CalibrationRow(
                id=str(item.get("id", len(rows))),
                category=str(item.get("category", "")),
                answerable=bool(item.get("answerable", True)),
                confidence=float(answer.confidence),
                key_phrases_found=bool(phrases) and all(p in text for p in phrases),
                cited_passages=len(answer.citations),
                cited_supporting=supporting,
            )
        )
    threshold, feasible, table = choose_threshold(rows)
    data = Path(dataset_path).read_bytes()
    return {
        "threshold": threshold,
        "feasible": feasible,
        "targets": {
            "min_abstention_recall": MIN_ABSTENTION_RECALL,
            "max_false_abstention": MAX_FALSE_ABSTENTION,
        },
        "metrics": _rates(rows, threshold),
        "dataset": {
            "path": str(dataset_path),
            "sha256": hashlib.sha256(data).hexdigest(),
            "questions": len(rows),
            "answerable": sum(r.answerable for r in rows),
        },
        "setup": {
            "embedding_model": settings.embedding.model,
            "retrieval_mode": settings.retrieval.mode,
            "passages_per_question": k,
            "max_sentences": settings.answer.max_sentences,
        },
        "table": table,
        "questions": [r.as_dict() for r in rows],
    }


def format_table(result: dict[str, Any], *, rows: int = 12) -> str:
    """The candidate thresholds around the chosen one, as a text table."""
    table = result["table"]
    chosen = result["threshold"]
    i = min(range(len(table)), key=lambda j: abs(table[j]["threshold"] - chosen))
    lo = max(0, i - rows // 2)
    header = f"{'threshold':>9}  {'abst.recall':>11}  {'false abst.':>11}  {'bal.acc':>7}  {'key-phr.':>8}  {'cit.prec':>8}"
    lines = [header, "-" * len(header)]
    for x in table[lo : lo + rows]:
        mark = "  <- chosen" if x["threshold"] == chosen else ""
        lines.append(
            f"{x['threshold']:>9.4f}  {x['abstention_recall']:>11.3f}  {x['false_abstention']:>11.3f}"
            f"  {x['balanced_accuracy']:>7.3f}  {x['key_phrase_accuracy']:>8.3f}"
            f"  {x['citation_precision']:>8.3f}{mark}"
        )
    m = result["metrics"]
    lines.append("")
    lines.append(
        f"threshold {chosen:.4f} ({'meets' if result['feasible'] else 'does NOT meet'} the targets: "
        f"recall >= {MIN_ABSTENTION_RECALL}, false abstention <= {MAX_FALSE_ABSTENTION}); "
        f"key-phrase accuracy {m['key_phrase_accuracy']:.3f}, "
        f"citation precision {m['citation_precision']:.3f}"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m assistant.answering.calibrate``: calibrate and write the evidence."""
    parser = argparse.ArgumentParser(
        prog="python -m assistant.answering.calibrate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--articles", type=Path, default=DEFAULT_ARTICLES,
        help="Corpus to ingest first (unchanged files are skipped); '' to skip.",
    )  # fmt: skip
    parser.add_argument("--data-dir", type=Path, default=None, help="Overrides settings.data_dir.")
    parser.add_argument("-k", type=int, default=None, help="Passages retrieved per question.")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    from assistant import Assistant, AssistantError, Settings

    settings = Settings() if args.data_dir is None else Settings(data_dir=args.data_dir)
    bot = Assistant(settings)
    try:
        if str(args.articles) not in ("", "."):
            report = bot.ingest([args.articles])
            if report.failed:
                log.warning("ingest: %s", report.summary())
        result = calibrate(bot, args.dataset, k=args.k)
    except (AssistantError, OSError) as e:
        sys.stderr.write(f"calibration failed: {e}\n")
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    sys.stdout.write(format_table(result) + f"\n\nwritten to {args.output}\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
