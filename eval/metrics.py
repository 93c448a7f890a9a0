"""Evaluation metrics: small functions over gold data and predictions.

Every metric takes the gold side and the predictions as parallel sequences (one
entry per question) and returns a :class:`MetricResult` with the overall
``score`` and a ``per_item`` list aligned with the input, where ``None`` marks
an item the metric does not apply to (an unanswerable question has no
retrieval gold, an abstained answer has no sentences to check...).

Retrieval metrics judge a ranked list of retrieved units (passage texts, or ids)
against gold units (evidence strings, or ids) with a ``match`` function. By
default a passage is relevant when it contains a gold evidence string after
NFC, whitespace normalisation and case folding (:func:`contains_evidence`).

Relevance judgements for nDCG: the relevant documents of a question are the
retrieved passages that contain some evidence, plus one unseen document for
each evidence string that no retrieved passage contains (a miss costs as if
that passage exists but was not ranked). With one evidence string per passage
this is exactly what ``ranx`` computes from the same qrels; the tests check it.

Example:
    >>> r = hit_at_k([["7,5%"]], [["Tăng trưởng 5%", "từ 7,5% trở lên"]], k=1)
    >>> r.score, r.per_item
    (0.0, [0.0])
    >>> mrr([["7,5%"]], [["Tăng trưởng 5%", "từ 7,5% trở lên"]]).score
    0.5
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from textvi import nfc, tokenize

#: a retrieved unit matches a gold unit: ``match(gold, retrieved) -> bool``
Match = Callable[[Any, Any], bool]

#: inline citation markers: [1], [2, 3], [1][2]
CITATION_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")

#: share of a sentence's content tokens the cited passages must contain
FAITHFUL_COVERAGE = 0.8

#: Vietnamese function words left out of the faithfulness proxy: they are in
#: every passage, so they would make any sentence look supported.
STOPWORDS = frozenset(
    """
    và của là có được các những một cho với trong theo này đó để từ đã sẽ đang
    thì mà như về tại khi cũng không người việc ra vào lại rằng nên nhưng hay
    hoặc bị do bởi nào gì ở đến trên dưới sau trước đây kia ấy nhiều ít rất
    lên xuống còn vẫn đều chỉ vì nếu tôi bạn thông tin bài báo
    """.split()
)


@dataclass(frozen=True)
class MetricResult:
    """A metric's overall ``score`` and its ``per_item`` scores (``None``: not scored).

    ``score`` is the mean of the scored items, or NaN when no item was scored.
    """

    name: str
    score: float
    per_item: list[float | None]

    @property
    def n(self) -> int:
        """How many items were scored."""
        return sum(v is not None for v in self.per_item)


def _mean_result(name: str, per_item: list[float | None]) -> MetricResult:
    scored = [v for v in per_item if v is not None]
    return MetricResult(name, sum(scored) / len(scored) if scored else math.nan, per_item)


# ------------------------------------------------------------------ matching
@lru_cache(maxsize=8192)
def normalize_text(text: str) -> str:
    """NFC, whitespace collapsed, case-folded: the form texts are compared in.

    >>> normalize_text("  Hà  NỘI\\n tăng ")
    'hà nội tăng'
    """
    return " ".join(nfc(text).split()).casefold()


def contains_evidence(evidence: str, passage: str) -> bool:
    """True when ``passage`` contains ``evidence`` (normalised, case-insensitive).

    >>> contains_evidence("7,5% TRỞ LÊN", "phấn đấu đạt từ 7,5%  trở lên.")
    True
    """
    needle = normalize_text(evidence)
    return bool(needle) and needle in normalize_text(passage)


def strip_citation_markers(text: str) -> str:
    """The answer text without its inline ``[n]`` markers.

    >>> strip_citation_markers("Tăng 11% [1][2]. Xem [3, 4].")
    'Tăng 11%. Xem.'
    """
    text = CITATION_MARKER.sub("", text)
    text = re.sub(r"[ \t]+([.,;:!?…])", r"\1", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def syllables(text: str) -> list[str]:
    """Lower-case NFC syllable tokens, punctuation dropped.

    >>> syllables("Hà Nội tăng 11%!")
    ['hà', 'nội', 'tăng', '11']
    """
    return [t.casefold() for t in tokenize(nfc(text)) if any(ch.isalnum() for ch in t)]


def content_tokens(text: str) -> list[str]:
    """Syllables without function words: what a claim actually says."""
    return [t for t in syllables(text) if t not in STOPWORDS]


# ---------------------------------------------------------------- retrieval
def judge_ranking(
    gold: Sequence[Any], retrieved: Sequence[Any], match: Match = contains_evidence
) -> list[frozenset[int]]:
    """For each retrieved unit (best first), the indices of the gold units it matches."""
    return [frozenset(j for j, g in enumerate(gold) if match(g, r)) for r in retrieved]


def _per_query(
    gold: Sequence[Sequence[Any] | None],
    retrieved: Sequence[Sequence[Any]],
    match: Match,
    score: Callable[[list[frozenset[int]], int], float],
) -> list[float | None]:
    if len(gold) != len(retrieved):
        raise ValueError(f"{len(gold)} gold entries but {len(retrieved)} predictions")
    out: list[float | None] = []
    for g, r in zip(gold, retrieved, strict=True):
        out.append(None if not g else score(judge_ranking(g, r, match), len(g)))
    return out


def hit_at_k(
    gold: Sequence[Sequence[Any] | None],
    retrieved: Sequence[Sequence[Any]],
    k: int,
    *,
    match: Match = contains_evidence,
) -> MetricResult:
    """Share of questions with a relevant passage in the top ``k``.

    >>> hit_at_k([["11%"], None], [["x", "tăng 11%"], ["y"]], k=2).per_item
    [1.0, None]
    """
    per = _per_query(gold, retrieved, match, lambda j, n: float(any(j[:k])))
    return _mean_result(f"hit@{k}", per)


def recall_at_k(
    gold: Sequence[Sequence[Any] | None],
    retrieved: Sequence[Sequence[Any]],
    k: int,
    *,
    match: Match = contains_evidence,
) -> MetricResult:
    """Share of each question's gold evidence strings found in its top ``k`` passages.

    >>> recall_at_k([["7,5%", "11%"]], [["7,5%", "x", "11%"]], k=2).score
    0.5
    """

    def score(judged: list[frozenset[int]], n_gold: int) -> float:
        found = frozenset().union(*judged[:k]) if judged[:k] else frozenset()
        return len(found) / n_gold

    return _mean_result(f"recall@{k}", _per_query(gold, retrieved, match, score))


def mrr(
    gold: Sequence[Sequence[Any] | None],
    retrieved: Sequence[Sequence[Any]],
    *,
    match: Match = contains_evidence,
) -> MetricResult:
    """Mean reciprocal rank of the first relevant passage (0 when none is retrieved)."""

    def score(judged: list[frozenset[int]], n_gold: int) -> float:
        return next((1.0 / rank for rank, j in enumerate(judged, 1) if j), 0.0)

    return _mean_result("mrr", _per_query(gold, retrieved, match, score))


def ndcg_at_k(
    gold: Sequence[Sequence[Any] | None],
    retrieved: Sequence[Sequence[Any]],
    k: int = 10,
    *,
    match: Match = contains_evidence,
) -> MetricResult:
    """nDCG@k with binary gains (see the module notes for the ideal ranking).

    >>> round(ndcg_at_k([["a"]], [["x", "a"]], k=10, match=str.__eq__).score, 4)
    0.6309
    """

    def score(judged: list[frozenset[int]], n_gold: int) -> float:
        relevant_retrieved = sum(1 for j in judged if j)
        missed = n_gold - len(frozenset().union(*judged)) if judged else n_gold
        n_relevant = relevant_retrieved + missed
        dcg = sum(1.0 / math.log2(rank + 1) for rank, j in enumerate(judged[:k], 1) if j)
        ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(n_relevant, k) + 1))
        return dcg / ideal if ideal else 0.0

    return _mean_result(f"ndcg@{k}", _per_query(gold, retrieved, match, score))


# ------------------------------------------------------------------ answers
def key_phrase_accuracy(
    key_phrases: Sequence[Sequence[str] | None], answers: Sequence[str]
) -> MetricResult:
    """Share of answers containing all their key phrases (NFC, case-insensitive).

    Pass ``""`` for an abstained answer; items without key phrases are not scored.

    >>> key_phrase_accuracy([["Hòa Lạc", "Gia Lâm"]], ["sân bay hòa lạc và GIA LÂM [1]"]).score
    1.0
    """
    _same_length(key_phrases, answers)
    per: list[float | None] = []
    for phrases, answer in zip(key_phrases, answers, strict=True):
        if not phrases:
            per.append(None)
            continue
        text = normalize_text(strip_citation_markers(answer))
        per.append(float(all(normalize_text(p) in text for p in phrases)))
    return _mean_result("key_phrase_accuracy", per)


def token_f1(references: Sequence[str | None], answers: Sequence[str]) -> MetricResult:
    """SQuAD-style F1 over syllable tokens between each answer and its reference.

    >>> round(token_f1(["tăng trưởng 11%"], ["Hà Nội tăng trưởng 11% [1]."]).score, 3)
    0.75
    """
    _same_length(references, answers)
    per: list[float | None] = []
    for ref, answer in zip(references, answers, strict=True):
        if not ref:
            per.append(None)
            continue
        gold, pred = syllables(ref), syllables(strip_citation_markers(answer))
        common = sum((Counter(gold) & Counter(pred)).values())
        if not gold or not pred or not common:
            per.append(0.0)
            continue
        precision, recall = common / len(pred), common / len(gold)
        per.append(2 * precision * recall / (precision + recall))
    return _mean_result("token_f1", per)


def citation_supported(passage: str, evidence: Sequence[str], key_phrases: Sequence[str]) -> bool:
    """A cited passage is supported when it holds gold evidence or a key phrase."""
    return any(contains_evidence(e, passage) for e in evidence) or any(
        contains_evidence(p, passage) for p in key_phrases
    )


def citation_precision(
    evidence: Sequence[Sequence[str] | None],
    key_phrases: Sequence[Sequence[str]],
    cited: Sequence[Sequence[str]],
) -> MetricResult:
    """Share of citations whose passage contains gold evidence or a key phrase.

    ``cited`` holds, per answer, the texts of the passages it cites. Only
    answerable items with at least one citation are scored; ``score`` pools all
    citations (micro average), ``per_item`` is each answer's own share.

    >>> citation_precision([["11%"]], [["11%"]], [["tăng 11%", "khác"]]).score
    0.5
    """
    _same_length(evidence, cited)
    per: list[float | None] = []
    supported = total = 0
    for ev, phrases, passages in zip(evidence, key_phrases, cited, strict=True):
        if not ev or not passages:
            per.append(None)
            continue
        ok = sum(citation_supported(p, ev, phrases or ()) for p in passages)
        supported, total = supported + ok, total + len(passages)
        per.append(ok / len(passages))
    return MetricResult("citation_precision", supported / total if total else math.nan, per)


def citation_recall(
    evidence: Sequence[Sequence[str] | None], cited: Sequence[Sequence[str]]
) -> MetricResult:
    """Share of each answerable item's evidence strings found in the passages it cites.

    An answerable item answered without citations (or abstained) scores 0.

    >>> citation_recall([["7,5%", "11%"], None], [["từ 7,5%"], []]).per_item
    [0.5, None]
    """
    _same_length(evidence, cited)
    per: list[float | None] = []
    for ev, passages in zip(evidence, cited, strict=True):
        if not ev:
            per.append(None)
            continue
        found = sum(any(contains_evidence(e, p) for p in passages) for e in ev)
        per.append(found / len(ev))
    return _mean_result("citation_recall", per)


def abstention_precision(answerable: Sequence[bool], abstained: Sequence[bool]) -> MetricResult:
    """Of the questions the assistant declined, the share that had no answer.

    >>> abstention_precision([False, True, True], [True, True, False]).score
    0.5
    """
    _same_length(answerable, abstained)
    per = [
        (0.0 if ok else 1.0) if did else None for ok, did in zip(answerable, abstained, strict=True)
    ]
    return _mean_result("abstention_precision", per)


def abstention_recall(answerable: Sequence[bool], abstained: Sequence[bool]) -> MetricResult:
    """Of the unanswerable questions, the share the assistant declined."""
    _same_length(answerable, abstained)
    per = [None if ok else float(did) for ok, did in zip(answerable, abstained, strict=True)]
    return _mean_result("abstention_recall", per)


def false_abstention_rate(answerable: Sequence[bool], abstained: Sequence[bool]) -> MetricResult:
    """Of the answerable questions, the share the assistant wrongly declined (lower is better)."""
    _same_length(answerable, abstained)
    per = [float(did) if ok else None for ok, did in zip(answerable, abstained, strict=True)]
    return _mean_result("false_abstention_rate", per)


# ------------------------------------------------------------- faithfulness
def answer_sentences(answer: str) -> list[tuple[str, list[int]]]:
    """Split an answer into (sentence without markers, cited indices).

    Markers written right after a sentence's full stop (``"… 11%. [1]"``) belong
    to that sentence.

    >>> answer_sentences("Tăng 11% [1]. Đạt 7,5%. [2]\\n- Gia Lâm [1, 3]")
    [('Tăng 11%.', [1]), ('Đạt 7,5%.', [2]), ('- Gia Lâm', [1, 3])]
    """
    pieces = [p for line in answer.splitlines() for p in re.split(r"(?<=[.!?…])\s+", line)]
    out: list[tuple[str, list[int]]] = []
    for piece in pieces:
        piece = piece.strip()
        lead = re.match(r"^(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+", piece)
        if lead and out:
            out[-1][1].extend(_marker_indices(lead.group(0)))
            piece = piece[lead.end() :].strip()
        if not piece:
            continue
        out.append((strip_citation_markers(piece), _marker_indices(piece)))
    return [(s, idx) for s, idx in out if s]


def _marker_indices(text: str) -> list[int]:
    return [
        int(n) for m in CITATION_MARKER.finditer(text) for n in re.split(r"\s*[,;]\s*", m.group(1))
    ]


def sentence_support(sentence: str, passages: Sequence[str]) -> float | None:
    """Share of the sentence's content tokens that occur in ``passages`` (None: no content)."""
    tokens = content_tokens(sentence)
    if not tokens:
        return None
    vocab = {t for p in passages for t in syllables(p)}
    return sum(t in vocab for t in tokens) / len(tokens)


def faithfulness_proxy(
    answers: Sequence[str | None], cited: Sequence[dict[int, str]]
) -> MetricResult:
    """Share of answer sentences whose content tokens are ≥ 80% covered by what they cite.

    ``answers`` holds each answer text (``None`` for an abstained answer: not
    scored); ``cited`` maps marker number to the cited passage text. A
    sentence without markers is checked against all the answer's citations; an
    answer without citations has no support. ``per_item`` is each answer's share.

    >>> faithfulness_proxy(["Hà Nội tăng trưởng 11% [1]."], [{1: "Hà Nội sẽ tăng trưởng 11%"}]).score
    1.0
    """
    _same_length(answers, cited)
    per: list[float | None] = []
    for answer, by_marker in zip(answers, cited, strict=True):
        if answer is None:
            per.append(None)
            continue
        verdicts = []
        for sentence, markers in answer_sentences(answer):
            texts = [by_marker[m] for m in markers if m in by_marker] or list(by_marker.values())
            support = sentence_support(sentence, texts)
            if support is not None:
                verdicts.append(support >= FAITHFUL_COVERAGE)
        per.append(sum(verdicts) / len(verdicts) if verdicts else None)
    return _mean_result("faithfulness", per)


# ---------------------------------------------------------- LLM as a judge
#: Prompt for the optional LLM-judged faithfulness (RAGAS-style, one verdict per answer).
LLM_FAITHFULNESS_PROMPT = """Bạn là người chấm điểm. Dưới đây là các đoạn trích và một câu trả lời.
Câu trả lời có được các đoạn trích hỗ trợ hoàn toàn không (không có thông tin nào ngoài các đoạn trích)?
Chỉ trả lời một từ: CÓ hoặc KHÔNG.

Câu hỏi: {question}

Đoạn trích:
{passages}

Câu trả lời: {answer}
"""


def llm_faithfulness(
    questions: Sequence[str],
    answers: Sequence[str | None],
    cited: Sequence[Sequence[str]],
    chat: Any,
) -> MetricResult:
    """Share of answers an LLM judges fully supported by their cited passages.

    ``chat`` is a LangChain chat model (``.invoke(prompt).content``); abstained
    answers (``None``) are not scored.
    """
    _same_length(answers, cited)
    per: list[float | None] = []
    for question, answer, passages in zip(questions, answers, cited, strict=True):
        if answer is None:
            per.append(None)
            continue
        prompt = LLM_FAITHFULNESS_PROMPT.format(
            question=question,
            passages="\n\n".join(f"[{i}] {p}" for i, p in enumerate(passages, 1)) or "(không có)",
            answer=strip_citation_markers(answer),
        )
        reply = chat.invoke(prompt)
        verdict = normalize_text(str(getattr(reply, "content", reply)))
        per.append(float(verdict.startswith(("có", "co", "yes"))))
    return _mean_result("llm_faithfulness", per)


# ------------------------------------------------------------------ latency
def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    """p50 / p95 / mean in milliseconds (NaN when there are no timings).

    >>> latency_summary([0.1, 0.2, 0.3])["p50_ms"]
    200.0
    """
    import numpy as np

    if not seconds:
        return {"p50_ms": math.nan, "p95_ms": math.nan, "mean_ms": math.nan, "n": 0}
    ms = np.asarray(seconds, dtype=float) * 1000.0
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 3),
        "p95_ms": round(float(np.percentile(ms, 95)), 3),
        "mean_ms": round(float(ms.mean()), 3),
        "n": len(ms),
    }


def _same_length(a: Sequence[Any], b: Sequence[Any]) -> None:
    if len(a) != len(b):
        raise ValueError(f"{len(a)} gold entries but {len(b)} predictions")
