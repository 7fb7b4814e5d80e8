"""Finding the installed cogs: every distribution's ``plughost.cogs`` entry points, unimported.

:func:`scan` reads metadata only, never imports a cog, and sorts what it finds
into cogs that may be imported and cogs quarantined with a reason: a name claimed
by two distributions (both listed, neither loadable), a requirement on plughost
that excludes the running version, or an entry point that cannot name a class.
"""

from __future__ import annotations

import importlib
import os
import re
import site
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias, final

import importlib_metadata
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from plughost._version import __version__
from plughost.cogs.metadata import COG_GROUP, CogInfo, cog_info

__all__ = [
    "CogCatalog",
    "Quarantine",
    "QuarantineKind",
    "compatibility_problem",
    "invalidate_catalog",
    "refresh_import_system",
    "scan",
]

QuarantineKind: TypeAlias = Literal[
    "duplicate",
    "incompatible",
    "invalid-entry-point",
    "import-error",
    "not-a-cog",
    "invalid-hooks",
    "invalid-declarations",
]
"""Why a cog is quarantined; the first three are found by :func:`scan`, the rest by
:func:`plughost.cogs.importer.import_cog`."""

# Names end up in commands (`cog load NAME`), config keys and logs: no spaces.
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\Z")
_ATTR = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*\Z")


@final
@dataclass(frozen=True, slots=True)
class Quarantine:
    """A cog that must not be loaded, and why."""

    name: str
    kind: QuarantineKind
    reason: str
    """One line for people (``cog list``, logs)."""
    claimants: tuple[CogInfo, ...]
    """The entry points involved: two or more for a duplicate, else one."""


@final
@dataclass(frozen=True, slots=True)
class CogCatalog:
    """The outcome of a scan: cogs that may be imported, and cogs that may not."""

    available: Mapping[str, CogInfo]
    """Name -> info, sorted by name."""
    quarantined: Mapping[str, Quarantine]
    """Name -> quarantine, sorted by name."""

    def __contains__(self, name: object) -> bool:
        return name in self.available or name in self.quarantined


def refresh_import_system() -> None:
    """Make distributions installed since startup visible and importable.

    A plain ``pip install`` is visible at once, but the import system caches
    directory listings, and an editable install only works once its ``.pth`` file
    has been processed, which normally happens at interpreter start.
    """
    importlib.invalidate_caches()
    site_dirs = list(site.getsitepackages())
    if site.ENABLE_USER_SITE:
        site_dirs.append(site.getusersitepackages())
    for directory in site_dirs:
        if os.path.isdir(directory):
            # Re-reads the .pth files; paths already on sys.path are not added twice.
            site.addsitedir(directory)
    importlib.invalidate_caches()


def compatibility_problem(info: CogInfo, running: str = __version__) -> str | None:
    """Why ``info``'s requirement on plughost excludes version ``running``, if it does."""
    if info.requires_plughost is None:
        return None
    try:
        specifier = SpecifierSet(info.requires_plughost)
    except InvalidSpecifier:  # pragma: no cover - metadata parsed it already
        return f"its requirement plughost{info.requires_plughost} cannot be parsed"
    # prereleases=True: a development build of plughost (0.2.0.dev3) must satisfy
    # ">=0.1"; packaging excludes pre-releases from a specifier by default.
    if specifier.contains(running, prereleases=True):
        return None
    return f"requires plughost{info.requires_plughost}, but plughost {running} is running"


# The last scan's catalog and the state of sys.path it was made from. Reading every
# distribution's metadata costs ~40 ms with ~140 installed, and `cog list`, `cog
# info` and every load asked for it again (the fuzz test spent seconds here).
_cached: tuple[tuple[object, ...], CogCatalog] | None = None
# A directory modified this recently may change again within the same timestamp
# tick (file times are coarse, a jiffy on Linux), unseen: such a state is not cached.
_SETTLE_NS = 2_000_000_000


def _path_state(running: str) -> tuple[object, ...] | None:
    """What a catalog depends on: each sys.path entry and its modification time (a
    distribution installed or removed adds or removes a ``.dist-info`` directory,
    or a ``.pth`` file, in one of them). None when a directory changed too recently
    to trust its time."""
    recent = time.time_ns() - _SETTLE_NS
    state: list[object] = [running, tuple(sys.meta_path)]
    for entry in sys.path:
        try:
            mtime = os.stat(entry or ".").st_mtime_ns
        except OSError:
            mtime = None
        if mtime is not None and mtime > recent:
            return None
        state.append((entry, mtime))
    return tuple(state)


def invalidate_catalog() -> None:
    """Forget the cached catalog: the next :func:`scan` reads every distribution again.

    Not needed after ``pip install``/``uninstall`` (the changed directories are
    noticed); for changes made in place, such as an edited ``entry_points.txt``.
    """
    global _cached  # noqa: PLW0603 - a module-level cache
    _cached = None


def scan(*, refresh: bool = True, running: str = __version__) -> CogCatalog:
    """Every installed cog, without importing any.

    ``refresh`` first makes distributions installed since startup visible (see
    :func:`refresh_import_system`). ``running`` is the plughost version requirements
    are checked against.

    The result is cached until a directory on ``sys.path`` changes (an install or
    uninstall) or :func:`invalidate_catalog` is called; treat it as read-only.
    """
    global _cached  # noqa: PLW0603 - a module-level cache
    before = _path_state(running)
    if before is not None and _cached is not None and _cached[0] == before:
        return _cached[1]
    if refresh:
        refresh_import_system()
    catalog = _scan(running)
    # The state after refreshing (it may add .pth paths to sys.path) is the key.
    after = _path_state(running)
    _cached = None if after is None else (after, catalog)
    return catalog


def _scan(running: str) -> CogCatalog:
    claims: dict[str, list[CogInfo]] = {}
    # importlib_metadata lists each distribution once, the first found on sys.path:
    # the copy Python would import. Two *different* distributions with one
    # entry-point name both appear, and are reported below.
    for entry_point in importlib_metadata.entry_points(group=COG_GROUP):
        info = cog_info(entry_point)
        claims.setdefault(info.name, []).append(info)

    available: dict[str, CogInfo] = {}
    quarantined: dict[str, Quarantine] = {}
    for name in sorted(claims):
        infos = tuple(sorted(claims[name], key=lambda i: (i.distribution.lower(), i.version)))
        problem = _problem(name, infos, running)
        if problem is None:
            available[name] = infos[0]
        else:
            quarantined[name] = problem
    return CogCatalog(available, quarantined)


def _problem(name: str, infos: tuple[CogInfo, ...], running: str) -> Quarantine | None:
    if len(infos) > 1:
        who = " and ".join(f"{i.distribution} {i.version} ({i.entry_point})" for i in infos)
        return Quarantine(
            name,
            "duplicate",
            f"the cog name {name!r} is claimed by {who}; uninstall all but one",
            infos,
        )
    info = infos[0]
    if not _NAME.match(name):
        reason = f"{name!r} is not a usable cog name (letters, digits, '_', '-', '.')"
        return Quarantine(name, "invalid-entry-point", _of(info, reason), infos)
    if not info.module or not _ATTR.match(info.attr):
        reason = f"entry point {info.entry_point!r} does not name a class ('module:Class')"
        return Quarantine(name, "invalid-entry-point", _of(info, reason), infos)
    if (incompatible := compatibility_problem(info, running)) is not None:
        return Quarantine(name, "incompatible", _of(info, incompatible), infos)
    return None


def _of(info: CogInfo, reason: str) -> str:
    return f"{info.distribution} {info.version}: {reason}"
