"""Cues of a follow-up: how it is typed."""

from __future__ import annotations

import pytest

from textvi.followup_cues import typed_without_marks


@pytest.mark.parametrize(
    "text", ["con nam 2024?", "con SIPAS thi sao", "bon cam ket hanh dong la gi", "GRDP binh quan"]
)
def test_vietnamese_typed_without_marks_is_told(text):
    assert typed_without_marks(text)


@pytest.mark.parametrize(
    "text", ["còn năm 2024?", "PAR-Index", "GRDP 2024", "what about the growth target", ""]
)
def test_marked_text_codes_and_english_are_not_taken_for_it(text):
    assert not typed_without_marks(text)
