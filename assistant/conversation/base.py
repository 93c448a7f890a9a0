"""The conversation component's interface: a question and the conversation in, one reading out.

A :class:`Condenser` decides how a question asked inside a conversation is to be read: as
asked, or as a stand-alone question carrying the conversation's subject ("Còn năm 2024
thì sao?" → "GRDP bình quân đầu người của Hà Nội năm 2024 đạt bao nhiêu?"). The retriever
and the answerer then see only that stand-alone question; they know nothing of history.

A condenser may try a reading out before choosing it: ``try_reading`` searches and
answers a stand-alone question (no history) and returns the :class:`Attempt` (passages
and answer), so the offline condenser can weigh the evidence for each reading. The
assistant memoises it: the reading chosen is not searched twice.

Example:
    >>> from assistant.conversation import Reading
    >>> Reading("Còn năm 2024 thì sao?").understood_as
    ''
    >>> Reading("GRDP năm 2024 đạt bao nhiêu?", from_conversation=True).understood_as
    'GRDP năm 2024 đạt bao nhiêu?'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from assistant.answering.base import Turn
    from assistant.types import Answer, Passage

__all__ = ["Attempt", "Condenser", "Reading", "TryReading", "turn_of", "understood_note"]

#: how an answer read with the conversation says so ("Hiểu là: <reading>")
UNDERSTOOD_PREFIX = "Hiểu là: "


@dataclass(frozen=True)
class Attempt:
    """A stand-alone question searched and answered: its ``passages`` and its ``answer``."""

    query: str
    passages: list[Passage]
    answer: Answer


#: searches and answers a stand-alone question (no history)
TryReading = Callable[[str], Attempt]


@dataclass(frozen=True)
class Reading:
    """How a question is read: the stand-alone ``query`` retrieved and answered.

    ``from_conversation`` is True when the answer is the conversation's reading (it then
    says "Hiểu là: <query>"); a query may carry the conversation's subject without it when
    both readings gave the same answer (nothing differs to show; later turns build on the
    subject); ``why`` says in a few words what decided it
    (for logs and the evaluation's failure lists); ``focus`` is what the user typed in this
    turn when the query carries other words (an answerer may weigh it above them).
    """

    query: str
    from_conversation: bool = False
    why: str = ""
    focus: str = ""

    @property
    def understood_as(self) -> str:
        """The reading to show the user, "" when the question was read as asked."""
        return self.query if self.from_conversation else ""


@runtime_checkable
class Condenser(Protocol):
    """Reads a question in the light of the earlier turns of its conversation."""

    def read(
        self, question: str, history: Sequence[Turn], try_reading: TryReading | None = None
    ) -> Reading:
        """The reading of ``question`` to answer; ``Reading(question)`` when it stands alone.

        ``history`` is the earlier turns, oldest first (never empty when the assistant
        calls it). ``try_reading``, when given, answers a stand-alone question so a
        condenser can compare the evidence for its readings; a condenser may ignore it.
        """
        ...


def understood_note(answer: Answer) -> str:
    """The line that says which reading an answer answered, "" when read as asked.

    The chat app and ``assistant chat`` show it (muted) above the answer, so a wrong
    reading is visible and the user can re-ask.

    >>> from assistant.types import Answer
    >>> understood_note(Answer("160-162 triệu đồng [1]", understood_as="GRDP năm 2024?"))
    'Hiểu là: GRDP năm 2024?'
    >>> understood_note(Answer("..."))
    ''
    """
    return f"{UNDERSTOOD_PREFIX}{answer.understood_as}" if answer.understood_as else ""


def turn_of(answer: Answer) -> Turn:
    """The turn to add to the history after ``answer`` (with the reading it answered).

    >>> from assistant.types import Answer
    >>> turn_of(Answer("150 triệu đồng [1]", question="GRDP 2023?"))
    Turn(question='GRDP 2023?', answer='150 triệu đồng [1]', understood_as='', search_query='')
    """
    from assistant.answering.base import Turn

    return Turn(answer.question, answer.text, answer.understood_as, answer.search_query)
