"""The generative answerer: evidence decides, an OpenAI-compatible chat model words it.

1. The offline answerer (:class:`~assistant.answering.extractive.ExtractiveAnswerer`
   or the learned one, ``answer.llm_evidence``) answers first. If it refuses,
   that refusal is the answer: no evidence, no model call.
2. The model gets only the evidence that answer cites (its quoted sentences,
   numbered, under their article titles) and is asked to word an answer with
   ``[n]`` markers. Its tokens stream as they come (markers checked on the way
   by :class:`MarkerRewriter`), within ``max_tokens`` and a wall-clock deadline.
3. Every sentence of the model's answer is then checked against that evidence
   (:func:`~assistant.answering.grounding.check_generated`): unsupported
   sentences are dropped, missing citations added. The checked answer replaces
   the streamed text. When too little survives, when it leaves out the offline
   answer's direct answer, or when the endpoint fails, is slow or says nothing,
   the offline answer is shown with a short ``note``.

The chat model is created on first use from the settings
(``langchain_openai.ChatOpenAI``), or injected (any LangChain
``BaseChatModel``, e.g. a scripted fake in tests).

Example:
    >>> from langchain_core.language_models.fake_chat_models import FakeListChatModel
    >>> from assistant.types import Passage
    >>> llm = LLMAnswerer(chat_model=FakeListChatModel(responses=["Kinh tế tăng 6,11%."]))
    >>> p = Passage(text="Năm 2023 kinh tế tăng 6,11%.", source="a", title="", score=1,
    ...             chunk_id="c")
    >>> a = llm.answer("Kinh tế năm 2023 tăng bao nhiêu?", [p])
    >>> a.text, a.grounded, a.citations[0].quote
    ('Kinh tế tăng 6,11% [1].', True, 'Năm 2023 kinh tế tăng 6,11%.')
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from assistant.answering.base import Answerer, AnswerEvent
from assistant.answering.citations import MarkerRewriter
from assistant.answering.coverage import EvidenceSentence, restore, shown_sentences
from assistant.answering.grounding import Evidence, check_generated, content_words
from assistant.types import Answer, Passage
from prompts.answer import SYSTEM_PROMPT, USER_PROMPT, format_passages
from textvi import nfc

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

    from assistant.settings import AnswerSettings

__all__ = ["LLMAnswerer"]

log = logging.getLogger(__name__)

#: Below this share of the model's content words surviving the check, the offline answer is shown.
_MIN_KEPT = 0.5

#: Notes for the reader when the offline answer is shown instead of the model's.
NOTE_UNAVAILABLE = (
    "Mô hình ngôn ngữ không trả lời được ({reason}); đây là các câu trích nguyên văn từ tài liệu."
)
NOTE_UNSUPPORTED = (
    "Câu trả lời của mô hình ngôn ngữ không khớp với tài liệu; đây là các câu trích nguyên văn."
)
NOTE_TRIMMED = "Đã bỏ {n} câu của mô hình ngôn ngữ không có trong tài liệu."
NOTE_QUOTED = "Kèm {n} câu trích nguyên văn mà lời của mô hình ngôn ngữ bỏ sót."


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


class _Unavailable(Exception):
    """The model gave no usable answer (error, deadline, empty); the message says why."""


def _states(text: str, phrase: str) -> bool:
    """True when every content word of ``phrase`` is in ``text``."""
    have = set(content_words(text))
    return all(w in have for w in content_words(phrase))


class LLMAnswerer(Answerer):
    """Answers with a chat model that words the evidence the offline answerer chose.

    ``chat_model`` (a LangChain ``BaseChatModel``) is used as given; otherwise
    a ``ChatOpenAI`` is created on first use from ``base_url``, ``model``,
    ``api_key``, ``temperature``, ``timeout`` and ``max_tokens``. ``offline``
    is the answerer that decides and falls back (default: extractive).
    ``timeout`` is a wall-clock deadline for the whole answer, streamed or not.
    ``support`` is the share of a sentence's content words its evidence must hold.
    """

    name = "llm"

    def __init__(
        self,
        chat_model: BaseChatModel | None = None,
        *,
        offline: Answerer | None = None,
        base_url: str | None = None,
        model: str = "gpt-4o-mini",
        api_key: str | None = None,
        temperature: float = 0.0,
        timeout: float = 60.0,
        max_tokens: int = 256,
        support: float = 0.8,
        system_prompt: str = SYSTEM_PROMPT,
        user_prompt: str = USER_PROMPT,
        related_k: int = 3,
    ) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        if max_tokens < 1:
            raise ValueError("max_tokens must be at least 1")
        if not 0.0 <= support <= 1.0:
            raise ValueError("support must be between 0 and 1")
        self._chat_model = chat_model
        self._offline = offline
        self.base_url = base_url
        self.model = model
        self.api_key = api_key
        self.temperature = temperature
        self.timeout = timeout
        self.max_tokens = max_tokens
        self.support = support
        self.system_prompt = system_prompt
        self.user_prompt = user_prompt
        self.related_k = related_k

    @classmethod
    def from_settings(
        cls, settings: AnswerSettings, *, offline: Answerer | None = None
    ) -> LLMAnswerer:
        """The answerer configured by ``settings.answer`` (nothing connects yet)."""
        return cls(
            offline=offline,
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key.get_secret_value(),
            temperature=settings.llm_temperature,
            timeout=settings.llm_timeout,
            max_tokens=settings.llm_max_tokens,
            support=settings.llm_support,
        )

    @property
    def offline(self) -> Answerer:
        """The offline answerer that decides answer or refuse and picks the evidence."""
        if self._offline is None:
            from assistant.answering.extractive import ExtractiveAnswerer

            self._offline = ExtractiveAnswerer()
        return self._offline

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
                max_tokens=self.max_tokens,
                max_retries=0,
            )
        return self._chat_model

    # -- prompts ------------------------------------------------------------------------
    def messages(self, question: str, passages: Sequence[Passage]) -> list[BaseMessage]:
        """The messages sent to the model: system, then the evidence and the stand-alone
        question (a follow-up was read in its conversation before: ``assistant.conversation``)."""
        from langchain_core.messages import HumanMessage, SystemMessage

        msgs: list[BaseMessage] = [SystemMessage(self.system_prompt)]
        user = self.user_prompt.format(passages=format_passages(passages), question=question)
        msgs.append(HumanMessage(user))
        return msgs

    # -- the model call -----------------------------------------------------------------
    def _pieces(self, chunks: Iterator[Any]) -> Iterator[str]:
        """The stream's text pieces, within the deadline and ``max_tokens`` (raises _Unavailable).

        The stream is read on a worker thread so that a stalled connection cannot
        hold the answer past the deadline.
        """
        box: queue.Queue[tuple[str, Any]] = queue.Queue()
        stop = threading.Event()

        def read() -> None:
            try:
                for chunk in chunks:
                    if stop.is_set():
                        break
                    box.put(("piece", _content(chunk)))
                box.put(("end", None))
            except Exception as e:  # noqa: BLE001 - any transport error is reported below
                box.put(("error", e))
            finally:
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()

        deadline = time.monotonic() + self.timeout
        threading.Thread(target=read, daemon=True, name="llm-stream").start()
        count = 0
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise _Unavailable(f"quá {self.timeout:g} giây")
                try:
                    kind, value = box.get(timeout=left)
                except queue.Empty:
                    raise _Unavailable(f"quá {self.timeout:g} giây") from None
                if kind == "end":
                    return
                if kind == "error":
                    raise _Unavailable(f"lỗi kết nối: {type(value).__name__}") from value
                count += 1
                yield value
                if count >= self.max_tokens:
                    return
        finally:
            stop.set()

    def _collect(self, chunks: Iterator[Any]) -> str:
        return "".join(self._pieces(chunks))

    # -- answering ----------------------------------------------------------------------
    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[AnswerEvent]:
        """The offline verdict, then the model's words streamed, then the checked ``Answer``."""
        question = " ".join(nfc(question).split())
        base = self.offline.answer(question, passages)
        if base.abstained or not base.citations:
            yield AnswerEvent(delta=base.text)
            yield AnswerEvent(answer=base)
            return
        carrying = _answer_carrying(base)
        sentences = shown_sentences(base.text, len(base.citations), direct=base.direct_answer)
        sentences = [s for s in sentences if s.evidence < len(carrying.citations)]
        evidence = [
            Evidence(
                quote=_quoted(i, c.quote or c.passage.text, sentences),
                context=c.passage.text,
                title=c.passage.title,
            )
            for i, c in enumerate(carrying.citations)
        ]
        shown = [
            dataclasses.replace(c.passage, text=e.quote)
            for c, e in zip(carrying.citations, evidence, strict=True)
        ]
        rewriter = MarkerRewriter(len(shown))
        try:
            try:
                chunks = self.chat_model.stream(self.messages(question, shown))
            except Exception as e:  # noqa: BLE001 - a model that cannot even start
                raise _Unavailable(f"lỗi kết nối: {type(e).__name__}") from e
            for piece in self._pieces(chunks):
                delta = rewriter.feed(piece)
                if delta:
                    yield AnswerEvent(delta=delta)
            tail = rewriter.finish()
            if tail:
                yield AnswerEvent(delta=tail)
            if not rewriter.raw.strip():
                raise _Unavailable("câu trả lời rỗng")
        except _Unavailable as e:
            log.warning("LLM answer unavailable (%s); showing the offline answer", e)
            yield AnswerEvent(
                answer=dataclasses.replace(base, note=NOTE_UNAVAILABLE.format(reason=e))
            )
            return
        yield AnswerEvent(
            answer=self._checked(question, rewriter.raw, base, carrying, evidence, sentences)
        )

    def _checked(
        self,
        question: str,
        raw: str,
        base: Answer,
        carrying: Answer,
        evidence: list[Evidence],
        sentences: Sequence[EvidenceSentence],
    ) -> Answer:
        """The model's answer after the sentence check, with the evidence sentences whose
        answer-bearing items its wording lost quoted after it; or the offline answer with a note."""
        check = check_generated(raw, evidence, question=question, support=self.support)
        share = check.kept_share
        if not check.text or share < _MIN_KEPT:
            log.info("LLM answer failed the check (kept %.2f); offline answer shown", share)
            return dataclasses.replace(base, note=NOTE_UNSUPPORTED)
        text, used, quoted = restore(
            check.text, check.used, sentences, question=question, direct=base.direct_answer
        )
        if base.direct_answer and not _states(text, base.direct_answer):
            log.info("LLM answer lost the direct answer; offline answer shown")
            return dataclasses.replace(base, note=NOTE_UNSUPPORTED)
        citations = [
            dataclasses.replace(carrying.citations[i], index=n) for n, i in enumerate(used, 1)
        ]
        dropped = sum(not v.kept and bool(content_words(v.text)) for v in check.verdicts)
        notes = [NOTE_TRIMMED.format(n=dropped)] if dropped else []
        if quoted:
            notes.append(NOTE_QUOTED.format(n=quoted))
        return dataclasses.replace(
            base,
            text=text,
            citations=citations,
            grounded=True,
            confidence=base.confidence * share,
            note=" ".join(notes),
        )


def _answer_carrying(base: Answer) -> Answer:
    """The offline answer cut to the evidence that carries its answer.

    When the offline answerer judged that one span answers the question (it leads
    with that direct answer, "6,11% [1]", as both offline answerers do), the answer
    is in the passage cited [1]; sentences it added from other passages are context
    the model would word into claims citing passages that do not answer. Otherwise
    (a list, an explanation, a question in several parts) every cited passage carries
    part of the answer.
    """
    direct = base.direct_answer.rstrip(".,;:")
    if direct and len(base.citations) > 1 and base.text.startswith(f"{direct} [1]"):
        return dataclasses.replace(base, citations=base.citations[:1])
    return base


def _quoted(index: int, quote: str, sentences: Sequence[EvidenceSentence]) -> str:
    """What the model may cite as evidence ``index``: the sentences the offline answer showed
    from that passage (two apart in one passage share one citation), else its quote."""
    shown = [s.text for s in sentences if s.evidence == index]
    return " ".join(shown) if shown else quote
