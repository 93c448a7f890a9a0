"""Lexical engines side by side on the same tokens: tantivy (what the index uses) and SQLite FTS5.

    python benchmarks/lexical_engines.py                 # 100,000 chunks
    python benchmarks/lexical_engines.py --chunks 20000

Both index the same chunks (60 words of real text at random offsets of the bundled articles),
tokenised by our own Vietnamese tokenizer into an accented and a folded view with syllable
bigrams (:func:`vectorstore.lexical.lexical_features`), and answer the gold questions (accented,
and folded for the folded view) for their top 50 by BM25. Printed per engine: build time, one
source of 10 chunks replaced until searchable, search p50 / p95, and size on disk. This is what
the choice of tantivy in the README rests on.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from eval.dataset import load_dataset  # noqa: E402
from textvi import fold_diacritics  # noqa: E402
from vectorstore.lexical import LexicalIndex, lexical_features  # noqa: E402

CORPUS = REPO / "data" / "articles"
DATASET = REPO / "eval" / "datasets" / "hanoi.jsonl"
PER_SOURCE = 100


def chunks(n: int) -> list[tuple[str, list[tuple[str, str]]]]:
    """``n`` synthetic chunks as (source, [(chunk_id, text)]), 100 per source."""
    words = [w for f in sorted(CORPUS.glob("*.txt")) for w in f.read_text(encoding="utf-8").split()]
    rng = random.Random(7)
    out = []
    for s in range(n // PER_SOURCE):
        items = []
        for i in range(PER_SOURCE):
            start = rng.randrange(len(words) - 60)
            items.append((f"{s}-{i}", " ".join(words[start : start + 60])))
        out.append((f"/synthetic/{s:06d}.txt", items))
    return out


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


class Fts5:
    """The same two views in an FTS5 table; tokens quoted so FTS5 keeps them whole."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path / "fts.sqlite")
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(
            "CREATE VIRTUAL TABLE chunks USING fts5(id UNINDEXED, source UNINDEXED, acc, fold,"
            " tokenize=\"unicode61 remove_diacritics 0 tokenchars '_.,%-'\")"
        )

    def replace(self, source: str, items: list[tuple[str, str]]) -> None:
        self.db.execute("DELETE FROM chunks WHERE source = ?", (source,))
        self.db.executemany(
            "INSERT INTO chunks VALUES (?, ?, ?, ?)",
            [
                (cid, source, " ".join(lexical_features(t, folded=False)), " ".join(lexical_features(t, folded=True)))
                for cid, t in items
            ],
        )

    def commit(self) -> None:
        self.db.commit()

    def search(self, query: str, k: int, *, folded: bool) -> list[tuple[str, float]]:
        column = "fold" if folded else "acc"
        tokens = lexical_features(query, folded=folded)
        if not tokens:
            return []
        match = " OR ".join(f'{column}:"{t}"' for t in dict.fromkeys(tokens))
        rows = self.db.execute(
            "SELECT id, bm25(chunks) AS s FROM chunks WHERE chunks MATCH ? ORDER BY s LIMIT ?", (match, k)
        ).fetchall()
        return [(cid, -s) for cid, s in rows]


class Tantivy:
    def __init__(self, path: Path) -> None:
        self.index = LexicalIndex(path)
        self._update = None
        self._batch = None

    def replace(self, source: str, items: list[tuple[str, str]]) -> None:
        if self._batch is None:
            self._update = self.index.update()
            self._batch = self._update.__enter__()
        self._batch.replace(source, "v", [(cid, t, {}) for cid, t in items])

    def commit(self) -> None:
        self._update.__exit__(None, None, None)
        self._update = self._batch = None

    def search(self, query: str, k: int, *, folded: bool) -> list[tuple[str, float]]:
        return self.index.search(query, k, folded=folded)


def measure(name: str, engine_cls, data: list, questions: list[str], root: Path) -> dict:
    path = root / name
    path.mkdir()
    engine = engine_cls(path)
    t0 = time.perf_counter()
    for source, items in data:
        engine.replace(source, items)
    engine.commit()
    build = time.perf_counter() - t0
    for q in questions[:5]:
        engine.search(q, 50, folded=False)
    lat = []
    for q in questions:
        for folded in (False, True):
            text = fold_diacritics(q) if folded else q
            t0 = time.perf_counter()
            engine.search(text, 50, folded=folded)
            lat.append((time.perf_counter() - t0) * 1000)
    source, items = data[0]
    new = [(f"new-{i}", f"phương án mang mã số QX{i} mở rộng không gian đi bộ") for i in range(10)]
    t0 = time.perf_counter()
    engine.replace(source, new)
    engine.commit()
    found = engine.search("phương án QX3", 5, folded=False)
    update = time.perf_counter() - t0
    assert found and found[0][0] == "new-3", found
    return {"build_s": build, "update_s": update, "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95),
            "mean_ms": statistics.mean(lat), "disk_mb": dir_mb(path)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--chunks", type=int, default=100_000)
    p.add_argument("--questions", type=int, default=40, help="the first N gold questions")
    args = p.parse_args(argv)
    data = chunks(args.chunks)
    questions = [item.question for item in load_dataset(DATASET) if not item.history][: args.questions]
    print(f"{args.chunks:,} chunks, {len(questions)} questions x (accented, folded), top 50 by BM25")
    print(f"  {'engine':<8} {'build':>9} {'1 source replaced':>18} {'search p50 / p95':>20} {'on disk':>9}")
    with tempfile.TemporaryDirectory() as d:
        for name, cls in (("tantivy", Tantivy), ("fts5", Fts5)):
            r = measure(name, cls, data, questions, Path(d))
            print(
                f"  {name:<8} {r['build_s']:>8.1f}s {r['update_s'] * 1000:>15.0f} ms"
                f" {r['p50_ms']:>9.1f} / {r['p95_ms']:>5.1f} ms {r['disk_mb']:>6.0f} MB"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
