"""``plughost convert``: an instance's data moved between SQLite and PostgreSQL, verified."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from plughost import instances as inst
from plughost.cli import cli
from plughost.config import Config, connect

pytestmark = pytest.mark.postgres


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
    instance = inst.create("eco", backend="sqlite", dsn=None, prefix="!", owners=(), token=None)
    await _write(instance.dsn)

    code, out = _run("convert", "eco", "--to", "postgres", "--dsn", pg_dsn)
    assert code == 0, out
    assert "51 documents copied and verified" in out
    assert inst.load("eco").settings.backend == "postgres"
    assert await _read(pg_dsn) == (50, 2.5, 490)

    # Back to SQLite: the old file still holds the data, so a plain convert refuses...
    code, out = _run("convert", "eco", "--to", "sqlite")
    assert code == 1
    assert out.startswith("error: conversion failed, nothing was switched")
    assert inst.load("eco").settings.backend == "postgres"
    # ...and --replace overwrites it with what PostgreSQL holds now.
    async with connect(pg_dsn):
        await _conf().rate.set(3.5)
    code, out = _run("convert", "eco", "--to", "sqlite", "--replace")
    assert code == 0, out
    assert inst.load("eco").settings.backend == "sqlite"
    assert await _read(inst.load("eco").dsn) == (50, 3.5, 490)


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
