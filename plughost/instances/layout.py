"""Where instances live on disk, and reading them back: home, names, Instance, load."""

from __future__ import annotations

import dataclasses
import os
import re
import stat
from pathlib import Path
from typing import final

import platformdirs

from plughost.instances.errors import InstanceError
from plughost.instances.files import reason
from plughost.instances.settings import Settings

__all__ = [
    "HOME_ENV",
    "PRIVATE_DIR_MODE",
    "SETTINGS_FILE",
    "SQLITE_FILE",
    "SUBFOLDERS",
    "Instance",
    "check_available",
    "clash_message",
    "home",
    "instance_names",
    "load",
    "locate",
    "validate_name",
]

#: Environment variable that overrides where instances are kept.
HOME_ENV = "PLUGHOST_HOME"
SETTINGS_FILE = "settings.json"
SQLITE_FILE = "plughost.db"
#: An instance's folders; members' data, logs and cog state are the owner's only.
SUBFOLDERS = ("data", "logs", "cogs")
PRIVATE_DIR_MODE = 0o700

# ASCII only and no dots: a name is a folder name on every OS, a log-file stem and
# part of backup file names, and can never be ".", ".." or a hidden staging folder.
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def home() -> Path:
    """The folder holding every instance: ``$PLUGHOST_HOME``, else the user data dir.

    Read on every call (not cached) so tests and wrappers can point it elsewhere.
    """
    override = os.environ.get(HOME_ENV)
    path = Path(override).expanduser() if override else platformdirs.user_data_path("plughost")
    return path.absolute()


def validate_name(name: str) -> str:
    """Return ``name`` if it is a valid instance name, else raise :class:`InstanceError`."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InstanceError(
            f"invalid instance name {name!r}: use 1 to 64 letters, digits, '-' or '_'"
        )
    return name


@final
@dataclasses.dataclass(frozen=True, slots=True)
class Instance:
    """A named bot on disk: its folder and its settings."""

    name: str
    #: The instance folder, ``<home>/<name>``.
    path: Path
    settings: Settings

    @property
    def settings_path(self) -> Path:
        return self.path / SETTINGS_FILE

    @property
    def data_path(self) -> Path:
        """Databases and other files the bot owns; included in backups."""
        return self.path / "data"

    @property
    def logs_path(self) -> Path:
        """Log files; not included in backups."""
        return self.path / "logs"

    @property
    def cogs_path(self) -> Path:
        """Per-cog state on disk (files a cog keeps outside Config); included in backups."""
        return self.path / "cogs"

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite database file, or ``None`` for a PostgreSQL instance."""
        if self.settings.backend != "sqlite":
            return None
        return self.data_path / SQLITE_FILE

    @property
    def dsn(self) -> str:
        """Where the store connects: ``sqlite:///abs/path/plughost.db`` or the PostgreSQL DSN."""
        sqlite = self.sqlite_path
        if sqlite is None:
            assert self.settings.dsn is not None  # Settings guarantees it for postgres
            return self.settings.dsn
        # Three slashes then an absolute path: Tortoise reads netloc + path, so this
        # names the absolute file (sqlite:///home/... -> /home/...).
        return f"sqlite://{sqlite}"


def locate(name: str) -> Path:
    """The folder of an existing instance; :class:`InstanceError` if there is none."""
    root = home()
    path = root / validate_name(name)
    if not path.is_dir():
        raise InstanceError(
            f"unknown instance {name!r} (no folder in {root}); `plughost list` shows them"
        )
    return path


def load(name: str) -> Instance:
    """Read an instance's settings; :class:`InstanceError` if unknown or corrupt."""
    path = locate(name)
    settings_path = path / SETTINGS_FILE
    try:
        raw = settings_path.read_bytes()
    except FileNotFoundError as exc:
        raise InstanceError(f"corrupt instance {name!r}: {settings_path} is missing") from exc
    except OSError as exc:
        raise InstanceError(f"cannot read {settings_path}: {reason(exc)}") from exc
    try:
        settings = Settings.loads(raw)
    except InstanceError as exc:
        raise InstanceError(f"corrupt settings in {settings_path}: {exc}") from exc
    _tighten(path)
    return Instance(name=name, path=path, settings=settings)


def _tighten(path: Path) -> None:
    """Make the instance's folders 0700: ones made by older versions were 0755."""
    for folder in SUBFOLDERS:
        sub = path / folder
        try:
            info = sub.lstat()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise InstanceError(f"cannot read {sub}: {reason(exc)}") from exc
        if not stat.S_ISDIR(info.st_mode) or stat.S_IMODE(info.st_mode) & 0o077 == 0:
            continue
        try:
            os.chmod(sub, stat.S_IMODE(info.st_mode) & PRIVATE_DIR_MODE)
        except OSError as exc:
            raise InstanceError(f"cannot make {sub} private (0700): {reason(exc)}") from exc


def instance_names() -> list[str]:
    """Names of the instance folders in :func:`home`, sorted; loads nothing.

    Lets a listing show every instance, including one whose settings are corrupt
    (``load`` it to find out), and skips hidden staging and backup folders.
    """
    root = home()
    try:
        entries = list(root.iterdir())
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise InstanceError(f"cannot read {root}: {reason(exc)}") from exc
    return sorted(p.name for p in entries if _NAME.fullmatch(p.name) and p.is_dir())


def check_available(name: str) -> None:
    """Raise :class:`InstanceError` unless ``name`` is valid and not taken yet."""
    path = home() / validate_name(name)
    if path.exists() or path.is_symlink():
        raise InstanceError(clash_message(name, path))


def clash_message(name: str, path: Path) -> str:
    return f"an instance named {name!r} already exists at {path}"
