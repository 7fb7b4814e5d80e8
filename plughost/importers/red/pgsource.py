"""Reading a Red-DiscordBot 3.5 instance from Red's PostgreSQL backend.

Red's PostgreSQL driver lists each Config in ``red_config.red_cogs`` (``cog_name``,
``cog_id``, ``schemaname``; the schema is named ``<cog_name>.<cog_id>``). The
schema has one table per scope, named after it (``GLOBAL``, ``GUILD``, ...,
``MEMBER``, or a custom group's name), with columns ``primary_key_1`` ...
``primary_key_N`` (``bigint`` for built-in scopes, ``text`` for custom groups;
``GLOBAL`` has one key, always 0) and ``json_data jsonb``, one row per document.
The number of key columns is each scope's key count, so custom groups need no
``CUSTOM_GROUPS`` record here.

This builds the same ``{scope: tree}`` as Red's JSON files hold, so the rest of
the import does not know which backend the data came from. Only reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Final

from plughost.importers.red.model import RedInstance, RedSourceError

__all__ = ["read_postgres"]

_KEY_COLUMN: Final = re.compile(r"primary_key_(\d+)\Z")
_COGS: Final = "SELECT cog_name, cog_id, schemaname FROM red_config.red_cogs ORDER BY 1, 2"
_TABLES: Final = (
    "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1"
)
_COLUMNS: Final = (
    "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2"
)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def read_postgres(
    dsn: str | None = None, *, details: Mapping[str, Any] | None = None, origin: str
) -> RedInstance:
    """Every Config of the Red instance in this PostgreSQL database (a DSN, or Red's
    ``STORAGE_DETAILS``: asyncpg's connection arguments)."""
    # Imported on use: only this source needs the driver. asyncpg ships no type hints.
    import asyncpg  # type: ignore[import-untyped]  # noqa: PLC0415

    try:
        conn = await asyncpg.connect(dsn, **dict(details or {}), timeout=10)
    except (OSError, asyncpg.PostgresError) as exc:
        raise RedSourceError(f"cannot connect to Red's database: {exc}") from exc
    try:
        await conn.set_type_codec(
            "jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )
        try:
            configs = await conn.fetch(_COGS)
        except asyncpg.UndefinedTableError:
            raise RedSourceError(
                "not a Red database (it has no red_config.red_cogs table)"
            ) from None
        cogs: dict[str, dict[str, Any]] = {}
        key_counts: dict[tuple[str, str], dict[str, int]] = {}
        for cog_name, cog_id, schema in configs:
            scopes: dict[str, Any] = {}
            counts: dict[str, int] = {}
            for (table,) in await conn.fetch(_TABLES, schema):
                columns = [c for (c,) in await conn.fetch(_COLUMNS, schema, table)]
                keys = sorted((int(m.group(1)), c) for c in columns if (m := _KEY_COLUMN.match(c)))
                if "json_data" not in columns or not keys:
                    continue
                names = ", ".join(_quoted(c) for _, c in keys)
                rows = await conn.fetch(
                    f"SELECT {names}, json_data FROM {_quoted(schema)}.{_quoted(table)}"
                )
                if table == "GLOBAL":
                    # One key, always 0: the scope's tree is that one document.
                    scopes[table] = rows[0]["json_data"] if rows else {}
                    continue
                tree: dict[str, Any] = {}
                for row in rows:
                    node = tree
                    parts = [str(row[c]) for _, c in keys]
                    for part in parts[:-1]:
                        node = node.setdefault(part, {})
                    node[parts[-1]] = row["json_data"]
                scopes[table] = tree
                counts[table] = len(keys)
            cogs.setdefault(str(cog_name), {})[str(cog_id)] = scopes
            key_counts[str(cog_name), str(cog_id)] = counts
    finally:
        await conn.close()
    return RedInstance(origin, cogs, key_counts=key_counts)
