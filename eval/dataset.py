"""The gold question set: JSONL lines → validated, typed :class:`EvalItem`.

One JSON object per line (see ``eval/datasets/README.md``)::

    {"id": "hn-001", "question": "...", "answer": "...", "key_phrases": ["19/11"],
     "sources": ["000_cb99b14b31951c52.txt"], "evidence": ["Sáng 19/11, ..."],
     "category": "factual", "answerable": true, "history": [], "standalone": ""}

Loading fails fast with every problem listed (file and line), so a broken
gold set never produces a silently wrong score.

Example:
    >>> item = EvalItem.from_dict({"id": "x", "question": "Hà Nội ở đâu?", "answer": "",
    ...     "category": "unanswerable", "answerable": False})
    >>> item.answerable, item.evidence
    (False, ())
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from assistant import Turn
from eval.metrics import normalize_text

Category = Literal[
    "factual",
    "list",
    "paraphrase",
    "no_diacritics",
    "followup",
    "multi_article",
    "cross_lingual",
    "unanswerable",
    "teaser",
]
CATEGORIES: tuple[str, ...] = get_args(Category)
#: categories whose questions the articles cannot answer
UNANSWERABLE_CATEGORIES = frozenset({"unanswerable", "teaser"})


class DatasetError(ValueError):
    """The gold set is malformed; ``problems`` lists every issue found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        shown = "\n  ".join(self.problems[:20])
        more = f"\n  … and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        super().__init__(f"{len(self.problems)} problem(s) in the gold set:\n  {shown}{more}")


@dataclass(frozen=True)
class EvalItem:
    """One gold question with what a correct answer must show."""

    id: str
    question: str
    answer: str
    category: str
    answerable: bool
    key_phrases: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    history: tuple[Turn, ...] = ()
    standalone: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def is_followup(self) -> bool:
        return bool(self.history)

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> EvalItem:
        """Build and validate an item; raises :class:`DatasetError` listing the problems."""
        problems = _problems(row)
        if problems:
            raise DatasetError([f"{row.get('id', '?')}: {p}" for p in problems])
        known = {f for f in cls.__dataclass_fields__ if f != "extra"}
        return cls(
            id=str(row["id"]),
            question=row["question"],
            answer=row.get("answer", "") or "",
            category=row["category"],
            answerable=bool(row["answerable"]),
            key_phrases=tuple(row.get("key_phrases") or ()),
            sources=tuple(row.get("sources") or ()),
            evidence=tuple(row.get("evidence") or ()),
            history=tuple(
                Turn(str(t.get("question", "")), str(t.get("answer", "") or ""))
                for t in row.get("history") or ()
            ),
            standalone=row.get("standalone", "") or "",
            extra={k: v for k, v in row.items() if k not in known},
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSONL form of the item."""
        return {
            "id": self.id,
            "question": self.question,
            "answer": self.answer,
            "key_phrases": list(self.key_phrases),
            "sources": list(self.sources),
            "evidence": list(self.evidence),
            "category": self.category,
            "answerable": self.answerable,
            "history": [{"question": t.question, "answer": t.answer} for t in self.history],
            "standalone": self.standalone,
            **dict(self.extra),
        }


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _problems(row: Mapping[str, Any]) -> list[str]:
    """What is wrong with one row (empty when it is valid)."""
    out: list[str] = []
    for name in ("id", "question", "category"):
        if not isinstance(row.get(name), str) or not row[name].strip():
            out.append(f"'{name}' must be a non-empty string")
    if not isinstance(row.get("answerable"), bool):
        out.append("'answerable' must be true or false")
    for name in ("key_phrases", "sources", "evidence"):
        if name in row and not _is_str_list(row[name]):
            out.append(f"'{name}' must be a list of non-empty strings")
    for name in ("answer", "standalone"):
        if name in row and not isinstance(row[name], str):
            out.append(f"'{name}' must be a string")
    history = row.get("history", [])
    if not isinstance(history, list) or not all(
        isinstance(t, Mapping) and isinstance(t.get("question"), str) for t in history
    ):
        out.append('\'history\' must be a list of {"question", "answer"} objects')
    if out:
        return out

    category = row["category"]
    if category not in CATEGORIES:
        out.append(f"unknown category '{category}' (expected one of {', '.join(CATEGORIES)})")
    if row["answerable"]:
        if category in UNANSWERABLE_CATEGORIES:
            out.append(f"category '{category}' must have answerable false")
        if not row.get("evidence"):
            out.append("an answerable item needs at least one evidence string")
        if not row.get("sources"):
            out.append("an answerable item needs its source file(s)")
        if not (row.get("answer") or "").strip():
            out.append("an answerable item needs a reference answer")
    else:
        if row.get("evidence") or row.get("key_phrases"):
            out.append("an unanswerable item cannot have evidence or key phrases")
    if category == "followup":
        if not history:
            out.append("a follow-up needs the conversation 'history'")
        if not (row.get("standalone") or "").strip():
            out.append("a follow-up needs its 'standalone' form")
    return out


def parse_items(lines: Iterable[str], *, origin: str = "<jsonl>") -> list[EvalItem]:
    """Parse JSONL lines; raises :class:`DatasetError` listing every problem."""
    items: list[EvalItem] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{origin}:{n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"{where}: invalid JSON ({e.msg})")
            continue
        if not isinstance(row, dict):
            problems.append(f"{where}: a line must be a JSON object")
            continue
        try:
            item = EvalItem.from_dict(row)
        except DatasetError as e:
            problems += [f"{where}: {p}" for p in e.problems]
            continue
        if item.id in seen:
            problems.append(f"{where}: duplicate id '{item.id}' (first on line {seen[item.id]})")
            continue
        seen[item.id] = n
        items.append(item)
    if problems:
        raise DatasetError(problems)
    return items


def load_dataset(path: str | os.PathLike[str]) -> list[EvalItem]:
    """Load and validate a gold JSONL file.

    Example:
        >>> items = load_dataset("eval/datasets/hanoi.jsonl")       # doctest: +SKIP
        >>> sorted({i.category for i in items})[:3]                  # doctest: +SKIP
        ['cross_lingual', 'factual', 'followup']
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DatasetError([f"{path}: no such file"]) from None
    items = parse_items(text.splitlines(), origin=path.name)
    if not items:
        raise DatasetError([f"{path}: no questions"])
    return items


def check_against_corpus(items: Sequence[EvalItem], corpus: str | os.PathLike[str]) -> list[str]:
    """Problems between the gold set and the corpus: missing sources, evidence not verbatim.

    Evidence is compared after NFC, whitespace normalisation and case folding,
    the same way retrieval is judged.
    """
    corpus = Path(corpus)
    texts: dict[str, str] = {}
    for f in corpus.rglob("*"):
        if f.is_file():
            try:
                texts[f.name] = normalize_text(f.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                continue
    problems: list[str] = []
    for item in items:
        missing = [s for s in item.sources if s not in texts]
        problems += [f"{item.id}: source '{s}' is not in {corpus}" for s in missing]
        present = [texts[s] for s in item.sources if s in texts]
        if not present:
            continue
        for ev in item.evidence:
            if not any(normalize_text(ev) in t for t in present):
                problems.append(
                    f"{item.id}: evidence not found verbatim in its sources: {ev[:60]!r}"
                )
    return problems


def select_items(
    items: Sequence[EvalItem],
    *,
    categories: Sequence[str] | None = None,
    limit: int | None = None,
) -> list[EvalItem]:
    """The items of the given categories (all when none), at most ``limit`` of them.

    Raises ``ValueError`` for an unknown category.
    """
    if categories:
        unknown = sorted(set(categories) - set(CATEGORIES))
        if unknown:
            raise ValueError(
                f"unknown category {', '.join(unknown)}; known: {', '.join(CATEGORIES)}"
            )
        items = [i for i in items if i.category in set(categories)]
    if limit is not None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        items = items[:limit]
    return list(items)
