"""Question analysis for the learned answerer: the kind of answer asked, and the words to find.

Only general Vietnamese question words live here (a small table, matched on folded
text so a question typed without diacritics reads the same); no topic words.

>>> a = analyze("Ai là người sáng lập Tập đoàn Oracle?")
>>> a.kind, a.terms
('person', ('người', 'sáng', 'lập', 'tập', 'đoàn', 'oracle'))
>>> analyze("ha noi tang truong bao nhieu").kind
'number'
>>> analyze("La Mã cổ đại bị xâm lược khi nào?").names
('La Mã',)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from textvi import fold_diacritics, name_runs, nfc, query_kind, tokenize

#: answer kinds, in the order they are tried; the first whose words occur wins
KINDS = ("date", "number", "place", "person", "list", "reason", "manner", "other")

#: Vietnamese question words by the kind of answer they ask for (accented; matched folded)
QUESTION_WORDS: dict[str, tuple[str, ...]] = {
    "date": (
        "khi nào", "bao giờ", "lúc nào", "năm nào", "ngày nào", "tháng nào", "thời gian nào",
        "thời điểm nào", "thế kỷ nào", "thập niên nào", "năm bao nhiêu", "ngày bao nhiêu",
        "giai đoạn nào", "thời kỳ nào", "vào năm", "từ năm nào", "đến năm nào", "hồi nào",
    ),
    "number": (
        "bao nhiêu", "mấy", "số lượng", "bao lâu", "bao xa", "tỷ lệ", "mức nào",
    ),
    "place": (
        "ở đâu", "tại đâu", "nơi nào", "đâu", "chỗ nào", "nước nào", "quốc gia nào",
        "tỉnh nào", "thành phố nào", "vùng nào", "khu vực nào", "địa điểm nào", "châu lục nào",
    ),
    "person": (
        "ai", "người nào", "tổ chức nào", "cơ quan nào", "công ty nào", "đội nào",
        "nhân vật nào", "tác giả nào", "hãng nào", "vị nào",
    ),
    "list": ("những gì", "gồm những", "bao gồm những", "gồm các", "những ai", "các loại"),
    "reason": ("tại sao", "vì sao", "lý do", "nguyên nhân", "để làm gì", "nhằm mục đích"),
    "manner": ("như thế nào", "thế nào", "ra sao", "bằng cách nào", "làm sao", "cách nào"),
    "other": ("là gì", "gì", "nào", "không"),
}  # fmt: skip

#: words that carry no topic: question words and function words (accented)
FUNCTION_WORDS = frozenset(
    """
    là của và có được những các cho với trong về theo đã sẽ đang thì mà để vào ở tại từ đến
    này đó ấy kia một hay hoặc cũng rất bị do nên nhưng lại ra việc còn vậy thế như khi nào
    gì ai đâu sao bao nhiêu mấy giờ không chưa hỏi điều đây nhé ạ nhỉ cái chiếc hãy xin biết
    """.split()
)
_FOLDED_FUNCTION_WORDS = frozenset(fold_diacritics(w) for w in FUNCTION_WORDS) - frozenset(
    # folded forms that are also common content syllables ("tư" of "đầu tư" folds to "tu")
    {"tu", "do", "ra", "the", "con", "dau", "ma", "bi", "nen", "sao", "hoi", "lai", "dien"}
)
#: (kind, phrase as syllables), longest first: the most specific phrase decides the kind
_PHRASES = sorted(
    ((kind, tuple(w.split())) for kind, words in QUESTION_WORDS.items() for w in words),
    key=lambda kw: (-len(kw[1]), KINDS.index(kw[0])),
)
_FOLDED_PHRASES = [(k, tuple(fold_diacritics(s) for s in w)) for k, w in _PHRASES]


def _find(seq: tuple[str, ...], phrase: tuple[str, ...]) -> list[int]:
    n = len(phrase)
    return [i for i in range(len(seq) - n + 1) if seq[i : i + n] == phrase]


def question_phrases(tokens: tuple[str, ...], folded: bool) -> tuple[str, set[int]]:
    """The kind asked (by the longest question phrase found) and the token positions of
    every question phrase. Phrases are compared accented, or folded for a folded question.

    >>> question_phrases(("bắt", "đầu", "như", "thế", "nào"), False)
    ('manner', {2, 3, 4})
    """
    kind, taken = "", set()
    for k, phrase in _FOLDED_PHRASES if folded else _PHRASES:
        for i in _find(tokens, phrase):
            span = set(range(i, i + len(phrase)))
            if span & taken:
                continue
            kind = kind or k
            taken |= span
    return kind or "other", taken


@dataclass(frozen=True)
class QuestionAnalysis:
    """What the question asks for, read once and shared by every feature."""

    text: str
    kind: str
    terms: tuple[str, ...]  # content syllables, in order (accented unless typed folded)
    folded: bool  # typed without diacritics: match on folded syllables
    foreign: bool  # not Vietnamese (English): words cannot be matched
    names: tuple[str, ...]  # capitalised runs after the first word, numbers: what must be there
    numbers: tuple[str, ...]

    @property
    def bigrams(self) -> tuple[tuple[str, str], ...]:
        return tuple(zip(self.terms, self.terms[1:], strict=False))


def match_form(token: str, folded: bool) -> str:
    """The form a token is compared in: folded when the question was typed folded."""
    return fold_diacritics(token) if folded else token


@lru_cache(maxsize=2048)
def analyze(question: str) -> QuestionAnalysis:
    """Read ``question`` once: its kind, content terms, names and numbers."""
    text = nfc(question).strip()
    how = query_kind(text)
    folded = how != "accented"  # no marks: compared folded (English too, harmlessly)
    tokens = tokenize(text)
    seq = tuple(fold_diacritics(t) for t in tokens) if folded else tuple(tokens)
    kind, asked = question_phrases(seq, folded)
    stop = _FOLDED_FUNCTION_WORDS if folded else FUNCTION_WORDS
    terms = [t for i, t in enumerate(seq) if i not in asked and t not in stop]
    names = [text[s:e] for s, e in name_runs(text)]
    numbers = tuple(t for t in tokens if any(ch.isdigit() for ch in t))
    return QuestionAnalysis(
        text=text,
        kind=kind,
        terms=tuple(terms),
        folded=folded,
        foreign=how == "foreign",
        names=tuple(names),
        numbers=numbers,
    )
