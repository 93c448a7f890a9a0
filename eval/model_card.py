"""The evidence scorer's model card, written by ``python -m eval.train_scorer`` beside the weights."""

from __future__ import annotations

from assistant.answering.evidence import EvidenceModel

_FIGURES = (
    ("gold_in_answer", "gold answer in the answer"),
    ("baseline", "naive baseline"),
    ("false_abstentions", "answerable refused"),
    ("withheld_refused", "withheld refused"),
    ("withheld_ceiling", "withheld refused, ceiling ¹"),
    ("direct_shown", "direct answer shown"),
    ("direct_f1", "direct F1 where shown"),
    ("answer_chars", "answer chars"),
)


def _cell(v: object) -> str:
    if not isinstance(v, float) or v != v:  # None or NaN
        return "—"
    return f"{v:.0f}" if v > 1 else f"{v:.3f}"


def model_card(model: EvidenceModel, span_f1_target: float = 0.65) -> str:
    """The model card: data, features, decisions and the cross-set figures."""
    from assistant.answering.features import FEATURES

    meta = model.meta
    lines = [
        "# Evidence scorer: model card",
        "",
        "A logistic regression (scikit-learn, standardised features) that gives each sentence of",
        "the retrieved passages the probability that it holds the answer to the question. The",
        "answerer and the re-ranker use it (`assistant/answering/evidence.py`). This file and",
        "`evidence_model.json` are written together by:",
        "",
        "```",
        meta.get("command", "python -m eval.train_scorer --set ..."),
        "```",
        "",
        f"Trained {meta.get('date', '?')} on {meta.get('candidates', '?')} candidate sentences "
        f"({meta.get('positives', '?')} holding the gold answer) of these public sets, each "
        "question also typed without diacritics:",
        "",
    ]
    for name, n in meta.get("trained_on", {}).items():
        lines.append(f"- `{name}`: {n} questions asked (answerable, then withheld)")
    lines += [
        "",
        "Never trained or tuned on the bundled gold set (`eval/datasets/hanoi.jsonl`), which stays a",
        "regression check.",
        "",
        "## Decisions (chosen on the training sets)",
        "",
        f"- abstain below probability **{model.abstain_threshold:.4f}**: the highest threshold "
        f"refusing at most {meta.get('false_abstention_budget', 0.06):.0%} of the answerable "
        "training questions (the false-abstention budget comes first; within it, as many "
        "withheld questions as possible are refused)",
        f"- add a sentence whose probability is at least **{model.extra_sentence_ratio}** of the "
        "best (most gold answers with answers ≤ 300 characters on average)",
        f"- show the direct answer when the span scorer's probability reaches "
        f"**{model.span_threshold}** (the lowest at which shown spans reach token F1 ≥ "
        f"{span_f1_target} on the training sets; above 1 means never)",
        "",
        "## Measured on a set the scorer never saw",
        "",
        "Each row: the scorer and decisions trained on the other sets, measured on this one "
        "(answers composed from the same first-stage retrieval the training used).",
        "",
        "| measured on | trained on | " + " | ".join(label for _, label in _FIGURES) + " |",
        "|---|---|" + "---:|" * len(_FIGURES),
    ]
    for row in meta.get("cross_set", []):
        vals = " | ".join(_cell(row.get(k)) for k, _ in _FIGURES)
        lines.append(f"| {row['measured_on']} | {row['trained_on']} | {vals} |")
    lines += [
        "",
        f"¹ Withheld questions refused at the threshold that refuses "
        f"{meta.get('false_abstention_budget', 0.06):.0%} of the measured set's own answerable "
        "questions: chosen on the set itself, so not a result but the most the confidence can "
        "tell apart within the false-abstention budget, whatever the threshold.",
    ]
    lines += ["", "## Features and weights (standardised)", "", "| feature | weight | what it is |",
              "|---|---:|---|"]  # fmt: skip
    for name, c in sorted(zip(model.features, model.coef, strict=True), key=lambda t: -abs(t[1])):
        doc = (FEATURES[name].__doc__ or "").strip().splitlines()[0]
        lines.append(f"| `{name}` | {c:+.3f} | {doc} |")
    if model.answerability is not None:
        lines += ["", "## Answerability (question level, standardised weights)", "",
                  "The answer's confidence: answerable questions told from withheld ones.", "",
                  "| feature | weight |", "|---|---:|"]  # fmt: skip
        for name, c in zip(model.answerability.features, model.answerability.coef, strict=True):
            lines.append(f"| `{name}` | {c:+.3f} |")
    if model.span_model is not None:
        lines += ["", "## Direct-answer span scorer (standardised weights)", "",
                  "| feature | weight |", "|---|---:|"]  # fmt: skip
        for name, c in zip(model.span_model.features, model.span_model.coef, strict=True):
            lines.append(f"| `{name}` | {c:+.3f} |")
    lines += [
        "",
        "## Limits",
        "",
        "- Features see words, not meaning: a paraphrase that shares no word with the passage",
        "  scores low, and an English question cannot match Vietnamese words.",
        "- The sets are Wikipedia paragraphs (MLQA, Zalo), a university's regulations (Zalo) and",
        "  statute law (ALQAC); news and office notices are not among them.",
        "",
    ]
    return "\n".join(lines)
