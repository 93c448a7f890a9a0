"""What a worded answer must keep of its evidence, and putting back what it lost.

The LLM answerer lets a model word the evidence the offline answerer chose. A
small model rewords and shortens: a list loses items, "400,421 nghìn tỷ đồng"
becomes "hơn 400 nghìn tỷ", a name is dropped. The sentence check
(:mod:`assistant.answering.grounding`) cannot see that: it checks what the
model *said*, not what it left out. This module checks the other direction.

The *answer-bearing items* of an evidence sentence are what a reader asked
for and would check against it (none of them fitted to any question set):

* the offline answer's direct-answer span, where the sentence holds it;
* every number (a token with a digit);
* every name: a run of capitalised words, not the sentence's first word alone,
  or a word in a script without case (北冰洋);
* the items of a list: when a sentence enumerates (three or more short pieces
  between commas, semicolons, a colon, "và" / "hoặc"), each piece.

Items the question already states are not asked of the answer. An item is
*kept* when its words occur in the answer as the evaluation's key-phrase rule
reads text (NFC, case-folded, whitespace collapsed, markers removed): a
number, a name or the direct answer as one contiguous string, a list piece by
all of its content words. There is no threshold to choose: an item is kept
or lost. An evidence sentence with a lost item is quoted after the model's
words, with its ``[n]`` (:func:`restore`), so the answer never says less than
its evidence answered.

Example:
    >>> ev = "Các sân bay gồm Nội Bài, Gia Lâm, Hòa Lạc và Vân Đồn."
    >>> lost_items("Có ba sân bay: Nội Bài, Gia Lâm và Hòa Lạc [1].", ev,
    ...            question="Hà Nội có những sân bay nào?")
    ['Vân Đồn']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answering.citations import marker_numbers, strip_markers
from assistant.answering.grounding import content_words, names, normalized, syllables

__all__ = ["EvidenceSentence", "answer_items", "lost_items", "restore", "shown_sentences"]

# A list piece longer than this many syllables is a clause, not an item.
_ITEM_MAX_SYLLABLES = 8
_LIST_SPLIT_RE = re.compile(r"\s*[;:]\s+|,\s+|\s+(?:và|hoặc|cùng)\s+", re.IGNORECASE)
_WORD_RE = re.compile(r"[^\W_]+(?:[.,/-][^\W_]+)*")


def _norm(text: str) -> str:
    return normalized(strip_markers(text))


def _list_pieces(sentence: str) -> list[str]:
    """The pieces of an enumeration (three or more short ones), else nothing.

    The first piece carries the lead-in ("Các sân bay gồm Nội Bài"): it is cut to
    the length of the longest piece between; so is the last when it runs on past
    an item's length.
    """
    body = re.sub(r"[.!?…]+$", "", sentence.strip())
    pieces = [p.strip() for p in _LIST_SPLIT_RE.split(body) if p and p.strip()]
    if len(pieces) < 3:
        return []
    middle = pieces[1:-1]
    width = max(len(_WORD_RE.findall(p)) for p in middle)
    if width > _ITEM_MAX_SYLLABLES:
        return []
    first = " ".join(_WORD_RE.findall(pieces[0])[-width:])
    tail = _WORD_RE.findall(pieces[-1])
    last = " ".join(tail if len(tail) <= _ITEM_MAX_SYLLABLES else tail[:width])
    return [p for p in (first, *middle, last) if p]


def answer_items(sentence: str, *, question: str = "", direct: str = "") -> list[str]:
    """The answer-bearing items of an evidence ``sentence`` that ``question`` does not state.

    >>> answer_items("Năm 2023 kinh tế Hà Nội tăng 6,11%.", question="Kinh tế Hà Nội tăng bao nhiêu?")
    ['2023', '6,11']
    """
    asked = set(syllables(question))
    items: list[str] = []
    if direct and _norm(direct) in _norm(sentence):
        items.append(direct.strip())
    items += [t for t in syllables(sentence) if any(ch.isdigit() for ch in t)]
    items += names(sentence)
    items += _list_pieces(sentence)
    out: list[str] = []
    for item in items:
        words = syllables(item)
        if words and not set(words) <= asked and item not in out:
            out.append(item)
    return out


def _kept(item: str, text_norm: str, text_words: set[str]) -> bool:
    if _norm(item) in text_norm:
        return True
    if len(syllables(item)) > 2 and not any(ch.isdigit() for ch in item):
        # a list piece or long name: all of its content words, in any order
        words = content_words(item)
        return bool(words) and all(w in text_words for w in words)
    return False


def lost_items(text: str, sentence: str, *, question: str = "", direct: str = "") -> list[str]:
    """The answer-bearing items of ``sentence`` that ``text`` leaves out."""
    text_norm = _norm(text)
    text_words = set(syllables(text))
    return [
        item
        for item in answer_items(sentence, question=question, direct=direct)
        if not _kept(item, text_norm, text_words)
    ]


@dataclass(frozen=True)
class EvidenceSentence:
    """One sentence the offline answer showed, and the 0-based evidence it belongs to."""

    text: str
    evidence: int


def restore(
    text: str,
    used: Sequence[int],
    sentences: Sequence[EvidenceSentence],
    *,
    question: str = "",
    direct: str = "",
) -> tuple[str, list[int], int]:
    """``text`` (checked, its markers numbering ``used``) with every evidence sentence
    whose items it lost quoted after it, cited.

    A sentence of ``text`` that says nothing a quoted sentence does not (all its
    content words are in it) is left out, so nothing is said twice. Returns the new
    text, its ``used`` (0-based evidence indexes by marker, renumbered by first use)
    and how many sentences were quoted.

    >>> restore("Có Nội Bài [1].", [0], [EvidenceSentence("Gồm Nội Bài, Gia Lâm và Hòa Lạc.", 0)])
    ('Gồm Nội Bài, Gia Lâm và Hòa Lạc [1].', [0], 1)
    """
    quoted: list[EvidenceSentence] = []
    current = text
    for s in sentences:
        if lost_items(current, s.text, question=question, direct=direct):
            quoted.append(s)
            current = f"{current}\n{s.text}"
    if not quoted:
        return text, list(used), 0
    # (sentence, evidence indexes) in reading order: the model's, then the quoted ones
    pieces: list[tuple[str, list[int]]] = []
    for piece in _PIECE_SPLIT_RE.split(text.strip()):
        cites = [used[k - 1] for k in marker_numbers(piece) if 1 <= k <= len(used)]
        body = " ".join(strip_markers(piece).split())
        words = set(content_words(body))
        if body and not any(words <= set(content_words(q.text)) for q in quoted):
            pieces.append((body, cites))
    pieces += [(" ".join(q.text.split()), [q.evidence]) for q in quoted]
    order: list[int] = []
    lines = []
    for body, cites in pieces:
        for e in cites:
            if e not in order:
                order.append(e)
        marks = " ".join(f"[{order.index(e) + 1}]" for e in dict.fromkeys(cites))
        end = re.search(r"[.!?…:;]+$", body)
        stem, stop = (body[: end.start()], end.group(0)) if end else (body, ".")
        lines.append(f"{stem} {marks}{stop}" if marks else f"{stem}{stop}")
    joiner = "\n" if "\n" in text.strip() else " "
    return joiner.join(lines), order, len(quoted)


_PIECE_SPLIT_RE = re.compile(r"(?<=[.!?…])\s+(?!\[)|\n+")


_CITED_PIECE_RE = re.compile(r"(?s)(.*?)((?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+)([.!?…:;]*[\"”’»)]*)")


def shown_sentences(text: str, n_citations: int, *, direct: str = "") -> list[EvidenceSentence]:
    """The cited sentences of an offline answer's ``text``, each with its first valid citation.

    The direct-answer lead ("6,11% [1]") is left out: the sentence it comes from is shown too.

    >>> [(s.text, s.evidence) for s in shown_sentences("Tăng 6,11% [1]. Đạt 7% [2].", 2)]
    [('Tăng 6,11%.', 0), ('Đạt 7%.', 1)]
    """
    out: list[EvidenceSentence] = []
    for m in _CITED_PIECE_RE.finditer(text):
        body = " ".join(m.group(1).split())
        if not body or (direct and _norm(body).strip(" .,;:") == _norm(direct).strip(" .,;:")):
            continue
        cites = [k for k in marker_numbers(m.group(2)) if 1 <= k <= n_citations]
        if cites:
            out.append(EvidenceSentence(body + m.group(3), cites[0] - 1))
    return out
