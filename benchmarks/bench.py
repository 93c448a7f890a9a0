"""Performance benchmark: every figure printed beside its reference, in one run.

    python benchmarks/bench.py              # all sections (about an hour on 2 cores)
    python benchmarks/bench.py --quick      # skip the synthetic stores
    python benchmarks/bench.py --only-scale --store /tmp/synthetic   # build once, reuse later
    python benchmarks/bench.py --json out.json

Sections:
  ingest     ingest throughput (chunks/s) vs raw encode throughput of the same model on the
             same chunks → pipeline overhead (target < 10%)
  latency    retrieve (hybrid, and dense-only as the baseline) and ask p50/p95 on the bundled
             corpus (targets: retrieve p50 ≤ 60 ms, hybrid ≤ 1.5x dense, ask p50 ≤ 200 ms)
  scale      synthetic stores of 100,000 and 300,000 chunks (real text, random vectors): the
             lexical index built from the stored chunks, retrieve p50/p95 beside dense-only
             (targets p50 ≤ 100 / 250 ms, ≤ 1.5x dense), one upload until searchable (≤ 2 s),
             peak RSS of a serving process beside a dense-only one (≤ 1.5 GB)
  serving    cold start to first answer, and peak memory (RSS high-water mark) of a process
             that loads everything and answers questions (target ≤ 1.5 GB)

Timings are wall-clock on this machine; run it on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant import Assistant, Settings  # noqa: E402
from eval.dataset import load_dataset  # noqa: E402
from vectorstore.index import indexed_text  # noqa: E402

CORPUS = REPO / "data" / "articles"
DATASET = REPO / "eval" / "datasets" / "hanoi.jsonl"


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    i = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return values[i]


def row(name: str, value: str, reference: str, verdict: str = "") -> None:
    print(f"  {name:<44} {value:>16}   {reference:<34} {verdict}")


def ok(flag: bool) -> str:
    return "OK" if flag else "MISSED"


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return (time.perf_counter() - t0) * 1000.0, out


def questions() -> list[str]:
    return [item.question for item in load_dataset(DATASET) if not item.history]


def bench_ingest(results: dict, repeats: int = 3) -> None:
    print("\n== ingest: pipeline vs raw encode (same model, same chunks)")
    ingest_s, encode_s, n_chunks = [], [], 0
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as d:
            bot = Assistant(Settings(data_dir=d))
            bot.warm_up()
            t0 = time.perf_counter()
            report = bot.ingest([CORPUS])
            ingest_s.append(time.perf_counter() - t0)
            n_chunks = report.chunks_added
            # the texts the pipeline embedded: each chunk under its section heading
            texts = [indexed_text(c.text, c.metadata) for c in bot.components.store.get()]
            st = bot.components.embeddings.sentence_transformer
            emb = bot.settings.embedding
            t0 = time.perf_counter()
            st.encode(texts, prompt=emb.passage_prompt, batch_size=emb.batch_size, normalize_embeddings=True)
            encode_s.append(time.perf_counter() - t0)
    ing, enc = statistics.median(ingest_s), statistics.median(encode_s)
    overhead = ing / enc - 1.0
    row("chunks", f"{n_chunks}", "")
    row("raw encode throughput", f"{n_chunks / enc:.1f} chunks/s", "reference")
    row("ingest throughput", f"{n_chunks / ing:.1f} chunks/s", f"{n_chunks / enc:.1f} chunks/s raw")
    row("pipeline overhead", f"{overhead * 100:.1f}%", "target < 10%", ok(overhead < 0.10))
    results["ingest"] = {
        "chunks": n_chunks,
        "ingest_chunks_per_s": n_chunks / ing,
        "encode_chunks_per_s": n_chunks / enc,
        "overhead": overhead,
    }


def bench_latency(results: dict, data_dir: Path) -> None:
    print("\n== latency on the bundled corpus")
    bot = Assistant(Settings(data_dir=data_dir))
    bot.ingest([CORPUS])
    bot.warm_up()
    qs = questions()
    for q in qs[:5]:  # warm caches
        bot.retrieve(q)
        bot.ask(q)
    answer = bot.settings.answer.model_copy(update={"mode": "learned"})
    learned = bot.with_settings(bot.settings.model_copy(update={"answer": answer}))  # re-ranks too
    for q in qs[:5]:
        learned.ask(q)
    lat: dict[str, list[float]] = {
        "dense": [], "hybrid_first_stage": [], "hybrid": [], "ask": [], "ask_learned": []
    }  # fmt: skip
    for q in qs:
        lat["dense"].append(timed(bot.retrieve, q, mode="dense", rerank=False)[0])
        lat["hybrid_first_stage"].append(timed(bot.retrieve, q, mode="hybrid", rerank=False)[0])
        lat["hybrid"].append(timed(bot.retrieve, q, mode="hybrid")[0])
        lat["ask"].append(timed(bot.ask, q)[0])
        lat["ask_learned"].append(timed(learned.ask, q)[0])
    d50, f50, h50, a50 = (pct(lat[k], 50) for k in ("dense", "hybrid_first_stage", "hybrid", "ask"))
    row("questions", f"{len(qs)}", "")
    row("retrieve dense-only p50 / p95", f"{d50:.1f} / {pct(lat['dense'], 95):.1f} ms", "baseline")
    row("retrieve hybrid, no re-ranking p50", f"{f50:.1f} ms ({f50 / d50:.2f}x dense)", "")
    row("retrieve hybrid + re-ranking p50 / p95", f"{h50:.1f} / {pct(lat['hybrid'], 95):.1f} ms", "target p50 ≤ 60 ms", ok(h50 <= 60))
    row("hybrid + re-ranking / dense p50", f"{h50 / d50:.2f}x", "target ≤ 1.5x", ok(h50 / d50 <= 1.5))
    row("ask (extractive) p50 / p95", f"{a50:.1f} / {pct(lat['ask'], 95):.1f} ms", "target p50 ≤ 200 ms", ok(a50 <= 200))
    l50 = pct(lat["ask_learned"], 50)
    row("ask (learned) p50 / p95", f"{l50:.1f} / {pct(lat['ask_learned'], 95):.1f} ms", f"target ≤ 150 ms; {a50:.1f} ms default", ok(l50 <= 150))
    results["latency"] = {k: {"p50": pct(v, 50), "p95": pct(v, 95)} for k, v in lat.items()}


def _synthetic_source(s: int, words: list[str], per_source: int, dim: int):
    """Source ``s`` of the synthetic store: chunks of 60 words of real text taken at random
    offsets of the bundled articles, and random unit vectors (the same for the same ``s``)."""
    import numpy as np

    from ingest import schema

    rng = random.Random(s)
    source = f"/synthetic/{s:06d}.txt"
    doc_hash = schema.content_hash(source)
    ids, texts, metas = [], [], []
    for i in range(per_source):
        start = rng.randrange(len(words) - 60)
        text = " ".join(words[start : start + 60])
        ids.append(schema.make_chunk_id(source, i, text, doc_hash=doc_hash))
        texts.append(text)
        metas.append({"source": source, "doc_hash": doc_hash, "title": source, "date_num": 0, "chunk_index": i})
    vecs = np.random.default_rng(s).normal(size=(per_source, dim)).astype("float32")
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return source, doc_hash, ids, texts, metas, vecs.tolist()


def grow_synthetic_store(bot: Assistant, n: int, per_source: int = 100) -> tuple[float, int]:
    """Add synthetic sources to the store until it holds ``n`` synthetic chunks (vectors and
    manifest only: the lexical index catches up on the next search). Returns (seconds, added)."""
    store, index = bot.components.store, bot.components.index
    words = [w for f in sorted(CORPUS.glob("*.txt")) for w in f.read_text(encoding="utf-8").split()]
    dim = len(bot.components.embeddings.embed_query("khởi động"))
    have = sum(1 for src in store.manifest() if src.startswith("/synthetic/"))
    t0 = time.perf_counter()
    batch: list = []
    for s in range(have, n // per_source):
        batch.append(_synthetic_source(s, words, per_source, dim))
        if len(batch) == 10 or s == n // per_source - 1:  # 1,000 chunks per upsert
            store.upsert(*(sum((list(x[k]) for x in batch), []) for k in (2, 3, 4, 5)))
            for source, doc_hash, *_ in batch:
                store.set_manifest(source, {"doc_hash": doc_hash, "title": source, "chunks": per_source, "chunker": index.chunker_signature})
            batch = []
    index.refresh()
    return time.perf_counter() - t0, (n // per_source - have) * per_source


def retrieve_latency(bot: Assistant, qs: list[str]) -> dict[str, list[float]]:
    """Per-question retrieve times, dense-only (the baseline) and hybrid + re-ranking."""
    for q in qs[:5]:
        bot.retrieve(q)
        bot.retrieve(q, mode="dense", rerank=False)
    from textvi import fold_diacritics, query_kind

    lexical = bot.components.index.lexical
    lat: dict[str, list[float]] = {"dense": [], "hybrid": [], "lexical_engine": []}
    for q in qs:
        lat["dense"].append(timed(bot.retrieve, q, mode="dense", rerank=False)[0])
        lat["hybrid"].append(timed(bot.retrieve, q, mode="hybrid")[0])
        # what the lexical engine adds: BM25 top 50 on both views, and restoring the folded question
        t0 = time.perf_counter()
        lexical.search(q, 50, folded=query_kind(q) != "accented")
        lexical.search(fold_diacritics(q), 50, folded=True)
        lexical.restore(fold_diacritics(q))
        lat["lexical_engine"].append((time.perf_counter() - t0) * 1000)
    return lat


def upload_until_searchable(bot: Assistant, upload_dir: Path) -> tuple[float, float]:
    """Seconds from ingesting one bundled article (under a new name) until a retrieve finds
    it, and the ingest alone."""
    article = sorted(CORPUS.glob("*.txt"))[0]
    path = upload_dir / f"upload-{time.time_ns()}.txt"
    path.write_text(article.read_text(encoding="utf-8"), encoding="utf-8")
    question = next(line for line in path.read_text(encoding="utf-8").splitlines() if len(line.split()) > 8)
    t0 = time.perf_counter()
    bot.ingest([path])
    ingest_s = time.perf_counter() - t0
    while time.perf_counter() - t0 < 600:
        if any(p.source == str(path.resolve()) or p.source == str(path) for p in bot.retrieve(question)):
            return time.perf_counter() - t0, ingest_s
    return float("inf"), ingest_s


def serving_rss(data_dir: Path, qs: list[str], *, dense_only: bool) -> dict:
    """Peak RSS and cold start of a fresh process answering ``qs`` on ``data_dir``."""
    env = dict(os.environ)
    if dense_only:
        env.update(ASSISTANT_RETRIEVAL__MODE="dense", ASSISTANT_RETRIEVAL__RESTORE_DIACRITICS="false")
    out = subprocess.run(
        [sys.executable, "-c", SERVE_SCRIPT, str(data_dir), qs[0], json.dumps(qs[1:])],
        capture_output=True, text=True, check=True, cwd=REPO, env=env,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_scale(results: dict, sizes: list[int], store_dir: Path | None = None) -> None:
    """Synthetic stores of each size in ``sizes`` (grown one from the other, in ``store_dir``
    if given so that a later run reuses them): the lexical index's build from the stored
    chunks, retrieve p50/p95 beside dense-only, one upload until searchable (first size),
    and the peak RSS of a serving process beside a dense-only one."""
    qs = questions()
    with tempfile.TemporaryDirectory() as tmp:
        root, previous = store_dir or Path(tmp), None
        for n, size in enumerate(sizes):
            print(f"\n== retrieve on a synthetic store of {size:,} chunks (real text, random vectors)")
            data_dir = root / f"synthetic-{size}"
            if previous is not None and not data_dir.exists():
                shutil.copytree(previous, data_dir)  # grown from the smaller store, which is kept
            previous = data_dir
            bot = Assistant(Settings(data_dir=data_dir))
            build, added = grow_synthetic_store(bot, size)
            t0 = time.perf_counter()
            bot.components.index.sync_lexical(wait=True)
            lex_build = time.perf_counter() - t0
            lat = retrieve_latency(bot, qs)
            d50, h50 = pct(lat["dense"], 50), pct(lat["hybrid"], 50)
            target = 100 if n == 0 else 250
            row("chunks in the store", f"{bot.components.store.count():,}", f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            row("vectors added (Chroma upserts)", f"{added:,} in {build:.0f} s", "")
            row("lexical index: indexed from the store", f"{lex_build:.1f} s", "once, for chunks it lacked")
            row("retrieve dense-only p50 / p95", f"{d50:.1f} / {pct(lat['dense'], 95):.1f} ms", "baseline")
            row("retrieve hybrid + re-ranking p50 / p95", f"{h50:.1f} / {pct(lat['hybrid'], 95):.1f} ms", f"target p50 ≤ {target} ms", ok(h50 <= target))
            row("hybrid + re-ranking / dense p50", f"{h50 / d50:.2f}x", "target ≤ 1.5x", ok(h50 / d50 <= 1.5))
            e50 = pct(lat["lexical_engine"], 50)
            row("lexical engine p50 / p95 (2 searches + restore)", f"{e50:.1f} / {pct(lat['lexical_engine'], 95):.1f} ms", "part of the hybrid figure")
            res: dict = {"chunks": bot.components.store.count(), "build_s": build, "lexical_build_s": lex_build,
                         **{k: {"p50": pct(v, 50), "p95": pct(v, 95)} for k, v in lat.items()}}  # fmt: skip
            if n == 0:
                up, ing = upload_until_searchable(bot, Path(tmp))
                row("one upload until searchable (end to end)", f"{up:.2f} s", f"target ≤ 2 s; ingest alone {ing:.2f} s", ok(up <= 2))
                res["upload_searchable_s"], res["upload_ingest_s"] = up, ing
            del bot
            hybrid = serving_rss(data_dir, qs, dense_only=False)
            dense = serving_rss(data_dir, qs, dense_only=True)
            ratio = hybrid["peak_rss_mb"] / dense["peak_rss_mb"]
            verdict = ok(hybrid["peak_rss_mb"] <= 1536) if n == 0 else ""  # the target is at the first size
            row("serving process peak RSS, hybrid", f"{hybrid['peak_rss_mb']:.0f} MB", f"dense-only {dense['peak_rss_mb']:.0f} MB ({ratio:.2f}x)" + ("; target ≤ 1536 MB" if n == 0 else ""), verdict)
            row("serving process cold start to first answer", f"{hybrid['cold_start_s']:.1f} s", f"dense-only {dense['cold_start_s']:.1f} s")
            res["serving"], res["serving_dense_only"] = hybrid, dense
            results.setdefault("scale", {})[str(size)] = res


SERVE_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    t0 = time.perf_counter()
    from assistant import Assistant, Settings
    bot = Assistant(Settings(data_dir=sys.argv[1]))
    first = bot.ask(sys.argv[2])
    cold = time.perf_counter() - t0
    qs = json.loads(sys.argv[3])
    for q in qs:
        bot.ask(q)
    # VmHWM, not ru_maxrss: ru_maxrss survives exec and would count this
    # benchmark's own (forked) memory
    status = open("/proc/self/status").read()
    rss_mb = int(status.split("VmHWM:")[1].split()[0]) / 1024
    print(json.dumps({"cold_start_s": cold, "peak_rss_mb": rss_mb, "answered": len(qs) + 1}))
    """
)


def bench_serving(results: dict, data_dir: Path) -> None:
    print("\n== serving: cold start and peak memory (fresh process, model cached, index built)")
    qs = questions()
    out = subprocess.run(
        [sys.executable, "-c", SERVE_SCRIPT, str(data_dir), qs[0], json.dumps(qs[1:])],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    res = json.loads(out.stdout.strip().splitlines()[-1])
    row("cold start to first answer", f"{res['cold_start_s']:.1f} s", "imports + model + store + answer")
    row("peak memory (RSS high-water mark)", f"{res['peak_rss_mb']:.0f} MB", "target ≤ 1536 MB", ok(res["peak_rss_mb"] <= 1536))
    results["serving"] = res


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="skip the synthetic stores")
    p.add_argument(
        "--chunks", type=int, nargs="+", default=[100_000, 300_000], help="sizes of the synthetic store, ascending"
    )
    p.add_argument("--store", type=Path, help="keep the synthetic store here and reuse it in later runs")
    p.add_argument("--json", type=Path, help="also write the figures to this file")
    p.add_argument("--only-scale", action="store_true", help="only the synthetic-store section")
    args = p.parse_args(argv)
    results: dict = {}
    print(f"{'figure':<46} {'measured':>16}   reference")
    if not args.only_scale:
        with tempfile.TemporaryDirectory() as d:
            bench_ingest(results)
            bench_latency(results, Path(d))
            bench_serving(results, Path(d))
    if not args.quick:
        bench_scale(results, sorted(args.chunks), args.store)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
