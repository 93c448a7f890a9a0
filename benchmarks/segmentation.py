"""Does Vietnamese word segmentation pay for its cost in the lexical index?

    pip install pyvi underthesea       # into the project's .venv: neither pulls torch
    python benchmarks/segmentation.py --zalo ../shared/benchmarks/zalo-wikiqa-2019/train.json

BM25 alone (``bm25s``, k1=1.2, b=0.75, the index's own parameters) over the same
chunks, tokenised six ways: NFC lower-cased syllables (``textvi.vietnamese.tokenize``),
syllables + syllable bigrams (the default), and pyvi's and underthesea's words, alone
and with the syllables beside them. Printed per set: hit@1, hit@5, MRR, and the
tokenisation time per chunk (what ingest pays) and per question (what every query pays).

Sets: the bundled gold set's answerable questions (follow-ups in their stand-alone form,
as in ``eval.ablation``) on the bundled chunks as indexed (under their section heading),
and with ``--zalo`` the Zalo benchmark's 1,225 questions on its 142 paragraphs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from eval.dataset import load_dataset  # noqa: E402
from eval.metrics import contains_evidence  # noqa: E402
from ingest import ArticleChunker, load_articles  # noqa: E402
from textvi import nfc, tokenize  # noqa: E402
from vectorstore.index import indexed_text  # noqa: E402

Tokenizer = Callable[[str], list[str]]
# (name, chunks, questions as (query, ids of the relevant chunks))
Set = tuple[str, dict[str, str], list[tuple[str, set[str]]]]


def _bigrams(toks: list[str]) -> list[str]:
    return toks + [f"{a}_{b}" for a, b in zip(toks, toks[1:], strict=False)]


def _words(segment: Callable[[str], str]) -> Tokenizer:
    """A segmenter's words ("kinh_tế"), each normalised the way the index normalises syllables."""

    def tokens(text: str) -> list[str]:
        out = []
        for word in segment(nfc(text)).split():
            syllables = tokenize(word.replace("_", " "))
            if syllables:
                out.append("_".join(syllables))
        return out

    return tokens


def tokenizers() -> dict[str, Tokenizer]:
    try:
        from pyvi import ViTokenizer
        from underthesea import word_tokenize
    except ImportError as e:
        raise SystemExit(f"{e.name} is not installed: pip install pyvi underthesea") from None
    pyvi = _words(ViTokenizer.tokenize)
    uts = _words(lambda t: word_tokenize(t, format="text"))
    return {
        "syllables": tokenize,
        "syllables + bigrams (default)": lambda t: _bigrams(tokenize(t)),
        "pyvi words": pyvi,
        "pyvi words + syllables": lambda t: pyvi(t) + tokenize(t),
        "underthesea words": uts,
        "underthesea words + syllables": lambda t: uts(t) + tokenize(t),
    }


def bundled_set() -> Set:
    docs, _ = load_articles([REPO / "data" / "articles"])
    chunks = ArticleChunker().split(docs)
    texts = {c.id: indexed_text(c.page_content, c.metadata) for c in chunks}
    questions = []
    for item in load_dataset(REPO / "eval" / "datasets" / "hanoi.jsonl"):
        if not item.answerable:
            continue
        rel = {c.id for c in chunks if any(contains_evidence(e, c.page_content) for e in item.evidence)}
        questions.append((item.standalone or item.question, rel))
    return "bundled", texts, questions


def zalo_set(path: str) -> Set:
    from eval.zalo import load_squad

    bench = load_squad(path)
    return (
        "zalo",
        {p.pid: p.context for p in bench.paragraphs},
        [(q.question, {q.pid}) for q in bench.questions],
    )


def measure(tok: Tokenizer, chunks: dict[str, str], questions: list[tuple[str, set[str]]]) -> dict[str, float]:
    import bm25s

    ids = list(chunks)
    t0 = time.perf_counter()
    corpus = [tok(chunks[i]) for i in ids]
    per_chunk = (time.perf_counter() - t0) / len(ids) * 1000
    index = bm25s.BM25(k1=1.2, b=0.75)
    index.index(corpus, show_progress=False)
    hit1 = hit5 = mrr = 0.0
    per_query = []
    for query, relevant in questions:
        t0 = time.perf_counter()
        qtoks = [t for t in tok(query) if t in index.vocab_dict]
        per_query.append((time.perf_counter() - t0) * 1000)
        if not qtoks:
            continue
        found, _ = index.retrieve([qtoks], k=min(10, len(ids)), show_progress=False)
        rank = next((n for n, j in enumerate(found[0], 1) if ids[j] in relevant), None)
        if rank:
            hit1 += rank == 1
            hit5 += rank <= 5
            mrr += 1 / rank
    n = len(questions)
    return {
        "hit@1": hit1 / n,
        "hit@5": hit5 / n,
        "mrr": mrr / n,
        "ms_per_chunk": per_chunk,
        "ms_per_question": statistics.median(per_query),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--zalo", help="path of the Zalo benchmark train.json")
    args = p.parse_args(argv)
    toks = tokenizers()
    sets = [bundled_set()] + ([zalo_set(args.zalo)] if args.zalo else [])
    for name, chunks, questions in sets:
        print(f"\n{name}: {len(chunks)} chunks, {len(questions)} questions, BM25 alone\n")
        print("| tokens | hit@1 | hit@5 | MRR | tokenising, per chunk | per question |")
        print("|---|---:|---:|---:|---:|---:|")
        for label, tok in toks.items():
            m = measure(tok, chunks, questions)
            print(
                f"| {label} | {m['hit@1']:.3f} | {m['hit@5']:.3f} | {m['mrr']:.3f} "
                f"| {m['ms_per_chunk']:.2f} ms | {m['ms_per_question']:.2f} ms |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
