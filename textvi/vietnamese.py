"""Vietnamese text handling: the one place that knows about the language.

Everything here works on NFC text (precomposed letters: "ộ" is one code point,
not "o" + circumflex + dot below) and is pure, fast and dependency-free:

* :func:`nfc` normalises;
* :func:`fold_diacritics`, :func:`has_diacritics`, :func:`is_folded` deal with
  Vietnamese typed without its tone and vowel marks ("ha noi" for "Hà Nội");
* :func:`tokenize` cuts text into lowercase syllables and numbers for lexical
  search;
* :func:`split_sentences` finds sentence spans without breaking numbers
  ("7,5%", "1.000.000"), dates ("20/11/2017") or abbreviations ("TP.",
  "PGS.TS.", "Nguyễn V. A");
* names ("Hà Nội", "Đinh Tiến Dũng") are found in :mod:`textvi.names`, and the
  years a news text is about in :mod:`textvi.periods`.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "fold_diacritics",
    "has_diacritics",
    "is_folded",
    "is_mostly_folded",
    "is_vietnamese_syllable",
    "nfc",
    "query_kind",
    "restore_diacritics",
    "split_sentences",
    "tokenize",
    "VIETNAMESE_ABBREVIATIONS",
]


def nfc(text: str) -> str:
    """``text`` in Unicode NFC (precomposed letters).

    Text from PDFs, legacy encodings (cp1258) or macOS file names often comes
    decomposed; everything downstream compares NFC strings.

    >>> len("Ha\\u0300 No\\u0323\\u0302i"), len(nfc("Ha\\u0300 No\\u0323\\u0302i"))
    (9, 6)
    """
    return unicodedata.normalize("NFC", text)


# --------------------------------------------------------------------------- folding


def _build_fold_table() -> dict[int, str | None]:
    """Map every Latin letter with diacritics to its base letter.

    Covers Latin-1, Latin Extended-A/B and Latin Extended Additional (where the
    Vietnamese letters with two marks, "ộ", "ữ", live). Combining marks left
    over after NFC are deleted.
    """
    table: dict[int, str | None] = {}
    for lo, hi in ((0x00C0, 0x024F), (0x1E00, 0x1EFF)):
        for cp in range(lo, hi + 1):
            decomposed = unicodedata.normalize("NFD", chr(cp))
            base = "".join(c for c in decomposed if not unicodedata.combining(c))
            if len(base) == 1 and base != chr(cp):
                table[cp] = base
    # đ/Đ are letters of their own (no decomposition); Ð (Icelandic eth) is a
    # frequent stand-in for Đ in text converted from legacy encodings.
    table.update({ord("đ"): "d", ord("Đ"): "D", ord("Ð"): "D"})
    for cp in range(0x0300, 0x0370):  # combining diacritical marks
        table[cp] = None
    return table


_FOLD_TABLE = _build_fold_table()


def fold_diacritics(text: str) -> str:
    """``text`` (NFC) with every Vietnamese diacritic removed, "đ"/"Đ" → "d"/"D".

    Length-preserving: each character of ``nfc(text)`` maps to exactly one
    character, so an offset into the folded text is an offset into
    ``nfc(text)`` (useful to map a match back). The only exception is a
    combining mark that NFC could not attach to its letter (malformed input),
    which is dropped. Other Latin letters fold too ("é" → "e").

    >>> fold_diacritics("Hà Nội tăng trưởng 7,5%")
    'Ha Noi tang truong 7,5%'
    >>> fold_diacritics("Đảng bộ Thủ đô")
    'Dang bo Thu do'
    """
    return nfc(text).translate(_FOLD_TABLE)


def has_diacritics(text: str) -> bool:
    """True when ``text`` contains at least one letter with a diacritic (incl. đ).

    >>> has_diacritics("Hà Nội"), has_diacritics("Ha Noi"), has_diacritics("đi")
    (True, False, True)
    """
    normalized = nfc(text)
    return normalized.translate(_FOLD_TABLE) != normalized


def is_folded(text: str) -> bool:
    """True for text typed without diacritics: it has letters and all are plain ASCII.

    Meant for queries: "ha noi tang truong bao nhieu" is Vietnamese typed
    without marks, so a search should also compare folded forms. It cannot
    tell unaccented Vietnamese from English: "What is GRDP" is True too, which
    only makes the search try the folded comparison as well. Text without any
    letter ("2024", "") is False.

    >>> is_folded("ha noi tang truong bao nhieu"), is_folded("Hà Nội tăng trưởng")
    (True, False)
    """
    letters = [c for c in nfc(text) if c.isalpha()]
    return bool(letters) and all(c.isascii() for c in letters)


def is_mostly_folded(text: str) -> bool:
    """True for text typed without diacritics but for a word or two: at least 80% of its
    lowercase Vietnamese syllables, and four or more, carry no mark.

    "ha noi co bao nhieu sân bay" is typed without marks but for "sân"; in text typed
    with marks most syllables carry one ("Hà Nội có bao nhiêu sân bay?": "bao" alone
    does not). :func:`is_folded` texts are mostly folded too.

    >>> is_mostly_folded("ha noi co bao nhieu sân bay"), is_mostly_folded("Hà Nội có bao nhiêu sân bay?")
    (True, False)
    """
    if is_folded(text):
        return True
    words = [w for w in _TOKEN_RE.findall(nfc(text)) if w.islower() and w.isalpha()]
    words = [w for w in words if is_vietnamese_syllable(w)]
    plain = sum(w.isascii() for w in words)
    return plain >= 4 and plain >= 0.8 * len(words)


# --------------------------------------------------------------------------- tokens

# A number with decimal or thousands separators ("7,5", "400,421", "1.000.000")
# is one token; otherwise runs of letters/digits. Underscores are separators.
_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+")


def tokenize(text: str) -> list[str]:
    """Lowercase syllables and numbers of ``text`` (NFC), for lexical search.

    Decisions (each tested):

    * a number with a decimal comma/point or thousands separators stays one
      token: "7,5%" → "7,5", "1.000.000" → "1.000.000" (the "%" is dropped);
    * "/" and "-" separate: dates "20/11/2017" → "20", "11", "2017" and codes
      "143-KL/TU" → "143", "kl", "tu", so "năm 2017" or "kết luận 143" still
      match; callers that want adjacency use bigrams of the tokens;
    * syllables keep their diacritics (fold them with :func:`fold_diacritics`).

    >>> tokenize("Hà Nội tăng trưởng 7,5% theo Kết luận 143-KL/TU")
    ['hà', 'nội', 'tăng', 'trưởng', '7,5', 'theo', 'kết', 'luận', '143', 'kl', 'tu']
    """
    return _TOKEN_RE.findall(nfc(text).lower())


# --------------------------------------------------------------------------- sentences

# End punctuation (". ! ? …", also "..." and "?!"), then closing quotes/brackets.
_TERMINATOR_RE = re.compile(r"[.!?…]+[\"”’»)\]]*")
_OPENERS = '"“‘«(['
_LEADING_PUNCT = '"“‘«([{'

# Titles and abbreviations written with a final period that do not end a
# sentence ("TP. Hà Nội", "ThS. Lê Minh", "GS. Ngô Bảo Châu"). Compared in
# lowercase without the period. Acronyms written without a period (UBND,
# HĐND, XIV) are ordinary words: "... của UBND. Sau đó" ends a sentence.
_ABBREVIATIONS = frozenset(
    {
        "tp", "ts", "ths", "pgs", "gs", "bs", "bsck", "bscki", "bsckii", "ks", "ncs",
        "cn", "ls", "nxb", "tx", "tt", "tr", "tskh", "nsnd", "nsưt", "đc", "đ/c",
        "mr", "mrs", "ms", "dr", "prof", "jr", "sr", "st", "vs", "no",
    }
)  # fmt: skip
# Dotted forms that look like titles but are places that often end a sentence.
_NOT_ABBREVIATIONS = frozenset({"tp.hcm", "tp.hn"})
_DOTTED_TITLE_RE = re.compile(r"[A-ZĐ][^\W\d_]{0,5}(?:\.[^\W\d_]{1,6})+")
_ENUMERATOR_RE = re.compile(r"(?:\d{1,3}|[IVXLC]{1,6}|[A-Za-z])\.")


def _is_abbreviation(token: str) -> bool:
    """True when ``token`` (ending in ".") is a title, an abbreviation or an initial."""
    body = token.lstrip(_LEADING_PUNCT)[:-1]
    if not body:
        return False
    low = body.lower()
    if low in _NOT_ABBREVIATIONS:
        return False
    if low in _ABBREVIATIONS:
        return True
    if len(body) == 1 and body.isupper():  # an initial: "Nguyễn V. A", "Q. Ba Đình"
        return True
    return bool(_DOTTED_TITLE_RE.fullmatch(body))  # "TS.BS", "PGS.TS", "Th.S"


def _starts_sentence(line: str, pos: int) -> bool:
    """True when the text at ``pos`` (after the spaces) can start a sentence."""
    while pos < len(line) and line[pos] in _OPENERS:
        pos += 1
    if pos >= len(line):
        return False
    c = line[pos]
    return c.isupper() or c.isdigit()


def _line_boundaries(line: str) -> list[int]:
    """End offsets (in ``line``) of the sentences of one line, the last one excluded."""
    cuts: list[int] = []
    sentence_start = 0
    for m in _TERMINATOR_RE.finditer(line):
        end = m.end()
        if end >= len(line) or not line[end].isspace():
            continue  # inside "7,5.", "1.000.000", "./.", or the end of the line
        after = end
        while after < len(line) and line[after].isspace():
            after += 1
        if not _starts_sentence(line, after):
            continue  # "quan liêu... củng cố": lowercase goes on
        if m.group() == ".":  # a bare period: is the word before it an abbreviation?
            token_start = m.start()
            while token_start > 0 and not line[token_start - 1].isspace():
                token_start -= 1
            token = line[token_start:end]
            if _is_abbreviation(token):
                continue
            if token_start <= sentence_start and _ENUMERATOR_RE.fullmatch(token):
                continue  # "1. Tăng cường ..." at the start of a sentence
        cuts.append(end)
        sentence_start = after
    return cuts


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of ``text``.

    A sentence ends at a line break, or at ". ! ? …" (with any closing quotes
    or brackets) followed by a space and an uppercase letter (Đ, Ư, Â... count),
    a digit or an opening quote. It does not end inside numbers ("7,5%",
    "400,421", "1.000.000"), dates ("19/11", "20/11/2017"), after titles and
    abbreviations ("TP.", "ThS.", "GS.", "PGS.TS.", "TS.BS"), after an initial
    ("Nguyễn V. A"), after a list number at the start of a sentence ("1. ..."),
    or before a lowercase word ("quan liêu... củng cố"). Spans exclude the
    surrounding whitespace, so ``text[start:end]`` is the stripped sentence.

    >>> t = "Kinh tế tăng 7,5%. Sáng 19/11, TP. Hà Nội họp. “Đây là mốc mới”. Đó là"
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['Kinh tế tăng 7,5%.', 'Sáng 19/11, TP. Hà Nội họp.', '“Đây là mốc mới”.', 'Đó là']
    """
    spans: list[tuple[int, int]] = []
    for line_match in re.finditer(r"[^\n]+", text):
        line = line_match.group()
        offset = line_match.start()
        start = 0
        for cut in [*_line_boundaries(line), len(line)]:
            piece = line[start:cut]
            stripped = piece.strip()
            if stripped:
                lead = len(piece) - len(piece.lstrip())
                s = offset + start + lead
                spans.append((s, s + len(stripped)))
            start = cut
    return spans


# --------------------------------------------------------------------------- queries

# A Vietnamese syllable written without marks: optional onset, a vowel cluster,
# optional coda. English words mostly fail it ("what", "growth", "is", "how").
_FOLDED_SYLLABLE_RE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdghklmnpqrstvx])?"
    r"(?:[aeiouy]{1,3})(?:ch|nh|ng|[cmnpt])?"
)

QueryKind = str  # "accented" | "folded" | "foreign"

# Abbreviations Vietnamese news and the people who read it write all the time, folded
# ("UBND TP" for Ủy ban nhân dân thành phố): not syllables, yet no sign of another
# language either.
VIETNAMESE_ABBREVIATIONS = frozenset(
    """
    bch bcd bct bcs btv bhxh bhyt bqp bca cand csgt cp ct dbqh dhqg dn dnnn hcm hdnd hn
    kcn kl ktxh kt xh mttq nd nq qd qh qlnn sxkd thcs thpt tnhh tp tphcm ttg tthc tu tw
    ubnd ubtvqh vn vnd xhcn
    """.split()
)


def is_vietnamese_syllable(token: str) -> bool:
    """True when ``token`` (any case, marks or not) has the shape of a Vietnamese syllable.

    >>> [is_vietnamese_syllable(t) for t in ("nghiêng", "truong", "what", "growth")]
    [True, True, False, False]
    """
    return _FOLDED_SYLLABLE_RE.fullmatch(fold_diacritics(token).lower()) is not None


def query_kind(text: str) -> QueryKind:
    """How a query is typed: ``"accented"`` Vietnamese, ``"folded"`` Vietnamese
    without marks, or ``"foreign"`` (e.g. English), which search treats differently.

    Text with any Vietnamese mark is accented. Unmarked text is folded
    Vietnamese when at least 80% of its words have the shape of a Vietnamese
    syllable, otherwise foreign. Common Vietnamese abbreviations ("ubnd", "tp":
    :data:`VIETNAMESE_ABBREVIATIONS`) are left out of that count.

    >>> query_kind("Hà Nội tăng trưởng bao nhiêu?")
    'accented'
    >>> query_kind("ha noi tang truong bao nhieu")
    'folded'
    >>> query_kind("What growth target did Hanoi set?")
    'foreign'
    >>> query_kind("ubnd tp ha noi phai lam gi")
    'folded'
    """
    if has_diacritics(text):
        return "accented"
    words = [
        t
        for t in tokenize(text)
        if not any(ch.isdigit() for ch in t) and fold_diacritics(t) not in VIETNAMESE_ABBREVIATIONS
    ]
    if not words:
        return "accented"
    share = sum(is_vietnamese_syllable(w) for w in words) / len(words)
    return "folded" if share >= 0.8 else "foreign"


def restore_diacritics(
    text: str,
    unigrams: dict[str, dict[str, int]],
    bigrams: dict[tuple[str, str], int],
    *,
    max_candidates: int = 6,
) -> str:
    """Put the marks back on a query typed without them, from corpus statistics.

    ``unigrams`` maps a folded syllable to the accented forms seen in the corpus
    with their counts; ``bigrams`` counts adjacent accented syllable pairs. The
    most likely accented sequence is chosen by Viterbi over log counts, so
    context decides ("tang truong" → "tăng trưởng", not "tầng trường"). Words
    never seen stay as typed. Returns lowercase syllables joined by spaces.

    >>> uni = {"ha": {"hà": 5}, "noi": {"nội": 5, "nói": 2}}
    >>> restore_diacritics("ha noi", uni, {("hà", "nội"): 5})
    'hà nội'
    """
    import math

    tokens = tokenize(text)
    if not tokens:
        return nfc(text)
    lattice: list[list[tuple[str, float]]] = []
    for tok in tokens:
        forms = unigrams.get(fold_diacritics(tok), {})
        best = sorted(forms.items(), key=lambda kv: -kv[1])[:max_candidates]
        lattice.append([(f, math.log1p(c)) for f, c in best] or [(tok, 0.0)])
    # Viterbi: score = sum of unigram log counts + 2 * bigram log counts
    prev = {f: (s, [f]) for f, s in lattice[0]}
    for column in lattice[1:]:
        cur: dict[str, tuple[float, list[str]]] = {}
        for f, s in column:
            best_score, best_path = max(
                ((ps + s + 2.0 * math.log1p(bigrams.get((pf, f), 0)), path) for pf, (ps, path) in prev.items()),
                key=lambda x: x[0],
            )
            cur[f] = (best_score, [*best_path, f])
        prev = cur
    return " ".join(max(prev.values(), key=lambda x: x[0])[1])


# --------------------------------------------------------------------------- periods

# a year (1900-2099), alone, closing a date ("24/11/2023") or opening a range
# ("2021-2025", "2024 – 2026"); not inside a longer number or code ("1.2023,5",
# "20245", "2023A")
