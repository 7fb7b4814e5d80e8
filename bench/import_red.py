"""How long `plughost import-red` takes, by the size of the Red instance.

    python bench/import_red.py [--members 20000] [--dsn postgres://postgres@127.0.0.1:5432/test]

A Red 3.5 data folder is written as Red's JSON driver writes it: Red's bank with
``--members`` accounts in one server, a cog with as many USER documents and as
many documents of a two-key custom group, and core. Each run imports it into a
new instance (SQLite, then PostgreSQL in a throwaway schema of ``--dsn`` unless
``--no-postgres``): the dry run, then the import (stage, verify, the economy
cog's mapping, swap, verify). Times are wall clock, one run each, on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg

from plughost import instances
from plughost.importers.red import import_red, open_source
from plughost.instances.postgres import run_to_completion

_BANK = "384734293238749"
_GUILD = "500000000000000001"


def write_red(folder: Path, members: int) -> None:
    ids = [str(400000000000000000 + i) for i in range(members)]
    core = {
        "0": {
            "GLOBAL": {"prefix": ["!"], "owner": 111111111111111111},
            "CUSTOM_GROUPS": {"Notes": {"1": {"NOTE": 2}}, "Bank": {_BANK: {}}},
        }
    }
    bank = {
        _BANK: {
            "GLOBAL": {"schema_version": 1},
            "MEMBER": {
                _GUILD: {i: {"name": "m", "balance": n, "created_at": 1} for n, i in enumerate(ids)}
            },
        }
    }
    notes = {
        "1": {
            "USER": {i: {"written": n} for n, i in enumerate(ids)},
            "NOTE": {_GUILD: {str(n): {"text": f"note {n}"} for n in range(members)}},
        }
    }
    for where, data in (("core", core), ("cogs/Bank", bank), ("cogs/Notes", notes)):
        (folder / where).mkdir(parents=True, exist_ok=True)
        (folder / where / "settings.json").write_text(json.dumps(data))


def run(folder: Path, name: str, *, dry_run: bool) -> tuple[int, float]:
    start = time.perf_counter()
    red = open_source(str(folder), None)
    report = import_red(red, name, dry_run=dry_run, with_secrets=False, replace=False)
    return report.documents, time.perf_counter() - start


async def _admin(dsn: str, statement: str) -> None:
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=20000)
    parser.add_argument("--dsn", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ[instances.HOME_ENV] = str(Path(tmp) / "home")
        folder = Path(tmp) / "red"
        write_red(folder, args.members)
        rows: list[tuple[str, str, int, float]] = []
        documents, seconds = run(folder, "lite", dry_run=True)
        rows.append(("sqlite", "dry run", documents, seconds))
        documents, seconds = run(folder, "lite", dry_run=False)
        rows.append(("sqlite", "import", documents, seconds))
        if not args.no_postgres:
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            run_to_completion(_admin(args.dsn, f'CREATE SCHEMA "{schema}"'))
            try:
                # check_connection=False: its probe does not know plughost's ?schema=.
                dsn = f"{args.dsn}?schema={schema}"
                instances.create("pg", backend="postgres", dsn=dsn, check_connection=False)
                documents, seconds = run(folder, "pg", dry_run=True)
                rows.append(("postgres", "dry run", documents, seconds))
                documents, seconds = run(folder, "pg", dry_run=False)
                rows.append(("postgres", "import", documents, seconds))
            finally:
                run_to_completion(_admin(args.dsn, f'DROP SCHEMA "{schema}" CASCADE'))
    print(f"Red instance: {args.members:,} bank accounts, {args.members:,} USER documents,")
    print(f"{args.members:,} custom-group documents (plus GLOBAL and core)")
    print()
    print(f"{'backend':<9} {'run':<8} {'documents':>10} {'seconds':>8} {'docs/s':>9}")
    for backend, what, documents, seconds in rows:
        print(
            f"{backend:<9} {what:<8} {documents:>10,} {seconds:>8.2f} {documents / seconds:>9,.0f}"
        )


if __name__ == "__main__":
    main()
