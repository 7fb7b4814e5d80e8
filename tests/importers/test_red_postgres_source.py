"""A Red instance on Red's own PostgreSQL backend as the SOURCE: a DSN, or through Red's
registry. Built here as Red's driver lays it out: ``red_config.red_cogs`` and one schema
per Config (``<cog>.<identifier>``) with one table per scope."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import pytest

from plughost import instances as inst
from plughost.config import Config, connect
from plughost.hooks.red import BUILTIN_SCOPES

from .red import ALICE, DOCUMENTS, GUILD, RED35

pytestmark = pytest.mark.postgres

Run = Callable[..., tuple[int, str]]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _rows(node: Any, depth: int, keys: tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
    if depth == 0:
        return [(keys, node)]
    return [r for k, v in node.items() for r in _rows(v, depth - 1, (*keys, k))]


async def _lay_out_as_red(dsn: str, folder: Path) -> None:
    """Red's PostgreSQL tables holding the same data as the JSON files in ``folder``."""
    files = {"Core": folder / "core/settings.json"}
    files |= {p.parent.name: p for p in sorted((folder / "cogs").glob("*/settings.json"))}
    configs = {cog: json.loads(path.read_text()) for cog, path in files.items()}
    groups = configs["Core"]["0"]["CUSTOM_GROUPS"]
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "CREATE SCHEMA red_config; CREATE TABLE red_config.red_cogs(cog_name text,"
            " cog_id text, schemaname text NOT NULL, PRIMARY KEY (cog_name, cog_id))"
        )
        for cog, identifiers in configs.items():
            for identifier, scopes in identifiers.items():
                schema = f"{cog}.{identifier}"
                await conn.execute(f"CREATE SCHEMA {_q(schema)}")
                await conn.execute(
                    "INSERT INTO red_config.red_cogs VALUES ($1, $2, $3)", cog, identifier, schema
                )
                for scope, tree in scopes.items():
                    custom = scope not in BUILTIN_SCOPES
                    count = groups.get(cog, {}).get(identifier, {}).get(scope) if custom else None
                    if custom and count is None:
                        continue  # Red's PostgreSQL driver always knows a group's key count
                    depth = 1 if scope == "GLOBAL" else (count or BUILTIN_SCOPES[scope])
                    kind = "text" if custom else "bigint"
                    columns = [f"primary_key_{i}" for i in range(1, depth + 1)]
                    await conn.execute(
                        f"CREATE TABLE {_q(schema)}.{_q(scope)} ("
                        + ", ".join(f"{c} {kind}" for c in columns)
                        + ", json_data jsonb DEFAULT '{}' NOT NULL,"
                        + f" PRIMARY KEY ({', '.join(columns)}))"
                    )
                    rows = [(("0",), tree)] if scope == "GLOBAL" else _rows(tree, depth, ())
                    marks = ", ".join(f"${i}" for i in range(1, depth + 2))
                    await conn.executemany(
                        f"INSERT INTO {_q(schema)}.{_q(scope)} VALUES ({marks})",
                        [
                            (*(k if custom else int(k) for k in keys), json.dumps(doc))
                            for keys, doc in rows
                        ],
                    )
    finally:
        await conn.close()


async def test_reds_postgres_backend_imports_like_its_json_files(
    home: Path, pg_dsn: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Run
) -> None:
    await _lay_out_as_red(pg_dsn, RED35)
    code, from_json = run_cli("import-red", str(RED35), "--into", "fromjson", "--dry-run")
    assert code == 0, from_json

    code, out = run_cli("import-red", pg_dsn, "--into", "bot")
    assert code == 0, out
    # The same documents, to the checksum, as from Red's JSON files.
    assert (
        out.splitlines()[-1].replace("imported and verified", "to import")
        == (from_json.splitlines()[-1])
    )
    assert f"{DOCUMENTS} Red document(s)" in out
    assert "  cog economy: 3 accounts mapped" in out
    async with connect(inst.load("bot").dsn):
        notes = Config.get_conf(None, identifier=2711, cog_name="Notes")
        notes.init_custom("NOTE", 2)
        assert await notes.custom("NOTE", GUILD).all() == {
            "1": {"text": "first", "author": ALICE},
            "2": {"text": "second"},
        }
        assert await notes.member_from_ids(GUILD, ALICE).warnings() == ["spam", "caps"]

    # Through Red's registry: STORAGE_DETAILS are asyncpg's connection arguments.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    parts = urlsplit(pg_dsn)
    details = {
        "host": parts.hostname,
        "port": parts.port,
        "user": parts.username,
        "password": None,
        "database": parts.path.lstrip("/"),
    }
    registry = tmp_path / "config" / "Red-DiscordBot" / "config.json"
    registry.parent.mkdir(parents=True)
    entry = {"DATA_PATH": str(tmp_path), "STORAGE_TYPE": "Postgres", "STORAGE_DETAILS": details}
    registry.write_text(json.dumps({"pgbot": entry}))
    code, out = run_cli("import-red", "--instance", "pgbot", "--into", "viaregistry", "--dry-run")
    assert code == 0, out
    assert out.splitlines()[0].startswith("Red instance 'pgbot' (PostgreSQL ")
    assert out.splitlines()[-1] == from_json.splitlines()[-1]


async def test_a_database_without_red_is_refused(home: Path, pg_dsn: str, run_cli: Run) -> None:
    code, out = run_cli("import-red", pg_dsn, "--into", "bot")
    assert (code, out.strip()) == (
        1,
        "error: not a Red database (it has no red_config.red_cogs table)",
    )
    assert inst.instance_names() == []
