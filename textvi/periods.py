"""Years and year ranges a Vietnamese text names, and the period each part of it is about.

News text names a year once and goes on about it; the chunker records, for each chunk, the
period it is about (:func:`period_at`), and the answerer compares it with the year asked.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

__all__ = ["current_period", "period_at", "periods"]


_PERIOD_RE = re.compile(r"(?<![\w.,])((?:19|20)\d{2})(?:\s?[-–]\s?((?:19|20)\d{2}))?(?![.,]\d)(?!\w)")


def periods(text: str) -> list[tuple[int, str]]:
    """Every year or year range named in ``text``, as (end offset, period), in order.

    A date counts with its year; a range is "first-last".

    >>> periods("Ngày 24/11/2023 họp về kế hoạch 5 năm 2021-2025; có 2.500 doanh nghiệp.")
    [(15, '2023'), (47, '2021-2025')]
    """
    found = []
    for m in _PERIOD_RE.finditer(text):
        first, second = m.group(1), m.group(2)
        if second and 0 < int(second) - int(first) <= 50:
            found.append((m.end(), f"{first}-{second}"))
        else:
            found.append((m.end(1), first))
    return found


def current_period(named: Sequence[str], earlier: str = "") -> str:
    """The period a text is about after naming ``named`` (in order; see :func:`periods`).

    News text names a year once ("Năm 2023, ...") and goes on about it for
    several sentences: the last year named is the one a following sentence is
    most likely about. A range is mostly background ("năm 2024 là năm thứ tư
    thực hiện kế hoạch 5 năm 2021-2025"), so it counts only when no single
    year was named, here or ``earlier`` (the period of the text before).

    >>> current_period(["2023", "2021-2025"]), current_period(["2021-2025"], earlier="2024")
    ('2023', '2024')
    >>> current_period(["2011-2020"]), current_period([], earlier="2023"), current_period([])
    ('2011-2020', '2023', '')
    """
    singles = [p for p in named if "-" not in p]
    if singles:
        return singles[-1]
    if earlier and "-" not in earlier:
        return earlier
    return named[-1] if named else earlier


def period_at(named: Sequence[tuple[int, str]], offset: int, earlier: str = "") -> str:
    """The period a text is about at ``offset``, from its :func:`periods` ``named``: the
    :func:`current_period` of those that end by ``offset``.

    >>> text = "Năm 2023 tăng 6,11%. Năm 2024 là năm thứ tư của kế hoạch 2021-2025. Tiếp tục."
    >>> period_at(periods(text), text.index("Năm 2024")), period_at(periods(text), len(text))
    ('2023', '2024')
    >>> text = "Ngày 23 và 24/11/2023, Ban Chấp hành họp"
    >>> period_at(periods(text), len(text)), period_at(periods("có 2.500 doanh nghiệp"), 21)
    ('2023', '')
    """
    before = bisect.bisect_right(named, offset, key=lambda found: found[0])
    return current_period([period for _, period in named[:before]], earlier)
