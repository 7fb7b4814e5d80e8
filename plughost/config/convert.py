"""Copy every config document from one store to another, verified (SQLite <-> PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass

from plughost.config.connection import connect
from plughost.config.transfer import Checksum, TransferError, checksum

__all__ = ["ConvertError", "ConvertReport", "DestinationNotEmpty", "convert"]


class ConvertError(TransferError):
    """The destination is not empty, or did not end up with exactly the source's data."""


class DestinationNotEmpty(ConvertError):
    """The destination already holds config documents (and ``replace`` was not given)."""

    def __init__(self, location: str, documents: int) -> None:
        super().__init__(f"{location} already holds {documents} config documents")
        self.location = location
        self.documents = documents


@dataclass(frozen=True)
class ConvertReport:
    """What ``convert`` copied: a document count and the checksum both sides agree on."""

    source: str
    destination: str
    documents: int
    checksum: str


async def convert(src_dsn: str, dst_dsn: str, *, replace: bool = False) -> ConvertReport:
    """Copy every document from ``src_dsn`` to ``dst_dsn`` and verify the copy.

    The destination must be empty unless ``replace`` is true (its documents are
    then removed first). Raises :class:`ConvertError` unless the destination
    ends with the same number of documents and the same checksum as the source.
    The source is only read. Neither store may be open in another process
    while this runs, if it is SQLite (the instance lock refuses it).
    """
    async with connect(src_dsn) as source, connect(dst_dsn) as destination:
        if replace:
            await destination.delete_prefix("")
        elif documents := await destination.count():
            raise DestinationNotEmpty(destination.location, documents)
        copied = Checksum()
        async for batch in source.iter_rows():
            for key, text in batch:
                copied.add(key, text)
            await destination.insert_rows(batch)
        await destination.flush()
        expected = copied.report()
        # Read back through the destination, independently of what was sent.
        landed = await checksum(destination)
        if landed != expected:
            raise ConvertError(
                f"copy mismatch: source {expected.documents} documents ({expected.checksum[:12]}),"
                f" destination {landed.documents} ({landed.checksum[:12]})"
            )
        return ConvertReport(
            source.location, destination.location, expected.documents, expected.checksum
        )
