"""The generative mode's condenser: one LLM call rewrites a follow-up, checked before use.

The chat model sees the last turns and the question (``prompts.answer.CONDENSE_PROMPT``)
and replies with one stand-alone question. The rewrite is taken only when it is one
question (it ends with "?") about the conversation's subject: most of its content words come from the
question or the conversation (nothing invented), it keeps the words typed in this turn
(minus a pronoun it resolved), and it is no longer than the conversation could make it.
Otherwise, or when the call fails, the offline condenser decides. At most one LLM call
per question; ``Answer.search_query`` is the query actually used.

Example:
    >>> from langchain_core.language_models.fake_chat_models import FakeListChatModel
    >>> from assistant.answering.base import Turn
    >>> fake = FakeListChatModel(responses=["GRDP bình quân đầu người của Hà Nội năm 2024?"])
    >>> c = LLMCondenser(fake)
    >>> c.read("Còn năm 2024?", [Turn("GRDP bình quân đầu người của Hà Nội năm 2023?")]).query
    'GRDP bình quân đầu người của Hà Nội năm 2024?'
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from assistant.conversation.base import Condenser, Reading, TryReading
from assistant.conversation.evidence import EvidenceCondenser, content_words
from prompts.answer import CONDENSE_PROMPT
from textvi import nfc

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.answering.base import Turn

__all__ = ["LLMCondenser", "accept_rewrite"]

log = logging.getLogger(__name__)

#: earlier turns the model sees, and how much of each answer
HISTORY_TURNS = 3
HISTORY_ANSWER_CHARS = 600
#: share of a rewrite's content words that may be new (neither asked nor in the conversation):
#: a verb or two ("ước đạt") a rewrite adds, not a question about something else
MAX_NEW_SHARE = 0.34


def accept_rewrite(rewrite: str, question: str, history: Sequence[Turn]) -> bool:
    """Whether ``rewrite`` is a question about the conversation's subject.

    >>> from assistant.answering.base import Turn
    >>> h = [Turn("GRDP của Hà Nội năm 2023 đạt bao nhiêu?", "150 triệu đồng [1]")]
    >>> accept_rewrite("GRDP của Hà Nội năm 2024 đạt bao nhiêu?", "Còn năm 2024?", h)
    True
    >>> accept_rewrite("Thời tiết Đà Lạt hôm nay thế nào?", "Còn năm 2024?", h)
    False
    """
    words = content_words(rewrite)
    if not words or not rewrite.endswith("?") or len(rewrite) > 4 * len(question) + 400:
        return False  # one question, not an answer or an essay
    known = content_words(question)
    for turn in history:
        known |= content_words(turn.question) | content_words(turn.answer)
    new = words - known
    if len(new) > MAX_NEW_SHARE * len(words):
        return False
    typed = content_words(question)
    kept = typed & words
    return not typed or len(kept) >= len(typed) / 2


def _text(reply: Any) -> str:
    content = getattr(reply, "content", reply)
    if isinstance(content, list):
        return "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in content)
    return str(content or "")


class LLMCondenser:
    """One LLM call rewrites the follow-up; ``fallback`` decides when it is not taken.

    ``chat_model`` is a LangChain chat model or a function returning one (created on
    first use, e.g. the LLM answerer's).
    """

    def __init__(
        self,
        chat_model: BaseChatModel | Callable[[], BaseChatModel],
        *,
        fallback: Condenser | None = None,
        prompt: str = CONDENSE_PROMPT,
    ) -> None:
        self._chat_model = chat_model
        self.fallback = fallback or EvidenceCondenser()
        self.prompt = prompt

    @property
    def chat_model(self) -> BaseChatModel:
        model = self._chat_model
        return model() if callable(model) and not hasattr(model, "invoke") else model  # type: ignore[return-value]

    def read(
        self, question: str, history: Sequence[Turn], try_reading: TryReading | None = None
    ) -> Reading:
        """The model's rewrite when it passes :func:`accept_rewrite`, else the fallback's."""
        asked = " ".join(nfc(question).split())
        if not history:
            return Reading(asked)
        from langchain_core.messages import HumanMessage

        lines = []
        for turn in list(history)[-HISTORY_TURNS:]:
            lines.append(f"User: {turn.question}")
            if turn.answer:
                lines.append(f"Assistant: {turn.answer[:HISTORY_ANSWER_CHARS]}")
        prompt = self.prompt.format(history="\n".join(lines), question=asked)
        try:
            reply = _text(self.chat_model.invoke([HumanMessage(prompt)]))
        except Exception as e:  # noqa: BLE001 - any model/transport error falls back
            log.warning("rewriting the follow-up with the LLM failed (%s); offline reading", e)
            return self.fallback.read(asked, history, try_reading)
        rewrite = next((line.strip() for line in reply.splitlines() if line.strip()), "")
        rewrite = nfc(rewrite.strip().strip('"“”').strip())
        if not accept_rewrite(rewrite, asked, history):
            log.info("LLM rewrite %r not about the conversation; offline reading", rewrite[:80])
            return self.fallback.read(asked, history, try_reading)
        if " ".join(rewrite.split()) == asked:
            return Reading(asked, why="the model kept the question as asked")
        return Reading(rewrite, from_conversation=True, why="the model's rewrite")
