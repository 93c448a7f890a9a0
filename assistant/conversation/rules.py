"""Two plain condensers: the rewrite rules alone, and the question always as asked.

They are the baselines the evidence condenser is measured beside (``python -m eval
conversations``) and the choices ``conversation.mode = "rules" | "off"``.

>>> from assistant.answering.base import Turn
>>> h = [Turn("Năm 2023 kinh tế Hà Nội tăng trưởng ước đạt bao nhiêu?")]
>>> RuleCondenser().read("Còn năm 2024 thì sao?", h).understood_as
'Năm 2024 kinh tế Hà Nội tăng trưởng đạt bao nhiêu?'
>>> AsAskedCondenser().read("Còn năm 2024 thì sao?", h).understood_as
''
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.conversation.base import Reading, TryReading
from assistant.conversation.rewrite import condense
from textvi import nfc

if TYPE_CHECKING:
    from assistant.answering.base import Turn

__all__ = ["AsAskedCondenser", "RuleCondenser"]


class RuleCondenser:
    """Reads a question with the conversation whenever a surface cue says it continues it."""

    def read(
        self, question: str, history: Sequence[Turn], try_reading: TryReading | None = None
    ) -> Reading:
        """The rules' reading; ``try_reading`` is not used."""
        c = condense(question, history)
        focus = c.focus if c.is_followup else ""
        return Reading(c.query, from_conversation=c.is_followup, why="rules", focus=focus)


class AsAskedCondenser:
    """Never uses the conversation: every question is read as asked."""

    def read(
        self, question: str, history: Sequence[Turn], try_reading: TryReading | None = None
    ) -> Reading:
        """``question`` itself."""
        return Reading(" ".join(nfc(question).split()), why="conversation off")
