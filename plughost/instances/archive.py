"""Backing an instance up to a ``.tar.gz`` and restoring it from one.

Archive layout (paths relative to the archive root)::

    manifest.json   what this is: format, instance name, backend, what is included
    settings.json   the instance's settings, token included (the archive is 0600)
    data/...        SQLite database (an online-backup copy) and other data files
    cogs/...        per-cog state files

Logs are left out: they are large, and nothing needs them to run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from plughost._version import __version__
from plughost.instances.database import POSTGRES_DUMP, dump_database, load_database
from plughost.instances.errors import InstanceError
from plughost.instances.files import (
    fsync_dir,
    publish_dir,
    reason,
    staging_dir,
    write_private_file,
)
from plughost.instances.layout import (
    PRIVATE_DIR_MODE,
    SETTINGS_FILE,
    SQLITE_FILE,
    SUBFOLDERS,
    Instance,
    check_available,
    clash_message,
    home,
    load,
    validate_name,
)
from plughost.instances.settings import Settings

__all__ = ["ARCHIVE_FORMAT", "backup", "backups_dir", "restore"]

ARCHIVE_FORMAT = "plughost-backup"
_ARCHIVE_VERSION = 1
_MANIFEST = "manifest.json"
_TREES = ("data", "cogs")
# SQLite's side files: the online-backup copy already holds their committed content,
# and restoring a stale -wal next to the copy would corrupt it.
_SQLITE_SIDE_FILES = tuple(SQLITE_FILE + suffix for suffix in ("", "-wal", "-shm", "-journal"))


def backups_dir() -> Path:
    """Where :func:`backup` and :func:`delete` put archives by default."""
    return home() / ".backups"


def backup(name: str, to: Path | str | None = None) -> Path:
    """Write a ``.tar.gz`` of instance ``name``'s settings, data and cog state.

    ``to`` may be a file path or an existing folder (a dated file name is chosen in
    it); by default the archive goes to :func:`backups_dir`. Safe while the bot runs:
    the SQLite database is copied with SQLite's online-backup API, which yields a
    consistent snapshot. For a PostgreSQL instance, plughost's documents are dumped
    through the store itself (no external tools) into the archive, and the manifest
    names the dump. Returns the archive's path.
    """
    instance = load(name)
    target = _destination(instance, None if to is None else Path(to))
    try:
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise InstanceError(f"cannot write a backup to {target.parent}: {reason(exc)}") from exc
    try:
        with os.fdopen(fd, "wb") as stream:
            with tarfile.open(fileobj=stream, mode="w:gz") as tar:
                _write_archive(tar, instance, target.parent)
            stream.flush()
            os.fsync(stream.fileno())
        if target.exists():
            raise InstanceError(f"{target} already exists; choose another --to")
        os.replace(tmp_name, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        if isinstance(exc, OSError):
            raise InstanceError(f"cannot write backup {target}: {reason(exc)}") from exc
        raise
    fsync_dir(target.parent)
    return target


def _destination(instance: Instance, to: Path | None) -> Path:
    if to is not None and not to.is_dir():
        target = to.absolute()
        if target.exists():
            raise InstanceError(f"{target} already exists; choose another --to")
        _make_dir(target.parent, private=False)
        return target
    folder = backups_dir() if to is None else to.absolute()
    _make_dir(folder, private=to is None)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"{instance.name}-{stamp}.tar.gz"
    counter = 1
    while target.exists():  # two backups within one second
        target = folder / f"{instance.name}-{stamp}-{counter}.tar.gz"
        counter += 1
    return target


def _make_dir(path: Path, *, private: bool) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700 if private else 0o777)
    except OSError as exc:
        raise InstanceError(f"cannot create folder {path}: {reason(exc)}") from exc


def _write_archive(tar: tarfile.TarFile, instance: Instance, scratch: Path) -> None:
    postgres = instance.settings.backend == "postgres"
    manifest: dict[str, object] = {
        "format": ARCHIVE_FORMAT,
        "format_version": _ARCHIVE_VERSION,
        "instance": instance.name,
        "backend": instance.settings.backend,
        "plughost_version": __version__,
        "created_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "includes": [SETTINGS_FILE, *_TREES],
        "database_included": True,
        "database": f"data/{POSTGRES_DUMP if postgres else SQLITE_FILE}",
        "notes": [],
    }
    _add_bytes(tar, _MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode())
    _add_bytes(tar, SETTINGS_FILE, instance.settings.dumps())
    for tree in _TREES:
        _add_tree(tar, instance.path / tree, tree)
    # The dump and the snapshot hold members' data: written in a private (0700)
    # folder that is removed with everything in it, whatever happens (issue 14,
    # item 8: the dump was left beside the archive, 0644).
    with _private_scratch(scratch) as private:
        if postgres:
            dump = private / POSTGRES_DUMP
            dump_database(instance.dsn, dump)
            tar.add(dump, arcname=f"data/{POSTGRES_DUMP}", filter=_private)
        sqlite = instance.sqlite_path
        if sqlite is not None and sqlite.exists():
            with _sqlite_snapshot(sqlite, private) as snapshot:
                tar.add(snapshot, arcname=f"data/{SQLITE_FILE}", filter=_private)


@contextlib.contextmanager
def _private_scratch(parent: Path) -> Iterator[Path]:
    try:
        # mkdtemp makes the folder 0700; beside the archive, so on the same disk.
        folder = tempfile.mkdtemp(dir=parent, prefix=".plughost-backup-")
    except OSError as exc:
        raise InstanceError(f"cannot write to {parent}: {reason(exc)}") from exc
    try:
        yield Path(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mode = 0o600
    return _anonymous(info)


def _add_bytes(tar: tarfile.TarFile, arcname: str, data: bytes) -> None:
    info = tarfile.TarInfo(arcname)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def _add_tree(tar: tarfile.TarFile, root: Path, arcroot: str) -> None:
    if not root.is_dir():
        return
    tar.add(root, arcname=arcroot, recursive=False, filter=_anonymous)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        here = Path(dirpath)
        arcdir = PurePosixPath(arcroot, here.relative_to(root).as_posix())
        for entry in [*dirnames, *sorted(filenames)]:
            if here == root and arcroot == "data" and entry in _SQLITE_SIDE_FILES:
                continue
            path = here / entry
            # Only plain files and folders: a symlink could point anywhere, and
            # restore refuses links anyway.
            if path.is_symlink() or not (path.is_file() or path.is_dir()):
                continue
            tar.add(path, arcname=str(arcdir / entry), recursive=False, filter=_anonymous)


def _anonymous(info: tarfile.TarInfo) -> tarfile.TarInfo:
    # The archive may be restored by another user on another machine.
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


@contextlib.contextmanager
def _sqlite_snapshot(database: Path, scratch: Path) -> Iterator[Path]:
    """A consistent copy of a live SQLite database, deleted afterwards.

    A plain file copy of a database being written can catch it mid-transaction (and
    misses whatever still sits in the -wal file); SQLite's backup API copies a
    consistent snapshot, retrying pages that change underneath it.
    """
    fd, copy_name = tempfile.mkstemp(dir=scratch, prefix=f".{SQLITE_FILE}.", suffix=".snapshot")
    os.close(fd)
    copy = Path(copy_name)
    try:
        try:
            source = sqlite3.connect(database)
            try:
                target = sqlite3.connect(copy)
                try:
                    source.backup(target)
                finally:
                    target.close()
            finally:
                source.close()
        except sqlite3.Error as exc:
            raise InstanceError(f"cannot back up {database}: {exc}") from exc
        yield copy
    finally:
        copy.unlink(missing_ok=True)


def restore(archive: Path | str, as_name: str | None = None, *, dsn: str | None = None) -> Instance:
    """Create an instance from a :func:`backup` archive, named ``as_name`` or as before.

    The archive is checked (format, file list, settings) and unpacked into a hidden
    folder that is renamed into place only when complete, so a bad archive leaves
    nothing behind. A PostgreSQL instance's documents are loaded into its DSN, or
    into ``dsn`` when given (the restored settings then name it); that database
    must hold no plughost data yet, so a restore never overwrites a live instance.
    """
    archive = Path(archive)
    if as_name is not None:
        validate_name(as_name)
    try:
        # Not a `with`: open errors (not an archive) and read errors (truncated)
        # get different messages; the `with tar:` below closes it.
        tar = tarfile.open(archive, mode="r:gz")  # noqa: SIM115
    except FileNotFoundError as exc:
        raise InstanceError(f"no such backup archive: {archive}") from exc
    except IsADirectoryError as exc:
        raise InstanceError(f"{archive} is a folder, not a backup archive") from exc
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise InstanceError(f"bad archive {archive}: not a gzip-compressed tar file") from exc
    with tar:
        try:
            return _restore_from(tar, archive, as_name, dsn)
        except (tarfile.TarError, EOFError, zlib.error) as exc:
            raise InstanceError(f"bad archive {archive}: truncated or corrupt ({exc})") from exc
        except OSError as exc:
            raise InstanceError(f"cannot restore {archive}: {reason(exc)}") from exc


def _restore_from(
    tar: tarfile.TarFile, archive: Path, as_name: str | None, dsn: str | None
) -> Instance:
    members = tar.getmembers()
    by_name = {_clean(m.name): m for m in members}
    manifest = _read_json_member(tar, by_name, _MANIFEST, archive)
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise InstanceError(f"bad archive {archive}: not a plughost backup")
    if manifest.get("format_version") != _ARCHIVE_VERSION:
        raise InstanceError(
            f"bad archive {archive}: backup format version "
            f"{manifest.get('format_version')!r} is not supported by this plughost"
        )
    original = manifest.get("instance")
    name = as_name if as_name is not None else original
    if not isinstance(name, str):
        raise InstanceError(f"bad archive {archive}: the manifest names no instance")
    validate_name(name)
    for clean, member in by_name.items():
        _check_member(clean, member, archive)
    try:
        settings = Settings.loads(_read_member(tar, by_name, SETTINGS_FILE, archive))
    except InstanceError as exc:
        raise InstanceError(f"bad archive {archive}: {SETTINGS_FILE}: {exc}") from exc
    if dsn is not None:
        if settings.backend != "postgres":
            raise InstanceError(f"{archive} holds an SQLite instance: --dsn does not apply")
        settings = dataclasses.replace(settings, dsn=dsn)

    root = home()
    check_available(name)
    _make_dir(root, private=True)
    target = root / name
    with staging_dir(root, name, "restoring") as staged:
        payload = [m for clean, m in by_name.items() if clean.partition("/")[0] in _TREES]
        # The "data" filter (PEP 706) is a second guard behind _check_member:
        # no absolute paths, no escaping the folder, no device files.
        tar.extractall(staged, members=payload, filter="data")
        for tree in SUBFOLDERS:
            (staged / tree).mkdir(exist_ok=True)
            os.chmod(staged / tree, PRIVATE_DIR_MODE)  # whatever mode the archive says
        write_private_file(staged / SETTINGS_FILE, settings.dumps())
        dump = staged / "data" / POSTGRES_DUMP
        if settings.backend == "postgres" and settings.dsn is not None and dump.exists():
            # Last before publishing: everything that can fail on the archive has.
            load_database(settings.dsn, dump)
            dump.unlink()  # the documents live in the database now
        publish_dir(staged, target, clash_message(name, target))
    return load(name)


def _clean(name: str) -> str:
    return str(PurePosixPath(name.removeprefix("./")))


def _check_member(clean: str, member: tarfile.TarInfo, archive: Path) -> None:
    path = PurePosixPath(clean)
    top = path.parts[0] if path.parts else ""
    allowed = clean in (_MANIFEST, SETTINGS_FILE) or top in _TREES
    if path.is_absolute() or ".." in path.parts or not allowed:
        raise InstanceError(f"bad archive {archive}: unexpected entry {member.name!r}")
    if not (member.isfile() or member.isdir()):
        raise InstanceError(f"bad archive {archive}: {member.name!r} is not a plain file")


def _read_member(
    tar: tarfile.TarFile, by_name: dict[str, tarfile.TarInfo], name: str, archive: Path
) -> bytes:
    member = by_name.get(name)
    stream = tar.extractfile(member) if member is not None and member.isfile() else None
    if stream is None:
        raise InstanceError(f"bad archive {archive}: no {name} in it; is it a plughost backup?")
    with stream:
        return stream.read()


def _read_json_member(
    tar: tarfile.TarFile, by_name: dict[str, tarfile.TarInfo], name: str, archive: Path
) -> object:
    try:
        return json.loads(_read_member(tar, by_name, name, archive))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InstanceError(f"bad archive {archive}: {name} is not valid JSON") from exc
