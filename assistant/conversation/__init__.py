"""Conversations: how a question asked after others is read (see :mod:`.base`).

The offline default weighs both readings by their evidence (:mod:`.evidence`); the
generative mode asks the LLM once and checks its rewrite (:mod:`.llm`); the rules alone
and "as asked" are baselines (:mod:`.rules`). The assistant picks one from
``settings.conversation`` (``assistant.factory.build_condenser``).
"""

from assistant.conversation.base import (
    Attempt,
    Condenser,
    Reading,
    TryReading,
    turn_of,
    understood_note,
)
from assistant.conversation.evidence import EvidenceCondenser, ReadingWeights
from assistant.conversation.rules import AsAskedCondenser, RuleCondenser

__all__ = [
    "Attempt",
    "AsAskedCondenser",
    "Condenser",
    "EvidenceCondenser",
    "Reading",
    "ReadingWeights",
    "RuleCondenser",
    "TryReading",
    "turn_of",
    "understood_note",
]
