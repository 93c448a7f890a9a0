"""Checking a generated answer sentence by sentence against the evidence it may use.

The LLM answerer gives the model only the evidence the offline answerer chose
(numbered 1..m). Afterwards every sentence of the model's answer is checked:

* its *content words* (syllables that are not function words) must occur in
  the evidence it cites — at least ``support`` of them, and every number;
* every name in it (capitalised words, :func:`names`) must be written as one
  string in that evidence, or be a name of the question its passage also writes:
  "đại dương Trung Quốc" from a passage with "trung bình" and "quốc tế" is words
  recombined, and the question's subject put before another subject's fact is
  not evidence either;
* the words a sentence may draw on from a piece of evidence are the evidence
  sentence itself plus the words of the question that its passage also holds
  (so "Dân số Hà Nội năm 2023 là …" may restate the question's subject), never
  the rest of the passage: a sentence planted elsewhere in an article is no
  evidence for this question;
* a sentence that cites nothing, or cites the wrong piece, is matched to the
  evidence that supports it and the citation is added;
* a sentence no evidence supports is dropped.

Example:
    >>> ev = [Evidence(quote="Năm 2023 kinh tế Hà Nội tăng 6,11%.", context="")]
    >>> check = check_generated("Kinh tế tăng 6,11%. Giá vé là 15.000 đồng [1].", ev,
    ...                         question="Kinh tế Hà Nội tăng bao nhiêu?")
    >>> check.text, [v.kept for v in check.verdicts]
    ('Kinh tế tăng 6,11% [1].', [True, False])
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answering.citations import marker_numbers, strip_markers
from textvi import nfc, tokenize

__all__ = [
    "Evidence",
    "GroundingCheck",
    "SentenceVerdict",
    "check_generated",
    "content_words",
    "names",
    "normalized",
    "syllables",
]

# Function words: in every passage, so they would make any sentence look supported.
_FUNCTION_WORDS = frozenset(
    """
    và của là có được các những một cho với trong theo này đó để từ đã sẽ đang thì mà như
    về tại khi cũng không người việc ra vào lại rằng nên nhưng hay hoặc bị do bởi nào gì ở
    đến trên dưới sau trước đây kia ấy nhiều ít rất lên xuống còn vẫn đều chỉ vì nếu tôi bạn
    theo thông tin tài liệu đoạn văn bản nêu cho biết khoảng gần hơn
    a an the of to in on at for by with from and or is are was were be been it its this that
    """.split()
)
_NUMBER_RE = re.compile(r"\d")
# Sentence ends, and line breaks (list items).
_SPLIT_RE = re.compile(r"(?<=[.!?…])\s+|\n+")
_ENUMERATOR_RE = re.compile(r"^\s*(?:[-•*+]|\d{1,2}[.)]|[a-zA-Z][.)])\s+")
_LEADING_MARKERS_RE = re.compile(r"^(?:[ \t]*\[[\d ,;–-]+\])+")


_NAME_WORD_RE = re.compile(r"[^\W_]+(?:[.,/-][^\W_]+)*")


def names(sentence: str) -> list[str]:
    """Runs of capitalised (or caseless-script) words; a capital only because it starts the
    sentence is not one.

    >>> names("Đại dương này giáp Đông Nam Á và châu Phi; tiếng Hán: 北冰洋.")
    ['Đông Nam Á', 'Phi', 'Hán', '北冰洋']
    """
    words = list(_NAME_WORD_RE.finditer(sentence))
    runs: list[list[re.Match[str]]] = []
    for k, w in enumerate(words):
        first_char = w.group(0)[:1]
        if not (first_char.isupper() or (first_char.isalpha() and not first_char.islower())):
            continue  # a name starts with a capital, or is written in a script without case
        joined = (
            runs
            and runs[-1][-1] is words[k - 1]
            and not sentence[words[k - 1].end() : w.start()].strip()
        )
        if joined:
            runs[-1].append(w)
        else:
            runs.append([w])
    first = words[0] if words else None
    out = []
    for run in runs:
        if run[0] is first and len(run) == 1:
            continue
        out.append(sentence[run[0].start() : run[-1].end()])
    return out


def syllables(text: str) -> list[str]:
    """The syllables and numbers of ``text``, NFC and case-folded (punctuation left out)."""
    return [t.casefold() for t in tokenize(nfc(text)) if any(ch.isalnum() for ch in t)]


def content_words(text: str) -> list[str]:
    """The syllables of ``text`` that say something (function words left out).

    >>> content_words("- Kinh tế của Hà Nội tăng 6,11%.")
    ['kinh', 'tế', 'hà', 'nội', 'tăng', '6,11']
    """
    return [w for w in syllables(_ENUMERATOR_RE.sub("", text)) if w not in _FUNCTION_WORDS]


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence the model may cite: the sentence(s) quoted, its passage, and
    the title of its article (which may name the subject its sentences leave implicit)."""

    quote: str
    context: str = ""
    title: str = ""


@dataclass(frozen=True)
class SentenceVerdict:
    """One sentence of a generated answer and what the check made of it."""

    text: str
    cites: tuple[int, ...]
    support: float
    kept: bool


@dataclass(frozen=True)
class GroundingCheck:
    """A generated answer after the check: the kept sentences, each with its citations."""

    text: str
    used: list[int]
    verdicts: list[SentenceVerdict]

    @property
    def kept_share(self) -> float:
        """Share of the answer's content words that are in kept sentences (0 when empty)."""
        total = sum(len(content_words(v.text)) for v in self.verdicts)
        kept = sum(len(content_words(v.text)) for v in self.verdicts if v.kept)
        return kept / total if total else 0.0


def _sentences(text: str) -> list[tuple[str, list[int]]]:
    """(sentence without markers, cited numbers); markers after a full stop join the sentence before."""
    out: list[tuple[str, list[int]]] = []
    for piece in _SPLIT_RE.split(nfc(text)):
        piece = piece.strip()
        lead = _LEADING_MARKERS_RE.match(piece)
        if lead and out:
            out[-1][1].extend(marker_numbers(lead.group(0)))
            piece = piece[lead.end() :].strip()
        if piece:
            out.append((" ".join(strip_markers(piece).split()), marker_numbers(piece)))
    return [(s, n) for s, n in out if s]


def _vocabularies(evidence: Sequence[Evidence], question: str) -> list[frozenset[str]]:
    asked = set(syllables(question))
    return [
        frozenset(syllables(e.quote)) | (asked & set(syllables(e.context or e.quote)))
        for e in evidence
    ]


def _support(words: Sequence[str], vocab: frozenset[str] | set[str]) -> float:
    if not words:
        return 0.0
    if any(_NUMBER_RE.search(w) and w not in vocab for w in words):
        return 0.0  # a number no evidence states is never supported
    return sum(w in vocab for w in words) / len(words)


def _best_cites(
    words: Sequence[str], cited: Sequence[int], vocabs: Sequence[frozenset[str]], threshold: float
) -> tuple[tuple[int, ...], float]:
    """The evidence numbers (1-based) that support ``words``: as cited, else one, else several."""
    n = len(vocabs)
    valid = [k for k in dict.fromkeys(cited) if 1 <= k <= n]
    if valid:
        s = _support(words, frozenset().union(*(vocabs[k - 1] for k in valid)))
        if s >= threshold:
            return tuple(valid), s
    single = max(range(n), key=lambda i: _support(words, vocabs[i]), default=None)
    if single is not None:
        s = _support(words, vocabs[single])
        if s >= threshold:
            return (single + 1,), s
    helping = tuple(i + 1 for i in range(n) if any(w in vocabs[i] for w in words))
    if helping:
        s = _support(words, frozenset().union(*(vocabs[k - 1] for k in helping)))
        return (helping if s >= threshold else ()), s
    return (), 0.0


def normalized(text: str) -> str:
    """``text`` NFC, case-folded, its whitespace collapsed (for comparing strings)."""
    return " ".join(nfc(text).split()).casefold()


def _names_stated(sentence: str, evidence: Sequence[Evidence], asked: str) -> bool:
    """Every name of ``sentence`` is written, as one string, in its evidence, or is a name
    of the question that the evidence's passage (or its title) also writes: the
    question's subject put in front of a fact from a passage about something else
    ("Bề rộng của Ấn Độ Dương là 9.600 km" from a passage on the Atlantic) is not evidence.
    When it cites several pieces, each number of the sentence must come from a piece
    about each of the question's names it states, not the name from one and the number
    from another."""
    quotes = [normalized(e.quote) for e in evidence]
    arounds = [normalized(f"{e.title}\n{e.context or e.quote}") for e in evidence]
    held = [set(syllables(e.quote)) for e in evidence]
    numbers = [w for w in syllables(sentence) if _NUMBER_RE.search(w)]
    for name in names(sentence):
        n = normalized(name)
        about = [n in q or n in a for q, a in zip(quotes, arounds, strict=True)]
        if not any(n in q for q in quotes) and not (n in asked and any(about)):
            return False
        if n in asked and not all(
            any(ok and w in h for ok, h in zip(about, held, strict=True)) for w in numbers
        ):
            return False
    return True


def check_generated(
    text: str, evidence: Sequence[Evidence], *, question: str = "", support: float = 0.8
) -> GroundingCheck:
    """Keep the sentences of ``text`` that ``evidence`` supports, each citing what supports it.

    Markers in ``text`` are numbers into ``evidence`` (1-based). The kept
    sentences are renumbered 1..k by first use; ``used`` holds the 0-based
    evidence indexes in that order. A sentence without content words is
    dropped (it says nothing the reader could check).
    """
    if not 0.0 <= support <= 1.0:
        raise ValueError("support must be between 0 and 1")
    vocabs = _vocabularies(evidence, question)
    asked = normalized(question)
    verdicts: list[SentenceVerdict] = []
    used: list[int] = []
    parts: list[str] = []
    for sentence, cited in _sentences(text):
        words = content_words(sentence)
        cites, share = _best_cites(words, cited, vocabs, support) if words else ((), 0.0)
        if cites and not _names_stated(sentence, [evidence[k - 1] for k in cites], asked):
            cites, share = (), 0.0  # a name its evidence never writes: words recombined
        kept = bool(cites)
        verdicts.append(SentenceVerdict(sentence, cites, share, kept))
        if not kept:
            continue
        for k in cites:
            if k - 1 not in used:
                used.append(k - 1)
        marks = " ".join(f"[{used.index(k - 1) + 1}]" for k in cites)
        body = sentence.rstrip()
        end = re.search(r"[.!?…:;]+$", body)
        if end:
            parts.append(f"{body[: end.start()]} {marks}{end.group(0)}")
        else:
            parts.append(f"{body} {marks}")
    joiner = "\n" if any(p.lstrip().startswith(("-", "•", "*")) for p in parts) else " "
    return GroundingCheck(joiner.join(parts).strip(), used, verdicts)
