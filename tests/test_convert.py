"""``plughost convert``: an instance's data moved between SQLite and PostgreSQL, verified."""

from __future__ import annotations

import os
from pathlib import Path

import asyncpg
import pytest
from click.testing import CliRunner

from plughost import instances as inst
from plughost.cli import cli
from plughost.config import Config, connect

pytestmark = pytest.mark.postgres

# The server tests/conftest.py's pg_dsn fixture makes its databases on.
PG_ADMIN_DSN = os.environ.get("PLUGHOST_TEST_PG_DSN", "postgres://postgres@127.0.0.1:5432/postgres")


def _conf() -> Config:
    conf = Config.get_conf(None, identifier=11, cog_name="Economy")
    conf.register_member(balance=0)
    conf.register_global(rate=1.5)
    return conf


async def _write(dsn: str) -> None:
    async with connect(dsn):
        conf = _conf()
        for user in range(50):
            await conf.member_from_ids(1, user).balance.set(user * 10)
        await conf.rate.set(2.5)


async def _read(dsn: str) -> tuple[int, float, int]:
    async with connect(dsn):
        conf = _conf()
        members = await conf.all_members()
        return len(members[1]), await conf.rate(), await conf.member_from_ids(1, 49).balance()


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


async def test_sqlite_to_postgres_and_back(home: Path, pg_dsn: str) -> None:
    """Issue 15, item 5: the way back to SQLite just works, the old file kept aside."""
    instance = inst.create("eco", backend="sqlite", dsn=None, prefix="!", owners=(), token=None)
    await _write(instance.dsn)
    db = instance.data_path / "plughost.db"

    code, out = _run("convert", "eco", "--to", "postgres", "--dsn", pg_dsn)
    assert code == 0, out
    assert "51 documents copied and verified" in out
    assert inst.load("eco").settings.backend == "postgres"
    assert await _read(pg_dsn) == (50, 2.5, 490)

    async with connect(pg_dsn):  # the bot ran on PostgreSQL for a while
        await _conf().rate.set(3.5)
    code, out = _run("convert", "eco", "--to", "sqlite")
    assert code == 0, out
    assert "//" not in out.replace("://", "")  # no double slash in any path
    assert inst.load("eco").settings.backend == "sqlite"
    assert inst.load("eco").dsn == f"sqlite://{db}"
    assert await _read(inst.load("eco").dsn) == (50, 3.5, 490)
    [kept] = db.parent.glob("plughost.db.before-convert-*")
    assert f"is kept as {kept}" in out
    assert await _read(f"sqlite://{kept}") == (50, 2.5, 490)  # the stale copy, untouched

    # And out again, onto the PostgreSQL database that still holds the first copy:
    # refused, saying exactly what to run.
    code, out = _run("convert", "eco", "--to", "postgres", "--dsn", pg_dsn)
    assert code == 1
    assert len(out.strip().splitlines()) == 1
    assert "already holds 51 plughost documents" in out
    assert out.strip().endswith(
        f"run: plughost convert eco --to postgres --dsn {pg_dsn} --replace"
    ), out
    assert inst.load("eco").settings.backend == "sqlite"
    code, out = _run("convert", "eco", "--to", "postgres", "--dsn", pg_dsn, "--replace")
    assert code == 0, out
    assert await _read(pg_dsn) == (50, 3.5, 490)


async def test_back_to_sqlite_with_replace_overwrites_in_place(home: Path, pg_dsn: str) -> None:
    instance = inst.create("eco", backend="sqlite", dsn=None, prefix="!", owners=(), token=None)
    await _write(instance.dsn)
    assert _run("convert", "eco", "--to", "postgres", "--dsn", pg_dsn)[0] == 0
    code, out = _run("convert", "eco", "--to", "sqlite", "--replace")
    assert code == 0, out
    assert "kept as" not in out
    assert not list(instance.data_path.glob("plughost.db.before-convert-*"))
    assert await _read(inst.load("eco").dsn) == (50, 2.5, 490)


async def test_a_failed_way_back_restores_the_old_file(home: Path, pg_dsn: str) -> None:
    instance = inst.create("eco", backend="sqlite", dsn=None, prefix="!", owners=(), token=None)
    await _write(instance.dsn)
    assert _run("convert", "eco", "--to", "postgres", "--dsn", pg_dsn)[0] == 0
    before = (instance.data_path / "plughost.db").read_bytes()
    # The PostgreSQL database goes away: the copy cannot be read.
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await admin.execute(f'DROP DATABASE "{pg_dsn.rpartition("/")[2]}" WITH (FORCE)')
    finally:
        await admin.close()
    code, out = _run("convert", "eco", "--to", "sqlite")
    assert code == 1
    assert out.startswith("error: conversion failed, nothing was switched")
    assert inst.load("eco").settings.backend == "postgres"
    assert (instance.data_path / "plughost.db").read_bytes() == before
    assert not list(instance.data_path.glob("plughost.db.before-convert-*"))


async def test_bad_conversions_change_nothing(home: Path, pg_dsn: str) -> None:
    inst.create("eco", backend="sqlite", dsn=None, prefix="!", owners=(), token=None)
    code, out = _run("convert", "eco", "--to", "sqlite")
    assert (code, out.strip()) == (1, "error: instance 'eco' already uses sqlite")
    code, out = _run("convert", "eco", "--to", "postgres")
    assert (code, out.strip()) == (1, "error: converting to postgres needs --dsn")
    code, out = _run("convert", "eco", "--to", "postgres", "--dsn", "postgres://x@127.0.0.1:1/db")
    assert code == 1
    assert out.startswith("error: conversion failed, nothing was switched")
    assert len(out.strip().splitlines()) == 1
    assert inst.load("eco").settings.backend == "sqlite"
    code, out = _run("convert", "ghost", "--to", "postgres", "--dsn", pg_dsn)
    assert code == 1
    assert out.startswith("error: unknown instance 'ghost'")
