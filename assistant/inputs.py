"""Checks on what a caller passes the assistant: questions, ``k`` and conversation history.

Each turns bad input into an ``AssistantError`` with a clear (Vietnamese and English) message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from assistant.answering.base import Turn
from assistant.types import AssistantError
from textvi import nfc

HistoryLike = Sequence[Turn | dict[str, str] | tuple[str, str]] | None

MAX_QUESTION_CHARS = 2000
#: a question needs this many letters or digits to be searched for ("GDP" is enough, "ổ" is not)
MIN_QUESTION_ALNUM = 2
#: most passages a caller may ask for
MAX_K = 100
#: history limits when no settings are at hand (``Settings.history`` has the same defaults)
DEFAULT_HISTORY_TURNS = 8
DEFAULT_HISTORY_TURN_CHARS = 2000


def check_question(question: str) -> str:
    """Validate a user question; raises ``AssistantError`` with a clear message.

    >>> check_question("  GDP  ")
    'GDP'
    """
    if not isinstance(question, str):
        raise AssistantError("Câu hỏi phải là văn bản. (The question must be text.)")
    if _has_lone_surrogate(question):
        raise AssistantError(
            "Câu hỏi có ký tự không hợp lệ (không phải UTF-8). Hãy gõ lại câu hỏi. "
            "(The question contains invalid characters: not valid UTF-8.)"
        )
    q = nfc(question).strip()
    if not q:
        raise AssistantError("Câu hỏi trống. Hãy nhập một câu hỏi. (The question is empty.)")
    if len(q) > MAX_QUESTION_CHARS:
        raise AssistantError(
            f"Câu hỏi quá dài ({len(q)} ký tự; tối đa {MAX_QUESTION_CHARS}). "
            f"(The question is too long: {len(q)} characters, at most {MAX_QUESTION_CHARS}.)"
        )
    searchable = sum(ch.isalnum() for ch in q)
    if not searchable:
        raise AssistantError(
            "Câu hỏi không có chữ hay số nào. Hãy hỏi bằng lời. "
            "(The question has no letters or digits.)"
        )
    if searchable < MIN_QUESTION_ALNUM:
        raise AssistantError(
            "Câu hỏi quá ngắn, không đủ để tìm. Hãy hỏi cụ thể hơn, ví dụ: "
            '"Hà Nội tăng trưởng bao nhiêu?" '
            f"(The question is too short to search for: fewer than {MIN_QUESTION_ALNUM} "
            "letters or digits.)"
        )
    return q


def check_k(k: Any, *, high: int = MAX_K) -> int:
    """``k`` (passages) as an int from 1 to ``high``; ``AssistantError`` otherwise.

    >>> check_k("3")
    3
    """
    try:
        n = int(k)
        if isinstance(k, float) and n != k:
            raise ValueError(k)
    except (TypeError, ValueError):
        n = 0
    if isinstance(k, bool) or not 1 <= n <= high:
        raise AssistantError(
            f"k phải là số nguyên từ 1 đến {high}. (k must be a whole number from 1 to {high}.)"
        )
    return n


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _turn_text(value: Any, max_chars: int) -> str:
    """A history field as text: lone surrogates replaced, cut to ``max_chars``."""
    text = "" if value is None else str(value)
    if _has_lone_surrogate(text):
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text[:max_chars]


_BAD_HISTORY = (
    "Lịch sử hội thoại không hợp lệ: cần một danh sách các lượt "
    '{{"question": ..., "answer": ...}}. (Malformed history: {why}.)'
)


def normalize_history(
    history: HistoryLike,
    *,
    max_turns: int = DEFAULT_HISTORY_TURNS,
    max_chars: int = DEFAULT_HISTORY_TURN_CHARS,
) -> list[Turn]:
    """Accept Turns, {"question","answer"[,"understood_as","search_query"]} dicts, or pairs.

    Keeps the last ``max_turns`` turns with a question, each question and
    answer cut to ``max_chars`` characters: a follow-up needs the recent
    conversation, and a history of any size must not cost more than that.
    Anything else raises ``AssistantError`` with a clear message.

    >>> normalize_history([("Ai ký?", "Bà Tuyến"), {"question": "Khi nào?"}])
    [Turn(question='Ai ký?', answer='Bà Tuyến', understood_as='', search_query=''), Turn(question='Khi nào?', answer='', understood_as='', search_query='')]
    """
    if history is None:
        return []
    if isinstance(history, str | bytes | dict) or not isinstance(history, Iterable):
        raise AssistantError(
            _BAD_HISTORY.format(why=f"a list is needed, not {type(history).__name__}")
        )
    turns: list[Turn] = []
    for item in history:
        read = searched = ""
        if isinstance(item, Turn):
            q, a, read, searched = item.question, item.answer, item.understood_as, item.search_query
        elif isinstance(item, dict):
            q, a = item.get("question", ""), item.get("answer", "")
            read = item.get("understood_as", "") or ""
            searched = item.get("search_query", "") or ""
        elif isinstance(item, list | tuple) and len(item) == 2:
            q, a = item
        else:
            raise AssistantError(
                _BAD_HISTORY.format(
                    why=f"a turn is a dict or a (question, answer) pair, not {item!r:.60}"
                )
            )
        turn = Turn(
            _turn_text(q, max_chars),
            _turn_text(a, max_chars),
            _turn_text(read, max_chars),
            _turn_text(searched, max_chars),
        )
        if turn.question.strip():
            turns.append(turn)
    return turns[-max_turns:] if max_turns > 0 else []
