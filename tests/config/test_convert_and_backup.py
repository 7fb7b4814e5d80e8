"""Converting between SQLite and PostgreSQL, and dump/load for backup and restore."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from plughost.config import Config, connect
from plughost.config.convert import ConvertError, convert
from plughost.config.transfer import TransferError, checksum, dump, load

pytestmark = pytest.mark.postgres


async def _fill(dsn: str) -> None:
    async with connect(dsn):
        conf = Config.get_conf(None, identifier=42, cog_name="Example")
        conf.init_custom("TAGS", 2)
        for guild in range(50):
            await conf.guild_from_id(guild).settings.set({"prefix": "!", "n": guild, "f": 1.5})
            await conf.member_from_ids(guild, 7).balance.set(guild * 10)
        await conf.custom("TAGS", "a\x1fb", "ünïcode").text.set("weird keys survive")
        await conf.big.set(1e20)
        await Config.get_conf(None, identifier=1, cog_name="Other").value.set([1, None, "x"])


async def _snapshot(dsn: str) -> dict[str, object]:
    async with connect(dsn):
        conf = Config.get_conf(None, identifier=42, cog_name="Example")
        conf.init_custom("TAGS", 2)
        return {
            "guilds": await conf.all_guilds(),
            "members": await conf.all_members(),
            "tags": await conf.custom("TAGS").all(),
            "other": await Config.get_conf(None, identifier=1, cog_name="Other").value(),
        }


async def test_round_trip_sqlite_postgres_sqlite(tmp_path: Path, pg_schema_dsn: str) -> None:
    first = f"sqlite:///{tmp_path / 'first.db'}"
    back = f"sqlite:///{tmp_path / 'back.db'}"
    await _fill(first)
    there = await convert(first, pg_schema_dsn)
    assert there.documents == 50 + 50 + 1 + 1 + 1
    again = await convert(pg_schema_dsn, back)
    assert (again.documents, again.checksum) == (there.documents, there.checksum)
    expected = await _snapshot(first)
    assert await _snapshot(pg_schema_dsn) == expected
    assert await _snapshot(back) == expected


async def test_refuses_a_non_empty_destination(tmp_path: Path, pg_schema_dsn: str) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    await _fill(source)
    await _fill(pg_schema_dsn)
    async with connect(pg_schema_dsn) as store:
        await Config.get_conf(None, identifier=1, cog_name="Extra").only_here.set(True)
        before = await checksum(store)
    with pytest.raises(ConvertError, match="already holds"):
        await convert(source, pg_schema_dsn)
    async with connect(pg_schema_dsn) as store:
        assert await checksum(store) == before  # untouched
    report = await convert(source, pg_schema_dsn, replace=True)
    async with connect(source) as store:
        at_source = await checksum(store)
    async with connect(pg_schema_dsn) as store:
        assert await checksum(store) == at_source
    assert (report.documents, report.checksum) == (at_source.documents, at_source.checksum)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_dump_then_load_restores_everything(
    tmp_path: Path, pg_schema_dsn: str, backend: str
) -> None:
    dsn = f"sqlite:///{tmp_path / 'live.db'}" if backend == "sqlite" else pg_schema_dsn
    await _fill(dsn)
    expected = await _snapshot(dsn)
    backup = io.StringIO()
    async with connect(dsn) as store:
        dumped = await dump(store, backup)
        await Config.get_conf(None, identifier=42, cog_name="Example").clear_all()
        await Config.get_conf(None, identifier=1, cog_name="Later").value.set("gone on restore")
    async with connect(dsn) as store:
        restored = await load(store, io.StringIO(backup.getvalue()))
        assert restored == dumped
        assert await checksum(store) == dumped
    assert await _snapshot(dsn) == expected


async def test_load_refuses_a_damaged_dump(tmp_path: Path) -> None:
    dsn = f"sqlite:///{tmp_path / 'live.db'}"
    await _fill(dsn)
    backup = io.StringIO()
    async with connect(dsn) as store:
        await dump(store, backup)
        lines = backup.getvalue().splitlines(keepends=True)
        with pytest.raises(TransferError, match="truncated"):
            await load(store, io.StringIO("".join(lines[:-1])))
        before = await checksum(store)
        tampered = [line.replace('"!"', '"?"') for line in lines]
        assert tampered != lines
        with pytest.raises(TransferError, match="footer"):
            await load(store, io.StringIO("".join(tampered)))
        assert await checksum(store) == before  # refused before anything changed
        with pytest.raises(TransferError, match="not a plughost"):
            await load(store, io.StringIO('{"format": "something else"}\n'))
