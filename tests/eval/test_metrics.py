"""The metric functions on hand-made examples, and the ranking metrics against ranx."""

from __future__ import annotations

import math
import random
import warnings

import pytest

from eval import metrics as m

EV_GROWTH = "phấn đấu đạt mức tăng trưởng kinh tế bình quân hàng năm từ 7,5% trở lên"
EV_TERM = "Trong nhiệm kỳ 2025-2030, Thủ đô Hà Nội xác định sẽ tăng trưởng 11% trở lên"

P_GROWTH = "Thành phố PHẤN ĐẤU đạt mức tăng trưởng kinh tế bình quân\nhàng năm từ 7,5%  trở lên. Giải quyết hài hòa."
P_TERM = (
    "Trong nhiệm kỳ 2025-2030, Thủ đô Hà Nội xác định sẽ tăng trưởng 11% trở lên, đi đầu cả nước."
)
P_OTHER = "Bộ Chính trị đồng ý với 5 nhóm nội dung kiến nghị, đề xuất của Thành ủy Hà Nội."
P_OTHER2 = "Thu ngân sách năm 2023 ước đạt 400,421 nghìn tỷ đồng."


# ------------------------------------------------------------------ matching
def test_evidence_match_is_nfc_whitespace_and_case_insensitive():
    decomposed = "pha\u0302\u0301n đa\u0302\u0301u đạt"  # "phấn đấu đạt" typed with combining marks
    assert m.contains_evidence(decomposed, P_GROWTH)
    assert m.contains_evidence(EV_GROWTH, P_GROWTH)  # line break and double space inside
    assert not m.contains_evidence(EV_TERM, P_GROWTH)
    assert not m.contains_evidence("", P_GROWTH)


def test_strip_citation_markers():
    assert m.strip_citation_markers("Tăng 11% [1]. Đạt 7,5% [2, 3][4].") == "Tăng 11%. Đạt 7,5%."


# ---------------------------------------------------------------- retrieval
def test_hit_recall_mrr_ndcg_hand_made():
    gold = [[EV_GROWTH], [EV_GROWTH, EV_TERM], None, [EV_TERM]]
    retrieved = [
        [P_OTHER, P_GROWTH, P_OTHER2],  # relevant at rank 2
        [P_TERM, P_OTHER, P_OTHER2, P_OTHER, P_OTHER, P_GROWTH],  # two evidence at ranks 1 and 6
        [P_GROWTH],  # unanswerable: not scored
        [P_OTHER, P_OTHER2],  # miss
    ]
    assert m.hit_at_k(gold, retrieved, 1).per_item == [0.0, 1.0, None, 0.0]
    assert m.hit_at_k(gold, retrieved, 3).per_item == [1.0, 1.0, None, 0.0]
    assert m.hit_at_k(gold, retrieved, 3).score == pytest.approx(2 / 3)
    assert m.recall_at_k(gold, retrieved, 5).per_item == [1.0, 0.5, None, 0.0]
    assert m.recall_at_k(gold, retrieved, 10).per_item == [1.0, 1.0, None, 0.0]
    assert m.mrr(gold, retrieved).per_item == [0.5, 1.0, None, 0.0]
    nd = m.ndcg_at_k(gold, retrieved, 10).per_item
    assert nd[0] == pytest.approx(1 / math.log2(3))
    assert nd[1] == pytest.approx((1 + 1 / math.log2(7)) / (1 + 1 / math.log2(3)))
    assert nd[2] is None and nd[3] == 0.0
    assert m.mrr(gold, retrieved).n == 3


def test_passage_with_two_evidence_strings_counts_once_for_hits_twice_for_recall():
    both = P_GROWTH + " " + P_TERM
    gold, retrieved = [[EV_GROWTH, EV_TERM]], [[both, P_OTHER]]
    assert m.recall_at_k(gold, retrieved, 1).score == 1.0
    assert m.hit_at_k(gold, retrieved, 1).score == 1.0
    assert m.ndcg_at_k(gold, retrieved, 10).score == 1.0  # one relevant passage, at rank 1


def test_metrics_reject_misaligned_inputs():
    with pytest.raises(ValueError):
        m.hit_at_k([[EV_GROWTH]], [], 1)


def test_nan_when_nothing_scored():
    r = m.mrr([None, None], [[P_OTHER], []])
    assert math.isnan(r.score) and r.n == 0


RANX_METRICS = ["hit_rate@1", "hit_rate@3", "hit_rate@5", "recall@5", "recall@10", "mrr", "ndcg@10"]


def _random_text_run(seed: int, n_queries: int = 40):
    """A random run over passage texts, and the same run as ranx qrels/run over ids.

    Each passage holds at most one evidence string and each evidence string sits
    in at most one passage, so evidence recall equals ranx's passage recall.
    Evidence that no retrieved passage contains becomes an unretrieved relevant
    document in the qrels.
    """
    rng = random.Random(seed)
    gold, retrieved, qrels, run = [], [], {}, {}
    for q in range(n_queries):
        qid = f"s{seed}-q{q:03d}"
        n_ev = rng.randint(1, 3)
        evidence = [f"bằng chứng số {qid}-{j} về Hà Nội" for j in range(n_ev)]
        depth = rng.randint(1, 12)
        placed = rng.sample(range(depth + 3), k=n_ev)  # positions ≥ depth: not retrieved
        passages, scores, relevant = [], {}, {}
        for rank in range(depth):
            pid = f"{qid}-p{rank}"
            if rank in placed:
                passages.append(f"Đoạn {rank}: {evidence[placed.index(rank)].upper()} đã được nêu.")
                relevant[pid] = 1
            else:
                passages.append(f"Đoạn {rank} không liên quan {qid}.")
            scores[pid] = 1.0 / (rank + 1)
        for j, pos in enumerate(placed):
            if pos >= depth:
                relevant[f"{qid}-missing-{j}"] = 1
        gold.append(evidence)
        retrieved.append(passages)
        qrels[qid], run[qid] = relevant, scores
    return gold, retrieved, qrels, run


ID_GOLD = [["p1"], ["p2"], ["p3"], ["p4"]]
ID_RANKED = [["p1", "p2"], ["p9", "p8", "p7", "p2"], ["p4"], ["p5", "p4", "p6", "p1", "p2", "p3"]]


@pytest.fixture(scope="module")
def ranx_scores():
    """Every cross-check case scored by ranx in one call (its numba compile is slow)."""
    from ranx import Qrels, Run, evaluate

    cases, qrels, run = {}, {}, {}
    for seed in (0, 1, 2):
        gold, retrieved, q, r = _random_text_run(seed)
        cases[f"s{seed}"] = (gold, retrieved, sorted(q))
        qrels.update(q)
        run.update(r)
    id_keys = []
    for i, (g, ids) in enumerate(zip(ID_GOLD, ID_RANKED, strict=True)):
        qid = f"zid-{i}"
        id_keys.append(qid)
        qrels[qid] = {g[0]: 1}
        run[qid] = {pid: 1.0 / (r + 1) for r, pid in enumerate(ids)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        per_query = evaluate(Qrels(qrels), Run(run), RANX_METRICS, return_mean=False)
    order = sorted(qrels)
    scores = {
        name: dict(zip(order, map(float, values), strict=True))
        for name, values in per_query.items()
    }
    return cases, id_keys, scores


def _ours(gold, retrieved, **kw) -> dict[str, list]:
    return {
        "hit_rate@1": m.hit_at_k(gold, retrieved, 1, **kw).per_item,
        "hit_rate@3": m.hit_at_k(gold, retrieved, 3, **kw).per_item,
        "hit_rate@5": m.hit_at_k(gold, retrieved, 5, **kw).per_item,
        "recall@5": m.recall_at_k(gold, retrieved, 5, **kw).per_item,
        "recall@10": m.recall_at_k(gold, retrieved, 10, **kw).per_item,
        "mrr": m.mrr(gold, retrieved, **kw).per_item,
        "ndcg@10": m.ndcg_at_k(gold, retrieved, 10, **kw).per_item,
    }


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ranking_metrics_agree_with_ranx(ranx_scores, seed):
    cases, _, theirs = ranx_scores
    gold, retrieved, keys = cases[f"s{seed}"]
    ours = _ours(gold, retrieved)
    for name in RANX_METRICS:
        want = [theirs[name][k] for k in keys]
        assert ours[name] == pytest.approx(want, abs=1e-6), name
        mean = sum(want) / len(want)
        assert _mean(ours[name]) == pytest.approx(mean, abs=1e-6), name


def test_id_matching_agrees_with_ranx(ranx_scores):
    """Paragraph-level scoring (the Zalo benchmark) uses ids with an equality match."""
    _, keys, theirs = ranx_scores
    ours = _ours(ID_GOLD, ID_RANKED, match=str.__eq__)
    for name in RANX_METRICS:
        assert ours[name] == pytest.approx([theirs[name][k] for k in keys], abs=1e-6), name


def _mean(values) -> float:
    return sum(values) / len(values)


# ------------------------------------------------------------------ answers
def test_key_phrase_accuracy_needs_all_phrases():
    r = m.key_phrase_accuracy(
        [["Hòa Lạc", "Gia Lâm"], ["Hòa Lạc", "Gia Lâm"], None, ["7,5%"]],
        ["Sân bay HÒA LẠC và Gia Lâm [1].", "Sân bay Hòa Lạc [1].", "bất kỳ", ""],
    )
    assert r.per_item == [1.0, 0.0, None, 0.0]
    assert r.score == pytest.approx(1 / 3)


def test_token_f1_on_syllables():
    r = m.token_f1(["Hà Nội tăng trưởng 7,5% trở lên", None], ["Tăng trưởng 7,5% [1].", "x"])
    # common: tăng, trưởng, 7,5 → p = 3/3, r = 3/7
    assert r.per_item[0] == pytest.approx(2 * (1 * 3 / 7) / (1 + 3 / 7))
    assert r.per_item[1] is None
    assert m.token_f1(["Hà Nội"], [""]).score == 0.0


def test_citation_precision_and_recall():
    evidence = [[EV_GROWTH], [EV_GROWTH, EV_TERM], None, [EV_TERM]]
    key_phrases = [["7,5%"], ["7,5%", "11%"], [], ["11%"]]
    cited = [
        [P_GROWTH, P_OTHER],  # one supported of two
        [P_TERM],  # supported; covers one of two evidence strings
        [P_OTHER],  # unanswerable: not scored
        [],  # answered without citations (or abstained)
    ]
    p = m.citation_precision(evidence, key_phrases, cited)
    assert p.per_item == [0.5, 1.0, None, None]
    assert p.score == pytest.approx(2 / 3)  # pooled over the three citations
    r = m.citation_recall(evidence, cited)
    assert r.per_item == [1.0, 0.5, None, 0.0]


def test_citation_supported_by_key_phrase_alone():
    assert m.citation_supported("Kinh tế tăng 7,5% năm nay", [EV_GROWTH], ["7,5%"])
    assert not m.citation_supported(P_OTHER, [EV_GROWTH], ["7,5%"])


def test_abstention_metrics():
    answerable = [True, True, True, False, False, False]
    abstained = [False, True, False, True, True, False]
    assert m.abstention_precision(answerable, abstained).score == pytest.approx(2 / 3)
    assert m.abstention_recall(answerable, abstained).score == pytest.approx(2 / 3)
    assert m.false_abstention_rate(answerable, abstained).score == pytest.approx(1 / 3)
    assert math.isnan(m.abstention_precision([True], [False]).score)


# ------------------------------------------------------------- faithfulness
def test_answer_sentences_keep_their_markers():
    text = (
        "Hà Nội tăng trưởng 11% [1]. Nghị quyết 11 đặt mục tiêu 7,5%. [2]\n- Sân bay Gia Lâm [1, 3]"
    )
    assert m.answer_sentences(text) == [
        ("Hà Nội tăng trưởng 11%.", [1]),
        ("Nghị quyết 11 đặt mục tiêu 7,5%.", [2]),
        ("- Sân bay Gia Lâm", [1, 3]),
    ]


def test_faithfulness_proxy():
    answers = [
        "Hà Nội xác định sẽ tăng trưởng 11% trở lên [1]. Thành phố phấn đấu đạt 7,5% [2].",
        "Hà Nội sẽ xây thêm ba sân bay quốc tế mới [1].",  # not in the cited passage
        None,  # abstained: not scored
        "Hà Nội xác định tăng trưởng 11%.",  # no citations at all: unsupported
    ]
    cited = [{1: P_TERM, 2: P_GROWTH}, {1: P_TERM}, {}, {}]
    r = m.faithfulness_proxy(answers, cited)
    assert r.per_item == [1.0, 0.0, None, 0.0]
    # a sentence citing the wrong passage is not supported by it
    wrong = m.faithfulness_proxy(
        ["Thành phố phấn đấu đạt 7,5% [1]. Tăng trưởng 11% [2]."], [{1: P_TERM, 2: P_TERM}]
    )
    assert wrong.per_item == [0.5]


def test_llm_faithfulness_with_a_scripted_judge():
    class Judge:
        def __init__(self, replies):
            self.replies, self.prompts = list(replies), []

        def invoke(self, prompt):
            self.prompts.append(prompt)
            return type("Msg", (), {"content": self.replies.pop(0)})()

    judge = Judge(["CÓ", "Không."])
    r = m.llm_faithfulness(
        ["q1", "q2", "q3"], ["Tăng 11% [1].", "Sai [1].", None], [[P_TERM], [P_OTHER], []], judge
    )
    assert r.per_item == [1.0, 0.0, None]
    assert (
        len(judge.prompts) == 2
        and P_TERM in judge.prompts[0]
        and "[1]" not in judge.prompts[0].split("Câu trả lời:")[1]
    )


def test_latency_summary():
    s = m.latency_summary([0.010, 0.020, 0.030, 0.040, 1.0])
    assert s["p50_ms"] == pytest.approx(30.0)
    assert 200 < s["p95_ms"] <= 1000
    assert s["n"] == 5
    assert math.isnan(m.latency_summary([])["p50_ms"])
