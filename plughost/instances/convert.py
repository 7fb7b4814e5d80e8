"""Moving an instance to another storage backend, verified before it switches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from plughost.instances.errors import InstanceError
from plughost.instances.layout import SQLITE_FILE, load
from plughost.instances.postgres import redact_dsn, run_to_completion
from plughost.instances.settings import Backend
from plughost.instances.store import edit

if TYPE_CHECKING:
    from plughost.config.convert import ConvertReport

__all__ = ["Conversion", "convert_instance"]


@dataclass(frozen=True)
class Conversion:
    """What :func:`convert_instance` moved, and where the instance now keeps its data."""

    instance: str
    backend: Backend
    documents: int
    checksum: str


def convert_instance(
    name: str, to: Backend, *, dsn: str | None = None, replace: bool = False
) -> Conversion:
    """Copy instance ``name``'s config data to another backend, verify it, then switch.

    The copy is checked (document count and checksum) before the settings change,
    so a failed or partial copy leaves the instance on its old store, untouched.
    The destination must hold no plughost data unless ``replace`` is given. The
    bot must not be running on an SQLite instance meanwhile (its lock refuses).
    """
    instance = load(name)
    current = instance.settings.backend
    if to == current:
        raise InstanceError(f"instance {name!r} already uses {to}")
    if to == "postgres":
        if dsn is None:
            raise InstanceError("converting to postgres needs --dsn")
        destination = dsn
    else:
        if dsn is not None:
            raise InstanceError("--dsn applies to --to postgres only")
        destination = f"sqlite:///{instance.data_path / SQLITE_FILE}"
    report = run_to_completion(_convert(instance.dsn, destination, replace))
    if to == "postgres":
        edit(name, backend="postgres", dsn=destination)
    else:
        edit(name, backend="sqlite")
    return Conversion(name, to, report.documents, report.checksum)


async def _convert(source: str, destination: str, replace: bool) -> ConvertReport:
    from plughost.config.convert import convert

    try:
        return await convert(source, destination, replace=replace)
    except Exception as exc:  # store, driver and verification failures, as one line
        message = str(exc).replace(destination, redact_dsn(destination))
        raise InstanceError(f"conversion failed, nothing was switched: {message}") from exc
