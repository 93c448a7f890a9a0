"""Conversations: how a question asked after others is read (see :mod:`.base`)."""

from assistant.conversation.base import Condenser, Reading, TryReading

__all__ = ["Condenser", "Reading", "TryReading"]
