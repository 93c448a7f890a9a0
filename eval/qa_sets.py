"""Public Vietnamese QA sets as documents and questions, for measuring and training.

Two formats are read: SQuAD v1 JSON (MLQA, the Zalo wiki QA file; one document per
paragraph) and ALQAC's statute law (a folder with ``law.json`` and ``question.json``; one
document per article). Each document is written as a small Markdown file and ingested with
the public :meth:`Assistant.ingest`, so the evaluation measures what a user gets.

Unanswerable questions are made by withholding: a share of the documents (chosen by a
seeded hash, the same every run) is deleted with :meth:`Assistant.delete` after the
answerable questions are asked, and the questions about those documents are asked again.
The topic stays in the store (the article's other paragraphs), the answer is gone.

>>> s = load_qa_set("../shared/benchmarks/zalo-wikiqa-2019/train.json")  # doctest: +SKIP
>>> len(s.documents), len(s.questions)                                  # doctest: +SKIP
(142, 1225)
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from eval.runner import EvalError
from eval.zalo import load_squad, locate_answer
from textvi import nfc


@dataclass(frozen=True)
class QADocument:
    doc_id: str
    title: str
    text: str


@dataclass(frozen=True)
class QAQuestion:
    qid: str
    question: str
    doc_id: str
    answer: str
    answer_start: int  # -1 when the answer is not a span of its document


@dataclass
class QASet:
    name: str
    documents: list[QADocument]
    questions: list[QAQuestion]

    def withheld_docs(self, share: float, seed: str = "withhold-v1") -> frozenset[str]:
        """A stable ``share`` of the documents that hold answers, chosen by hash."""
        if share <= 0:
            return frozenset()
        used = sorted({q.doc_id for q in self.questions})
        return frozenset(
            d
            for d in used
            if int(hashlib.sha256(f"{seed}:{self.name}:{d}".encode()).hexdigest()[:8], 16)
            < share * 0xFFFFFFFF
        )

    def write(self, folder: str | os.PathLike[str]) -> dict[str, str]:
        """Each document as ``<doc_id>.md`` with its title; returns file name → doc id."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        names = {}
        for d in self.documents:
            name = f"{d.doc_id}.md"
            title = d.title.replace('"', "'").replace("\n", " ")[:200]
            (folder / name).write_text(f'---\ntitle: "{title}"\n---\n\n{d.text}\n', encoding="utf-8")
            names[name] = d.doc_id
        return names


def _from_squad(path: Path, name: str) -> QASet:
    bench = load_squad(path)
    docs = [QADocument(p.pid, p.title, p.context) for p in bench.paragraphs]
    qs = [QAQuestion(q.id, q.question, q.pid, q.answer, q.answer_start) for q in bench.questions]
    return QASet(name, docs, qs)


def _from_alqac(folder: Path, name: str) -> QASet:
    try:
        laws = json.loads((folder / "law.json").read_text(encoding="utf-8"))
        items = json.loads((folder / "question.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise EvalError(f"cannot read ALQAC files in {folder}: {e}") from None
    docs, by_key = [], {}
    for law in laws:
        for art in law.get("articles", []):
            text = nfc(str(art.get("text", ""))).strip()
            if not text:
                continue
            doc_id = f"a{len(docs):05d}"
            title = f"{text.splitlines()[0][:150]} ({law['id']})"
            docs.append(QADocument(doc_id, title, text))
            by_key[(str(law["id"]), str(art["id"]))] = docs[-1]
    qs = []
    for it in items:
        rel = (it.get("relevant_articles") or [{}])[0]
        doc = by_key.get((str(rel.get("law_id")), str(rel.get("article_id"))))
        if doc is None:
            continue
        answer = nfc(str(it.get("answer", ""))).strip()
        qs.append(
            QAQuestion(str(it["id"]), nfc(str(it["text"])).strip(), doc.doc_id, answer,
                       locate_answer(doc.text, answer))
        )  # fmt: skip
    if not qs:
        raise EvalError(f"{folder} holds no ALQAC questions")
    return QASet(name, docs, qs)


def load_qa_set(path: str | os.PathLike[str], name: str | None = None) -> QASet:
    """A SQuAD-format file, or an ALQAC folder (``law.json`` + ``question.json``)."""
    p = Path(path)
    if p.is_dir() or p.name in ("question.json", "law.json"):
        folder = p if p.is_dir() else p.parent
        if not (folder / "law.json").exists():
            raise EvalError(f"{folder} has no law.json (expected an ALQAC folder)")
        return _from_alqac(folder, name or folder.name)
    if not p.exists():
        raise EvalError(f"QA set not found: {p}")
    return _from_squad(p, name or p.parent.name)
