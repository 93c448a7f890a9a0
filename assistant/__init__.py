"""Vietnamese retrieval Q&A assistant: answers from your articles, with citations.

Example:
    >>> from assistant import Assistant, Settings
    >>> bot = Assistant(Settings(data_dir="/tmp/kb"))   # light: nothing loads yet
"""

from assistant.answering.base import AnswerEvent, Turn
from assistant.core import Assistant, Source
from assistant.settings import Settings
from assistant.types import Answer, AssistantError, Citation, IngestReport, Passage
from vectorstore.errors import EmbeddingModelMismatch, StoreError, StoreLocked

__all__ = [
    "Answer",
    "AnswerEvent",
    "Assistant",
    "AssistantError",
    "Citation",
    "EmbeddingModelMismatch",
    "IngestReport",
    "Passage",
    "Settings",
    "Source",
    "StoreError",
    "StoreLocked",
    "Turn",
]
