"""The answerer interface: one streaming method; the blocking call is built on it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from assistant.types import Answer, Passage
from prompts.answer import NOT_FOUND_VI

__all__ = ["NOT_FOUND_VI", "AnswerEvent", "Answerer", "Turn"]


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of a conversation."""

    question: str
    answer: str = ""


@dataclass(frozen=True)
class AnswerEvent:
    """A streamed piece of an answer: text to append, and on the last event the answer."""

    delta: str = ""
    answer: Answer | None = None


class Answerer(ABC):
    """Writes the answer to ``question`` from ``passages`` (best first)."""

    name: str = "answerer"

    @abstractmethod
    def stream(
        self, question: str, passages: Sequence[Passage], *, history: Sequence[Turn] = ()
    ) -> Iterator[AnswerEvent]:
        """Yield text deltas, then one final event carrying the whole ``Answer``."""

    def search_query(self, question: str, history: Sequence[Turn] = ()) -> str:
        """The stand-alone query to retrieve with (follow-ups carry their context)."""
        from assistant.conversation.rewrite import condense_question

        return condense_question(question, history)

    def answer(
        self, question: str, passages: Sequence[Passage], *, history: Sequence[Turn] = ()
    ) -> Answer:
        """The blocking call, built on :meth:`stream`."""
        final = None
        for event in self.stream(question, passages, history=history):
            if event.answer is not None:
                final = event.answer
        if final is None:  # pragma: no cover - a contract violation of a subclass
            raise RuntimeError(f"{self.name} answerer ended without an answer")
        return final
