"""Dump and load every config document, for backup and restore without external tools.

The dump is JSON lines: a header, one ``[[key parts...], value]`` line per
document in key order, and a footer with the count and a checksum. The
checksum (SHA-256 over each key and its canonical JSON) is the same for the
same data on SQLite and PostgreSQL, so a dump, a restore and a conversion can
each be verified against the data they came from.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final, TextIO

from plughost.config.backends.store import ConfigStore
from plughost.config.documents import encode
from plughost.config.keys import decode_key, encode_parts

__all__ = ["FORMAT", "Checksum", "TransferError", "TransferReport", "checksum", "dump", "load"]

FORMAT: Final = "plughost-config-dump"
_VERSION: Final = 1
_BATCH: Final = 1000


class TransferError(RuntimeError):
    """A dump is malformed, or data did not arrive intact."""


@dataclass(frozen=True)
class TransferReport:
    """How many documents were moved, and the checksum of their content."""

    documents: int
    checksum: str


def _float(text: str) -> float | int:
    value = float(text)
    # PostgreSQL's jsonb prints 1e16 as 10000000000000000 (an int to JSON):
    # compare such numbers as ints so both backends agree on the checksum.
    if value.is_integer() and abs(value) >= 1e16:
        return int(value)
    return value


def canonical(text: str) -> str:
    """One spelling per JSON value: sorted keys, no spaces."""
    value = json.loads(text, parse_float=_float)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class Checksum:
    """SHA-256 over (key, canonical JSON) pairs fed in key order."""

    __slots__ = ("_hash", "count")

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.count = 0

    def add(self, key: str, text: str) -> None:
        self._hash.update(key.encode())
        self._hash.update(b"\x00")
        self._hash.update(canonical(text).encode())
        self._hash.update(b"\n")
        self.count += 1

    def report(self) -> TransferReport:
        return TransferReport(self.count, self._hash.hexdigest())


async def checksum(store: ConfigStore) -> TransferReport:
    """Count and checksum every document in ``store``."""
    total = Checksum()
    async for batch in store.iter_rows(_BATCH):
        for key, text in batch:
            total.add(key, text)
    return total.report()


async def dump(store: ConfigStore, out: TextIO) -> TransferReport:
    """Write every document of ``store`` to ``out``."""
    total = Checksum()
    out.write(json.dumps({"format": FORMAT, "version": _VERSION, "backend": store.backend}) + "\n")
    async for batch in store.iter_rows(_BATCH):
        for key, text in batch:
            total.add(key, text)
            line = [list(decode_key(key)), json.loads(text)]
            out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
    report = total.report()
    out.write(json.dumps(dataclasses.asdict(report)) + "\n")
    return report


async def load(store: ConfigStore, source: TextIO, *, replace: bool = True) -> TransferReport:
    """Load a dump into ``store`` (first removing everything in it, by default).

    The whole dump is checked against its footer before the store is touched;
    :class:`TransferError` if it is malformed, truncated or altered, or if the
    store does not hold exactly what the dump describes afterwards.
    """
    if not source.seekable():
        source = io.StringIO(source.read())
    start = source.tell()
    expected = Checksum()
    for key, text in _documents(source):
        expected.add(key, text)
    report = expected.report()
    source.seek(start)
    if replace:
        await store.delete_prefix("")
    batch: list[tuple[str, str]] = []
    for row in _documents(source):
        batch.append(row)
        if len(batch) >= _BATCH:
            await store.insert_rows(batch)
            batch = []
    if batch:
        await store.insert_rows(batch)
    await store.flush()
    if replace:
        stored = await checksum(store)
        if stored != report:
            raise TransferError(
                f"store holds {stored.documents} documents after loading {report.documents}"
                " (or different content)"
            )
    return report


def _documents(source: TextIO) -> Iterator[tuple[str, str]]:
    """``(key, JSON text)`` of each document in a dump; checks header and footer."""
    header = _parse(source.readline(), "header")
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise TransferError("not a plughost config dump")
    if header.get("version") != _VERSION:
        raise TransferError(f"unsupported dump version {header.get('version')!r}")
    total = Checksum()
    for number, line in enumerate(source, start=2):
        item = _parse(line, f"line {number}")
        if isinstance(item, dict):
            if item != dataclasses.asdict(total.report()):
                raise TransferError("the dump does not match its own footer (corrupted?)")
            return
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], list)):
            raise TransferError(f"line {number} is not a document")
        key = encode_parts(tuple(str(part) for part in item[0]))
        text = encode(item[1])
        total.add(key, text)
        yield key, text
    raise TransferError("the dump is truncated (no footer)")


def _parse(line: str, what: str) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise TransferError(f"{what} of the dump is not JSON: {exc}") from None
