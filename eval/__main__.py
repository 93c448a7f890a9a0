"""``python -m eval`` / ``assistant eval``: run the evaluation suite.

Usage::

    python -m eval [--retrieval-only] [--mode hybrid|dense|lexical] [--k K]
                   [--chunk-size N] [--model NAME] [--category CAT ...] [--limit N]
                   [--dataset FILE] [--corpus DIR] [--out DIR] [--check] [--llm-judge]
    python -m eval zalo --path train.json [--ask] [--mode ...] [--model ...] [--limit N]
                   [--out DIR] [--check]
    python -m eval qa --path FILE_OR_FOLDER [--withhold 0.3] [--limit N] [--out DIR] [--check]
    python -m eval conversations [--path FILE] [--dev-path QA_FILE] [--sweep] [--out DIR] [--check]
    (any command: --answer-mode MODE, and --beside MODE to compare answer modes in one run)
    python -m eval --compare RUN_A RUN_B        (or: python -m eval compare RUN_A RUN_B)

Exit codes: 0 done (and, with ``--check``, every threshold met); 1 a threshold
was missed; 2 the evaluation could not run (the message says why).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from eval.dataset import CATEGORIES, DatasetError
from eval.runner import (
    BUNDLED_CORPUS,
    DEFAULT_DATASET,
    DEFAULT_THRESHOLDS,
    EvalConfig,
    EvalError,
    EvalResult,
    apply_gate,
    eval_settings,
    load_result,
    load_thresholds,
)

log = logging.getLogger("eval")


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--out", type=Path, help="report directory (default: eval/reports/<timestamp>-<name>/)"
    )
    p.add_argument(
        "--mode",
        choices=["hybrid", "dense", "lexical"],
        help="retrieval mode (Settings.retrieval.mode)",
    )
    p.add_argument("--model", help="embedding model (Settings.embedding.model), e.g. 'fake'")
    p.add_argument("--limit", type=int, help="only the first N questions")
    p.add_argument("--check", action="store_true", help="exit 1 when a metric misses its threshold")
    p.add_argument(
        "--thresholds", type=Path, default=DEFAULT_THRESHOLDS, help="thresholds file for --check"
    )
    p.add_argument(
        "--answer-mode",
        choices=["extractive", "learned", "llm"],
        help="answer mode (Settings.answer.mode), e.g. 'llm' with answer.llm_base_url set",
    )
    p.add_argument(
        "--beside",
        action="append",
        choices=["extractive", "learned", "llm"],
        metavar="MODE",
        help="also answer with this mode on the same index in the same run, and print the "
        "figures side by side (repeatable)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument("-v", "--verbose", action="store_true", help="log details")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m eval",
        description="Evaluate retrieval and answers on a gold question set, on a fresh temporary index. "
        "Subcommand 'zalo' runs the external Zalo AI 2019 wiki QA benchmark "
        "(python -m eval zalo --help).",
    )
    p.add_argument(
        "--dataset",
        type=Path,
        default=DEFAULT_DATASET,
        help="gold JSONL (default: eval/datasets/hanoi.jsonl)",
    )
    p.add_argument(
        "--corpus",
        type=Path,
        default=BUNDLED_CORPUS,
        help="articles to index (default: data/articles)",
    )
    p.add_argument(
        "--name",
        help="suite name for thresholds and the report folder (default: dataset file stem)",
    )
    p.add_argument(
        "--k", type=int, help="passages given to the answerer (Settings.retrieval.top_k)"
    )
    p.add_argument("--chunk-size", type=int, help="Settings.chunking.chunk_size")
    p.add_argument(
        "--retrieval-only", action="store_true", help="skip Assistant.ask; retrieval metrics only"
    )
    p.add_argument(
        "--category", action="append", choices=CATEGORIES, metavar="CAT",
        help=f"only this category (repeatable): {', '.join(CATEGORIES)}",
    )  # fmt: skip
    p.add_argument(
        "--llm-judge",
        action="store_true",
        help="also LLM-judged faithfulness (needs answer.llm_base_url)",
    )
    p.add_argument(
        "--compare",
        nargs=2,
        metavar=("RUN_A", "RUN_B"),
        help="print the metric deltas of two saved runs and exit",
    )
    _common(p)
    return p


def build_zalo_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m eval zalo",
        description="Paragraph-level retrieval on the Zalo AI 2019 wiki QA file (SQuAD v1 format), "
        "questions as written and without diacritics, beside the published baselines.",
    )
    p.add_argument("--path", type=Path, required=True, help="the benchmark's train.json")
    p.add_argument(
        "--ask",
        action="store_true",
        help="also answer every question (answer contains the gold text)",
    )
    _common(p)
    return p


def build_qa_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m eval qa",
        description="Answers end to end on a public QA set (SQuAD-format file, or an ALQAC folder "
        "with law.json and question.json): ingest its documents, ask every question, withhold a "
        "share of the documents and ask their questions again (they must be refused); the naive "
        "best-sentence baseline in the same run.",
    )
    p.add_argument("--path", type=Path, required=True, help="SQuAD JSON file or ALQAC folder")
    p.add_argument("--name", help="suite name (default: the set's folder name)")
    p.add_argument(
        "--withhold", type=float, default=0.3, help="share of documents withheld (default 0.3)"
    )
    _common(p)
    return p


def build_conversations_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m eval conversations",
        description="Conversations of two or three turns on the bundled articles: the hijack rate "
        "of independent later turns and the dependent turns' answers beside their stand-alone "
        "forms, with the rules alone and 'always as asked' in the same run.",
    )
    p.add_argument(
        "--path",
        type=Path,
        default=None,
        help="conversation set (default: eval/datasets/conversations.jsonl, or with --dev-path "
        "eval/datasets/conversations-zalo.jsonl)",
    )
    p.add_argument("--corpus", type=Path, default=BUNDLED_CORPUS, help="articles to index")
    p.add_argument(
        "--dev-path",
        type=Path,
        default=None,
        help="a SQuAD-format QA file (e.g. the Zalo wiki QA train.json): index its articles and "
        "play a set written over them, judged against the file's own gold answers",
    )
    p.add_argument(
        "--no-baselines",
        action="store_true",
        help="skip the rules-alone and always-as-asked runs (a third of the time)",
    )
    p.add_argument(
        "--sweep",
        action="store_true",
        help="print the figures of a grid of reading weights on the odd (tune) and even (test) "
        "conversations, then exit",
    )
    _common(p)
    return p


def _cmd_conversations(args: argparse.Namespace) -> int:
    from eval.conversations import (
        DEFAULT_CONVERSATIONS,
        load_conversations,
        run_conversations,
        sweep_weights,
    )
    from eval.conversations_dev import (
        DEFAULT_DEV_CONVERSATIONS,
        articles_used,
        indexed_articles,
        load_dev_conversations,
    )

    if args.dev_path:
        path = args.path or DEFAULT_DEV_CONVERSATIONS
        conversations, qaset = load_dev_conversations(args.dev_path, path)
    else:
        path, qaset = args.path or DEFAULT_CONVERSATIONS, None
        conversations = load_conversations(path)
    if args.limit:
        conversations = conversations[: args.limit]
    if args.beside:
        raise EvalError(
            "--beside compares answer modes on the gold set and 'qa' sets, not 'conversations'"
        )
    config = EvalConfig(mode=args.mode, model=args.model, answer_mode=args.answer_mode)
    settings = eval_settings(None, config)
    with indexed_articles(qaset, args.corpus) as (corpus, name):
        if args.sweep:
            rows = sweep_weights(conversations, settings, corpus=corpus)
            cols = list(rows[0])
            _out("\t".join(cols))
            for r in rows:
                _out("\t".join("" if r[c] is None else f"{r[c]:.3f}" for c in cols))
            return 0
        result = run_conversations(
            conversations,
            settings,
            corpus=corpus,
            corpus_name=name,
            source=str(path),
            baselines=not args.no_baselines,
        )
    if qaset is not None:
        result.config["dev_path"] = str(args.dev_path)
        result.counts["articles"] = len(articles_used(conversations, qaset))
    return _finish(result, args)


def _finish(result: EvalResult, args: argparse.Namespace) -> int:
    """Gate (with --check), write the report, print the summary; the exit code."""
    from eval.report import default_out_dir, gate_section, headline_table, write_report

    gate = None
    if args.check:
        thresholds = load_thresholds(args.thresholds)
        gate = apply_gate(
            result,
            thresholds,
            on_missing=lambda s: _err(
                f"warning: no thresholds for suite '{s}' in {args.thresholds}"
            ),
        )
    out = write_report(result, args.out or default_out_dir(result.suite))
    if result.suite == "zalo":
        from eval.zalo import summary_lines

        _out("\n".join(summary_lines(result)))
        _out("")
    if result.suite == "conversations":
        from eval.conversations import summary_lines as conversation_summary

        _out("\n".join(conversation_summary(result)))
        _out("")
    if result.suite.startswith("qa-"):
        from eval.qa_run import summary_lines as qa_summary

        _out("\n".join(qa_summary(result)))
        _out("")
    _out(headline_table(result))
    if getattr(args, "beside", None) and result.baselines:
        from eval.report import baseline_table

        _out("\n" + baseline_table(result))
    for note in result.notes:
        _out(f"note: {note}")
    _out(f"\nreport: {out / 'report.md'}  (results.json, chart.png)")
    if gate is not None:
        _out("\nregression gate: " + gate_section(result).replace("**", ""))
        return gate.exit_code
    return 0


def _cmd_compare(paths: Sequence[str]) -> int:
    from eval.report import compare_table

    a, b = (load_result(p) for p in paths)
    _out(compare_table(a, b, label_a=str(paths[0]), label_b=str(paths[1])))
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from eval.runner import run_suite

    config = EvalConfig(
        dataset=args.dataset,
        corpus=args.corpus,
        name=args.name,
        mode=args.mode,
        k=args.k,
        chunk_size=args.chunk_size,
        model=args.model,
        retrieval_only=args.retrieval_only,
        categories=tuple(args.category or ()),
        limit=args.limit,
        llm_judge=args.llm_judge,
        answer_mode=args.answer_mode,
        beside=tuple(args.beside or ()),
    )
    result = run_suite(config, progress=not args.no_progress)
    return _finish(result, args)


def _cmd_zalo(args: argparse.Namespace) -> int:
    from eval.zalo import SUITE, load_squad, run_zalo

    if args.beside:
        raise EvalError("--beside compares answer modes on the gold set and 'qa' sets, not 'zalo'")
    bench = load_squad(args.path)
    config = EvalConfig(name=SUITE, mode=args.mode, model=args.model, answer_mode=args.answer_mode)
    result = run_zalo(
        bench,
        config=config,
        ask=args.ask,
        limit=args.limit,
        progress=not args.no_progress,
        source=str(args.path),
    )
    return _finish(result, args)


def _cmd_qa(args: argparse.Namespace) -> int:
    from eval.qa_run import run_qa
    from eval.qa_sets import load_qa_set

    if not 0.0 <= args.withhold < 1.0:
        raise EvalError("--withhold must be at least 0 and below 1")
    qaset = load_qa_set(args.path, args.name)
    config = EvalConfig(
        name=f"qa-{qaset.name}", mode=args.mode, model=args.model, answer_mode=args.answer_mode
    )
    result = run_qa(
        qaset,
        eval_settings(None, config),
        withhold=args.withhold,
        limit=args.limit,
        progress=not args.no_progress,
        source=str(args.path),
        beside=tuple(args.beside or ()),
    )
    return _finish(result, args)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m eval`` and ``assistant eval``; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--"]:  # `assistant eval -- --retrieval-only ...`
        argv = argv[1:]
    if argv[:1] == ["compare"]:  # `python -m eval compare A B` = `--compare A B`
        argv = ["--compare", *argv[1:]]
    sub = argv[0] if argv and argv[0] in ("zalo", "qa", "conversations") else ""
    zalo = sub == "zalo"
    parser = {
        "zalo": build_zalo_parser,
        "qa": build_qa_parser,
        "conversations": build_conversations_parser,
    }.get(sub, build_parser)()
    args = parser.parse_args(argv[1:] if sub else argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")

    from pydantic import ValidationError

    from assistant import AssistantError, StoreError

    try:
        if not sub and args.compare:
            return _cmd_compare(args.compare)
        if sub == "qa":
            return _cmd_qa(args)
        if sub == "conversations":
            return _cmd_conversations(args)
        return _cmd_zalo(args) if zalo else _cmd_run(args)
    except (EvalError, DatasetError, AssistantError, StoreError) as e:
        _err(f"error: {e}")
        return 2
    except ValidationError as e:
        _err(f"error: invalid settings:\n{e}")
        return 2
    except KeyboardInterrupt:
        _err("interrupted")
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
