"""The answerer interface: one streaming method; the blocking call is built on it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from assistant.types import Answer, Passage
from prompts.answer import NOT_FOUND_VI

__all__ = ["NOT_FOUND_VI", "RELATED_HINT_VI", "AnswerEvent", "Answerer", "Turn", "refusal"]

#: Added to the refusal when passages that may be related are listed below it.
RELATED_HINT_VI = "Các đoạn có thể liên quan được liệt kê bên dưới."


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of a conversation.

    ``understood_as`` is the stand-alone question it was answered as when that was read
    with the conversation (``Answer.understood_as``), "" when it was read as asked;
    ``search_query`` the stand-alone question searched (``Answer.search_query``): it carries
    the conversation's subject also when both readings gave the same answer, so a later
    turn builds on the subject, not on this turn's own words ("Trụ sở của nó ở đâu?").
    """

    question: str
    answer: str = ""
    understood_as: str = ""
    search_query: str = ""


@dataclass(frozen=True)
class AnswerEvent:
    """A streamed piece of an answer: text to append, and on the last event the answer."""

    delta: str = ""
    answer: Answer | None = None


def refusal(
    question: str, related: Sequence[Passage], *, search_query: str, confidence: float
) -> Iterator[AnswerEvent]:
    """The refusal every offline answerer gives, streamed: its text, then the ``Answer``
    (abstained, listing ``related`` passages the reader may still look at)."""
    text = NOT_FOUND_VI + (f" {RELATED_HINT_VI}" if related else "")
    yield AnswerEvent(delta=text)
    yield AnswerEvent(
        answer=Answer(
            text=text,
            abstained=True,
            related=list(related),
            question=question,
            search_query=search_query,
            confidence=confidence,
        )
    )


class Answerer(ABC):
    """Writes the answer to ``question`` from ``passages`` (best first)."""

    name: str = "answerer"

    @abstractmethod
    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[AnswerEvent]:
        """Yield text deltas, then one final event carrying the whole ``Answer``.

        ``question`` stands alone: a follow-up has been read in its conversation before
        (:mod:`assistant.conversation`); an answerer knows nothing of history.
        """

    def stream_focused(
        self, question: str, passages: Sequence[Passage], focus: str = ""
    ) -> Iterator[AnswerEvent]:
        """:meth:`stream`, told which words of ``question`` were typed in this turn.

        ``focus`` is set when the question was read with the conversation (the rest of
        ``question`` was carried over from earlier turns); an answerer may weigh it above
        the carried words. By default it is not used.
        """
        return self.stream(question, passages)

    def answer(self, question: str, passages: Sequence[Passage]) -> Answer:
        """The blocking call, built on :meth:`stream`."""
        final = None
        for event in self.stream(question, passages):
            if event.answer is not None:
                final = event.answer
        if final is None:  # pragma: no cover - a contract violation of a subclass
            raise RuntimeError(f"{self.name} answerer ended without an answer")
        return final
