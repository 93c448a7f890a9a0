"""How every client turns the assistant's errors into a clean message and an exit code.

The CLI, the chat app's launcher and the evaluation command all run their work through
:func:`exit_code`, so a domain error reads the same everywhere and no client imports another.

>>> from assistant.errors import exit_code
>>> exit_code(lambda: 0)
0
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from assistant.types import AssistantError
from vectorstore.errors import StoreError

__all__ = ["exit_code"]


def exit_code(
    action: Callable[[], int | None],
    *,
    on_interrupt: int = 130,
    interrupt_note: str = "interrupted",
) -> int:
    """Run a command; a domain error or bad settings becomes one clean line on
    stderr and exit code 2, Ctrl+C exits with ``on_interrupt``."""
    from pydantic import ValidationError

    try:
        return int(action() or 0)
    except (AssistantError, StoreError) as e:
        sys.stderr.write(f"error: {e}\n")
        return 2
    except ValidationError as e:
        sys.stderr.write(f"error: invalid settings:\n{e}\n")
        return 2
    except KeyboardInterrupt:
        if interrupt_note:
            sys.stderr.write(interrupt_note + "\n")
        return on_interrupt
