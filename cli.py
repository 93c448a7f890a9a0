"""The ``assistant`` command: the core commands plus the two clients built on the core.

``ingest``, ``search``, ``sources``, ``delete``, ``ask`` and ``chat`` come from
:mod:`assistant.cli`; ``serve`` starts the chat app (:mod:`app`) and ``eval`` hands its
arguments to the evaluation (:mod:`eval.__main__`). Both are imported only when run, and
neither imports this module back, so the clients form no cycle.

Run it as ``assistant ...`` (the installed script) or ``python -m cli ...``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from assistant import cli as core_cli


def cmd_serve(args: argparse.Namespace) -> int:
    """``assistant serve``: start the chat web app (``python app.py`` with the same options)."""
    from app import main as app_main

    argv = []
    if args.data_dir:
        argv += ["--data-dir", args.data_dir]
    if args.host:
        argv += ["--host", args.host]
    if args.port:
        argv += ["--port", str(args.port)]
    if args.no_ingest:
        argv += ["--no-ingest"]
    return app_main(argv)


def add_client_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``serve`` and ``eval`` to the core commands' subparsers."""
    sp = sub.add_parser("serve", help="start the chat web app")
    sp.add_argument("--data-dir")
    sp.add_argument("--host")
    sp.add_argument("--port", type=int)
    sp.add_argument(
        "--no-ingest",
        action="store_true",
        help="do not ingest the bundled corpus on an empty store",
    )
    sp.set_defaults(func=cmd_serve)

    # listed for --help; `main` hands `assistant eval ...` to eval.__main__ before parsing
    sub.add_parser(
        "eval", help="run the evaluation suite (see `assistant eval --help`)", add_help=False
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``assistant`` command's parser: the core commands, ``serve`` and ``eval``."""
    return core_cli.build_parser(add_client_commands)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``assistant`` command; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["eval"]:
        # the evaluation has its own options; hand them over untouched
        from eval.__main__ import main as eval_main

        return eval_main(argv[1:])
    return core_cli.run(build_parser().parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
