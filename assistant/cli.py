"""The core commands of ``assistant`` (ingest, search, sources, delete, ask, chat).

A thin client of :class:`assistant.Assistant` that knows nothing above the core: the
installed ``assistant`` command (the top-level :mod:`cli`) adds ``serve`` and ``eval``
to this parser. ``python -m assistant.cli`` runs the core commands alone.
Domain errors become one clean message on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.errors import exit_code
from assistant.settings import Settings

log = logging.getLogger("assistant")


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = args.data_dir
    settings = Settings(**overrides)
    if getattr(args, "chroma_host", None):
        settings.chroma.host = args.chroma_host
    if getattr(args, "chroma_port", None):
        settings.chroma.port = args.chroma_port
    if getattr(args, "model", None):
        settings.embedding.model = args.model
    return settings


def _assistant(args: argparse.Namespace):
    from assistant.core import Assistant

    return Assistant(_settings(args))


def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.types import AssistantError

    missing = [p for p in args.paths if not (Path(p).expanduser().exists() or Path(p).is_symlink())]
    if missing:  # a typo in a path: say so before anything is written
        raise AssistantError(
            "Không tìm thấy đường dẫn: "
            + ", ".join(missing)
            + " (path does not exist; nothing ingested)"
        )
    bot = _assistant(args)
    # a rebuild re-reads what is indexed; without paths it adds nothing else
    paths = args.paths or ([] if args.rebuild else [str(bot.settings.corpus_dir)])
    report = bot.ingest(paths, progress=not args.quiet, rebuild=args.rebuild)
    if args.json:
        _out(json.dumps(report.__dict__, ensure_ascii=False, indent=2))
    else:
        _out(report.summary())
        for path in report.removed:
            _out(f"  removed (file no longer exists): {path}")
        for path, reason in report.failed.items():
            _out(f"  failed: {path}: {reason}")
    return 1 if report.failed and not (report.added or report.updated or report.unchanged) else 0


def _print_passages(passages, explain: bool) -> None:
    for i, p in enumerate(passages, 1):
        meta = " · ".join(x for x in (p.outlet, p.date, Path(p.source).name) if x)
        _out(f"[{i}] {p.title}  ({meta})  score={p.score:.4f}")
        if explain:
            d = f"{p.dense_rank} ({p.dense_score:.3f})" if p.dense_rank else "-"
            lx = f"{p.lexical_rank} ({p.lexical_score:.2f})" if p.lexical_rank else "-"
            if p.fused_score is None:
                _out(f"    dense rank {d} · lexical rank {lx} · fused {p.score:.5f}")
            else:
                _out(
                    f"    dense rank {d} · lexical rank {lx} · fused {p.fused_score:.5f}"
                    f" · evidence {p.evidence_score:.3f} · re-ranked {p.score:.3f}"
                )
            if p.period:
                _out(f"    about {p.period} (the article's year where the passage starts)")
        text = p.text.replace("\n", " ")
        _out(f"    {text[:400]}{'…' if len(text) > 400 else ''}")


def cmd_search(args: argparse.Namespace) -> int:
    bot = _assistant(args)
    passages = bot.retrieve(
        " ".join(args.question),
        args.k,
        sources=args.source or None,
        date_from=args.date_from,
        date_to=args.date_to,
        mode=args.mode,
    )
    if args.json:
        _out(json.dumps([p.__dict__ for p in passages], ensure_ascii=False, indent=2))
    elif not passages:
        _out("No passages found. Is anything ingested? Try `assistant ingest`.")
    else:
        _print_passages(passages, args.explain)
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    bot = _assistant(args)
    sources = bot.sources()
    if args.json:
        _out(json.dumps([s.__dict__ for s in sources], ensure_ascii=False, indent=2))
        return 0
    if not sources:
        _out("The index is empty. Run `assistant ingest [PATH ...]`.")
    for s in sources:
        _out(
            f"{s.title or s.file_name}\n    {s.source}  ({s.chunks} passages; {s.outlet} {s.date})".rstrip()
        )
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    bot = _assistant(args)
    removed = bot.delete(args.source)
    _out(f"deleted {args.source}: {removed} passages removed")
    return 0


def _print_answer(answer) -> None:
    from assistant.conversation import understood_note

    note = understood_note(answer)
    if note:
        _out(f"\033[2m({note})\033[0m" if sys.stdout.isatty() else f"({note})")
    _out(answer.text)
    if answer.citations:
        _out("")
        for c in answer.citations:
            p = c.passage
            _out(f"[{c.index}] {p.title} — {Path(p.source).name}")
            if c.quote:
                _out(f"    “{c.quote}”")
    elif answer.related:
        _out("\nCó thể liên quan:")
        for p in answer.related[:3]:
            _out(f"  - {p.title} — {Path(p.source).name}")


def cmd_ask(args: argparse.Namespace) -> int:
    bot = _assistant(args)
    answer = bot.ask(" ".join(args.question), k=args.k)
    if args.json:
        from dataclasses import asdict

        _out(json.dumps(asdict(answer), ensure_ascii=False, indent=2, default=str))
    else:
        _print_answer(answer)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """Interactive question prompt on the terminal (follow-ups use the conversation)."""
    from assistant.answering.base import Turn
    from assistant.conversation import turn_of
    from assistant.types import AssistantError

    bot = _assistant(args)
    _ensure_corpus(bot)
    history: list[Turn] = []
    _out("Hỏi về các bài báo (gõ 'exit' để thoát).")
    while True:
        try:
            q = input("\n? ").strip()
        except EOFError:
            return 0
        if q.lower() in {"exit", "quit", "thoat", "thoát"}:
            return 0
        if not q:
            continue
        try:
            answer = bot.ask(q, history)
        except AssistantError as e:
            _out(str(e))
            continue
        _print_answer(answer)
        history.append(turn_of(answer))


def _ensure_corpus(bot) -> None:
    """First start on an empty store: ingest the bundled corpus."""
    report = bot.ensure_corpus(progress=True)
    if report is not None:
        _out(f"Empty index: ingested {bot.settings.corpus_dir}: {report.summary()}")


def build_parser(
    *more_commands: Callable[[argparse._SubParsersAction], None],
) -> argparse.ArgumentParser:
    """The parser of the core commands; each of ``more_commands`` adds its own subcommands.

    >>> build_parser().parse_args(["ask", "Hà Nội?"]).command
    'ask'
    """
    p = argparse.ArgumentParser(
        prog="assistant",
        description="Vietnamese retrieval Q&A over news articles, with citations.",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--data-dir", help="data directory (default: $ASSISTANT_DATA_DIR or .data)")
        sp.add_argument("--chroma-host", help="use a Chroma server at this host")
        sp.add_argument("--chroma-port", type=int, help="Chroma server port")
        sp.add_argument("--model", help="embedding model (sentence-transformers name or path)")
        sp.add_argument("--json", action="store_true", help="machine-readable output")

    sp = sub.add_parser("ingest", help="index files or folders (default: the bundled corpus)")
    sp.add_argument("paths", nargs="*", help=".txt .md .html .pdf files or folders")
    sp.add_argument(
        "--rebuild",
        action="store_true",
        help="drop the index and rebuild it: re-read every indexed file that still exists, "
        "plus PATHs (use after changing the embedding model)",
    )
    sp.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    common(sp)
    sp.set_defaults(func=cmd_ingest)

    sp = sub.add_parser("search", help="show the passages retrieved for a question")
    sp.add_argument("question", nargs="+")
    sp.add_argument("-k", type=int, default=5)
    sp.add_argument("--source", action="append", help="restrict to a source (repeatable)")
    sp.add_argument("--date-from", help="ISO date, e.g. 2023 or 2023-11-24")
    sp.add_argument("--date-to", help="ISO date")
    sp.add_argument("--mode", choices=["hybrid", "dense", "lexical"])
    sp.add_argument(
        "--explain",
        action="store_true",
        help="show dense/lexical ranks, the fused score and the re-ranking evidence",
    )
    common(sp)
    sp.set_defaults(func=cmd_search)

    sp = sub.add_parser("sources", help="list indexed articles")
    common(sp)
    sp.set_defaults(func=cmd_sources)

    sp = sub.add_parser("delete", help="remove an article (path, file name or title)")
    sp.add_argument("source")
    common(sp)
    sp.set_defaults(func=cmd_delete)

    sp = sub.add_parser("ask", help="answer a question with citations")
    sp.add_argument("question", nargs="+")
    sp.add_argument("-k", type=int, default=None)
    common(sp)
    sp.set_defaults(func=cmd_ask)

    sp = sub.add_parser("chat", help="interactive questions on the terminal")
    common(sp)
    sp.set_defaults(func=cmd_chat)

    for add in more_commands:
        add(sub)
    return p


def run(args: argparse.Namespace) -> int:
    """Run a parsed command: set the logging level, turn domain errors into exit code 2."""
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    return exit_code(lambda: args.func(args))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m assistant.cli``; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    return run(build_parser().parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
