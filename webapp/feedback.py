"""👍/👎 feedback on answers, kept as JSON lines in ``<data_dir>/feedback.jsonl``.

The file holds **one line per answer: its current vote** (the file is rewritten, not
appended to, when a vote changes). Each answer has an ``answer_id``; 👍 then 👎 on it
leaves one "down" line, and taking a vote back (clicking 👍 again) removes the line,
so no vote is counted that the user withdrew. A 👎 may carry a ``reason``::

    {"answer_id": "3f2a9c41d0b7", "time": "2025-01-31T09:12:03+07:00", "vote": "down",
     "reason": "Thiếu ý", "question": "...", "answer": "... [1]",
     "citations": [{"index": 1, "title": "...", "source": "...", "chunk_id": "...",
     "quote": "..."}]}

Lines written before answers had ids (no ``answer_id``) are kept as they are.

Example:
    >>> import tempfile, pathlib
    >>> log = FeedbackLog(pathlib.Path(tempfile.mkdtemp()) / "feedback.jsonl")
    >>> log.append(feedback_record("Ai ký?", "Ông A ký [1].", [], liked=True))["vote"]
    'up'
    >>> len(log.read())
    1
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.types import Answer

log = logging.getLogger(__name__)


def citation_records(answer: Answer) -> list[dict[str, Any]]:
    """The citations of an answer as the small dicts a feedback record keeps."""
    return [
        {
            "index": c.index,
            "title": c.passage.title,
            "source": c.passage.source,
            "chunk_id": c.passage.chunk_id,
            "quote": c.quote,
        }
        for c in answer.citations
    ]


def feedback_record(
    question: str,
    answer: str,
    citations: Sequence[dict[str, Any]],
    *,
    liked: bool,
    time: datetime | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One feedback record; ``extra`` keys (e.g. ``mode``, ``k``) are kept as given."""
    when = (time or datetime.now().astimezone()).isoformat(timespec="seconds")
    return {
        "time": when,
        "vote": "up" if liked else "down",
        "question": question,
        "answer": answer,
        "citations": [dict(c) for c in citations],
        **extra,
    }


def vote_of(liked: Any) -> str | None:
    """A chatbot like event's value as a vote: "up", "down", or None when it was taken back.

    Gradio sends True/"Like" for 👍, False/"Dislike" for 👎 and "" when the user
    clicks the selected button again.

    >>> vote_of(True), vote_of("Dislike"), vote_of("")
    ('up', 'down', None)
    """
    if liked is True or (isinstance(liked, str) and liked.lower() in ("like", "true", "up")):
        return "up"
    if liked is False or (isinstance(liked, str) and liked.lower() in ("dislike", "false", "down")):
        return "down"
    return None


class FeedbackLog:
    """A JSONL file of feedback records, one current vote per answer (safe across threads)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, record: dict[str, Any]) -> dict[str, Any]:
        """Write ``record`` as one line; returns it."""
        line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # one write of one line in append mode: lines from other processes don't interleave
            with self.path.open("a", encoding="utf-8") as f:
                f.write(line)
        log.info("feedback %s recorded in %s", record.get("vote"), self.path)
        return record

    def set_vote(self, answer_id: str, record: dict[str, Any] | None) -> None:
        """Make ``record`` the answer's one vote (None: the answer has no vote any more).

        The file is rewritten through a temporary file and an atomic rename, so a crash
        leaves the old or the new votes, never half of them.
        """
        with self._lock:
            kept = [r for r in self._records() if r.get("answer_id") != answer_id]
            if record is not None:
                kept.append({"answer_id": answer_id, **record})
            self._write(kept)
        log.info("feedback for %s: %s", answer_id, record.get("vote") if record else "withdrawn")

    def set_reason(self, answer_id: str, reason: str) -> bool:
        """Attach ``reason`` to the answer's current vote; False when it has none."""
        with self._lock:
            records = self._records()
            found = False
            for r in records:
                if r.get("answer_id") == answer_id:
                    r["reason"] = reason
                    found = True
            if found:
                self._write(records)
        return found

    def vote(self, answer_id: str) -> dict[str, Any] | None:
        """The answer's current vote record, or None."""
        return next((r for r in self.read() if r.get("answer_id") == answer_id), None)

    def _records(self) -> list[dict[str, Any]]:
        return self.read()

    def _write(self, records: list[dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        text = "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in records)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, self.path)

    def read(self) -> list[dict[str, Any]]:
        """All records so far (a missing file is an empty log; broken lines are skipped)."""
        if not self.path.exists():
            return []
        out = []
        for n, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                log.warning("%s:%d: not a JSON record, skipped", self.path, n)
        return out
