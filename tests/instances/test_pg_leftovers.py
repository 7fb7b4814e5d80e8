"""Issue 14, item 8: deleting a PostgreSQL instance says what stays in the database,
and drops it when asked (``--drop-data``, or yes at the prompt), on the real server."""

from __future__ import annotations

import os
import pty
import re
import select
import sys
import time
from pathlib import Path

import asyncpg
import pytest
from click.testing import CliRunner, Result

import plughost.instances as inst
from plughost.cli import cli
from plughost.cluster.heartbeat import ProcessRow, beat
from plughost.config import Config, connect
from plughost.instances import InstanceError
from plughost.instances.leftovers import drop_pg_data, pg_leftovers

pytestmark = pytest.mark.postgres

SCRIPT = Path(sys.executable).with_name("plughost")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="plughost")


async def _fill(dsn: str, members: int = 3) -> None:
    async with connect(dsn):
        conf = Config.get_conf(None, identifier=7, cog_name="Economy")
        conf.register_member(balance=0)
        for member in range(members):
            await conf.member_from_ids(1, member + 1).balance.set(10)


async def _tables(dsn: str) -> set[str]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        )
    finally:
        await conn.close()
    return {row["table_name"] for row in rows}


async def test_delete_keeps_the_tables_by_default_and_says_which(home: Path, pg_dsn: str) -> None:
    await _fill(pg_dsn)
    inst.create("pg", backend="postgres", dsn=pg_dsn)
    found = {leftover.table: leftover.rows for leftover in pg_leftovers(pg_dsn)}
    assert found["plughost_config"] == 3  # one document per member
    assert set(found) == {
        "plughost_config",
        "plughost_processes",
        "plughost_cooldowns",
        "tortoise_migrations",
    }

    result = invoke("delete", "pg", "--yes")
    assert result.exit_code == 0, result.output
    assert "deleted instance pg; backup at" in result.stdout
    assert "kept in PostgreSQL: public.plughost_config (3 rows)" in result.stdout
    assert "(delete with --drop-data to drop)" in result.stdout
    assert "plughost_config" in await _tables(pg_dsn)


async def test_drop_data_drops_them_after_the_backup(home: Path, pg_dsn: str) -> None:
    await _fill(pg_dsn)
    inst.create("pg", backend="postgres", dsn=pg_dsn)
    result = invoke("delete", "pg", "--yes", "--drop-data")
    assert result.exit_code == 0, result.output
    assert "dropped from PostgreSQL: public.plughost_config (3 rows)" in result.stdout
    assert not {"plughost_config", "plughost_processes", "tortoise_migrations"} & (
        await _tables(pg_dsn)
    )
    assert inst.instance_names() == []
    # The backup taken first still holds the members' data: restore brings it back.
    (archive,) = (home / ".backups").iterdir()
    restored = inst.restore(archive, as_name="again")
    assert {leftover.table: leftover.rows for leftover in pg_leftovers(restored.dsn)}[
        "plughost_config"
    ] == 3


async def test_drop_is_refused_while_running_or_shared(home: Path, pg_dsn: str) -> None:
    await _fill(pg_dsn)
    inst.create("pg", backend="postgres", dsn=pg_dsn)
    inst.create("twin", backend="postgres", dsn=pg_dsn)
    result = invoke("delete", "pg", "--yes", "--drop-data")
    assert result.exit_code == 1
    assert "instance 'twin' uses the same PostgreSQL database" in result.stderr
    assert sorted(inst.instance_names()) == ["pg", "twin"]
    inst.delete("twin", backup=False)

    conn = await asyncpg.connect(pg_dsn)
    try:  # a shard process's heartbeat, as the cluster writes it
        await beat(conn, ProcessRow("p1", "host", 1, (0,), 1, True, {0: None}, 0, ""))
    finally:
        await conn.close()
    with pytest.raises(InstanceError, match="running"):
        drop_pg_data(pg_dsn)
    result = invoke("delete", "pg", "--yes", "--drop-data")
    assert result.exit_code == 1
    assert "stop them before dropping its data" in result.stderr
    assert inst.instance_names() == ["pg"]
    assert "plughost_config" in await _tables(pg_dsn)


async def test_a_schema_of_its_own_is_listed_and_dropped(home: Path, pg_schema_dsn: str) -> None:
    await _fill(pg_schema_dsn, members=1)
    schema = pg_schema_dsn.rpartition("schema=")[2]
    inst.create("pg", backend="postgres", dsn=pg_schema_dsn)
    result = invoke("delete", "pg", "--yes", "--drop-data")
    assert result.exit_code == 0, result.output
    assert f"dropped from PostgreSQL: {schema}.plughost_config (1 rows)" in result.stdout
    assert pg_leftovers(pg_schema_dsn) == []


async def test_sqlite_instances_have_nothing_to_drop(home: Path) -> None:
    inst.create("main")
    result = invoke("delete", "main", "--yes", "--drop-data")
    assert result.exit_code == 1
    assert "keeps its data in its folder: nothing to drop" in result.stderr
    assert inst.instance_names() == ["main"]


def _terminal(args: list[str], answers: list[tuple[str, str]], home: Path) -> str:
    """Run the real console script on a pseudo-terminal, answering each prompt once it
    appears; return the transcript without colours."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execve(str(SCRIPT), [str(SCRIPT), *args], {**os.environ, "PLUGHOST_HOME": str(home)})
        finally:
            os._exit(127)
    out = b""
    deadline = time.monotonic() + 60

    def read() -> bool:
        nonlocal out
        ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
        assert ready, f"no output within 60 s: {out!r}"
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            return False
        out += chunk
        return bool(chunk)

    try:
        seen = 0
        for prompt, answer in answers:
            while (found := out.find(prompt.encode(), seen)) < 0:
                assert read(), f"exited before {prompt!r}: {out!r}"
            seen = found + len(prompt)
            os.write(fd, answer.encode() + b"\n")
        while read():
            pass
    finally:
        os.close(fd)
        os.waitpid(pid, 0)
    return ANSI.sub("", out.decode(errors="replace"))


@pytest.mark.slow
async def test_on_a_terminal_delete_offers_to_drop(home: Path, pg_dsn: str) -> None:
    await _fill(pg_dsn, members=2)
    inst.create("pg", backend="postgres", dsn=pg_dsn)
    transcript = _terminal(
        ["delete", "pg", "--no-backup"],
        [("Drop these tables from PostgreSQL too? [y/N]: ", "y"), ("[y/N]: ", "y")],
        home,
    )
    assert "keeps data in PostgreSQL: public.plughost_config (2 rows)" in transcript
    assert "and DROP its PostgreSQL tables WITHOUT a backup" in transcript
    assert "dropped from PostgreSQL: public.plughost_config (2 rows)" in transcript
    assert "plughost_config" not in await _tables(pg_dsn)
