"""Moving an instance to another storage backend, verified before it switches.

A round trip (SQLite -> PostgreSQL -> SQLite) just works: going back to SQLite,
the instance's old database file (the data as it was before the move, now stale)
is kept aside under a dated name and the copy goes into a new file. A PostgreSQL
destination that already holds plughost data is refused with the exact command
that overwrites it (``--replace``): that database may be another instance's.
"""

from __future__ import annotations

import contextlib
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from plughost.instances.errors import InstanceError
from plughost.instances.layout import SQLITE_FILE, load, sqlite_dsn
from plughost.instances.postgres import redact_dsn, run_to_completion
from plughost.instances.settings import Backend
from plughost.instances.store import edit

if TYPE_CHECKING:
    from plughost.config.convert import ConvertReport

__all__ = ["Conversion", "convert_instance"]

# The database and the side files SQLite may leave next to it.
_SIDE_SUFFIXES = ("", "-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Conversion:
    """What :func:`convert_instance` moved, and where the instance now keeps its data."""

    instance: str
    backend: Backend
    documents: int
    checksum: str
    #: The old SQLite file kept aside on the way back to SQLite, if there was one.
    kept: Path | None = None


def convert_instance(
    name: str, to: Backend, *, dsn: str | None = None, replace: bool = False
) -> Conversion:
    """Copy instance ``name``'s config data to another backend, verify it, then switch.

    The copy is checked (document count and checksum) before the settings change,
    so a failed or partial copy leaves the instance on its old store, untouched.
    A PostgreSQL destination must hold no plughost data unless ``replace`` is
    given; an SQLite one is the instance's own file, kept aside first (or, with
    ``replace``, overwritten in place). The bot must not be running on an SQLite
    instance meanwhile (its lock refuses).
    """
    instance = load(name)
    current = instance.settings.backend
    if to == current:
        raise InstanceError(f"instance {name!r} already uses {to}")
    if to == "postgres":
        if dsn is None:
            raise InstanceError("converting to postgres needs --dsn")
        report = run_to_completion(_convert(name, instance.dsn, dsn, replace))
        edit(name, backend="postgres", dsn=dsn)
        return Conversion(name, to, report.documents, report.checksum)
    if dsn is not None:
        raise InstanceError("--dsn applies to --to postgres only")
    target = instance.data_path / SQLITE_FILE
    with _kept_aside(target, keep=not replace) as kept:
        report = run_to_completion(_convert(name, instance.dsn, sqlite_dsn(target), replace))
    edit(name, backend="sqlite")
    return Conversion(name, to, report.documents, report.checksum, kept)


@contextlib.contextmanager
def _kept_aside(target: Path, *, keep: bool) -> Iterator[Path | None]:
    """Move an existing SQLite file (and its side files) to a dated name for the
    block; put it back if the block fails, so nothing changed."""
    if not keep or not target.exists():
        yield None
        return
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = target.with_name(f"{target.name}.before-convert-{stamp}")
    moved: list[tuple[Path, Path]] = []
    for suffix in _SIDE_SUFFIXES:
        side = target.with_name(target.name + suffix)
        if side.exists():
            aside = kept.with_name(kept.name + suffix)
            side.rename(aside)
            moved.append((aside, side))
    try:
        yield kept
    except BaseException:
        for suffix in _SIDE_SUFFIXES:  # the half-made new file goes
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        for aside, side in moved:
            aside.rename(side)
        raise


async def _convert(name: str, source: str, destination: str, replace: bool) -> ConvertReport:
    from plughost.config.convert import DestinationNotEmpty, convert

    try:
        return await convert(source, destination, replace=replace)
    except DestinationNotEmpty as exc:
        again = f"plughost convert {shlex.quote(name)} --to postgres --dsn "
        again += shlex.quote(redact_dsn(destination)) + " --replace"
        raise InstanceError(
            f"nothing was switched: the PostgreSQL database {exc.location} already holds "
            f"{exc.documents} plughost documents (another instance's, or an earlier "
            f"conversion's). To overwrite them with this instance's data, run: {again}"
        ) from exc
    except Exception as exc:  # store, driver and verification failures, as one line
        message = str(exc).replace(destination, redact_dsn(destination))
        raise InstanceError(f"conversion failed, nothing was switched: {message}") from exc
