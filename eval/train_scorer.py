"""Train the evidence scorer from public Vietnamese QA sets, and report what carries over.

    python -m eval.train_scorer --set ../shared/datasets/mlqa-vi-dev/dev-context-vi-question-vi.json \\
        --set ../shared/benchmarks/zalo-wikiqa-2019/train.json \\
        --set ../shared/datasets/alqac-2022-vi-legal [--out assistant/answering/evidence_model.json]

1. Each set's documents are ingested on a temporary store (the product's pipeline) and every
   question retrieved through :meth:`Assistant.retrieve` (first stage, as the re-ranker sees
   it); a stable share of documents is then withheld and their questions retrieved again
   (unanswerable by construction). Retrievals are cached under ``--cache``.
2. Every sentence of the retrieved passages is a candidate, labelled 1 when it holds the
   gold answer (in the gold document). Each question is also added typed without diacritics.
3. scikit-learn's ``LogisticRegression`` (standardised features) is fitted on the candidates.
4. A question-level model (``assistant/answering/answerability.py``) is fitted to tell the
   answerable questions from the withheld ones; its probability is the answer's confidence.
   The decisions are chosen on the training sets only: the abstention threshold is the highest
   that refuses at most ``--false-abstention-budget`` (6%) of the answerable questions, so
   as many withheld questions as possible are refused within that budget; the share of the
   best probability a second sentence needs maximises gold-in-answer with answers at most
   300 characters on average; the direct answer is shown from the lowest probability whose spans reach token
   F1 0.65.
5. Cross-set table: for each set, a scorer trained on the others, measured on it beside the
   naive baseline. Then the shipped model is fitted on all sets and written with its card.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import pickle
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from assistant.answering.answerability import QUESTION_FEATURES, question_features
from assistant.answering.direct_answer import (
    SPAN_FEATURES,
    best_span,
    span_candidates,
    span_features,
)
from assistant.answering.evidence import DEFAULT_MODEL, EvidenceModel, EvidenceScorer
from assistant.answering.evidence_answerer import EvidenceAnswerer
from assistant.answering.features import FEATURE_NAMES, EvidenceContext
from assistant.answering.logistic import LogisticWeights
from assistant.settings import Settings
from eval import metrics as m
from eval.model_card import model_card
from eval.qa_run import Asked, collect, gold_in, span_f1
from eval.qa_sets import QASet, load_qa_set
from textvi import fold_diacritics

log = logging.getLogger("eval.train_scorer")
MAX_MEAN_CHARS = 300
SPAN_F1_TARGET = 0.65
RATIOS = (0.5, 0.7, 0.9, 1.01)


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


# ------------------------------------------------------------------ data
def collected(qaset: QASet, path: str, cache: Path, limit: int | None, withhold: float) -> list[Asked]:
    key = hashlib.sha256(f"{Path(path).resolve()}|{limit}|{withhold}|v1".encode()).hexdigest()[:12]
    file = cache / f"{qaset.name}-{key}.pkl"
    if file.exists():
        return pickle.loads(file.read_bytes())
    settings = Settings(retrieval={"rerank": "none"})
    asked = collect(qaset, settings, withhold=withhold, limit=limit, ask=False, rerank=False, progress=True)
    cache.mkdir(parents=True, exist_ok=True)
    file.write_bytes(pickle.dumps(asked))
    return asked


def _holds(sentence: str, gold: str) -> bool:
    s, g = m.normalize_text(sentence), m.normalize_text(gold)
    if not g:
        return False
    return g in s or (len(s.split()) >= 6 and s in g)


def examples(asked: Sequence[Asked], *, folded_copies: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Candidate feature rows and labels (1: the sentence holds the gold answer)."""
    rows, labels = [], []
    for a in asked:
        variants = [a.question.question]
        if folded_copies:
            variants.append(fold_diacritics(a.question.question))
        for q in variants:
            ctx = EvidenceContext.build(q, a.passages)
            for c, row in zip(ctx.candidates, ctx.matrix(), strict=True):
                gold_doc = a.doc_ids[c.passage_index] == a.question.doc_id
                rows.append(row)
                labels.append(int(gold_doc and not a.withheld and _holds(c.text, a.question.answer)))
    return np.asarray(rows, dtype=float), np.asarray(labels, dtype=int)


def _fit_weights(
    x: np.ndarray, y: np.ndarray, features: Sequence[str], class_weight: str | None = None
) -> LogisticWeights:
    """scikit-learn's LogisticRegression on standardised columns, as stored weights."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    lr = LogisticRegression(C=1.0, max_iter=3000, class_weight=class_weight)
    lr.fit((x - scaler.mean_) / scale, y)
    return LogisticWeights(tuple(features), scaler.mean_, scale, lr.coef_[0], float(lr.intercept_[0]))


def fit(x: np.ndarray, y: np.ndarray, meta: dict) -> EvidenceModel:
    w = _fit_weights(x, y, FEATURE_NAMES)
    return EvidenceModel(
        features=FEATURE_NAMES,
        mean=w.mean,
        scale=w.scale,
        coef=w.coef,
        intercept=w.intercept,
        abstain_threshold=0.5,
        extra_sentence_ratio=1.01,
        span_threshold=0.5,
        meta=meta,
    )


def span_examples(model: EvidenceModel, asked: Sequence[Asked]) -> tuple[np.ndarray, np.ndarray]:
    """Candidate spans of the best sentence, where that sentence holds the gold answer,
    labelled 1 when the span's token F1 against the gold answer is at least 0.5."""
    scorer = EvidenceScorer(model)
    rows, labels = [], []
    for a in asked:
        if a.withheld or not a.passages:
            continue
        ev = scorer.score(a.question.question, a.passages)
        best = ev.best
        if best is None or a.doc_ids[best.candidate.passage_index] != a.question.doc_id:
            continue
        if not _holds(best.candidate.text, a.question.answer):
            continue
        spans = span_candidates(ev.context, best)
        for (s, e, _), r in zip(spans, span_features(ev.context, best, spans), strict=True):
            rows.append([r[f] for f in SPAN_FEATURES])
            labels.append(int(span_f1(best.candidate.text[s:e], a.question.answer) >= 0.5))
    return np.asarray(rows, dtype=float).reshape(-1, len(SPAN_FEATURES)), np.asarray(labels, dtype=int)


def fit_spans(model: EvidenceModel, asked: Sequence[Asked]) -> EvidenceModel:
    """``model`` with a span scorer fitted on ``asked`` (unchanged when too few spans)."""
    x, y = span_examples(model, asked)
    if len(set(y.tolist())) < 2:
        return model
    span = _fit_weights(x, y, SPAN_FEATURES)
    return EvidenceModel(**{**model.__dict__, "span_model": span})


def fit_answerability(model: EvidenceModel, asked: Sequence[Asked]) -> EvidenceModel:
    """``model`` with a question-level model telling answerable questions from withheld ones."""
    scorer = EvidenceScorer(model)
    rows, labels = [], []
    for a in asked:
        if not a.passages:
            continue
        ev = scorer.score(a.question.question, a.passages)
        if ev.ranked:
            f = question_features(ev.ranked, len(ev.context.question.terms))
            rows.append([f[n] for n in QUESTION_FEATURES])
            labels.append(0 if a.withheld else 1)
    x, y = np.asarray(rows, dtype=float), np.asarray(labels, dtype=int)
    if len(set(y.tolist())) < 2:
        return model
    q = _fit_weights(x, y, QUESTION_FEATURES, class_weight="balanced")
    return EvidenceModel(**{**model.__dict__, "answerability": q})


# ------------------------------------------------------------------ decisions
@dataclass
class Outcome:
    """One question answered with the threshold at 0: what a threshold would then decide."""

    withheld: bool
    confidence: float
    gold_in: dict[float, bool]  # by extra-sentence ratio
    chars: dict[float, int]
    direct: str
    direct_f1: float
    span_probability: float
    baseline_in: bool


def outcomes(model: EvidenceModel, asked: Sequence[Asked]) -> list[Outcome]:
    out = []
    scorers = {}
    for r in RATIOS:
        mr = EvidenceModel(**{**model.__dict__, "extra_sentence_ratio": r, "span_threshold": 0.0})
        scorers[r] = EvidenceAnswerer(EvidenceScorer(mr), abstain_threshold=0.0)
    for a in asked:
        if a.error or not a.passages:
            continue
        answers = {r: s.answer(a.question.question, a.passages) for r, s in scorers.items()}
        first = answers[RATIOS[0]]
        ev = scorers[RATIOS[0]].scorer.score(a.question.question, a.passages)
        found = best_span(ev.context, ev.best, model.span_model) if ev.best else None
        out.append(
            Outcome(
                withheld=a.withheld,
                confidence=first.confidence,
                gold_in={r: gold_in(x.text, a.question.answer) for r, x in answers.items()},
                chars={r: len(m.strip_citation_markers(x.text)) for r, x in answers.items()},
                direct=first.direct_answer,
                direct_f1=span_f1(first.direct_answer, a.question.answer) if first.direct_answer else 0.0,
                span_probability=found[1] if found else 0.0,
                baseline_in=gold_in(a.baseline, a.question.answer),
            )
        )
    return out


def choose(
    model: EvidenceModel, outs: Sequence[Outcome], budget: float = 0.06
) -> EvidenceModel:
    ans = [o for o in outs if not o.withheld]
    # the highest threshold that refuses at most ``budget`` of the answerable questions:
    # the false-abstention budget comes first, and within it as many withheld questions as
    # possible are refused
    confidences = sorted(o.confidence for o in ans)
    best_t = confidences[int(budget * len(confidences))] if confidences else 0.5
    answered = [o for o in ans if o.confidence >= best_t] or ans
    ratio = RATIOS[-1]
    best_g = -1.0
    for r in RATIOS:
        chars = sum(o.chars[r] for o in answered) / len(answered)
        g = sum(o.gold_in[r] for o in answered) / len(answered)
        if chars <= MAX_MEAN_CHARS and g > best_g:
            ratio, best_g = r, g
    span_t = 1.01
    for t in sorted({round(o.span_probability, 3) for o in answered if o.direct}):
        shown = [o for o in answered if o.direct and o.span_probability >= t]
        if len(shown) >= 20 and sum(o.direct_f1 for o in shown) / len(shown) >= SPAN_F1_TARGET:
            span_t = t
            break
    return EvidenceModel(
        **{**model.__dict__, "abstain_threshold": best_t, "extra_sentence_ratio": ratio, "span_threshold": span_t}
    )


def measure(model: EvidenceModel, outs: Sequence[Outcome], budget: float = 0.06) -> dict[str, float]:
    """The figures of ``outs`` under ``model``'s decisions; ``withheld_ceiling`` is what the
    confidence could refuse at best: withheld questions refused at the threshold that refuses
    ``budget`` of *these* answerable questions (chosen on the measured set itself, so an upper
    bound of how well the confidence tells answerable from withheld, not a result)."""
    t, r = model.abstain_threshold, model.extra_sentence_ratio
    ans = [o for o in outs if not o.withheld]
    held = [o for o in outs if o.withheld]
    answered = [o for o in ans if o.confidence >= t]
    shown = [o for o in answered if o.direct and o.span_probability >= model.span_threshold]

    def mean(xs: list[float]) -> float:
        return round(sum(xs) / len(xs), 3) if xs else float("nan")

    own = sorted(o.confidence for o in ans)
    ceiling_t = own[int(budget * len(own))] if own else 0.0
    return {
        "gold_in_answer": mean([float(o.confidence >= t and o.gold_in[r]) for o in ans]),
        "baseline": mean([float(o.baseline_in) for o in ans]),
        "false_abstentions": mean([float(o.confidence < t) for o in ans]),
        "withheld_refused": mean([float(o.confidence < t) for o in held]),
        "withheld_ceiling": mean([float(o.confidence < ceiling_t) for o in held]),
        "direct_shown": mean([float(o in shown) for o in ans]),
        "direct_f1": mean([o.direct_f1 for o in shown]),
        "answer_chars": mean([float(o.chars[r]) for o in answered]),
    }


# ------------------------------------------------------------------ command
def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.train_scorer", description=__doc__.split("\n\n")[0])
    p.add_argument("--set", action="append", required=True, help="a SQuAD file or ALQAC folder (repeat)")
    p.add_argument("--out", type=Path, default=DEFAULT_MODEL, help="where the model file goes")
    p.add_argument("--cache", type=Path, default=Path(".cache/train-scorer"), help="retrieval cache")
    p.add_argument("--limit", type=int, help="only the first N questions of each set")
    p.add_argument("--withhold", type=float, default=0.3, help="share of documents withheld")
    p.add_argument("--no-write", action="store_true", help="report only; keep the model file")
    p.add_argument(
        "--false-abstention-budget",
        type=float,
        default=0.06,
        help="share of answerable training questions the threshold may refuse (default 0.06)",
    )
    p.add_argument(
        "--cross-dir",
        type=Path,
        help="also write each leave-one-set-out model here (without-<set>.json), to measure a "
        "set end to end with a scorer that never saw it (ASSISTANT_ANSWER__EVIDENCE_MODEL)",
    )
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    sets = {}
    for path in args.set:
        qs = load_qa_set(path)
        sets[qs.name] = collected(qs, path, args.cache, args.limit, args.withhold)
        _out(f"{qs.name}: {sum(not a.withheld for a in sets[qs.name])} answerable, "
             f"{sum(a.withheld for a in sets[qs.name])} withheld")  # fmt: skip
    data = {name: examples(asked) for name, asked in sets.items()}

    table = []
    for held_out in sets if len(sets) > 1 else []:
        train = [n for n in sets if n != held_out]
        x = np.vstack([data[n][0] for n in train])
        y = np.concatenate([data[n][1] for n in train])
        trained = [a for n in train for a in sets[n]]
        model = fit_answerability(fit_spans(fit(x, y, {}), trained), trained)
        model = choose(
            model, [o for n in train for o in outcomes(model, sets[n])], args.false_abstention_budget
        )
        row = measure(model, outcomes(model, sets[held_out]), args.false_abstention_budget)
        table.append({"measured_on": held_out, "trained_on": "+".join(train), **row})
        if args.cross_dir:
            args.cross_dir.mkdir(parents=True, exist_ok=True)
            _write(model, args.cross_dir / f"without-{held_out}.json")
        _out(f"{held_out} (trained on {'+'.join(train)}): {row}")

    x = np.vstack([d[0] for d in data.values()])
    y = np.concatenate([d[1] for d in data.values()])
    meta = {
        "trained_on": {n: len(a) for n, a in sets.items()},
        "candidates": int(len(y)),
        "positives": int(y.sum()),
        "date": date.today().isoformat(),
        "cross_set": table,
        "command": "python -m eval.train_scorer " + " ".join(f"--set {s}" for s in args.set),
    }
    everything = [a for asked in sets.values() for a in asked]
    final = fit_answerability(fit_spans(fit(x, y, meta), everything), everything)
    final = choose(
        final, [o for a in sets.values() for o in outcomes(final, a)], args.false_abstention_budget
    )
    final.meta["false_abstention_budget"] = args.false_abstention_budget
    _out(f"final: threshold {final.abstain_threshold:.4f}, ratio {final.extra_sentence_ratio}, "
         f"span threshold {final.span_threshold}")  # fmt: skip
    for name, c in sorted(zip(final.features, final.coef, strict=True), key=lambda t: -abs(t[1])):
        _out(f"  {name:20s} {c:+.3f}")
    if not args.no_write:
        _write(final, args.out)
        card = args.out.with_name("MODEL_CARD.md")
        card.write_text(model_card(final, SPAN_F1_TARGET), encoding="utf-8")
        _out(f"wrote {args.out} and {card}")
    return 0


def _write(model: EvidenceModel, path: Path) -> None:
    import json

    path.write_text(json.dumps(model.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
