"""Creating, changing, listing and deleting instances."""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TypedDict, Unpack

from plughost.instances.archive import backup
from plughost.instances.errors import InstanceError
from plughost.instances.files import publish_dir, reason, staging_dir, write_private_file
from plughost.instances.layout import (
    PRIVATE_DIR_MODE,
    SETTINGS_FILE,
    SUBFOLDERS,
    Instance,
    check_available,
    clash_message,
    home,
    instance_names,
    load,
    locate,
)
from plughost.instances.leftovers import drop_pg_data, same_database
from plughost.instances.postgres import check_dsn
from plughost.instances.settings import Backend, Settings

__all__ = ["SettingsChanges", "create", "delete", "edit", "list_instances"]


class SettingsChanges(TypedDict, total=False):
    """The settings :func:`edit` may change; a key left out keeps its value."""

    backend: Backend
    dsn: str | None
    prefix: str
    owners: Sequence[int]
    message_cache: int
    member_cache: int | None
    requests_per_second: int
    token: str | None
    oauth_client_secret: str | None


_EDITABLE = tuple(SettingsChanges.__annotations__)


def create(
    name: str,
    *,
    backend: Backend = "sqlite",
    dsn: str | None = None,
    prefix: str = "!",
    owners: Iterable[int] = (),
    token: str | None = None,
    check_connection: bool = True,
) -> Instance:
    """Create instance ``name`` with its folder, settings and empty data/logs/cogs.

    Everything is validated first (name, settings, and for PostgreSQL a real
    connection unless ``check_connection`` is false); the folder is then built
    under a hidden name and renamed into place, so a failure leaves nothing.
    """
    check_available(name)
    settings = Settings(backend=backend, dsn=dsn, prefix=prefix, owners=tuple(owners), token=token)
    if settings.dsn is not None and check_connection:
        check_dsn(settings.dsn)
    root = home()
    try:
        # 0700: the folder holds the token and the data; other users have no business in it.
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise InstanceError(f"cannot create the plughost home {root}: {reason(exc)}") from exc
    target = root / name
    with staging_dir(root, name, "creating") as staged:
        try:
            for folder in SUBFOLDERS:
                (staged / folder).mkdir(mode=PRIVATE_DIR_MODE)
            write_private_file(staged / SETTINGS_FILE, settings.dumps())
        except OSError as exc:
            raise InstanceError(f"cannot write to {root}: {reason(exc)}") from exc
        publish_dir(staged, target, clash_message(name, target))
    return Instance(name=name, path=target, settings=settings)


def list_instances() -> list[Instance]:
    """Every instance in :func:`home`, sorted by name.

    Raises :class:`InstanceError` if one has corrupt settings (rather than hiding
    it); use :func:`instance_names` and :func:`load` to list around broken ones.
    """
    return [load(name) for name in instance_names()]


def edit(
    name: str, /, *, check_connection: bool = True, **changes: Unpack[SettingsChanges]
) -> Instance:
    """Change some settings of instance ``name`` and save them atomically.

    Switching to ``backend="sqlite"`` drops the DSN; giving a ``dsn`` alone implies
    ``backend="postgres"``. A new PostgreSQL DSN is connected to before it is saved.
    Data is not moved between backends.
    """
    # Checked at runtime as well: untyped callers can pass any keyword.
    unknown = sorted(set(changes) - set(_EDITABLE))
    if unknown:
        raise InstanceError(f"cannot edit {unknown[0]!r}; editable: {', '.join(_EDITABLE)}")
    instance = load(name)
    old = instance.settings
    if not changes:
        return instance
    values: dict[str, object] = dict(changes)
    if "owners" in values:
        values["owners"] = tuple(changes.get("owners", ()))
    if values.get("backend") == "sqlite" and "dsn" not in values:
        values["dsn"] = None
    if values.get("dsn") is not None and "backend" not in values:
        values["backend"] = "postgres"
    if values.get("backend") == "postgres" and "dsn" not in values and old.dsn is None:
        raise InstanceError("switching to the postgres backend needs a dsn")
    new = dataclasses.replace(old, **values)  # type: ignore[arg-type]
    if new.dsn is not None and new.dsn != old.dsn and check_connection:
        check_dsn(new.dsn)
    try:
        write_private_file(instance.settings_path, new.dumps())
    except OSError as exc:
        raise InstanceError(f"cannot save {instance.settings_path}: {reason(exc)}") from exc
    return dataclasses.replace(instance, settings=new)


def delete(name: str, *, backup: bool = True, drop_data: bool = False) -> Path | None:
    """Delete instance ``name``; by default back it up first and return the archive.

    The backup is written before anything is removed, and the folder is first
    renamed to a hidden name (atomic), so the instance is either fully there or
    gone, never half-deleted. With ``backup=False`` an instance whose settings are
    corrupt can still be deleted.

    A PostgreSQL instance's tables stay in its database (see
    :func:`~plughost.instances.leftovers.pg_leftovers`) unless ``drop_data`` is
    true: they are then dropped after the backup and before the folder goes,
    refused while the instance runs or when another instance uses that database.
    """
    path = locate(name)
    if drop_data:
        _check_droppable(name)
    archive = _backup(name) if backup else None
    if drop_data:
        drop_pg_data(load(name).dsn)
    root = path.parent
    try:
        trash = Path(tempfile.mkdtemp(dir=root, prefix=f".{name}.deleting-"))
        os.rename(path, trash / name)
    except OSError as exc:
        raise InstanceError(f"cannot delete {path}: {reason(exc)}") from exc
    try:
        shutil.rmtree(trash)
    except OSError as exc:
        raise InstanceError(
            f"instance {name!r} is deleted, but its old files in {trash} could not be "
            f"removed: {reason(exc)}"
        ) from exc
    return archive


def _check_droppable(name: str) -> None:
    instance = load(name)
    if instance.settings.backend != "postgres":
        raise InstanceError(f"instance {name!r} keeps its data in its folder: nothing to drop")
    for other in instance_names():
        if other == name:
            continue
        try:
            sharing = load(other)
        except InstanceError:
            continue
        if sharing.settings.backend == "postgres" and same_database(sharing.dsn, instance.dsn):
            raise InstanceError(
                f"instance {other!r} uses the same PostgreSQL database and schema: "
                "its data would go too; delete with --keep-data"
            )


# The keyword `backup` of delete() shadows the function inside it.
_backup = backup
