"""Crash-safe filesystem steps: private atomic writes and staged directories.

Every operation that builds something on disk builds it under a hidden name next to
its target and renames it into place, so a failure at any point (including a
crash) leaves either the old state or the new one, never a half-written mix.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from plughost.instances.errors import InstanceError

__all__ = ["fsync_dir", "publish_dir", "reason", "staging_dir", "write_private_file"]


def reason(exc: OSError) -> str:
    """The human part of an OS error ("Permission denied"), without errno noise."""
    return exc.strerror or str(exc) or type(exc).__name__


def fsync_dir(path: Path) -> None:
    """Flush a directory entry, so a rename inside it survives a power cut."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_private_file(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically, readable by the owner only (0600).

    Temp file in the same directory (a rename is only atomic within one filesystem),
    fsync before the rename (else a crash can leave an empty file under the final
    name), then fsync the directory so the rename itself is durable.
    """
    # mkstemp creates the file 0600 whatever the umask, so the secret is never
    # readable by others, not even for the instant before a chmod.
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    fsync_dir(path.parent)


@contextlib.contextmanager
def staging_dir(parent: Path, name: str, purpose: str) -> Iterator[Path]:
    """A private (0700) hidden directory in ``parent``, removed again on any failure.

    The leading dot keeps it out of ``list_instances()`` while it is being filled.
    On success the caller has renamed it away with :func:`publish_dir`, so there is
    nothing left to clean.
    """
    try:
        path = Path(tempfile.mkdtemp(dir=parent, prefix=f".{name}.{purpose}-"))
    except OSError as exc:
        raise InstanceError(f"cannot write to {parent}: {reason(exc)}") from exc
    try:
        yield path
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise


def publish_dir(staged: Path, target: Path, clash_message: str) -> None:
    """Rename a filled staging directory to its final name, refusing to replace one."""
    # rename(2) would silently replace an *empty* directory, so look first; the
    # window between the check and the rename only matters for two concurrent
    # creates of one name, and then the loser gets ENOTEMPTY below.
    if target.exists() or target.is_symlink():
        raise InstanceError(clash_message)
    try:
        os.rename(staged, target)
    except OSError as exc:
        if target.exists():
            raise InstanceError(clash_message) from exc
        raise InstanceError(f"cannot create {target}: {reason(exc)}") from exc
    fsync_dir(target.parent)
