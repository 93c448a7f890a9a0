"""Prompt templates, as module constants used as overridable defaults."""

from prompts.answer import (
    CONDENSE_PROMPT,
    NOT_FOUND_SENTENCE,
    SYSTEM_PROMPT,
    USER_PROMPT,
    format_passages,
)

__all__ = [
    "CONDENSE_PROMPT",
    "NOT_FOUND_SENTENCE",
    "SYSTEM_PROMPT",
    "USER_PROMPT",
    "format_passages",
]
