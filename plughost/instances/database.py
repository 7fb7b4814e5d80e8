"""A PostgreSQL instance's config data in and out of backup archives, with no external tools.

SQLite instances need none of this: their database is a file, copied with
SQLite's backup API. A PostgreSQL instance's documents are dumped through the
config layer (``plughost.config.transfer``) into ``data/postgres.jsonl``, whose
footer carries a count and a checksum, and loaded back the same way on restore.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from plughost.instances.errors import InstanceError
from plughost.instances.postgres import redact_dsn, run_to_completion

__all__ = ["POSTGRES_DUMP", "dump_database", "load_database"]

#: Where a PostgreSQL instance's documents go in an archive (and in a restored folder).
POSTGRES_DUMP: Final = "postgres.jsonl"


def dump_database(dsn: str, target: Path) -> int:
    """Write every config document at ``dsn`` to ``target``; return how many."""
    return run_to_completion(_dump(dsn, target))


def load_database(dsn: str, source: Path) -> int:
    """Load a dump into the database at ``dsn``, which must hold no plughost data yet.

    Refusing a database that already holds data keeps a restore from ever
    overwriting a live instance (a restore "as" a copy on the same server must
    be pointed at another database).
    """
    return run_to_completion(_load(dsn, source))


async def _dump(dsn: str, target: Path) -> int:
    # Imported on use: the config layer pulls in Tortoise, which the other
    # instance commands do not need.
    from plughost.config import connect
    from plughost.config.transfer import dump

    try:
        async with connect(dsn) as store:
            with target.open("w", encoding="utf-8") as out:
                report = await dump(store, out)
    except Exception as exc:  # the store's and the driver's many failures, as one line
        raise InstanceError(f"cannot dump the database at {redact_dsn(dsn)}: {exc}") from exc
    return report.documents


async def _load(dsn: str, source: Path) -> int:
    from plughost.config import connect
    from plughost.config.transfer import load

    try:
        async with connect(dsn) as store:
            if await store.count():
                raise InstanceError(
                    f"the database at {redact_dsn(dsn)} already holds plughost data; "
                    "restore into an empty database with --dsn"
                )
            with source.open(encoding="utf-8") as dump_file:
                report = await load(store, dump_file, replace=False)
    except InstanceError:
        raise
    except Exception as exc:  # as above
        raise InstanceError(f"cannot restore into {redact_dsn(dsn)}: {exc}") from exc
    return report.documents
