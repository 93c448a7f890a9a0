"""The generative answerer: an OpenAI-compatible chat model through LangChain.

The model sees the numbered passages as data (see :mod:`prompts.answer`) and
is asked to cite ``[n]`` after each claim. Its tokens are streamed as they
come, with the markers checked on the way (:class:`MarkerRewriter`): a marker
that points at no passage is dropped, the others are renumbered 1..m in order
of first use. At the end :func:`check_answer` builds the citations; an answer
that says the passages do not contain the information is an abstention, and an
answer with no valid citation is kept but flagged ``grounded=False``.

The chat model is created on first use from the settings
(``langchain_openai.ChatOpenAI``), or injected (any LangChain
``BaseChatModel``, e.g. a scripted fake in tests).

Example:
    >>> from langchain_core.language_models.fake_chat_models import FakeListChatModel
    >>> from assistant.types import Passage
    >>> llm = LLMAnswerer(chat_model=FakeListChatModel(responses=["Tăng 6,11% [1]."]))
    >>> p = Passage(text="Năm 2023 kinh tế tăng 6,11%.", source="a", title="", score=1,
    ...             chunk_id="c")
    >>> a = llm.answer("Kinh tế tăng bao nhiêu?", [p])
    >>> a.text, a.grounded, a.citations[0].quote
    ('Tăng 6,11% [1].', True, 'Năm 2023 kinh tế tăng 6,11%.')
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from assistant.answering.base import Answerer, AnswerEvent, Turn
from assistant.answering.citations import MarkerRewriter, check_answer
from assistant.followup import condense_question
from assistant.types import Answer, AssistantError, Passage
from prompts.answer import CONDENSE_PROMPT, SYSTEM_PROMPT, USER_PROMPT, format_passages
from textvi import nfc

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

    from assistant.settings import AnswerSettings

__all__ = ["LLMAnswerer"]

log = logging.getLogger(__name__)

_HISTORY_TURNS = 3
_HISTORY_ANSWER_CHARS = 600


def _content(chunk: Any) -> str:
    """The text of a message or message chunk (content may be a list of parts)."""
    content = getattr(chunk, "content", chunk)
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part if isinstance(part, str) else str(part.get("text", ""))
            for part in content
            if isinstance(part, str | dict)
        )
    return str(content or "")


class LLMAnswerer(Answerer):
    """Answers with a chat model, grounded in and citing the passages.

    ``chat_model`` (a LangChain ``BaseChatModel``) is used as given; otherwise
    a ``ChatOpenAI`` is created on first use from ``base_url``, ``model``,
    ``api_key``, ``temperature`` and ``timeout``. The prompts default to the
    constants of :mod:`prompts.answer`.
    """

    name = "llm"

    def __init__(
        self,
        chat_model: BaseChatModel | None = None,
        *,
        base_url: str | None = None,
        model: str = "gpt-4o-mini",
        api_key: str | None = None,
        temperature: float = 0.0,
        timeout: float = 60.0,
        system_prompt: str = SYSTEM_PROMPT,
        user_prompt: str = USER_PROMPT,
        condense_prompt: str = CONDENSE_PROMPT,
        related_k: int = 3,
    ) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self._chat_model = chat_model
        self.base_url = base_url
        self.model = model
        self.api_key = api_key
        self.temperature = temperature
        self.timeout = timeout
        self.system_prompt = system_prompt
        self.user_prompt = user_prompt
        self.condense_prompt = condense_prompt
        self.related_k = related_k

    @classmethod
    def from_settings(cls, settings: AnswerSettings) -> LLMAnswerer:
        """The answerer configured by ``settings.answer`` (nothing connects yet)."""
        return cls(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key.get_secret_value(),
            temperature=settings.llm_temperature,
            timeout=settings.llm_timeout,
        )

    @property
    def chat_model(self) -> BaseChatModel:
        """The chat model, created on first use."""
        if self._chat_model is None:
            try:
                from langchain_openai import ChatOpenAI
            except ImportError as e:  # pragma: no cover - install hint
                raise ImportError(
                    "The 'llm' answer mode needs langchain-openai: pip install langchain-openai"
                ) from e
            self._chat_model = ChatOpenAI(
                model=self.model,
                base_url=self.base_url,
                api_key=self.api_key or "not-needed",
                temperature=self.temperature,
                timeout=self.timeout,
                max_retries=1,
            )
        return self._chat_model

    # -- prompts ------------------------------------------------------------------------
    def messages(
        self, question: str, passages: Sequence[Passage], history: Sequence[Turn] = ()
    ) -> list[BaseMessage]:
        """The messages sent to the model: system, earlier turns, passages + question."""
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        msgs: list[BaseMessage] = [SystemMessage(self.system_prompt)]
        for turn in list(history)[-_HISTORY_TURNS:]:
            msgs.append(HumanMessage(turn.question))
            if turn.answer:
                msgs.append(AIMessage(turn.answer[:_HISTORY_ANSWER_CHARS]))
        user = self.user_prompt.format(passages=format_passages(passages), question=question)
        msgs.append(HumanMessage(user))
        return msgs

    def search_query(self, question: str, history: Sequence[Turn] = ()) -> str:
        """A follow-up rewritten stand-alone by the model (deterministic on failure)."""
        if not history:
            return question
        from langchain_core.messages import HumanMessage

        lines = []
        for turn in list(history)[-_HISTORY_TURNS:]:
            lines.append(f"User: {turn.question}")
            if turn.answer:
                lines.append(f"Assistant: {turn.answer[:_HISTORY_ANSWER_CHARS]}")
        prompt = self.condense_prompt.format(history="\n".join(lines), question=question)
        try:
            reply = _content(self.chat_model.invoke([HumanMessage(prompt)]))
        except Exception as e:  # noqa: BLE001 - any model/transport error falls back
            log.warning("condensing the follow-up with the LLM failed (%s); using rules", e)
            return condense_question(question, history)
        query = next((line.strip() for line in reply.splitlines() if line.strip()), "")
        query = query.strip().strip('"“”').strip()
        if not query or len(query) > 4 * len(question) + 400:
            return condense_question(question, history)
        return nfc(query)

    # -- answering ----------------------------------------------------------------------
    def stream(
        self, question: str, passages: Sequence[Passage], *, history: Sequence[Turn] = ()
    ) -> Iterator[AnswerEvent]:
        """Stream the model's answer (markers checked on the fly), then the ``Answer``."""
        question = " ".join(nfc(question).split())
        rewriter = MarkerRewriter(len(passages))
        messages = self.messages(question, passages, history)
        try:
            for chunk in self.chat_model.stream(messages):
                delta = rewriter.feed(_content(chunk))
                if delta:
                    yield AnswerEvent(delta=delta)
        except Exception as e:  # noqa: BLE001 - report transport errors as a domain error
            raise AssistantError(
                f"Không gọi được mô hình ngôn ngữ ({type(e).__name__}: {e}). "
                f"(The language model call failed.)"
            ) from e
        tail = rewriter.finish()
        if tail:
            yield AnswerEvent(delta=tail)
        verdict = check_answer(rewriter.raw, passages)
        yield AnswerEvent(
            answer=Answer(
                text=verdict.text,
                citations=verdict.citations,
                abstained=verdict.refused,
                related=list(passages[: self.related_k]) if verdict.refused else [],
                question=question,
                search_query=condense_question(question, history) if history else question,
                grounded=verdict.grounded,
                confidence=verdict.cited_sentence_share,
            )
        )
