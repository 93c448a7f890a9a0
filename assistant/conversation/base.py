"""The conversation component's interface: a question and the conversation in, one reading out.

A :class:`Condenser` decides how a question asked inside a conversation is to be read: as
asked, or as a stand-alone question carrying the conversation's subject ("Còn năm 2024
thì sao?" → "GRDP bình quân đầu người của Hà Nội năm 2024 đạt bao nhiêu?"). The retriever
and the answerer then see only that stand-alone question; they know nothing of history.

A condenser may try a reading out before choosing it: ``try_reading`` answers a
stand-alone question (retrieval and answer, no history) and returns the ``Answer``, so
the offline condenser can weigh the evidence for each reading. The assistant memoises
it: the reading chosen is not searched twice.

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
    from assistant.types import Answer

__all__ = ["Condenser", "Reading", "TryReading"]

#: answers a stand-alone question (no history): retrieval, then the answerer
TryReading = Callable[[str], "Answer"]


@dataclass(frozen=True)
class Reading:
    """How a question is read: the stand-alone ``query`` retrieved and answered.

    ``from_conversation`` is True when the query carries words of earlier turns (the
    answer then says "Hiểu là: <query>"); ``why`` says in a few words what decided it
    (for logs and the evaluation's failure lists).
    """

    query: str
    from_conversation: bool = False
    why: str = ""

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
