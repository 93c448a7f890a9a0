"""What the index stores and indexes for a chunk beside its text: the text it is searched by
and its date as a number (for date filters)."""

from __future__ import annotations

from typing import Any

from ingest import schema


def date_number(date: str) -> int:
    """ISO date (full or partial) as a sortable integer; 0 when unknown.

    >>> date_number("2017-11-20"), date_number("2023-11"), date_number("")
    (20171120, 20231100, 0)
    """
    parts = (date or "").split("-")
    try:
        y = int(parts[0])
        m = int(parts[1]) if len(parts) > 1 else 0
        d = int(parts[2]) if len(parts) > 2 else 0
    except ValueError:
        return 0
    return y * 10000 + m * 100 + d


def indexed_text(text: str, metadata: dict[str, Any]) -> str:
    """What is embedded and indexed for a chunk: its text under its section heading.

    A heading names what a section is about ("Quyết liệt tập trung tháo gỡ 5
    điểm nghẽn"); repeating it before every chunk of the section lets a chunk
    deep in the section match a question about it. The displayed passage is the
    chunk text alone.

    >>> indexed_text("Đó là ùn tắc giao thông.", {"section": "Năm điểm nghẽn"})
    'Năm điểm nghẽn\\nĐó là ùn tắc giao thông.'
    """
    section = str(metadata.get(schema.SECTION, "") or "")
    if not section or text.startswith(section):
        return text
    return f"{section}\n{text}"
