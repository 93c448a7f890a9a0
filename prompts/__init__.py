"""Prompt templates, as module constants used as overridable defaults."""

from prompts.answer import (
    CONDENSE_PROMPT,
    NOT_FOUND_SENTENCE,
    NOT_FOUND_VI,
    SYSTEM_PROMPT,
    USER_PROMPT,
    PassageLike,
    format_passages,
)

__all__ = [
    "CONDENSE_PROMPT",
    "NOT_FOUND_SENTENCE",
    "NOT_FOUND_VI",
    "SYSTEM_PROMPT",
    "USER_PROMPT",
    "PassageLike",
    "format_passages",
]
