"""What ``pip install .`` ships: every package and sub-package, and every data file they read."""

from __future__ import annotations

import fnmatch
import subprocess
import tomllib
from pathlib import Path

from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
TOP_LEVEL = ["textvi", "assistant", "ingest", "vectorstore", "prompts", "eval", "webapp"]


def _package_dirs() -> set[str]:
    return {
        ".".join(p.parent.relative_to(ROOT).parts)
        for top in TOP_LEVEL
        for p in (ROOT / top).rglob("__init__.py")
        if "__pycache__" not in p.parts
    }


def _source_files() -> list[str]:
    """The files under version control (not reports or caches a run leaves in the tree)."""
    try:
        out = subprocess.run(
            ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        out = "\n".join(p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*") if p.is_file())
    return [line for line in out.splitlines() if line]


def test_every_sub_package_is_shipped() -> None:
    shipped = set(find_packages(str(ROOT), include=CONFIG["packages"]["find"]["include"]))
    missing = _package_dirs() - shipped
    assert not missing, f"pyproject.toml leaves these packages out of a wheel: {sorted(missing)}"


def test_every_data_file_beside_the_code_is_shipped() -> None:
    patterns = CONFIG["package-data"]
    unshipped = []
    for path in _source_files():
        top, _, rel = path.partition("/")
        if top not in TOP_LEVEL or path.endswith((".py", ".pyc")) or "__pycache__" in path:
            continue
        if not any(fnmatch.fnmatch(rel, pat) for pat in patterns.get(top, [])):
            unshipped.append(path)
    assert not unshipped, f"add these to [tool.setuptools.package-data]: {unshipped}"
