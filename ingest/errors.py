"""The one error type of the ingest layer.

A file that cannot become an article (binary, empty, encrypted, too large...)
raises :class:`IngestError` with a short reason meant for the user; the batch
functions in :mod:`ingest.pipeline` catch it, report the reason and go on with
the other files.
"""

from __future__ import annotations


class IngestError(Exception):
    """A file could not be read as an article; ``str(err)`` is the reason.

    >>> str(IngestError("empty file"))
    'empty file'
    """
