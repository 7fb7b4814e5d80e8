"""``plughost import-red`` into an instance on the real PostgreSQL: one transaction, verified."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plughost import instances as inst
from plughost.config import Config, connect
from plughost.config.transfer import checksum

from .red import ALICE, DOCUMENTS, GUILD, OTHER_GUILD, write_red_config

pytestmark = pytest.mark.postgres

Run = Callable[..., tuple[int, str]]


async def _snapshot(dsn: str) -> tuple[int, str]:
    async with connect(dsn) as store:
        report = await checksum(store)
    return report.documents, report.checksum


async def test_import_into_postgres_every_scope_then_refuse_then_replace(
    home: Path, red_folder: Path, pg_dsn: str, run_cli: Run
) -> None:
    inst.create("bot", backend="postgres", dsn=pg_dsn)
    async with connect(pg_dsn):
        await Config.get_conf(None, identifier=1, cog_name="Existing").set_raw("kept", value=1.5)

    before = await _snapshot(pg_dsn)
    code, out = run_cli("import-red", str(red_folder), "--into", "bot", "--dry-run")
    assert code == 0, out
    assert f"{DOCUMENTS} Red document(s) to import" in out
    assert await _snapshot(pg_dsn) == before  # a dry run changes nothing

    code, out = run_cli("import-red", str(red_folder), "--into", "bot")
    assert code == 0, out
    assert f"{DOCUMENTS} Red document(s) imported and verified" in out
    async with connect(pg_dsn):
        notes = Config.get_conf(None, identifier=2711, cog_name="Notes")
        notes.init_custom("NOTE", 2)
        assert await notes.get_raw("limits") == {"max": 5, "ratio": 0.5}
        assert await notes.member_from_ids(GUILD, ALICE).warnings() == ["spam", "caps"]
        assert await notes.custom("NOTE", OTHER_GUILD).all() == {"1": {"text": "elsewhere"}}
        assert await Config.get_conf(None, identifier=1, cog_name="Existing").get_raw("kept") == 1.5
        economy = Config.get_conf(None, identifier=0x9EC00001, cog_name="economy")
        assert await economy.member_from_ids(GUILD, ALICE).get_raw("balance") == 1234

    after = await _snapshot(pg_dsn)
    code, out = run_cli("import-red", str(red_folder), "--into", "bot")
    assert code == 1
    assert "already holds a Red import" in out
    assert await _snapshot(pg_dsn) == after

    # A failing mapping during --replace: the PostgreSQL instance keeps the first import.
    bank: dict[str, Any] = json.loads((red_folder / "cogs/Bank/settings.json").read_text())
    bank["384734293238749"]["MEMBER"][str(GUILD)]["not-an-id"] = {"balance": 5}
    write_red_config(red_folder, "Bank", bank)
    code, out = run_cli("import-red", str(red_folder), "--into", "bot", "--replace")
    assert code == 1
    assert "cog 'economy' failed" in out
    assert await _snapshot(pg_dsn) == after

    del bank["384734293238749"]["MEMBER"][str(GUILD)]["not-an-id"]
    bank["384734293238749"]["MEMBER"][str(GUILD)][str(ALICE)]["balance"] = 99
    write_red_config(red_folder, "Bank", bank)
    code, out = run_cli("import-red", str(red_folder), "--into", "bot", "--replace")
    assert code == 0, out
    async with connect(pg_dsn):
        economy = Config.get_conf(None, identifier=0x9EC00001, cog_name="economy")
        assert await economy.member_from_ids(GUILD, ALICE).get_raw("balance") == 99


async def test_running_shard_processes_refuse_the_import(
    home: Path, red_folder: Path, pg_dsn: str, run_cli: Run
) -> None:
    from plughost.cluster.heartbeat import ProcessRow, beat, remove
    from plughost.cluster.pg import open_connection

    inst.create("bot", backend="postgres", dsn=pg_dsn)
    async with connect(pg_dsn):
        pass  # creates the tables, the process table included
    conn = await open_connection(pg_dsn)
    try:
        row = ProcessRow("p1", "host", 1234, (0,), 1, True, {0: 40.0}, 0, "")
        await beat(conn, row)
        before = await _snapshot(pg_dsn)
        code, out = run_cli("import-red", str(red_folder), "--into", "bot")
        assert code == 1
        assert out.strip() == (
            "error: 1 shard process(es) of instance 'bot' are running (`plughost status`):"
            " stop them first"
        )
        assert await _snapshot(pg_dsn) == before
        await remove(conn, "p1")
    finally:
        await conn.close()
    code, out = run_cli("import-red", str(red_folder), "--into", "bot")
    assert code == 0, out
