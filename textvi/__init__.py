"""Vietnamese text handling, used by every layer (ingest, vector store, answering, eval).

It sits below them all and imports none of them: :mod:`textvi.vietnamese` (marks, words,
sentences), :mod:`textvi.names` and :mod:`textvi.periods`; :mod:`textvi.followup_cues` for
conversations.

>>> from textvi import fold_diacritics, nfc
>>> fold_diacritics(nfc("Hà Nội"))
'Ha Noi'
"""

from textvi.names import capitalised_runs, name_runs, person_names
from textvi.periods import current_period, period_at, periods
from textvi.vietnamese import (
    VIETNAMESE_ABBREVIATIONS,
    fold_diacritics,
    has_diacritics,
    is_folded,
    is_mostly_folded,
    is_vietnamese_syllable,
    nfc,
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
