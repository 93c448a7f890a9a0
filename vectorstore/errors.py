"""Errors of the storage layer; each message says what to do about it."""


class StoreError(Exception):
    """The vector store cannot be opened or used."""


class EmbeddingModelMismatch(StoreError):
    """The collection was built with another embedding model."""


class StoreLocked(StoreError):
    """Another process is writing to the embedded store."""
