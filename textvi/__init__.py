"""Vietnamese text handling, used by every layer (ingest, vector store, answering, eval).

It sits below them all and imports none of them; see :mod:`textvi.vietnamese`.

>>> from textvi import fold_diacritics, nfc
>>> fold_diacritics(nfc("Hà Nội"))
'Ha Noi'
"""

from textvi.vietnamese import (
    VIETNAMESE_ABBREVIATIONS,
    capitalised_runs,
    current_period,
    fold_diacritics,
    has_diacritics,
    is_folded,
    is_mostly_folded,
    is_vietnamese_syllable,
    name_runs,
    nfc,
    period_at,
    periods,
    person_names,
    query_kind,
    restore_diacritics,
    split_sentences,
    tokenize,
)

__all__ = [
    "VIETNAMESE_ABBREVIATIONS",
    "capitalised_runs",
    "current_period",
    "fold_diacritics",
    "has_diacritics",
    "is_folded",
    "is_mostly_folded",
    "is_vietnamese_syllable",
    "name_runs",
    "nfc",
    "period_at",
    "periods",
    "person_names",
    "query_kind",
    "restore_diacritics",
    "split_sentences",
    "tokenize",
]
