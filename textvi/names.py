"""Names in Vietnamese text: capitalised runs, people's names, names of any origin.

Typed with or without diacritics; a person's name starts with one of the commonest family
names, a name of any origin is a run of capitalised words not opening a sentence.
"""

from __future__ import annotations

import re

from textvi.vietnamese import fold_diacritics, has_diacritics, is_vietnamese_syllable

__all__ = ["capitalised_runs", "name_runs", "person_names"]

_WORD_RE = re.compile(r"[^\W_]+(?:[-/.][^\W_]+)*")
# The commonest Vietnamese family names: a person's name starts with one.
_SURNAMES = frozenset(
    """
    nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh trương tô
    đào lương mai cao lâm trịnh đoàn vương hà chu tạ thái phùng quách kiều lưu triệu văn
    """.split()
)
# Capitalised phrases that start like a person's name but are places.
_NOT_PERSONS = frozenset({"hà nội", "hà tây", "hà đông", "hồ gươm", "hồ hoàn kiếm", "lê lợi"})
# the same typed without marks ("Nguyen Thi Tuyen", "Ha Noi"), for names typed so
_FOLDED_NAMES = (
    frozenset(map(fold_diacritics, _SURNAMES)),
    frozenset(map(fold_diacritics, _NOT_PERSONS)),
)


def capitalised_runs(text: str) -> list[tuple[int, int]]:
    """Spans of runs of capitalised words ("Đinh Tiến Dũng", "PAR-Index", "Hà Nội").

    >>> t = "Bí thư Thành ủy Hà Nội Đinh Tiến Dũng phát biểu"
    >>> [t[a:b] for a, b in capitalised_runs(t)]
    ['Bí', 'Thành', 'Hà Nội Đinh Tiến Dũng']
    """
    runs: list[tuple[int, int]] = []
    for m in _WORD_RE.finditer(text):
        if not m.group()[0].isupper():
            continue
        if runs and text[runs[-1][1] : m.start()] == " ":
            runs[-1] = (runs[-1][0], m.end())
        else:
            runs.append((m.start(), m.end()))
    return runs


def person_names(text: str, skip: str = "") -> list[tuple[int, int]]:
    """Spans of people's names: a family name and one to three capitalised syllables, at
    most one per run of capitalised words; a name found in ``skip`` (lowercase) is passed
    over for the next in its run.

    A name typed without marks is found when it is capitalised ("Nguyen Thi Tuyen"); typed
    in lower case it is not told from other words ("le", "mai", "dang").

    >>> t = "Phó Bí thư Thành ủy Hà Nội Nguyễn Văn Phong trình bày tham luận"
    >>> [t[a:b] for a, b in person_names(t)]
    ['Nguyễn Văn Phong']
    """
    spans = []
    for start, end in capitalised_runs(text):
        words = text[start:end].split(" ")
        unmarked = not has_diacritics(text[start:end])
        surnames, places = _FOLDED_NAMES if unmarked else (_SURNAMES, _NOT_PERSONS)
        offset = start
        skip_to = 0
        for k, w in enumerate(words):
            for size in (3, 2):  # "Hà Nội Nguyễn Thị Tuyến": the place is not a name
                if " ".join(words[k : k + size]).lower() in places:
                    skip_to = max(skip_to, k + size)
            if k < skip_to:
                offset += len(w) + 1
                continue
            if w.lower() in surnames and len(words) - k >= 2:
                name_words = []
                for x in words[k : k + 4]:
                    if not (x[:1].isupper() and (x[1:].islower() or len(x) == 1)):
                        break
                    name_words.append(x)
                name = " ".join(name_words)
                if (
                    len(name_words) >= 2
                    and name.lower() not in places
                    and (name.lower() not in skip)
                ):
                    spans.append((offset, offset + len(name)))
                    break
            offset += len(w) + 1
    return spans


def name_runs(text: str) -> list[tuple[int, int]]:
    """Runs of capitalised words that name something. A sentence's first word is
    capitalised anyway: alone it is a name only when it is no Vietnamese syllable
    ("Oracle") or has capitals inside ("NBA", "PAR-Index").

    >>> t = "Năm 2023 Oracle và La Mã"
    >>> [t[s:e] for s, e in name_runs(t)], name_runs("Oracle bán gì")
    (['Oracle', 'La Mã'], [(0, 6)])
    """
    out = []
    for s, e in capitalised_runs(text):
        run = text[s:e]
        first = s == 0 or text[:s].rstrip()[-1:] in '.!?:;\n"“('
        if first and " " not in run:
            if is_vietnamese_syllable(run) and not any(ch.isupper() for ch in run[1:]):
                continue
        out.append((s, e))
    return out

