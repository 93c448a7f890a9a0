"""Conversations over a public QA set: item references resolved at run time, judged on gold."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from assistant import Settings
from eval.__main__ import main
from eval.conversations import load_conversations, run_conversations
from eval.conversations_dev import (
    DEFAULT_DEV_CONVERSATIONS,
    articles_used,
    indexed_articles,
    load_dev_conversations,
    resolve_conversations,
)
from eval.qa_sets import QADocument, QAQuestion, QASet
from eval.runner import EvalError

QA = QASet(
    "tiny",
    [
        QADocument("p0", "", "Ngôn ngữ Go ra đời năm 2007 tại Google."),
        QADocument("p1", "", "Sao Hỏa là hành tinh thứ tư tính từ Mặt Trời."),
    ],
    [
        QAQuestion("q-go", "Go ra đời năm nào?", "p0", "2007", 22),
        QAQuestion("q-go-where", "Go ra đời ở công ty nào?", "p0", "Google", 31),
        QAQuestion("q-mars", "Sao Hỏa là hành tinh thứ mấy?", "p1", "thứ tư", 20),
    ],
)


def _row(*later, first=None):
    return {"id": "c1", "turns": [first or {"question_id": "q-go", "answer_id": "q-go"}, *later]}


def test_item_references_become_the_sets_questions_and_gold_answers():
    dep = {
        "question": "ở công ty nào?",
        "kind": "dependent",
        "type": "ellipsis",
        "standalone_id": "q-go-where",
        "answer_id": "q-go-where",
    }
    ind = {"question_id": "q-mars", "answer_id": "q-mars", "kind": "independent",
           "type": "topic_switch"}  # fmt: skip
    (conv,) = resolve_conversations([_row(dep, ind)], QA)
    first, second, third = conv.turns
    assert first["question"] == "Go ra đời năm nào?" and first["key_phrases"] == ["2007"]
    assert second["question"] == "ở công ty nào?"  # a written question stays as written
    assert second["standalone"] == "Go ra đời ở công ty nào?" and second["key_phrases"] == [
        "Google"
    ]
    assert third["question"] == "Sao Hỏa là hành tinh thứ mấy?" and conv.corpus == "dev"
    assert articles_used([conv], QA) == {"p0", "p1"}


@pytest.mark.parametrize(
    "turn,needle",
    [
        ({"question": "x", "kind": "independent", "type": "keyword", "answer_id": "nope"},
         "'nope' is not an item"),
        ({"question": "x", "question_id": "q-mars", "kind": "independent", "type": "keyword"},
         "not both"),
        ({"question": "còn?", "kind": "dependent", "type": "ellipsis"}, "standalone"),
    ],
)  # fmt: skip
def test_a_bad_reference_or_turn_is_named_with_the_reason(turn, needle):
    with pytest.raises(EvalError, match=needle):
        resolve_conversations([_row(turn)], QA)


def test_the_written_set_stores_references_and_is_balanced():
    rows = [json.loads(x) for x in DEFAULT_DEV_CONVERSATIONS.read_text("utf-8").splitlines() if x]
    assert len(rows) >= 24
    later = [t for r in rows for t in r["turns"][1:]]
    kinds = Counter(t["kind"] for t in later)
    assert abs(kinds["independent"] - kinds["dependent"]) <= len(later) * 0.1
    # every later turn is judged on the QA set's gold answer, never a phrase copied here
    assert all("answer_id" in t and "key_phrases" not in t for t in later)
    folded = [t for t in later if "question" in t and t["question"].isascii()]
    assert folded and len(folded) < len(later)  # typed with and without diacritics


def test_a_dev_set_without_its_qa_file_is_refused(tmp_path, tiny_corpus):
    (conv,) = resolve_conversations(
        [_row({"question_id": "q-mars", "answer_id": "q-mars", "kind": "independent",
               "type": "topic_switch"})], QA)  # fmt: skip
    settings = Settings(data_dir=tmp_path / "unused", embedding={"model": "fake"})
    with pytest.raises(EvalError, match="--dev-path"):
        run_conversations([conv], settings, corpus=tiny_corpus)
    assert main(["conversations", "--path", str(DEFAULT_DEV_CONVERSATIONS), "--no-progress"]) == 2


def test_a_run_ingests_the_qa_sets_articles_and_reports_per_turn(tmp_path):
    (conv,) = resolve_conversations(
        [_row({"question_id": "q-mars", "answer_id": "q-mars", "kind": "independent",
               "type": "topic_switch"})], QA)  # fmt: skip
    settings = Settings(data_dir=tmp_path / "unused", embedding={"model": "fake"})
    with indexed_articles(QA, "unused") as (corpus, name):
        result = run_conversations([conv], settings, corpus=corpus, corpus_name=name,
                                   baselines=False)  # fmt: skip
    assert result.counts["independent_turns"] == 1
    assert [r["id"] for r in result.rows] == ["c1/2"]
    assert result.rows[0]["hit"] is True  # answered from the ingested article, on its gold
    assert result.metrics["hijack_rate"] == 0.0


def test_the_bundled_set_still_loads_without_a_qa_file():
    assert all(c.corpus == "hanoi" for c in load_conversations())


def test_the_cli_reads_the_qa_file_it_is_given(tmp_path):
    missing = tmp_path / "none.json"
    with pytest.raises(EvalError, match="not found"):
        load_dev_conversations(missing)
