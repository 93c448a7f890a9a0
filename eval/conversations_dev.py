"""Conversations over a public QA set's articles, judged against the set's own gold answers.

``python -m eval conversations --dev-path FILE`` plays a conversation set written for this
project over articles nobody on it wrote (default ``eval/datasets/conversations-zalo.jsonl``,
over the Zalo wiki QA file). The repository holds only the questions written here and
references to the QA set's item ids; the articles, the set's own questions and its gold
answers are read at run time from ``FILE`` (any SQuAD-format file the ids belong to).

A turn of such a set may, besides the fields of :mod:`eval.conversations`, name items:

* ``question_id``: ask the QA set's question of that id (instead of a written ``question``);
* ``standalone_id``: a dependent turn's stand-alone form is the QA set's question of that id;
* ``answer_id``: the turn's key phrase is the gold answer of that id.

Resolved turns are plain conversation turns, so the figures (hijack rate, dependent turns
beside their stand-alone forms, the failure list) are those of the bundled set.

Example:
    >>> from eval.qa_sets import QADocument, QAQuestion, QASet
    >>> qs = QASet("t", [QADocument("p0", "", "Go ra đời năm 2007.")],
    ...            [QAQuestion("q1", "Go ra đời năm nào?", "p0", "2007", 14)])
    >>> rows = [{"id": "c", "turns": [{"question_id": "q1", "answer_id": "q1"},
    ...          {"question": "Rust?", "kind": "independent", "type": "keyword"}]}]
    >>> resolve_conversations(rows, qs)[0].turns[0]
    {'items': ['q1'], 'question': 'Go ra đời năm nào?', 'key_phrases': ['2007']}
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from eval.conversations import Conversation, parse_conversations
from eval.qa_sets import QASet, load_qa_set
from eval.runner import EvalError

__all__ = [
    "DEFAULT_DEV_CONVERSATIONS",
    "DEV_CORPUS",
    "load_dev_conversations",
    "articles_used",
    "indexed_articles",
    "resolve_conversations",
]

DEFAULT_DEV_CONVERSATIONS = (
    Path(__file__).resolve().parent / "datasets" / "conversations-zalo.jsonl"
)
DEV_CORPUS = "dev"
_REFS = ("question_id", "standalone_id", "answer_id")


def _resolve_turn(cid: str, i: int, turn: dict[str, Any], qaset: QASet, by_id: dict) -> dict:
    out = {k: v for k, v in turn.items() if k not in _REFS}
    out["items"] = sorted({turn[r] for r in _REFS if r in turn})
    for ref in _REFS:
        if ref in turn and turn[ref] not in by_id:
            raise EvalError(
                f"{cid} turn {i + 1}: {ref} '{turn[ref]}' is not an item of {qaset.name} "
                "(is --dev-path the QA file this set was written on?)"
            )
    if "question_id" in turn:
        if "question" in turn:
            raise EvalError(f"{cid} turn {i + 1}: give 'question' or 'question_id', not both")
        out["question"] = by_id[turn["question_id"]].question
    if "standalone_id" in turn:
        out["standalone"] = by_id[turn["standalone_id"]].question
    if "answer_id" in turn:
        gold = by_id[turn["answer_id"]].answer.strip()
        if not gold:
            raise EvalError(f"{cid} turn {i + 1}: item '{turn['answer_id']}' has no gold answer")
        out["key_phrases"] = [*turn.get("key_phrases", []), gold]
    return out


def resolve_conversations(rows: Iterable[dict[str, Any]], qaset: QASet) -> list[Conversation]:
    """Conversations with every item reference replaced by the QA set's text, validated."""
    by_id = {q.qid: q for q in qaset.questions}
    resolved = []
    for n, row in enumerate(rows, 1):
        cid = str(row.get("id") or f"row {n}")
        turns = row.get("turns")
        if isinstance(turns, list):
            turns = [
                _resolve_turn(cid, i, t, qaset, by_id) if isinstance(t, dict) else t
                for i, t in enumerate(turns)
            ]
        resolved.append({**row, "turns": turns, "corpus": row.get("corpus", DEV_CORPUS)})
    return parse_conversations(resolved)


def load_dev_conversations(
    qa_path: str | os.PathLike[str], path: str | os.PathLike[str] = DEFAULT_DEV_CONVERSATIONS
) -> tuple[list[Conversation], QASet]:
    """The conversation set at ``path`` resolved against the QA file at ``qa_path``."""
    qaset = load_qa_set(qa_path)
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        rows = [json.loads(line) for line in lines if line.strip()]
    except (OSError, ValueError) as e:
        raise EvalError(f"cannot read the conversation set {path}: {e}") from e
    return resolve_conversations(rows, qaset), qaset


def articles_used(conversations: Sequence[Conversation], qaset: QASet) -> set[str]:
    """The QA set's documents whose gold answers the conversations are judged on."""
    doc_of = {q.qid: q.doc_id for q in qaset.questions}
    return {doc_of[i] for c in conversations for t in c.turns for i in t.get("items", [])}


@contextmanager
def indexed_articles(qaset: QASet | None, corpus: str | os.PathLike[str]) -> Iterator[tuple]:
    """``(corpus, corpus name)`` to play on: ``qaset``'s documents written to a temporary
    folder (one Markdown file each, ingested by the run), or the given ``corpus``."""
    if qaset is None:
        yield corpus, "hanoi"
        return
    with tempfile.TemporaryDirectory(prefix="conv-dev-docs-") as docs:
        qaset.write(docs)
        yield docs, DEV_CORPUS
