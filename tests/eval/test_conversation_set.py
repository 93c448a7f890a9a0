"""The conversation set and ``python -m eval conversations``."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from assistant import Settings
from eval.conversations import (
    DEFAULT_CONVERSATIONS,
    TYPES,
    load_conversations,
    parse_conversations,
    run_conversations,
)
from eval.runner import EvalError, check_thresholds, load_thresholds


def test_the_set_has_sixty_conversations_with_later_turns_half_each_kind():
    convs = load_conversations()
    assert len(convs) >= 60
    later = [t for c in convs for t in c.turns[1:]]
    kinds = Counter(t["kind"] for t in later)
    assert abs(kinds["independent"] - kinds["dependent"]) <= len(later) * 0.1
    types = Counter(t["type"] for t in later)
    assert all(types[t] for kind in TYPES.values() for t in kind)  # every kind of turn is there


def test_the_set_is_not_the_gold_set():
    gold = [
        json.loads(line)
        for line in (DEFAULT_CONVERSATIONS.parent / "hanoi.jsonl").open(encoding="utf-8")
    ]
    gold_questions = {r["question"] for r in gold} | {
        t["question"] for r in gold for t in r["history"]
    }
    asked = {t["question"] for c in load_conversations() for t in c.turns}
    # only the question the issue itself quotes is shared
    assert asked & gold_questions <= {
        "GRDP bình quân đầu người của Hà Nội năm 2023 ước đạt bao nhiêu?"
    }


@pytest.mark.parametrize(
    "row,needle",
    [
        ({"id": "a", "turns": [{"question": "x"}]}, "2 or 3 turns"),
        ({"id": "a", "turns": [{"question": "x"}, {"question": "y", "kind": "other"}]}, "kind"),
        ({"id": "a", "turns": [{"question": "x"}, {"question": "y", "kind": "dependent", "type": "year"}]},
         "standalone"),
    ],
)  # fmt: skip
def test_a_bad_conversation_is_named_with_the_reason(row, needle):
    with pytest.raises(EvalError, match=needle):
        parse_conversations([row])


def test_the_gate_holds_a_ceiling_on_hijacks_and_a_floor_on_dependent_turns():
    limits = load_thresholds()["conversations"]
    assert limits["hijack_rate"] == 0.0 and limits["dependent_vs_standalone"] >= 0.9
    assert check_thresholds("conversations", {"hijack_rate": 0.03, "dependent_vs_standalone": 1.0},
                            {"conversations": limits}).failures  # fmt: skip


def test_a_run_counts_hijacks_and_dependent_turns(tmp_path, tiny_corpus):
    convs = parse_conversations(
        [
            {"id": "c1", "turns": [
                {"question": "Thu ngân sách năm 2023 ước đạt bao nhiêu?"},
                {"question": "Hà Nội tháo gỡ những điểm nghẽn nào?", "kind": "independent",
                 "type": "topic_switch", "key_phrases": ["ùn tắc giao thông"]}]},
            {"id": "c2", "turns": [
                {"question": "Thu ngân sách năm 2023 ước đạt bao nhiêu?"},
                {"question": "Còn năm 2024 thì sao?", "kind": "dependent", "type": "year",
                 "standalone": "Thu ngân sách năm 2024 đạt bao nhiêu?", "key_phrases": ["nghìn tỷ"]}]},
        ]
    )  # fmt: skip
    settings = Settings(data_dir=tmp_path / "unused", embedding={"model": "fake"})
    result = run_conversations(convs, settings, corpus=tiny_corpus)
    assert result.counts["independent_turns"] == 1 and result.counts["dependent_turns"] == 1
    assert result.metrics["hijack_rate"] == 0.0  # a topic switch is read as asked
    assert {r["id"] for r in result.rows} == {"c1/2", "c2/2"}
    assert set(result.baselines) == {"rules alone", "always as asked"}
