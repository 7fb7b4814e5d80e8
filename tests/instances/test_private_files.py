"""Issue 14, item 8: nothing of members' data left readable or lying around.

Backups write the PostgreSQL dump and the SQLite snapshot in a private temporary
folder that goes away; instance folders are 0700, and older 0755 ones are made
private when the instance is next opened.
"""

from __future__ import annotations

import stat
import tarfile
from pathlib import Path

import pytest

import plughost.instances as inst
from plughost.config import Config, connect

SUBFOLDERS = ("data", "logs", "cogs")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def everything(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


async def _fill(dsn: str) -> None:
    async with connect(dsn):
        conf = Config.get_conf(None, identifier=7, cog_name="Economy")
        conf.register_member(balance=0)
        await conf.member_from_ids(1, 2).balance.set(42)


@pytest.mark.postgres
async def test_a_postgres_backup_leaves_no_dump_anywhere(
    home: Path, pg_dsn: str, tmp_path: Path
) -> None:
    await _fill(pg_dsn)
    inst.create("pg", backend="postgres", dsn=pg_dsn)
    archive = inst.backup("pg")
    assert everything(archive.parent) == [archive.name]  # .backups/: the archive alone
    assert mode(archive) == 0o600
    with tarfile.open(archive) as tar:
        dump = tar.getmember("data/postgres.jsonl")
        assert dump.mode == 0o600
        stream = tar.extractfile(dump)
        assert stream is not None
        assert b"Economy" in stream.read()

    # --to a folder of the operator's: the archive and nothing else lands there.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    archive2 = inst.backup("pg", to=elsewhere)
    assert everything(elsewhere) == [archive2.name]

    # delete backs up first: still only archives in .backups/ afterwards.
    inst.delete("pg")
    left = everything(home / ".backups")
    assert len(left) == 2
    assert all(name.endswith(".tar.gz") for name in left)
    assert "postgres.jsonl" not in {Path(p).name for p in everything(tmp_path)}


def test_a_failed_postgres_dump_leaves_nothing_either(home: Path) -> None:
    inst.create(
        "gone", backend="postgres", dsn="postgres://nobody@127.0.0.1:1/x", check_connection=False
    )
    with pytest.raises(inst.InstanceError, match="cannot dump the database"):
        inst.backup("gone")
    assert everything(home / ".backups") == []


def test_a_sqlite_backup_leaves_no_snapshot(home: Path) -> None:
    inst.create("main")
    (home / "main" / "data" / "plughost.db").write_bytes(b"")
    archive = inst.backup("main")
    assert everything(archive.parent) == [archive.name]


def test_instance_folders_are_private(home: Path) -> None:
    created = inst.create("main")
    assert [mode(created.path / sub) for sub in SUBFOLDERS] == [0o700] * 3
    archive = inst.backup("main")
    restored = inst.restore(archive, as_name="copy")
    assert [mode(restored.path / sub) for sub in SUBFOLDERS] == [0o700] * 3


def test_older_open_folders_are_tightened_when_the_instance_is_opened(home: Path) -> None:
    created = inst.create("main")
    for sub in SUBFOLDERS:
        (created.path / sub).chmod(0o755)  # as plughost before issue 14 made them
    (created.path / "cogs").rmdir()  # a missing one is no error
    inst.load("main")
    assert [mode(created.path / sub) for sub in ("data", "logs")] == [0o700, 0o700]
    assert not (created.path / "cogs").exists()
