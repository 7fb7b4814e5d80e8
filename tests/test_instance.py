"""Instances on disk: create, load, list, edit, delete, backup and restore.

Every failure test also checks that nothing was left half-created: the home folder
holds exactly what it held before.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import sqlite3
import stat
import tarfile
from pathlib import Path

import platformdirs
import pytest

import plughost.instances as inst
from plughost.instances import Instance, InstanceError, Settings

TOKEN = "NzkyNzE1NDU0MTk2MDg4ODQy.X-hvzA.Ovy4MCQywSkoMRRclStW4xAYK7I"


def tree(root: Path) -> list[str]:
    """Every path under root, relative, sorted: a snapshot to compare before/after."""
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def one_line(exc: pytest.ExceptionInfo[InstanceError]) -> str:
    message = str(exc.value)
    assert "\n" not in message
    assert message
    return message


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- home and names -----------------------------------------------------------------


def test_home_is_the_platform_data_folder_unless_overridden(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PLUGHOST_HOME", raising=False)
    assert inst.home() == platformdirs.user_data_path("plughost").absolute()
    monkeypatch.setenv("PLUGHOST_HOME", str(tmp_path / "x"))
    assert inst.home() == tmp_path / "x"


@pytest.mark.parametrize(
    "name", ["", "a b", "../up", ".hidden", "x" * 65, "é", "a/b", "a.b", "con\n"]
)
def test_invalid_names_are_refused_before_anything_is_written(home: Path, name: str) -> None:
    with pytest.raises(InstanceError, match="invalid instance name") as exc:
        inst.create(name)
    one_line(exc)
    assert tree(home) == []


def test_longest_valid_name(home: Path) -> None:
    name = "A-z_9" * 12 + "abcd"
    assert len(name) == 64
    assert inst.create(name).name == name


# -- create and load ------------------------------------------------------------------


def test_create_sqlite_instance_layout_and_settings(home: Path) -> None:
    created = inst.create("main", prefix="?", owners=[42, 7], token=TOKEN)

    assert created.path == home / "main"
    assert tree(home / "main") == ["cogs", "data", "logs", "settings.json"]
    # The settings may hold the token: owner-only, like the folder itself.
    assert mode(created.settings_path) == 0o600
    assert mode(created.path) == 0o700
    assert created.settings.owners == (42, 7)
    assert created.sqlite_path == home / "main" / "data" / "plughost.db"
    assert created.dsn == f"sqlite://{home}/main/data/plughost.db"
    # The store hands this to Tortoise, which must read it as the absolute file.
    from tortoise.backends.base.config_generator import expand_db_url

    assert expand_db_url(created.dsn)["credentials"]["file_path"] == str(created.sqlite_path)
    assert inst.load("main") == created
    document = json.loads(created.settings_path.read_text())
    assert document["token"] == TOKEN
    assert document["schema_version"] == inst.SCHEMA_VERSION


def test_settings_repr_and_instance_repr_never_show_the_token(home: Path) -> None:
    created = inst.create("main", token=TOKEN)
    assert TOKEN not in repr(created.settings)
    assert TOKEN not in repr(created)
    assert TOKEN not in str(created)


def test_create_refuses_a_name_clash_and_keeps_the_existing_instance(home: Path) -> None:
    inst.create("main", prefix="?")
    before = (home / "main" / "settings.json").read_bytes()
    with pytest.raises(InstanceError, match="already exists") as exc:
        inst.create("main", prefix="!")
    one_line(exc)
    assert (home / "main" / "settings.json").read_bytes() == before
    assert tree(home) == ["main", *(f"main/{p}" for p in tree(home / "main"))]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"backend": "mysql"}, "backend must be one of sqlite, postgres"),
        ({"dsn": "postgres://x/y"}, "only used by the postgres backend"),
        ({"backend": "postgres"}, "needs a dsn"),
        ({"backend": "postgres", "dsn": "mysql://x/y"}, "needs a dsn"),
        ({"prefix": 5}, "prefix must be a string"),  # the rule itself: tests/commands
        ({"owners": [0]}, "owners must be"),
        ({"owners": [2**64]}, "owners must be"),
        ({"owners": [True]}, "owners must be"),
        ({"token": ""}, "token must be"),
        ({"token": "two words"}, "token must be"),
    ],
)
def test_create_refuses_bad_settings_and_writes_nothing(
    home: Path, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InstanceError, match=message) as exc:
        inst.create("main", **kwargs)  # type: ignore[arg-type]
    one_line(exc)
    assert tree(home) == []


def test_a_bad_token_is_not_echoed_in_the_error(home: Path) -> None:
    with pytest.raises(InstanceError) as exc:
        inst.create("main", token="secret value")
    assert "secret" not in str(exc.value)


def test_create_in_an_unwritable_place_fails_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root, for whom chmod grants nothing; a home below a regular
    # file cannot be created by anyone.
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PLUGHOST_HOME", str(blocker / "home"))
    with pytest.raises(InstanceError, match="cannot create the plughost home") as exc:
        inst.create("main")
    assert "Not a directory" in one_line(exc)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_a_disk_error_midway_through_create_leaves_nothing(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home.mkdir()

    def failing_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    # The fault is injected at the OS boundary, after the staging folder exists.
    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(InstanceError, match="Input/output error") as exc:
        inst.create("main")
    one_line(exc)
    assert tree(home) == []


def test_load_unknown_instance(home: Path) -> None:
    with pytest.raises(InstanceError, match="unknown instance 'ghost'") as exc:
        inst.load("ghost")
    one_line(exc)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "invalid JSON"),
        ("", "invalid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ({"drop": "schema_version"}, "missing field 'schema_version'"),
        ({"drop": "prefix"}, "missing field 'prefix'"),
        ({"owners": "42"}, "owners must be a list"),
        ({"owners": [-1]}, "owners must be"),
        ({"prefix": 5}, "prefix must be"),
        ({"backend": "mongo"}, "backend must be"),
        ({"token": 123}, "token must be"),
        ({"created_at": "yesterday"}, "created_at must be"),
        ({"created_at": "2024-01-01T00:00:00"}, "timezone-aware"),
        ({"schema_version": 99}, "newer than this plughost"),
        ({"schema_version": "1"}, "schema_version must be 1"),
        ({"prefx": "?"}, "unknown field 'prefx'"),
    ],
)
def test_load_reports_corrupt_settings_in_one_line(
    home: Path, content: str | dict[str, object], message: str
) -> None:
    created = inst.create("main", token=TOKEN)
    if isinstance(content, dict):
        document = json.loads(created.settings_path.read_text())
        if "drop" in content:
            del document[str(content["drop"])]
        else:
            document.update(content)
        text = json.dumps(document)
    else:
        text = content
    created.settings_path.write_text(text)
    with pytest.raises(InstanceError, match=message) as exc:
        inst.load("main")
    line = one_line(exc)
    assert line.startswith(f"corrupt settings in {created.settings_path}: ")
    assert TOKEN not in line


def test_load_reports_a_missing_settings_file(home: Path) -> None:
    (home / "main").mkdir(parents=True)
    with pytest.raises(InstanceError, match=r"settings\.json is missing"):
        inst.load("main")


# -- listing --------------------------------------------------------------------------


def test_list_instances_sorted_skipping_hidden_folders(home: Path) -> None:
    inst.create("zeta")
    inst.create("alpha", prefix="?")
    (home / ".backups").mkdir()
    (home / ".alpha.creating-x1").mkdir()  # a crashed create
    (home / "stray-file").write_text("")
    assert [i.name for i in inst.list_instances()] == ["alpha", "zeta"]
    assert inst.instance_names() == ["alpha", "zeta"]


def test_list_on_a_fresh_machine_is_empty(home: Path) -> None:
    assert inst.list_instances() == []
    assert not home.exists()  # listing creates nothing


def test_a_corrupt_instance_is_listed_by_name_but_not_hidden(home: Path) -> None:
    inst.create("good")
    broken = inst.create("broken")
    broken.settings_path.write_text("{")
    assert inst.instance_names() == ["broken", "good"]
    with pytest.raises(InstanceError, match="corrupt settings"):
        inst.list_instances()


# -- edit -----------------------------------------------------------------------------


def test_edit_changes_settings_and_keeps_the_file_private(home: Path) -> None:
    created = inst.create("main", owners=[1])
    edited = inst.edit("main", prefix="$", owners=[1, 2], token=TOKEN)
    assert edited.settings.prefix == "$"
    assert edited.settings.owners == (1, 2)
    assert edited.settings.token == TOKEN
    assert edited.settings.created_at == created.settings.created_at
    assert inst.load("main") == edited
    assert mode(edited.settings_path) == 0o600
    # Only settings.json: the atomic write's temp file is gone.
    assert tree(home / "main") == ["cogs", "data", "logs", "settings.json"]
    assert inst.edit("main", token=None).settings.token is None


def test_edit_with_no_changes_returns_the_instance(home: Path) -> None:
    created = inst.create("main")
    assert inst.edit("main") == created


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"prefix": 5}, "prefix must be a string"),
        ({"owners": [0]}, "owners must be"),
        ({"backend": "postgres"}, "needs a dsn"),
        ({"name": "other"}, "cannot edit 'name'"),
        ({"created_at": "now"}, "cannot edit 'created_at'"),
    ],
)
def test_edit_refuses_bad_changes_and_leaves_the_file_alone(
    home: Path, changes: dict[str, object], message: str
) -> None:
    created = inst.create("main")
    before = created.settings_path.read_bytes()
    with pytest.raises(InstanceError, match=message) as exc:
        inst.edit("main", **changes)  # type: ignore[arg-type]
    one_line(exc)
    assert created.settings_path.read_bytes() == before


def test_edit_unknown_instance(home: Path) -> None:
    with pytest.raises(InstanceError, match="unknown instance"):
        inst.edit("ghost", prefix="?")


def test_edit_refuses_an_unreachable_dsn_and_saves_nothing(home: Path) -> None:
    created = inst.create("main")
    before = created.settings_path.read_bytes()
    with pytest.raises(InstanceError, match="cannot connect to PostgreSQL") as exc:
        inst.edit("main", dsn="postgres://bot:hunter2@127.0.0.1:1/bot")
    assert "hunter2" not in one_line(exc)
    assert created.settings_path.read_bytes() == before


# -- PostgreSQL -----------------------------------------------------------------------


@pytest.mark.postgres
async def test_create_postgres_instance_checks_the_dsn(home: Path, pg_dsn: str) -> None:
    # An async test: check_dsn must also work under a running event loop.
    created = inst.create("pg", backend="postgres", dsn=pg_dsn)
    assert created.dsn == pg_dsn
    assert created.sqlite_path is None
    assert inst.load("pg").settings.dsn == pg_dsn
    # Switching back to SQLite drops the DSN.
    assert inst.edit("pg", backend="sqlite").settings.dsn is None
    # A DSN alone implies postgres.
    assert inst.edit("pg", dsn=pg_dsn).settings.backend == "postgres"


@pytest.mark.parametrize(
    ("dsn", "why"),
    [
        ("postgres://bot:hunter2@127.0.0.1:1/bot", "Connect call failed"),
        ("postgresql://bot@127.0.0.1:1/bot?password=hunter2", "Connect call failed"),
    ],
)
def test_create_with_unreachable_dsn_fails_in_one_line_without_the_password(
    home: Path, dsn: str, why: str
) -> None:
    with pytest.raises(InstanceError, match="cannot connect to PostgreSQL") as exc:
        inst.create("pg", dsn=dsn, backend="postgres")
    line = one_line(exc)
    assert why in line
    assert "hunter2" not in line
    assert "***" in line
    assert tree(home) == []


@pytest.mark.postgres
async def test_create_with_a_missing_database_names_the_reason(home: Path, pg_dsn: str) -> None:
    missing = pg_dsn.rpartition("/")[0] + "/plughost_no_such_db"
    with pytest.raises(InstanceError, match='database "plughost_no_such_db" does not exist'):
        inst.create("pg", backend="postgres", dsn=missing)
    assert tree(home) == []


def test_redact_dsn() -> None:
    assert inst.redact_dsn("postgres://u:pw@h:5432/d") == "postgres://u:***@h:5432/d"
    assert (
        inst.redact_dsn("postgres://u@h/d?password=pw&x=1") == "postgres://u@h/d?password=***&x=1"
    )
    assert inst.redact_dsn("postgres://u@h/d") == "postgres://u@h/d"


# -- backup ---------------------------------------------------------------------------


def _members(archive: Path) -> dict[str, bytes | None]:
    with tarfile.open(archive, "r:gz") as tar:
        out: dict[str, bytes | None] = {}
        for member in tar.getmembers():
            stream = tar.extractfile(member)
            out[member.name] = stream.read() if stream is not None else None
        return out


def test_backup_of_a_running_sqlite_instance_is_consistent_and_restorable(home: Path) -> None:
    created = inst.create("main", token=TOKEN, owners=[5])
    assert created.sqlite_path is not None
    # A "running bot": WAL mode, checkpoints off, connection held open, so the
    # committed rows live only in the -wal file. A plain copy of plughost.db would
    # miss them; the backup API must not.
    live = sqlite3.connect(created.sqlite_path)
    live.execute("PRAGMA journal_mode=WAL")
    live.execute("PRAGMA wal_autocheckpoint=0")
    live.execute("CREATE TABLE doc (k TEXT PRIMARY KEY, v TEXT)")
    live.executemany("INSERT INTO doc VALUES (?, ?)", [("a", "1"), ("b", "2")])
    live.commit()
    assert (created.data_path / "plughost.db-wal").stat().st_size > 0
    (created.cogs_path / "economy").mkdir()
    (created.cogs_path / "economy" / "state.json").write_text('{"x": 1}')
    (created.data_path / "extra.bin").write_bytes(b"\x00\x01")
    (created.logs_path / "plughost.log").write_text("log line")
    try:
        archive = inst.backup("main")
    finally:
        live.close()

    assert archive.parent == home / ".backups"
    assert archive.name.startswith("main-")
    assert archive.name.endswith(".tar.gz")
    assert mode(archive) == 0o600  # it holds the token
    members = _members(archive)
    assert set(members) == {
        "manifest.json",
        "settings.json",
        "data",
        "data/extra.bin",
        "data/plughost.db",
        "cogs",
        "cogs/economy",
        "cogs/economy/state.json",
    }
    manifest = json.loads(members["manifest.json"] or b"")
    assert manifest["format"] == "plughost-backup"
    assert manifest["instance"] == "main"
    assert manifest["database_included"] is True
    # No temp files left next to the archive.
    assert tree(home / ".backups") == [archive.name]

    restored = inst.restore(archive, as_name="copy")
    assert restored.settings == created.settings
    assert restored.sqlite_path is not None
    with sqlite3.connect(restored.sqlite_path) as db:
        assert db.execute("SELECT k, v FROM doc ORDER BY k").fetchall() == [("a", "1"), ("b", "2")]
    assert (restored.cogs_path / "economy" / "state.json").read_text() == '{"x": 1}'
    assert (restored.data_path / "extra.bin").read_bytes() == b"\x00\x01"
    assert tree(restored.logs_path) == []
    assert mode(restored.settings_path) == 0o600


def test_backup_of_an_instance_without_a_database_yet(home: Path) -> None:
    inst.create("main")
    archive = inst.backup("main")
    assert "data/plughost.db" not in _members(archive)
    assert inst.restore(archive, as_name="again").name == "again"


async def _fill_postgres(dsn: str) -> None:
    from plughost.config import Config, connect

    async with connect(dsn):
        conf = Config.get_conf(None, identifier=7, cog_name="Economy")
        conf.register_member(balance=0)
        await conf.member_from_ids(1, 2).balance.set(42)
        await conf.guild_from_id(1).set_raw("prefix", value="?")


async def _read_postgres(dsn: str) -> tuple[int, dict[str, object]]:
    from plughost.config import Config, connect

    async with connect(dsn):
        conf = Config.get_conf(None, identifier=7, cog_name="Economy")
        conf.register_member(balance=0)
        return await conf.member_from_ids(1, 2).balance(), await conf.guild_from_id(1).all()


@pytest.mark.postgres
async def test_backup_of_a_postgres_instance_holds_its_data(
    home: Path, pg_dsn: str, tmp_path: Path
) -> None:
    await _fill_postgres(pg_dsn)
    inst.create("pg", backend="postgres", dsn=pg_dsn)
    archive = inst.backup("pg")
    members = _members(archive)
    manifest = json.loads(members["manifest.json"] or b"")
    assert manifest["backend"] == "postgres"
    assert manifest["database_included"] is True
    assert b"Economy" in (members["data/postgres.jsonl"] or b"")

    # Restoring onto the same database would overwrite a live instance: refused,
    # and nothing is left behind.
    with pytest.raises(InstanceError, match="already holds plughost data"):
        inst.restore(archive, as_name="pg2")
    assert not (home / "pg2").exists()

    # Into an empty database, the data comes back whole.
    empty = pg_dsn.rsplit("/", 1)[0] + "/" + pg_dsn.rsplit("/", 1)[1] + "_copy"
    import asyncpg

    admin = await asyncpg.connect(pg_dsn)
    await admin.execute(f'CREATE DATABASE "{empty.rsplit("/", 1)[1]}"')
    await admin.close()
    try:
        restored = inst.restore(archive, as_name="pg2", dsn=empty)
        assert restored.settings.dsn == empty
        assert not (restored.path / "data" / "postgres.jsonl").exists()
        balance, guild = await _read_postgres(empty)
        assert balance == 42
        assert guild == {"prefix": "?"}
    finally:
        admin = await asyncpg.connect(pg_dsn)
        await admin.execute(f'DROP DATABASE IF EXISTS "{empty.rsplit("/", 1)[1]}" WITH (FORCE)')
        await admin.close()


def test_backup_to_a_folder_or_a_file(home: Path, tmp_path: Path) -> None:
    inst.create("main")
    folder = tmp_path / "out"
    folder.mkdir()
    first = inst.backup("main", to=folder)
    second = inst.backup("main", to=folder)  # same second: a distinct name
    assert first.parent == folder
    assert first != second
    named = inst.backup("main", to=tmp_path / "new" / "named.tar.gz")
    assert named == tmp_path / "new" / "named.tar.gz"
    with pytest.raises(InstanceError, match="already exists") as exc:
        inst.backup("main", to=named)
    one_line(exc)


def test_backup_into_an_unwritable_place_fails_and_leaves_nothing(
    home: Path, tmp_path: Path
) -> None:
    inst.create("main")
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(InstanceError, match="cannot create folder") as exc:
        inst.backup("main", to=blocker / "x.tar.gz")
    one_line(exc)
    with pytest.raises(InstanceError, match="unknown instance"):
        inst.backup("ghost")


def test_backup_of_a_corrupt_database_fails_and_leaves_no_archive(home: Path) -> None:
    created = inst.create("main")
    assert created.sqlite_path is not None
    created.sqlite_path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(InstanceError, match="cannot back up") as exc:
        inst.backup("main")
    one_line(exc)
    assert tree(home / ".backups") == []


# -- restore --------------------------------------------------------------------------


def _archive(path: Path, files: dict[str, bytes], *, links: dict[str, str] | None = None) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tar.addfile(info)
    return path


def _valid_files(**overrides: bytes) -> dict[str, bytes]:
    manifest = {"format": "plughost-backup", "format_version": 1, "instance": "old"}
    files = {
        "manifest.json": json.dumps(manifest).encode(),
        "settings.json": Settings().dumps(),
        "data/notes.txt": b"hi",
    }
    files.update(overrides)
    return files


def test_restore_a_hand_made_valid_archive(home: Path, tmp_path: Path) -> None:
    archive = _archive(tmp_path / "ok.tar.gz", _valid_files())
    restored = inst.restore(archive)
    assert restored.name == "old"
    assert (restored.data_path / "notes.txt").read_bytes() == b"hi"
    assert tree(restored.path) == ["cogs", "data", "data/notes.txt", "logs", "settings.json"]


def _bad_archive(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.tar.gz"
    if kind == "missing":
        return path
    if kind == "folder":
        path.mkdir()
        return path
    if kind == "not-gzip":
        path.write_text("hello")
        return path
    if kind == "gzip-not-tar":
        import gzip

        path.write_bytes(gzip.compress(b"hello" * 200))
        return path
    if kind == "truncated":
        good = _archive(tmp_path / "good.tar.gz", _valid_files(**{"data/big": os.urandom(50_000)}))
        path.write_bytes(good.read_bytes()[:20_000])
        return path
    files: dict[str, bytes] = {
        "no-manifest": {"settings.json": Settings().dumps()},
        "manifest-not-json": _valid_files(**{"manifest.json": b"{"}),
        "wrong-format": _valid_files(**{"manifest.json": b'{"format": "zip"}'}),
        "future-version": _valid_files(
            **{"manifest.json": b'{"format": "plughost-backup", "format_version": 9}'}
        ),
        "bad-name": _valid_files(
            **{
                "manifest.json": b'{"format": "plughost-backup", "format_version": 1,'
                b' "instance": "../evil"}'
            }
        ),
        "traversal": _valid_files(**{"data/../../evil": b"x"}),
        "absolute": _valid_files(**{"/etc/evil": b"x"}),
        "stray-top-level": _valid_files(**{"logs/x.log": b"x"}),
        "no-settings": {k: v for k, v in _valid_files().items() if k != "settings.json"},
        "corrupt-settings": _valid_files(**{"settings.json": b'{"prefix": 1}'}),
    }.get(kind, {})
    links = {"data/link": "/etc/passwd"} if kind == "symlink" else None
    return _archive(path, files or _valid_files(), links=links)


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("missing", "no such backup archive"),
        ("folder", "is a folder"),
        ("not-gzip", "not a gzip-compressed tar file"),
        ("gzip-not-tar", "not a gzip-compressed tar file"),
        ("truncated", "truncated or corrupt"),
        ("no-manifest", "no manifest.json in it"),
        ("manifest-not-json", "manifest.json is not valid JSON"),
        ("wrong-format", "not a plughost backup"),
        ("future-version", "format version 9 is not supported"),
        ("bad-name", "invalid instance name"),
        ("traversal", "unexpected entry"),
        ("absolute", "unexpected entry"),
        ("stray-top-level", "unexpected entry 'logs/x.log'"),
        ("symlink", "is not a plain file"),
        ("no-settings", "no settings.json"),
        ("corrupt-settings", "settings.json: missing field"),
    ],
)
def test_restore_refuses_bad_archives_and_leaves_nothing(
    home: Path, tmp_path: Path, kind: str, message: str
) -> None:
    archive = _bad_archive(tmp_path, kind)
    with pytest.raises(InstanceError, match=message) as exc:
        inst.restore(archive)
    one_line(exc)
    assert tree(home) == []
    assert not (tmp_path / "evil").exists()


def test_restore_refuses_to_replace_an_instance(home: Path, tmp_path: Path) -> None:
    created = inst.create("old", prefix="?")
    before = tree(home)
    with pytest.raises(InstanceError, match="'old' already exists") as exc:
        inst.restore(_archive(tmp_path / "a.tar.gz", _valid_files()))
    one_line(exc)
    assert tree(home) == before
    assert inst.load("old") == created
    with pytest.raises(InstanceError, match="invalid instance name"):
        inst.restore(tmp_path / "a.tar.gz", as_name="no good")


def test_a_disk_error_midway_through_restore_leaves_nothing(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = _archive(tmp_path / "ok.tar.gz", _valid_files())
    home.mkdir()

    def failing_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(InstanceError, match="No space left") as exc:
        inst.restore(archive)
    one_line(exc)
    assert tree(home) == []


# -- delete ---------------------------------------------------------------------------


def test_delete_backs_up_first_then_removes(home: Path) -> None:
    inst.create("main", prefix="?")
    archive = inst.delete("main")
    assert archive is not None
    assert archive.parent == home / ".backups"
    assert tree(home) == [".backups", f".backups/{archive.name}"]
    with pytest.raises(InstanceError, match="unknown instance"):
        inst.load("main")
    assert inst.restore(archive).settings.prefix == "?"


def test_delete_without_backup(home: Path) -> None:
    inst.create("main")
    assert inst.delete("main", backup=False) is None
    assert tree(home) == []


def test_delete_unknown_instance(home: Path) -> None:
    with pytest.raises(InstanceError, match="unknown instance 'ghost'") as exc:
        inst.delete("ghost")
    one_line(exc)


def test_delete_keeps_the_instance_when_the_backup_fails(home: Path) -> None:
    created = inst.create("main")
    (home / ".backups").write_text("a file where the backups folder should be")
    with pytest.raises(InstanceError, match="cannot create folder") as exc:
        inst.delete("main")
    one_line(exc)
    assert inst.load("main") == created


def test_a_corrupt_instance_can_be_deleted_without_backup(home: Path) -> None:
    broken = inst.create("broken")
    broken.settings_path.write_text("{")
    with pytest.raises(InstanceError, match="corrupt settings"):
        inst.delete("broken")
    assert inst.instance_names() == ["broken"]
    inst.delete("broken", backup=False)
    assert tree(home) == []


# -- the public surface ---------------------------------------------------------------


def test_settings_are_immutable_and_always_valid() -> None:
    settings = Settings(owners=(1,))
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.prefix = "?"  # type: ignore[misc]
    with pytest.raises(InstanceError, match="prefix must be"):
        dataclasses.replace(settings, prefix=None)
    assert Settings.loads(settings.dumps()) == settings


def test_cache_policies_are_settings_with_defaults_for_older_files() -> None:
    settings = Settings(message_cache=1, member_cache=10_000)
    assert Settings.loads(settings.dumps()) == settings
    older = settings.to_json()
    del older["message_cache"], older["member_cache"]  # written before they existed
    loaded = Settings.from_json(older)
    assert (loaded.message_cache, loaded.member_cache) == (250, None)
    with pytest.raises(InstanceError, match="message_cache must be"):
        Settings(message_cache=0)
    with pytest.raises(InstanceError, match="member_cache must be"):
        Settings(member_cache=0)
    with pytest.raises(InstanceError, match="member_cache must be"):
        Settings.from_json({**settings.to_json(), "member_cache": "many"})


def test_the_request_rate_is_a_setting_with_discords_default_for_older_files() -> None:
    settings = Settings(requests_per_second=1_000_000)
    assert Settings.loads(settings.dumps()) == settings
    assert settings.to_json()["requests_per_second"] == 1_000_000
    older = settings.to_json()
    del older["requests_per_second"]  # written before it existed
    assert Settings.from_json(older).requests_per_second == 45
    assert Settings().requests_per_second == 45
    # At the default it is not written, so a plughost from before the setting reads the file.
    assert "requests_per_second" not in Settings().to_json()
    for bad in (0, -45, 1_000_001, 4.5, "45", True, None):
        with pytest.raises(InstanceError, match="requests_per_second must be a rate from 1 to"):
            Settings(requests_per_second=bad)  # type: ignore[arg-type]
    with pytest.raises(InstanceError, match="requests_per_second must be"):
        Settings.from_json({**settings.to_json(), "requests_per_second": "fast"})


def test_instance_is_a_plain_value(home: Path) -> None:
    created = inst.create("main")
    assert isinstance(created, Instance)
    assert created.logs_path == home / "main" / "logs"


def test_public_api_is_pinned() -> None:
    assert inst.__all__ == [
        "ARCHIVE_FORMAT",
        "BACKENDS",
        "HOME_ENV",
        "SCHEMA_VERSION",
        "Backend",
        "Conversion",
        "Instance",
        "InstanceError",
        "Settings",
        "SettingsChanges",
        "backup",
        "backups_dir",
        "check_available",
        "check_dsn",
        "convert_instance",
        "create",
        "delete",
        "edit",
        "home",
        "instance_names",
        "list_instances",
        "load",
        "locate",
        "redact_dsn",
        "restore",
        "validate_name",
    ]
