"""Finding a Red-DiscordBot 3.5 instance and reading its Config data (JSON backend here,
PostgreSQL in ``pgsource.py``).

A Red data folder holds core's settings in ``<data>/core/settings.json`` and each
cog's in ``<data>/cogs/<CogName>/settings.json`` (the ``core`` and ``cogs`` names
come from the instance's ``CORE_PATH_APPEND``/``COG_PATH_APPEND``). Each file is
``{identifier: {scope: tree}}``. A ``redbot-setup backup`` tarball holds the same
folder (paths relative to the data folder) plus ``instance.json``, the instance's
entry of Red's registry: ``config.json`` in Red's user config folder, one
``{name: {"DATA_PATH", "COG_PATH_APPEND", "CORE_PATH_APPEND", "STORAGE_TYPE", ...}}``
entry per instance.

A SOURCE that is a ``postgres://`` DSN, or a registered instance on Red's
PostgreSQL backend, is read by :func:`~plughost.importers.red.pgsource.read_postgres`.
Red's files and databases are only read, never changed.
"""

from __future__ import annotations

import json
import math
import os
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import platformdirs

from plughost.importers.red.model import CORE_COG, RedInstance, RedSourceError
from plughost.importers.red.pgsource import read_postgres
from plughost.instances.postgres import redact_dsn, run_to_completion

__all__ = ["open_source", "read_data_folder", "registry_file"]

_DSN_SCHEMES: Final = ("postgres://", "postgresql://")

_SETTINGS: Final = "settings.json"
_APPNAME: Final = "Red-DiscordBot"


def _no_nan(text: str) -> Any:
    # Python's json writes NaN and Infinity (Red's files may hold them); no store can.
    raise ValueError(f"{text} is not a JSON number")


def _read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as fs:
        value = json.load(fs, parse_constant=_no_nan)
    if isinstance(value, float) and not math.isfinite(value):  # pragma: no cover - guarded above
        raise ValueError("not a finite number")
    return value


def read_data_folder(
    path: Path, *, core_append: str = "core", cog_append: str = "cogs", origin: str | None = None
) -> RedInstance:
    """Every Config in Red data folder ``path`` (JSON backend)."""
    if not path.is_dir():
        raise RedSourceError(f"{path} is not a folder")
    core_file = path / core_append / _SETTINGS
    if not core_file.is_file():
        raise RedSourceError(
            f"{path} is not a Red data folder (no {core_append}/{_SETTINGS}; "
            "an instance on Red's PostgreSQL backend is imported from its postgres:// DSN)"
        )
    files = [(CORE_COG, core_file)]
    cogs_dir = path / cog_append
    unreadable: list[str] = []
    if cogs_dir.is_dir():
        for entry in sorted(cogs_dir.iterdir()):
            if not entry.is_dir():
                continue
            if (entry / _SETTINGS).is_file():
                files.append((entry.name, entry / _SETTINGS))
            # Files a cog keeps beside Config (databases, downloads, caches) stay behind.
            others = sum(1 for f in entry.rglob("*") if f.is_file() and f != entry / _SETTINGS)
            if others:
                unreadable.append(
                    f"{cog_append}/{entry.name}: {others} file(s) besides {_SETTINGS}"
                    " (not Config data, not imported)"
                )
    cogs: dict[str, dict[str, Any]] = {}
    for cog_name, file in files:
        try:
            data = _read_json(file)
        except (OSError, ValueError) as exc:
            if cog_name == CORE_COG:
                raise RedSourceError(f"cannot read {file}: {exc}") from exc
            unreadable.append(f"{file.relative_to(path)}: not readable JSON ({exc})")
            continue
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            unreadable.append(f"{file.relative_to(path)}: not Red Config data")
            continue
        # Red's JSON driver keeps a Config named "Core" with identifier "0" in the core
        # folder only; a cogs/Core folder would be another Config and is kept apart.
        existing = cogs.setdefault(cog_name, {})
        for identifier, scopes in data.items():
            existing.setdefault(str(identifier), scopes)
    return RedInstance(origin or str(path), cogs, tuple(unreadable))


def registry_file() -> Path:
    """Red's instance registry: ``config.json`` in Red's user config folder.

    As Red decides it: the user config folder, except for a Linux system user
    (uid 1-999) whose home does not exist, or who already has a site data one.
    """
    dirs = platformdirs.PlatformDirs(_APPNAME)
    user = dirs.user_config_path / "config.json"
    if sys.platform == "linux" and 0 < os.getuid() < 1000:
        site = dirs.site_data_path / "config.json"
        if site.exists() or not Path.home().exists():
            return site
    return user


def _registered(name: str) -> RedInstance:
    registry = registry_file()
    try:
        entries = _read_json(registry)
    except FileNotFoundError:
        raise RedSourceError(
            f"no Red instances are registered here ({registry} is missing)"
        ) from None
    except (OSError, ValueError) as exc:
        raise RedSourceError(f"cannot read Red's instance registry {registry}: {exc}") from exc
    entry = entries.get(name) if isinstance(entries, dict) else None
    if not isinstance(entry, dict):
        known = ", ".join(sorted(entries)) if isinstance(entries, dict) else ""
        raise RedSourceError(
            f"no Red instance {name!r} in {registry}" + (f" (it has: {known})" if known else "")
        )
    storage = entry.get("STORAGE_TYPE", "JSON")
    if storage == "Postgres":
        details = entry.get("STORAGE_DETAILS")
        if not isinstance(details, dict):
            raise RedSourceError(f"Red instance {name!r} has no STORAGE_DETAILS in {registry}")
        where = f"{details.get('host') or 'localhost'}/{details.get('database') or ''}"
        origin = f"Red instance {name!r} (PostgreSQL {where})"
        return run_to_completion(read_postgres(details=details, origin=origin))
    if storage != "JSON":
        raise RedSourceError(
            f"Red instance {name!r} uses the {storage} backend: import a "
            f"`redbot-setup backup {name}` tarball instead (it is JSON)"
        )
    data_path = entry.get("DATA_PATH")
    if not isinstance(data_path, str):
        raise RedSourceError(f"Red instance {name!r} has no DATA_PATH in {registry}")
    return read_data_folder(
        Path(data_path),
        core_append=str(entry.get("CORE_PATH_APPEND", "core")),
        cog_append=str(entry.get("COG_PATH_APPEND", "cogs")),
        origin=f"Red instance {name!r} ({data_path})",
    )


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Regular files and folders inside the archive only (Python < 3.11.4 has no filters)."""
    members = []
    for member in tar.getmembers():
        parts = Path(member.name).parts
        if member.name.startswith(("/", "\\")) or ".." in parts:
            raise tarfile.TarError(f"{member.name!r} points outside the archive")
        if member.isfile() or member.isdir():
            members.append(member)
    return members


@contextmanager
def _unpacked(tarball: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="plughost-red-") as tmp:
        try:
            with tarfile.open(tarball) as tar:
                members = _safe_members(tar)
                if sys.version_info >= (3, 11, 4):
                    # Also refuses absolute paths, "..", links out and devices.
                    tar.extractall(tmp, members=members, filter="data")
                else:  # pragma: no cover - no extraction filters before 3.11.4
                    tar.extractall(tmp, members=members)
        except (OSError, tarfile.TarError) as exc:
            raise RedSourceError(f"cannot unpack {tarball}: {exc}") from exc
        yield Path(tmp)


def _from_backup(tarball: Path) -> RedInstance:
    with _unpacked(tarball) as folder:
        core_append, cog_append = "core", "cogs"
        info = folder / "instance.json"
        if info.is_file():
            try:
                entries = _read_json(info)
            except (OSError, ValueError) as exc:
                raise RedSourceError(f"{tarball}: instance.json unreadable: {exc}") from exc
            entry: Any = next(iter(entries.values()), {}) if isinstance(entries, dict) else {}
            if isinstance(entry, dict):
                core_append = str(entry.get("CORE_PATH_APPEND", core_append))
                cog_append = str(entry.get("COG_PATH_APPEND", cog_append))
        return read_data_folder(
            folder, core_append=core_append, cog_append=cog_append, origin=str(tarball)
        )


def open_source(source: str | None, instance: str | None) -> RedInstance:
    """Read the Red instance named by the command line: a folder, a tarball, or a name."""
    if (source is None) == (instance is None):
        raise RedSourceError("give either SOURCE (a data folder or backup) or --instance NAME")
    if instance is not None:
        return _registered(instance)
    assert source is not None
    if source.startswith(_DSN_SCHEMES):
        return run_to_completion(read_postgres(source, origin=redact_dsn(source)))
    path = Path(source).expanduser()
    if path.is_dir():
        return read_data_folder(path, origin=str(path.resolve()))
    if path.is_file():
        if not tarfile.is_tarfile(path):
            raise RedSourceError(f"{path} is neither a Red data folder nor a backup tarball")
        return _from_backup(path)
    raise RedSourceError(f"{path} does not exist")
