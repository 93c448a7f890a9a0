"""The offline condenser: the conversation's reading wins only when the evidence says so.

A question asked after others has two readings: as asked ("PAR-Index", "năm 2024 thì
sao?") and with the conversation's subject (:func:`~assistant.conversation.rewrite.
continuation`: "GRDP bình quân đầu người của Hà Nội năm 2024 đạt bao nhiêu?"). Both are
searched and answered stand-alone, and what their answers show is compared
(:class:`ReadingEvidence`). Words count by how specific they are among the passages both
readings retrieved (an idf over that pool): "PAR-Index" is in few of them, "năm" and
"2024" in many.

* ``missing``: the weight of the words typed in this turn (and kept by both readings)
  that the answer and its passages lack, and of the names and codes typed that the
  answer does not say: a reading whose answer leaves out what the user just asked
  ("PAR-Index" read as the previous question) does not answer this turn (when the
  reading resolved a reference, "bà ấy" → "Nguyễn Thị Tuyến", only names count);
* ``subject``: the weighted share of the words the conversation adds that the answer's
  claims on this turn's words contain: the as-asked answer of a follow-up speaks of
  something else ("năm 2024" → a list of 2024 tasks), the conversation's answer of its
  subject. Only the claims (the text up to each marker [n]) that say most of this turn's
  own words count: a topic switch read with the conversation's subject ("bon cam ket hanh
  dong la gi (PAR-Index)") gets the previous topic's sentence cited beside its answer,
  and that sentence says the subject but nothing of what was asked now;
* whether each reading is answered at all.

The conversation's reading is taken only when its answer is found, differs from the
as-asked answer, lacks at most ``max_missing`` more of this turn's words than the
as-asked answer does, and carries the conversation's subject better by ``margin`` or more
or the question as asked is too vague to stand alone (its words are in most of the
passages: ``vague``) (:class:`ReadingWeights`,
chosen on half of the conversation set: ``python -m eval
conversations --sweep``). A topic switch, a keyword query or a new name thus stays a
question of its own, and is answered as in a fresh conversation.

Example:
    >>> from assistant.answering.base import Turn
    >>> from assistant.conversation.base import Attempt
    >>> from assistant.types import Answer, Citation, Passage
    >>> def attempt(q, text):
    ...     p = Passage(text=text, source="a", title="", score=1.0, chunk_id=text[:9])
    ...     return Attempt(q, [p], Answer(f"{text} [1]", [Citation(1, p, text)], confidence=0.8))
    >>> par = "Chỉ số PAR-Index 2022 tăng 7 bậc."
    >>> lead = "Mô hình lãnh đạo hiện đại gồm Đảng bộ số, chính quyền kiến tạo."
    >>> try_reading = lambda q: attempt(q, par if q == "PAR-Index" else lead)
    >>> h = [Turn("Mô hình lãnh đạo hiện đại gồm những gì?", lead)]
    >>> EvidenceCondenser().read("PAR-Index", h, try_reading).from_conversation
    False
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.conversation.base import Attempt, Reading, TryReading
from assistant.conversation.rewrite import continuation
from textvi import fold_diacritics, nfc, tokenize
from textvi.followup_cues import FUNCTION_WORDS

if TYPE_CHECKING:
    from assistant.answering.base import Turn
    from assistant.types import Answer

__all__ = [
    "EvidenceCondenser",
    "ReadingEvidence",
    "ReadingWeights",
    "Verdict",
    "content_words",
    "name_words",
    "says",
]

_MARKER_RE = re.compile(r"\[\d+\]")


def content_words(text: str) -> set[str]:
    """The content words of ``text``, folded and lowercase (function and question words go).

    >>> sorted(content_words("Còn năm 2024 thì mục tiêu là bao nhiêu?"))
    ['2024', 'muc', 'nam', 'tieu']
    """
    words = {fold_diacritics(w).lower() for w in tokenize(_MARKER_RE.sub(" ", nfc(text)))}
    return {w for w in words if w not in FUNCTION_WORDS and w != "con"}


def name_words(text: str) -> set[str]:
    """The words of names and codes in ``text`` (folded): capitalised past its first word,
    or with a capital past their first letter ("PAR-Index", "GRDP").

    Words keep their marks ("dũng" is not "dụng"); a name typed without marks matches
    either (:func:`says`).

    >>> sorted(name_words("Còn Đinh Tiến Dũng là ai?")), sorted(name_words("PAR-Index"))
    (['dũng', 'tiến', 'đinh'], ['index', 'par'])
    """
    out: set[str] = set()
    for i, word in enumerate(nfc(text).split()):
        core = word.strip("?.,!:;\"'()“”")
        if core and ((i and core[0].isupper()) or any(ch.isupper() for ch in core[1:])):
            out |= {w.lower() for w in tokenize(core)}
    return out


def says(text: str, words: set[str]) -> set[str]:
    """Which of the name ``words`` ``text`` contains (marks compared unless typed without).

    >>> sorted(says("Nhờ sử dụng dữ liệu", {"dũng", "dung"}))
    ['dung']
    """
    accented = {w.lower() for w in tokenize(nfc(text))}
    folded = {fold_diacritics(w) for w in accented}
    return {w for w in words if w in accented or (w == fold_diacritics(w) and w in folded)}


@dataclass(frozen=True)
class ReadingWeights:
    """How much better the conversation's reading must be supported to win.

    ``margin``: how much larger the (idf-weighted) share of the conversation's added
    words in its answer must be than in the as-asked answer (0..1); ``max_missing``: how
    much more idf weight of this turn's own words its answer's passages may lack;
    ``vague``: the idf weight of its words at or below which the question as asked pins
    nothing down ("năm 2024 thì sao?": "năm" and "2024" are in most passages), so any
    sentence with its words would do; the conversation's reading then needs no margin.
    """

    margin: float = 0.25
    max_missing: float = 1.0
    vague: float = 1.5

    def __post_init__(self) -> None:
        if not 0.0 <= self.margin <= 1.0 or self.max_missing < 0.0 or self.vague < 0.0:
            raise ValueError(
                "margin is a share from 0 to 1; max_missing and vague are not negative"
            )


@dataclass(frozen=True)
class ReadingEvidence:
    """What the answer to one reading shows (see the module doc)."""

    answered: bool
    confidence: float
    missing: float
    subject: float
    names_missing: int = 0


class _Pool:
    """The passages both readings retrieved: how specific a word is among them."""

    def __init__(self, attempts: Sequence[Attempt]) -> None:
        seen: dict[str, set[str]] = {}
        for att in attempts:
            for p in att.passages:
                seen.setdefault(p.chunk_id or p.text[:80], content_words(f"{p.text} {p.period}"))
        self.passages = list(seen.values())

    def idf(self, word: str) -> float:
        n = len(self.passages)
        df = sum(word in ws for ws in self.passages)
        return math.log((n + 1) / (df + 1)) + 0.1

    def evidence(
        self, att: Attempt, own: set[str], added: set[str], named: set[str]
    ) -> ReadingEvidence:
        a = att.answer
        if a.abstained:
            names = {fold_diacritics(w) for w in named}
            return ReadingEvidence(False, 0.0, sum(map(self.idf, own | names)), 0.0, len(named))
        cited = content_words(a.text)
        named_missing = named - says(a.text, named)
        for c in a.citations:
            cited |= content_words(f"{c.passage.text} {c.passage.period}")
        return ReadingEvidence(
            answered=True,
            confidence=a.confidence,
            missing=sum(self.idf(w) for w in own - cited)
            + sum(self.idf(fold_diacritics(w)) for w in named_missing),
            subject=self.subject(a.text, own, added),
            names_missing=len(named_missing),
        )

    def subject(self, text: str, own: set[str], added: set[str]) -> float:
        """The weighted share of the conversation's ``added`` words said by the claims of
        the answer that best say this turn's ``own`` words.

        A claim that says the subject but less of what was asked now than another claim
        does (the previous topic's sentence cited beside this one's) earns nothing.
        """
        claims = _claims(text)
        if not added or not claims:
            return 0.0
        cover = [self.share(own, c) for c in claims]
        said = set().union(*(c for c, x in zip(claims, cover, strict=True) if x >= max(cover)))
        return self.share(added, said)

    def share(self, words: set[str], said: set[str]) -> float:
        """The idf-weighted share of ``words`` that ``said`` contains (1.0 when no words)."""
        total = sum(map(self.idf, words))
        return sum(self.idf(w) for w in words & said) / total if total else 1.0


@dataclass(frozen=True)
class Verdict:
    """Both readings' evidence and the one to answer (for logs and failure lists)."""

    asked: ReadingEvidence
    conversation: ReadingEvidence
    reading: Reading
    specificity: float = 0.0


_NONE = ReadingEvidence(False, 0.0, 0.0, 0.0)


class EvidenceCondenser:
    """Chooses between the question as asked and the conversation's reading, by evidence.

    Without ``try_reading`` (nothing to weigh with) the question is read as asked: a
    guess never silently replaces what the user typed.
    """

    def __init__(self, weights: ReadingWeights | None = None) -> None:
        self.weights = weights or ReadingWeights()

    def read(
        self, question: str, history: Sequence[Turn], try_reading: TryReading | None = None
    ) -> Reading:
        """The reading to answer (see the class doc)."""
        return self.judge(question, history, try_reading).reading

    def judge(
        self, question: str, history: Sequence[Turn], try_reading: TryReading | None = None
    ) -> Verdict:
        """Both readings weighed; ``.reading`` is the one to answer."""
        asked = " ".join(nfc(question).split())
        condensed = continuation(asked, history) if history else None
        candidate = condensed.query if condensed else asked
        if candidate == asked:
            return Verdict(_NONE, _NONE, Reading(asked, why="no conversation reading"))
        if try_reading is None:
            return Verdict(_NONE, _NONE, Reading(asked, why="nothing to weigh the readings with"))
        typed, read = content_words(asked), content_words(candidate)
        own, added = typed & read, read - typed
        named = {w for w in name_words(asked) if fold_diacritics(w) in read}  # it must be said
        if condensed is not None and condensed.replaced:
            own = set()  # "Bà ấy giữ chức vụ gì?": the words around a resolved reference
        a_try, c_try = try_reading(asked), try_reading(candidate)
        pool = _Pool([a_try, c_try])
        a, c = pool.evidence(a_try, own, added, named), pool.evidence(c_try, own, added, named)
        specificity = sum(map(pool.idf, typed))
        reading = self._choose(asked, candidate, a, c, a_try.answer, c_try.answer, specificity)
        if reading.from_conversation and condensed is not None:
            reading = dataclasses.replace(reading, focus=condensed.focus)
        return Verdict(a, c, reading, specificity)

    def _choose(
        self,
        asked: str,
        candidate: str,
        a: ReadingEvidence,
        c: ReadingEvidence,
        a_answer: Answer,
        c_answer: Answer,
        specificity: float,
    ) -> Reading:
        w = self.weights
        if not c.answered:
            return Reading(asked, why="the conversation's reading finds no answer")
        if a.answered and _same_answer(a_answer, c_answer):
            # the same answer either way: shown as asked, remembered with its subject
            return Reading(candidate, why="both readings give the same answer")
        if c.names_missing:
            return Reading(asked, why="its answer does not say the name typed")
        if c.missing - a.missing > w.max_missing:
            return Reading(asked, why=f"its answer lacks this turn's words ({c.missing:.2f})")
        gain = c.subject - a.subject
        if specificity <= w.vague:
            why = f"the question alone is vague ({specificity:.2f})"
            return Reading(candidate, from_conversation=True, why=why)
        if gain < w.margin:
            return Reading(asked, why=f"the subject is not better supported ({gain:+.2f})")
        why = f"subject {gain:+.2f}, missing {c.missing - a.missing:+.2f}"
        return Reading(candidate, from_conversation=True, why=why)


def _claims(text: str) -> list[set[str]]:
    """The content words of each claim of an answer: the text up to each marker [n]."""
    return [content_words(part) for part in _MARKER_RE.split(text) if part.strip()]


def _same_answer(x: Answer, y: Answer) -> bool:
    """The same sentences cited (or the same text)."""
    if x.text == y.text:
        return True
    quotes = lambda a: {(c.passage.chunk_id, c.quote_start) for c in a.citations}  # noqa: E731
    return bool(x.citations) and quotes(x) == quotes(y)
