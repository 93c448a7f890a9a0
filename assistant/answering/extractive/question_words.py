"""What the question's words stand for in the retrieved passages.

Read once per question over all its passages, for the sentence scorer:

* the question's words naming the city an article calls "TP Hà Nội" (there
  "TP", "thành phố" and "Thủ đô" name it): :func:`city_words`;
* the question's two-syllable words and whether the passages write them
  (:func:`term_pairs`), the words used only in such words that the passages never
  write (:func:`stray_terms`), and per word, the two-syllable words it belongs
  to that the passages do write (:func:`compounds`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answering.extractive.units import cached_tokens
from assistant.answering.question import QuestionProfile
from assistant.answering.question_cues import fold
from assistant.types import Passage

__all__ = ["city_words", "compounds", "refers_to_city", "stray_terms", "term_pairs"]

# "TP Hà Nội", "thành phố Hà Nội", "Thủ đô Hà Nội": the city an article is about
_CITY_NAME_RE = re.compile(r"(?<!\w)(?:TP\.?|[Tt]hành phố|[Tt]hủ đô)\s+((?:\w+ ?){1,3})")
_CITY_ANAPHORS = (("tp",), ("thanh", "pho"), ("thu", "do"))


def refers_to_city(folded_seq: Sequence[str]) -> bool:
    """Whether a sentence says "TP", "thành phố" or "Thủ đô" (folded syllables)."""
    for k, w in enumerate(folded_seq):
        for a in _CITY_ANAPHORS:
            if w == a[0] and tuple(folded_seq[k : k + len(a)]) == a:
                return True
    return False


def city_words(profile: QuestionProfile, passages: Sequence[Passage]) -> dict[str, frozenset[str]]:
    """Per article, the question's words naming the city the article calls "TP Hà Nội".

    >>> from assistant.answering.question import analyze_question
    >>> q = analyze_question("Năm 2024 Hà Nội tăng trưởng bao nhiêu?")
    >>> p = Passage(text="Năm 2024, TP Hà Nội phấn đấu tăng trưởng 7%.", source="a.txt",
    ...             title="", score=1.0, chunk_id="a")
    >>> sorted(city_words(q, [p])["a.txt"])
    ['ha', 'noi']
    """
    if profile.foreign:
        return {}
    question = " " + fold(profile.text) + " "
    texts: dict[str, str] = {}
    for p in passages:
        texts[p.source] = texts.get(p.source, "") + " " + p.title + " " + p.text
    out: dict[str, frozenset[str]] = {}
    for source, text in texts.items():
        words: set[str] = set()
        for m in _CITY_NAME_RE.finditer(text):
            caps = []
            for t in m.group(1).split():
                if not t[0].isupper():
                    break
                caps.append(fold(t))
            for n in range(len(caps), 1, -1):  # a name of two or three capitalised syllables
                if f" {' '.join(caps[:n])} " in question:
                    words |= set(caps[:n])
                    break
        if words:
            out[source] = frozenset(words)
    return out


def term_pairs(profile: QuestionProfile, folded_text: str) -> dict[tuple[str, str], bool]:
    """The question's two-syllable words (adjacent content words, folded), and whether the
    passages write each. ``folded_text`` is the passages' folded text, spaced.

    >>> from assistant.answering.question import analyze_question
    >>> p = analyze_question("Dân số Hà Nội là bao nhiêu?")
    >>> term_pairs(p, " ha noi tang truong 2 con so ")
    {('dan', 'so'): False, ('so', 'ha'): False, ('ha', 'noi'): True}
    """
    if profile.foreign:
        return {}
    terms = {t.folded for t in profile.terms if not t.folded.isdigit()}
    seq = [fold(t) for t in cached_tokens(profile.text)]
    return {
        (a, b): f" {a} {b} " in folded_text
        for a, b in zip(seq, seq[1:], strict=False)
        if a in terms and b in terms
    }


def stray_terms(pairs: dict[tuple[str, str], bool]) -> frozenset[str]:
    """The question's words that it uses only in two-syllable words the passages never write
    (``pairs`` from :func:`term_pairs`).

    "Dân số Hà Nội là bao nhiêu?" in articles that never write "dân số": "số" in "2 con số"
    or "chuyển đổi số" is another word, and so are "diễn" and "tích" in "diễn đàn" and "tích
    cực" for "dien tich". A word with a neighbour of the question written beside it in the
    passages ("thành lập" in "thành lập mới"), or standing alone in the question, is not
    stray.

    >>> from assistant.answering.question import analyze_question
    >>> p = analyze_question("Dân số Hà Nội là bao nhiêu?")
    >>> sorted(stray_terms(term_pairs(p, " ha noi tang truong 2 con so ")))
    ['dan', 'so']
    >>> sorted(stray_terms(term_pairs(p, " dan so ha noi khoang 8 trieu nguoi ")))
    []
    """
    seen: dict[str, bool] = {}
    for (a, b), written in pairs.items():
        seen[a] = seen.get(a, False) or written
        seen[b] = seen.get(b, False) or written
    return frozenset(t for t, written in seen.items() if not written)


def compounds(pairs: dict[tuple[str, str], bool]) -> dict[str, frozenset[tuple[str, str]]]:
    """Per question word, the question's two-syllable words with it that the passages write
    (``pairs`` from :func:`term_pairs`).

    Vietnamese words are mostly two syllables, and a syllable alone says little: "bình"
    is in "bình quân" (average) and in "hòa bình" (peace). A sentence that has "bình"
    and "quân" apart has other words than the question's "bình quân", when the passages
    write "bình quân" somewhere.

    >>> from assistant.answering.question import analyze_question
    >>> p = analyze_question("thu nhap binh quan nguoi dan ha noi")
    >>> c = compounds(term_pairs(p, " grdp binh quan dau nguoi ha noi "))
    >>> sorted(c)
    ['binh', 'ha', 'noi', 'quan']
    >>> sorted(c["quan"])
    [('binh', 'quan')]
    """
    out: dict[str, set[tuple[str, str]]] = {}
    for (a, b), written in pairs.items():
        if written and a != b:
            out.setdefault(a, set()).add((a, b))
            out.setdefault(b, set()).add((a, b))
    return {t: frozenset(v) for t, v in out.items()}
