"""👍/👎 feedback on answers, appended as JSON lines to ``<data_dir>/feedback.jsonl``.

One record per vote::

    {"time": "2025-01-31T09:12:03+07:00", "vote": "up", "question": "...",
     "answer": "... [1]", "citations": [{"index": 1, "title": "...",
     "source": "...", "chunk_id": "...", "quote": "..."}]}

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


class FeedbackLog:
    """An append-only JSONL file of feedback records (safe across threads)."""

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
