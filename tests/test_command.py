"""The installed ``assistant`` command: the core commands plus ``serve`` and ``eval``."""

from __future__ import annotations

import pytest

import cli
from assistant import cli as core_cli


def _help(parser) -> None:
    with pytest.raises(SystemExit):
        parser.parse_args(["--help"])


def test_the_command_adds_serve_and_eval_to_the_core_commands(capsys):
    _help(cli.build_parser())
    full = capsys.readouterr().out
    _help(core_cli.build_parser())
    core = capsys.readouterr().out
    assert "{ingest,search,sources,delete,ask,chat,serve,eval}" in full
    assert "{ingest,search,sources,delete,ask,chat}" in core

def test_serve_options_reach_the_app(monkeypatch):
    import app

    seen = []
    monkeypatch.setattr(app, "main", lambda argv: seen.append(argv) or 0)
    assert cli.main(["serve", "--data-dir", "kb", "--port", "7861", "--no-ingest"]) == 0
    assert seen == [["--data-dir", "kb", "--port", "7861", "--no-ingest"]]
