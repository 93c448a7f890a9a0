"""The app's named API endpoints for programs (``gradio_client``), apart from the chat UI.

See the ``app`` module's docstring for how to call them. Errors meant for the user come
back as ``gr.Error`` with the Vietnamese message.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import gradio as gr

from assistant import StoreError
from assistant.conversation import turn_of
from assistant.core import check_k
from assistant.types import Answer, AssistantError
from webapp.chat import ChatSession
from webapp.ui_format import citations_json, passages_json, user_error_message

MAX_API_K = 20


def api_functions(session: ChatSession, default_k: int, answer_k: int) -> dict[str, Callable]:
    """The endpoint functions by API name: ask, ask_detail, retrieve, sources, delete_source."""
    assistant = session.assistant

    def _answer(question: str, history: list[dict] | str | None, k: int) -> Answer:
        try:
            if isinstance(history, str):
                try:
                    history = json.loads(history) if history.strip() else []
                except ValueError:
                    raise AssistantError(
                        "Lịch sử hội thoại không phải JSON hợp lệ. (The history is not valid JSON.)"
                    ) from None
            return assistant.ask(question, history or [], k=_api_k(k, answer_k))
        except (AssistantError, StoreError) as e:
            raise gr.Error(user_error_message(e)) from None

    def ask(
        question: str, history: list[dict] | str | None = None, k: int = answer_k
    ) -> tuple[str, list[dict], bool]:
        """Answer a question; history is a list of {"question", "answer"} of earlier turns."""
        answer = _answer(question, history, k)
        return answer.text, citations_json(answer), answer.abstained

    def ask_detail(question: str, history: list[dict] | str | None = None, k: int = answer_k) -> dict:
        """The whole answer as one dict: text, citations, abstained, direct_answer, confidence,
        understood_as (the reading answered when the conversation was used), search_query,
        note, grounded, and ``turn``: the dict to append to ``history`` for the next question
        (it keeps the reading, so a follow-up of a follow-up builds on the right subject)."""
        answer = _answer(question, history, k)
        return {
            "text": answer.text,
            "citations": citations_json(answer),
            "abstained": answer.abstained,
            "direct_answer": answer.direct_answer,
            "confidence": answer.confidence,
            "understood_as": answer.understood_as,
            "search_query": answer.search_query,
            "note": answer.note,
            "grounded": answer.grounded,
            "turn": asdict(turn_of(answer)),
        }

    def retrieve(question: str, k: int = default_k) -> list[dict]:
        """The passages retrieved for a question, best first."""
        try:
            return passages_json(assistant.retrieve(question, _api_k(k)))
        except (AssistantError, StoreError) as e:
            raise gr.Error(user_error_message(e)) from None

    def list_sources() -> list[dict]:
        """The indexed articles."""
        try:
            return [dict(s.__dict__) for s in assistant.sources()]
        except StoreError as e:
            raise gr.Error(user_error_message(e)) from None

    def delete_source(source: str) -> dict:
        """Remove an article (full source path, file name or title) from the index."""
        try:
            resolved = assistant.resolve_source(source)
            return {"source": resolved, "chunks_removed": session.delete(resolved)}
        except (AssistantError, StoreError) as e:
            raise gr.Error(user_error_message(e)) from None

    def _api_k(k: Any, default: int = default_k) -> int:
        try:
            return check_k(default if k is None else k, high=MAX_API_K)
        except AssistantError as e:
            raise gr.Error(str(e)) from None

    return {
        "ask": ask,
        "ask_detail": ask_detail,
        "retrieve": retrieve,
        "sources": list_sources,
        "delete_source": delete_source,
    }
