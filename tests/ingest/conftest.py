"""Fixtures for the ingest tests: real corpus paths and small file makers (all offline)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest

ARTICLES_DIR = Path(__file__).resolve().parents[2] / "data" / "articles"
ARTICLE_FILES = {
    "000": ARTICLES_DIR / "000_cb99b14b31951c52.txt",
    "001": ARTICLES_DIR / "001_4161f699ca7b0618.txt",
    "002": ARTICLES_DIR / "002_6cec925b734f27ee.txt",
    "003": ARTICLES_DIR / "003_bb8dc27ebd9d1b07.txt",
    "004": ARTICLES_DIR / "004_c872be74d7b7b5f5.txt",
}
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # the five marks cp1258 encodes as combining


def to_cp1258(text: str) -> bytes:
    """Encode Vietnamese as Windows-1258 does: base vowel (â, ơ...) + combining tone mark."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in decomposed if c in _TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def build_pdf(
    pages: list[list[str]], *, user_password: str | None = None, title: str = ""
) -> bytes:
    """A real PDF whose pages show ``pages`` (lines of text), made with pypdf.

    Non-ASCII characters (Vietnamese) get codes 128+ through a font
    /Differences encoding with /uniXXXX glyph names, which pypdf maps back.
    An empty page list entry makes a page without any text (like a scan).
    """
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        NumberObject,
    )

    chars = sorted({c for page in pages for line in page for c in line if ord(c) > 126})
    assert len(chars) <= 128, "too many distinct non-ASCII characters for one font"
    code = {c: 128 + i for i, c in enumerate(chars)}
    writer = PdfWriter()
    encoding = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Encoding"),
            NameObject("/Differences"): ArrayObject(
                [NumberObject(128)] + [NameObject(f"/uni{ord(c):04X}") for c in chars]
            ),
        }
    )
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): encoding,
            }
        )
    )
    for lines in pages:
        page = writer.add_blank_page(612, 792)
        if not lines:
            continue
        ops = ["BT /F1 11 Tf 14 TL 72 740 Td"]
        for line in lines:
            raw = bytes(code.get(c, ord(c)) for c in line)
            raw = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
            ops.append("(" + raw.decode("latin-1") + ") Tj T*")
        ops.append("ET")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
    if title:
        writer.add_metadata({"/Title": title})
    if user_password is not None:
        writer.encrypt(user_password=user_password, owner_password="owner-secret")
    buf = BytesIO()
    writer.write(buf)
    return buf.getvalue()


@pytest.fixture
def make_pdf() -> Callable[..., bytes]:
    return build_pdf


@pytest.fixture
def cp1258() -> Callable[[str], bytes]:
    return to_cp1258


@pytest.fixture(scope="session")
def article_files() -> dict[str, Path]:
    return dict(ARTICLE_FILES)
