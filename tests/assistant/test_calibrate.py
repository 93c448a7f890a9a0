"""Choosing the abstention threshold from the gold set's confidences."""

from __future__ import annotations

from assistant.answering.calibrate import CalibrationRow, choose_threshold


def _rows(answerable: list[float], unanswerable: list[float]) -> list[CalibrationRow]:
    rows = [CalibrationRow(f"a{i}", "x", True, c, True, 1, 1) for i, c in enumerate(answerable)]
    rows += [CalibrationRow(f"u{i}", "x", False, c, False, 1, 0) for i, c in enumerate(unanswerable)]
    return rows


def test_separable_confidences_give_a_feasible_threshold_between_them():
    threshold, feasible, _ = choose_threshold(_rows([0.8, 0.7, 0.6], [0.3, 0.2]))
    assert feasible
    assert 0.3 < threshold < 0.6


def test_when_both_targets_cannot_be_met_the_abstention_recall_target_comes_first():
    # 10 unanswerable questions: recall >= 0.9 allows one answered; no false abstention
    # at all is allowed, which no threshold meets
    answerable = [0.9] * 36 + [0.33, 0.34, 0.2, 0.1]
    unanswerable = [0.35] + [0.3] * 8 + [0.05]
    threshold, feasible, table = choose_threshold(
        _rows(answerable, unanswerable), min_recall=0.9, max_false=0.0
    )
    assert not feasible
    chosen = next(x for x in table if x["threshold"] == threshold)
    assert chosen["abstention_recall"] >= 0.9
    assert chosen["false_abstention"] == min(
        x["false_abstention"] for x in table if x["abstention_recall"] >= 0.9
    )
    assert 0.3 < threshold < 0.33
    # balanced accuracy alone would abstain on all ten, at two more false abstentions
    best_balanced = max(table, key=lambda x: x["balanced_accuracy"])
    assert best_balanced["threshold"] > 0.34


def test_when_not_even_the_recall_target_can_be_met_balanced_accuracy_decides():
    # an unanswerable question at full confidence: no threshold abstains on all
    rows = _rows([0.5, 0.4, 0.3], [1.0, 0.45, 0.1])
    threshold, feasible, table = choose_threshold(rows, min_recall=1.0, max_false=0.0)
    assert not feasible
    best = max(x["balanced_accuracy"] for x in table)
    assert next(x for x in table if x["threshold"] == threshold)["balanced_accuracy"] == best


def test_among_thresholds_with_the_fewest_false_abstentions_the_highest_recall_wins():
    # 10 unanswerable questions; the answerable one at 0.01 abstains under every threshold
    # that meets the recall target. Above it the false abstentions stay at one while two
    # more unanswerable questions (0.22, 0.28) are refused: the threshold goes above them
    # (the middle of the whole range, 0.25, would answer the one at 0.28)
    answerable = [0.9] * 9 + [0.01]
    unanswerable = [0.05] * 7 + [0.15, 0.22, 0.28]
    threshold, feasible, table = choose_threshold(
        _rows(answerable, unanswerable), min_recall=0.7, max_false=0.0
    )
    assert not feasible
    chosen = next(x for x in table if x["threshold"] == threshold)
    assert chosen["false_abstention"] == 0.1
    assert chosen["abstention_recall"] == 1.0
    assert 0.28 < threshold < 0.9


def test_refusing_a_question_the_answerer_would_get_wrong_loses_nothing():
    # 20 unanswerable questions: recall >= 0.9 allows two answered; the answerable question
    # at 0.01 is refused under every threshold, so no threshold meets both targets. The
    # one at 0.28 would be answered wrongly (its key phrases not found): keeping it answered
    # is no reason to answer the unanswerable one at 0.30 too
    rows = _rows([0.9] * 9 + [0.01], [0.05] * 19 + [0.30])
    rows.append(CalibrationRow("wrong", "x", True, 0.28, False, 1, 0))
    threshold, feasible, table = choose_threshold(rows, min_recall=0.9, max_false=0.0)
    assert not feasible
    chosen = next(x for x in table if x["threshold"] == threshold)
    assert chosen["abstention_recall"] == 1.0
    assert chosen["lost_answers"] == min(
        x["lost_answers"] for x in table if x["abstention_recall"] >= 0.9
    )
    assert 0.30 < threshold < 0.9
    # a right answer at 0.28 is worth keeping, at the cost of the one at 0.30
    rows[-1] = CalibrationRow("right", "x", True, 0.28, True, 1, 1)
    threshold, _, _ = choose_threshold(rows, min_recall=0.9, max_false=0.0)
    assert 0.05 < threshold < 0.28
