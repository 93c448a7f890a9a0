"""The answer text: chosen sentences quoted verbatim, each followed by its marker [n].

>>> with_marker("Câu trả lời.", 2)
'Câu trả lời [2].'
>>> display("thủ đô có 30 quận;", clause=True)
'Thủ đô có 30 quận.'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answering.citations import CitationNumbering
from assistant.types import Citation, Passage

#: a connector that opens a sentence and means nothing without the one before it
_LEADING_CONNECTORS = re.compile(
    r"^(?:theo đó|đồng thời|ngoài ra|bên cạnh đó|trong đó|cùng với đó|mặt khác|thêm vào đó|"
    r"cụ thể|đáng chú ý|qua đó|từ đó)\s*,\s*",
    re.IGNORECASE,
)


def display(text: str, *, clause: bool = False) -> str:
    """The sentence as shown: a leading connector dropped; a clause ends with a period."""
    trimmed = _LEADING_CONNECTORS.sub("", text, count=1) or text
    if clause:
        trimmed = trimmed.rstrip(" ;,")
        if not trimmed.endswith((".", "!", "?", "…")):
            trimmed += "."
    if clause or trimmed != text:
        trimmed = trimmed[:1].upper() + trimmed[1:]
    return trimmed


def with_marker(text: str, n: int) -> str:
    """ "Câu trả lời." → "Câu trả lời [n]."."""
    body = text.rstrip()
    m = re.search(r"[.!?…]+[\"”’»)]*$", body)
    if m and not body.endswith(("”", '"', ")")):
        return f"{body[: m.start()]} [{n}]{body[m.start() :]}"
    return f"{body} [{n}]"


def word_groups(text: str, size: int = 8) -> list[str]:
    """``text`` cut into runs of ``size`` words (with their spaces), for streaming.

    >>> word_groups(" một hai ba bốn", size=2)
    [' một hai ', 'ba bốn']
    """
    return re.findall(rf"\s*(?:\S+\s*){{1,{size}}}", text) or [text]


@dataclass(frozen=True)
class Chosen:
    """A sentence picked for the answer: where it is, and the direct-answer span in it."""

    passage_index: int
    start: int
    end: int
    clause: bool = False
    span: tuple[int, int] | None = None  # offsets into the passage text


@dataclass(frozen=True)
class Composed:
    lead: str
    pieces: list[str]
    citations: list[Citation]

    @property
    def text(self) -> str:
        return self.lead + " ".join(self.pieces)


def compose(chosen: Sequence[Chosen], passages: Sequence[Passage], direct: str = "") -> Composed:
    """The answer from ``chosen`` sentences, led by ``direct`` when given."""
    numbering = CitationNumbering()
    pieces = []
    for c in chosen:
        p = passages[c.passage_index]
        n = numbering.cite(p, c.start, c.end, span=c.span)
        pieces.append(with_marker(display(p.text[c.start : c.end], clause=c.clause), n))
    lead = f"{direct.rstrip('.,;:')} [1]\n\n" if direct else ""
    return Composed(lead, pieces, numbering.citations)
