"""The layers hold: no module imports a layer above it, and no two clients import each other.

Read from the source (``ast``), so lazy imports inside functions and ``TYPE_CHECKING`` blocks
count as much as the ones at the top of a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

#: top-level package or module -> (rank, group). A module may import a lower rank or its own
#: group; same rank with another group (app and eval, cli and benchmarks) is as wrong as upward.
LAYERS: dict[str, tuple[int, str]] = {
    "textvi": (0, "textvi"),
    "ingest": (1, "ingest"),
    "vectorstore": (2, "vectorstore"),
    "prompts": (3, "prompts"),
    "assistant": (4, "assistant"),
    "app": (5, "app"),
    "webapp": (5, "app"),
    "eval": (5, "eval"),
    "cli": (6, "cli"),
    "benchmarks": (6, "benchmarks"),
}


def _first_party() -> set[str]:
    """The repository's top-level packages and modules (what a ``LAYERS`` entry must name)."""
    names = {p.parent.name for p in REPO.glob("*/__init__.py")}
    names |= {p.stem for p in REPO.glob("*.py")}
    names |= {p.name for p in REPO.iterdir() if p.is_dir() and any(p.glob("*.py"))}
    return names - {"tests", "scripts", "docs", "data", "conftest"}


def _source_files(name: str) -> list[Path]:
    path = REPO / name
    if path.is_dir():
        return sorted(path.rglob("*.py"))
    return [p for p in [REPO / f"{name}.py"] if p.exists()]


def _imports(file: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``file``."""
    found = []
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"), str(file))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def violations(layers: dict[str, tuple[int, str]] = LAYERS) -> list[str]:
    """Every import that reaches a higher layer, or a client of the same rank."""
    bad = []
    for name, (rank, group) in layers.items():
        for file in _source_files(name):
            for line, module in _imports(file):
                top = module.split(".")[0]
                if top not in layers:
                    continue  # stdlib or a third-party package
                other_rank, other_group = layers[top]
                if other_group != group and other_rank >= rank:
                    where = file.relative_to(REPO)
                    bad.append(f"{where}:{line} imports {module} ({other_group} is not below {group})")
    return bad


def test_every_package_has_a_layer():
    assert _first_party() <= set(LAYERS), _first_party() - set(LAYERS)


def test_no_module_imports_a_layer_above_it():
    assert violations() == []


def test_the_check_catches_an_upward_import(tmp_path, monkeypatch):
    """The walk itself works: a store module that imports the assistant is reported."""
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "x.py").write_text(
        "def f():\n    from top.core import Assistant\n", encoding="utf-8"
    )
    (tmp_path / "top").mkdir()
    (tmp_path / "top" / "core.py").write_text("import store.x\n", encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.REPO", tmp_path)
    assert violations({"store": (0, "store"), "top": (1, "top")}) == [
        "store/x.py:2 imports top.core (top is not below store)"
    ]


@pytest.mark.parametrize("client", ["app", "eval"])
def test_the_core_cli_knows_no_client(client):
    imported = {m.split(".")[0] for _, m in _imports(REPO / "assistant" / "cli.py")}
    assert client not in imported
