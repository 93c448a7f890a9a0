"""Fixtures for the Vietnamese text tests: the bundled articles (real Vietnamese, offline)."""

from __future__ import annotations

from pathlib import Path

import pytest

ARTICLES_DIR = Path(__file__).resolve().parents[2] / "data" / "articles"


@pytest.fixture(scope="session")
def article_files() -> dict[str, Path]:
    """The bundled articles by their three-digit prefix ("000" ... "004")."""
    return {path.name[:3]: path for path in sorted(ARTICLES_DIR.glob("[0-9][0-9][0-9]_*.txt"))}
