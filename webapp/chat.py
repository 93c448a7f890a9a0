"""The chat tab's model: the session the handlers share and the turns of a conversation.

A turn is a plain JSON-able dict (it is kept in ``gr.State`` and saved with the
conversation, see :mod:`webapp.conversations`)::

    {"id": "3f2a9c41d0b7", "question": "...", "answer": "... [1]",
     "display": "<chat Markdown>", "sources_html": "<cards>",
     "sources": ["/abs/path.txt"], "citations": [...], "abstained": False,
     "mode": "extractive", "k": 5}

An error turn has ``"error": True`` and no sources. A turn stopped by the user
(:func:`stopped_turn`) is one too, with ``"stopped": True``: what was shown of it
stays in the chat, marked, and it is never read as history.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from webapp.feedback import FeedbackLog, citation_records
from webapp.sources_panel import NO_SOURCES_HTML, STOPPED_SOURCES_HTML, render_sources_html
from webapp.ui_format import (
    escape_markdown,
    format_answer_markdown,
    format_error_markdown,
    format_question_markdown,
    format_understood_markdown,
)

if TYPE_CHECKING:
    from assistant.core import Assistant
    from assistant.settings import Settings
    from assistant.types import Answer

MODE_EXTRACTIVE = "Trích xuất (offline)"
MODE_LLM = "LLM"
MODES = {MODE_EXTRACTIVE: "extractive", MODE_LLM: "llm"}

THINKING = "⏳ Đang tìm trong tài liệu…"
UNEXPECTED_ERROR = "Xin lỗi, đã có lỗi khi trả lời câu hỏi này. Hãy thử lại sau."
EMPTY_QUESTION = "Hãy nhập câu hỏi vào ô bên dưới trước khi bấm Gửi."
#: shown under the question box while an answer is being produced
BUSY_NOTE = (
    "⏳ Đang trả lời… Câu hỏi mới gửi được khi trả lời xong, "
    "hoặc bấm **⏹ Dừng** để dừng câu trả lời này."
)
#: a second question (an example clicked, say), or a clear, sent while answering
BUSY_WARNING = "Đang trả lời câu hỏi trước: hãy chờ trả lời xong, hoặc bấm ⏹ Dừng rồi thử lại."
STOPPED_MARK = "⏹ *(đã dừng)*"
STOPPED_EMPTY = "⏹ *(đã dừng trước khi có câu trả lời)*"
_MARKER = re.compile(r"\s*\[\d{1,2}\]")


class ChatSession:
    """What the UI handlers share: the assistant, its answerer views and the feedback log."""

    def __init__(self, assistant: Assistant, settings: Settings) -> None:
        self.assistant = assistant
        self.settings = settings
        self.feedback = FeedbackLog(settings.data_dir / "feedback.jsonl")
        self.uploads_dir = settings.data_dir / "uploads"
        self._views: dict[str, Assistant] = {settings.answer.mode: assistant}
        self._lock = threading.Lock()

    @property
    def llm_available(self) -> bool:
        return bool(self.settings.answer.llm_base_url)

    def delete(self, source: str) -> int:
        """Remove a source from the index; an uploaded copy is removed from disk too."""
        from pathlib import Path

        resolved = self.assistant.resolve_source(source)
        removed = self.assistant.delete(resolved)
        path = Path(resolved)
        if path.parent == self.uploads_dir.resolve():
            path.unlink(missing_ok=True)
        return removed

    def for_mode(self, label: str | None) -> Assistant:
        """The assistant answering in the mode the radio shows (LLM only when configured)."""
        offline = self.settings.answer.mode if self.settings.answer.mode != "llm" else "extractive"
        mode = MODES.get(label or "", offline)
        if mode == "extractive" or (mode == "llm" and not self.llm_available):
            mode = offline  # the offline answerer the settings chose ('extractive' or 'learned')
        with self._lock:
            if mode not in self._views:
                self._views[mode] = self.assistant.with_answer_mode(mode)
            return self._views[mode]


def chat_messages(turns: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """The chatbot value for a conversation: two messages per turn."""
    messages: list[dict[str, str]] = []
    for t in turns:
        messages.append({"role": "user", "content": format_question_markdown(t["question"])})
        messages.append({"role": "assistant", "content": t["display"]})
    return messages


def history_of(turns: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """Earlier answered turns, as the assistant's ``history``."""
    return [
        {
            "question": t["question"],
            "answer": t["answer"],
            "understood_as": t.get("understood_as", ""),
            "search_query": t.get("search_query", ""),
        }
        for t in turns
        if not t.get("error")
    ]


def new_turn_id() -> str:
    return uuid.uuid4().hex[:12]


def answer_turn(question: str, answer: Answer, mode: str, k: int) -> dict[str, Any]:
    """The turn for an answer, with its sources panel rendered once."""
    return {
        "id": new_turn_id(),
        "question": question,
        "answer": answer.text,
        "display": format_understood_markdown(answer)
        + format_answer_markdown(
            answer.text, abstained=answer.abstained, grounded=answer.grounded, note=answer.note
        ),
        "understood_as": answer.understood_as,
        "search_query": answer.search_query,
        "sources_html": render_sources_html(answer),
        "sources": sorted({c.passage.source for c in answer.citations}),
        "titles": {c.passage.source: c.passage.title for c in answer.citations},
        "citations": citation_records(answer),
        "abstained": answer.abstained,
        "mode": mode,
        "k": k,
    }


def error_turn(question: str, message: str) -> dict[str, Any]:
    return {
        "id": new_turn_id(),
        "question": question,
        "answer": "",
        "display": format_error_markdown(message),
        "sources_html": NO_SOURCES_HTML,
        "sources": [],
        "citations": [],
        "error": True,
    }


def stopped_turn(question: str, shown: str, mode: str, k: int) -> dict[str, Any]:
    """The turn for an answer the user stopped: ``shown`` (the text streamed so far)
    marked as stopped. It has no sources, so its ``[n]`` markers are dropped; like an
    error turn it gets no vote and is not history for the next question.

    >>> stopped_turn("Hà Nội tăng trưởng bao nhiêu?", "Tăng 7,5% [1] và", "llm", 5)["display"]
    'Tăng 7,5% và\\n\\n⏹ *(đã dừng)*'
    """
    body = _MARKER.sub("", shown).strip()
    display = f"{escape_markdown(body)}\n\n{STOPPED_MARK}" if body else STOPPED_EMPTY
    return {
        **error_turn(question, ""),
        "display": display,
        "sources_html": STOPPED_SOURCES_HTML,
        "stopped": True,
        "mode": mode,
        "k": k,
    }


def turn_at(turns: Sequence[dict[str, Any]], message_index: Any) -> int | None:
    """The turn a chatbot message index (int or (row, col)) belongs to, or None."""
    index = message_index if isinstance(message_index, int) else message_index[0]
    turn = index // 2
    return turn if 0 <= turn < len(turns or []) else None
