"""Retrieval ablation: each component's contribution, on the bundled set and the external benchmark.

    python -m eval.ablation --zalo ../shared/benchmarks/zalo-wikiqa-2019/train.json
    python -m eval.ablation --zalo PATH --chunk-sizes 400,600,800,1000 --overlaps 0,1  # also sweep chunking

Every variant is a set of retrieval settings (``Settings.retrieval``), run through
``Assistant.retrieve`` on a view of one index per corpus (``Assistant.with_settings``:
the index is built once; variants change only how a query is searched). Prints a
Markdown table (the one in docs/retrieval.md) and writes it with ``--out``.

Sets:
  hanoi        the bundled gold set (answerable questions), as written (a follow-up with its conversation)
  hanoi nodiac its questions typed without diacritics (the no_diacritics category)
  hanoi+zalo   the bundled set with the 142 benchmark paragraphs mixed in as distractors
  zalo         the external benchmark, as written and with diacritics stripped
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from assistant import Assistant, Settings
from assistant.settings import BUNDLED_CORPUS
from eval.dataset import load_dataset
from eval.metrics import hit_at_k, mrr
from eval.zalo import load_squad, write_paragraphs
from textvi import fold_diacritics

REPO = Path(__file__).resolve().parents[1]
CORPUS = BUNDLED_CORPUS
DATASET = REPO / "eval" / "datasets" / "hanoi.jsonl"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Variant:
    """One row of the table: a name and the retrieval settings it changes from the defaults."""

    name: str
    retrieval: dict[str, Any] = field(default_factory=dict)

    def settings(self, base: Settings) -> Settings:
        """``base`` with this variant's retrieval settings."""
        retrieval = base.retrieval.model_validate({**base.retrieval.model_dump(), **self.retrieval})
        return base.model_copy(update={"retrieval": retrieval})


FIRST_STAGE = {"rerank": "none"}
_ALL_WEIGHTS = (
    "dense_weight", "lexical_weight", "folded_dense_weight", "folded_lexical_weight",
    "foreign_dense_weight", "foreign_lexical_weight",
)  # fmt: skip


def variants(rerank_weight: float = 0.4, period_weight: float = 2.5) -> list[Variant]:
    """From the plain baselines to the default, one component at a time."""
    plain_rrf = {
        **FIRST_STAGE, "fusion": "rrf", **dict.fromkeys(_ALL_WEIGHTS, 1.0),
        "restore_diacritics": False, "period_weight": 0.0,
    }  # fmt: skip
    no_period = {**FIRST_STAGE, "period_weight": 0.0}
    rrf_restored = {**plain_rrf, "restore_diacritics": True}
    z_equal = {**no_period, **dict.fromkeys(_ALL_WEIGHTS, 0.5)}
    no_restore = {"restore_diacritics": False}
    dense, lexical, unigrams = {"mode": "dense"}, {"mode": "lexical"}, {"lexical_bigrams": False}
    reranked = {"rerank": "evidence", "rerank_weight": rerank_weight}
    return [
        Variant("dense only (e5-small)", {**FIRST_STAGE, **dense, **no_restore}),
        Variant("dense only + diacritic restoration", {**FIRST_STAGE, **dense}),
        Variant("BM25 only, syllable unigrams", {**FIRST_STAGE, **lexical, **unigrams}),
        Variant("BM25 only, unigrams + bigrams", {**FIRST_STAGE, **lexical}),
        Variant("plain RRF dense + BM25 (k=60)", plain_rrf),
        Variant("RRF + diacritic restoration", rrf_restored),
        Variant("z-score fusion, equal weights", z_equal),
        Variant("z-score fusion, query-aware weights", no_period),
        Variant(f"+ the chunk's year, bonus {period_weight:g}", FIRST_STAGE),
        Variant("+ evidence re-ranking, weight 0.3", {**reranked, "rerank_weight": 0.3}),
        Variant(f"+ evidence re-ranking, weight {rerank_weight} (default)", reranked),
        Variant("+ evidence re-ranking, weight 0.5", {**reranked, "rerank_weight": 0.5}),
        Variant("default without the chunk's year", {**reranked, "period_weight": 0.0}),
        Variant("default without diacritic restoration", {**reranked, **no_restore}),
        Variant("default with unigram BM25", {**reranked, **unigrams}),
    ]


def _pid_match(pid: str, passage) -> bool:
    return Path(passage.source).stem == pid


def build(data_dir: Path, paths: Sequence[Path], chunk_size: int, overlap: int | None = None) -> Assistant:
    chunking = {"chunk_size": chunk_size} if overlap is None else {"chunk_size": chunk_size, "chunk_overlap": overlap}
    bot = _cached(Settings(data_dir=data_dir, chunking=chunking))
    report = bot.ingest(paths)
    if report.failed:
        raise SystemExit(f"ingest failed: {report.failed}")
    bot.warm_up()
    return bot


def _cached(settings: Settings) -> Assistant:
    """An assistant on ``settings`` whose embedding model caches query vectors."""
    return Assistant(settings, embeddings=QueryCache(Assistant(settings).components.embeddings))


class QueryCache(Embeddings):
    """An embedding model that embeds each query once per run (variants re-ask the same
    questions); given to ``Assistant(embeddings=...)``.

    >>> from assistant import Assistant, Settings
    >>> model = Assistant(Settings(embedding={"model": "fake"})).components.embeddings
    >>> cached = QueryCache(model)
    >>> cached.embed_query("Hà Nội") is cached.embed_query("Hà Nội")
    True
    """

    def __init__(self, model: Embeddings) -> None:
        self.model = model
        self.model_id: str = getattr(model, "model_id", "")
        self._queries: dict[str, list[float]] = {}

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.model.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        if text not in self._queries:
            self._queries[text] = self.model.embed_query(text)
        return self._queries[text]


Question = tuple[str, list[str], str, list[dict[str, str]]]  # question, gold, set, history


def hanoi_questions() -> list[Question]:
    """The answerable questions as the evaluation's headline asks them: a follow-up as
    written, with its conversation (the query is expanded from it)."""
    items = [i for i in load_dataset(DATASET) if i.answerable]
    out = []
    for it in items:
        history = [{"question": t.question, "answer": t.answer} for t in it.history]
        out.append((it.question, list(it.evidence), "hanoi", history))
        if it.category == "no_diacritics":
            out.append((it.question, list(it.evidence), "hanoi nodiac", history))
    return out


def zalo_questions(bench) -> list[Question]:
    out = []
    for q in bench.questions:
        out.append((q.question, [q.pid], "zalo", []))
        out.append((fold_diacritics(q.question), [q.pid], "zalo nodiac", []))
    return out


def run(
    zalo_path: Path | None, chunk_sizes: list[int], limit: int | None, overlaps: Sequence[int] = (1,)
) -> str:
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        bench = load_squad(zalo_path) if zalo_path else None
        zdir = tmp / "zalo-docs"
        if bench is not None:
            write_paragraphs(bench, zdir)
        hq = hanoi_questions()
        # chunk-size sweep on the bundled set (default fusion)
        if len(chunk_sizes) > 1 or len(overlaps) > 1:
            lines += [
                "| chunk size | overlap (sentences) | chunks | hanoi hit@1 | hanoi hit@3 | hanoi hit@5 | hanoi hit@10 | hanoi MRR |",
                "|---:|---:|---:|---:|---:|---:|---:|---:|",
            ]  # fmt: skip
            for size in chunk_sizes:
                for overlap in overlaps:
                    bot = build(tmp / f"h{size}-{overlap}", [CORPUS], size, overlap)
                    m = _evaluate(bot, hq, _evidence_match)["hanoi"]
                    n = sum(source.chunks for source in bot.sources())
                    lines.append(
                        f"| {size} | {overlap} | {n} | {m['hit@1']:.3f} | {m['hit@3']:.3f} | "
                        f"{m['hit@5']:.3f} | {m['hit@10']:.3f} | {m['mrr']:.3f} |"
                    )
                    _progress(lines[-1])
            lines.append("")
        size = chunk_sizes[0] if len(chunk_sizes) == 1 else Settings().chunking.chunk_size
        corpora = [("hanoi", build(tmp / "hanoi", [CORPUS], size), hq, _evidence_match)]
        if bench is not None:
            mixed = build(tmp / "mixed", [CORPUS, zdir], size)
            corpora.append(("hanoi+zalo", mixed, [(q, g, "hanoi+zalo", h) for q, g, s, h in hq if s == "hanoi"], _evidence_match))
            zbot = _cached(Settings(data_dir=tmp / "zalo", chunking={"chunk_size": 4000}))
            zbot.ingest([zdir])
            zbot.warm_up()
            zq = zalo_questions(bench)
            if limit:
                zq = zq[: 2 * limit]
            corpora.append(("zalo", zbot, zq, _pid_match))
        r = Settings().retrieval
        header = "| variant | hanoi hit@1 | hanoi hit@5 | hanoi MRR | nodiac hit@5 | +distractors hit@1 | zalo hit@1 | zalo hit@5 | zalo MRR | zalo nodiac hit@1 |"
        lines += [header, "|---|" + "---:|" * 9]
        _progress(header)
        for v in variants(r.rerank_weight, r.period_weight):
            scores: dict[str, dict[str, float]] = {}
            for _name, bot, qs, match in corpora:
                view = bot.with_settings(v.settings(bot.settings))
                t0 = time.perf_counter()
                scores.update(_evaluate(view, qs, match))
                log.info("%s on %s: %.1f s", v.name, _name, time.perf_counter() - t0)
            row = [v.name]
            for set_name, metric in (
                ("hanoi", "hit@1"), ("hanoi", "hit@5"), ("hanoi", "mrr"), ("hanoi nodiac", "hit@5"),
                ("hanoi+zalo", "hit@1"), ("zalo", "hit@1"), ("zalo", "hit@5"), ("zalo", "mrr"),
                ("zalo nodiac", "hit@1"),
            ):  # fmt: skip
                val = scores.get(set_name, {}).get(metric)
                row.append("–" if val is None else f"{val:.3f}")
            lines.append("| " + " | ".join(row) + " |")
            _progress(lines[-1])
    return "\n".join(lines)


def _progress(line: str) -> None:
    """The ablation is a report: rows go to stdout as they are measured."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _evidence_match(evidence: str, passage) -> bool:
    from eval.metrics import contains_evidence

    return contains_evidence(evidence, passage.text)


def _evaluate(bot: Assistant, questions, match) -> dict[str, dict[str, float]]:
    """hit@k and MRR per set, retrieving as ``bot.settings.retrieval`` says."""
    by_set: dict[str, tuple[list, list]] = {}
    for q, gold, set_name, history in questions:
        passages = bot.retrieve(q, 10, history=history or None)
        g, r = by_set.setdefault(set_name, ([], []))
        g.append(gold)
        r.append(passages)
    return {
        s: {
            "hit@1": hit_at_k(g, r, 1, match=match).score,
            "hit@3": hit_at_k(g, r, 3, match=match).score,
            "hit@5": hit_at_k(g, r, 5, match=match).score,
            "hit@10": hit_at_k(g, r, 10, match=match).score,
            "mrr": mrr(g, r, match=match).score,
        }
        for s, (g, r) in by_set.items()
    }


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.ablation", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--zalo", type=Path, help="path of the Zalo benchmark train.json")
    p.add_argument("--chunk-sizes", default="", help="comma-separated sizes to sweep, e.g. 400,600,800")
    p.add_argument("--overlaps", default="", help="comma-separated overlaps (sentences) to sweep, e.g. 0,1,2")
    p.add_argument("--limit", type=int, help="only the first N benchmark questions")
    p.add_argument("--out", type=Path, help="write the Markdown table here")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    sizes = [int(s) for s in args.chunk_sizes.split(",") if s.strip()] or [Settings().chunking.chunk_size]
    overlaps = [int(s) for s in args.overlaps.split(",") if s.strip()] or [Settings().chunking.chunk_overlap]
    table = run(args.zalo, sizes, args.limit, overlaps)
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
