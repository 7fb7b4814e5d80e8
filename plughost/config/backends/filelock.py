"""The SQLite instance lock: one process per database file.

An ``fcntl.flock`` on a sibling ``<file>.lock`` that holds the owner's pid. The
kernel drops the lock when the process dies, however it dies (SIGKILL included),
so there is never a stale lock to clean up.
"""

from __future__ import annotations

import contextlib
import fcntl
import os

from plughost.config.errors import StoreLockedError

__all__ = ["InstanceLock"]


class InstanceLock:
    """Exclusive, non-blocking ownership of one SQLite database file."""

    __slots__ = ("_fd", "database", "path")

    def __init__(self, database: str) -> None:
        self.database = database
        self.path = database + ".lock"
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = self._read_pid(fd)
            os.close(fd)
            raise StoreLockedError(self.database, pid) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    @staticmethod
    def _read_pid(fd: int) -> int | None:
        with contextlib.suppress(OSError, ValueError):
            return int(os.pread(fd, 32, 0).decode().strip())
        return None

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
