"""Data migrations: a cog's ``config_version`` and its ``@migration`` steps, run once at load.

A cog declares the version of the data its code expects (``config_version = 3``)
and the steps that bring older data up (``@plughost.migration(2, 3)`` on an
``async def step(config)`` in the cog's module or class body). At load, before
``cog_load``, plughost reads the version stored with the cog's data and runs the
steps between it and the code's, in order, each one atomic
(:func:`plughost.config.staging.staged_writes`: all its writes and the new
version commit together, or nothing does).

The version is a document of its own under the cog's Config prefix, so it is
committed in the same batch as the step's writes, goes with the data in backups
and conversions, and disappears with it (``clear_all``). Data that has no
version yet is version 1 if anything is stored (the cog existed before it
versioned its data), and the code's version if nothing is (a fresh install).

In a cluster the check-and-run holds the version document's cross-process
read-modify-write lock (an advisory lock on PostgreSQL): one process migrates,
the others wait, then find the data current and load.
"""

from __future__ import annotations

import inspect
import logging
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeVar, final

from plughost.config import Config, ConfigLockLostError, current_store
from plughost.config.documents import MISSING, encode
from plughost.config.keys import encode_parts
from plughost.config.staging import staged_writes

if TYPE_CHECKING:
    from plughost.cogs.cog import Cog

__all__ = [
    "MigrationError",
    "MigrationPlan",
    "MigrationStep",
    "cog_config",
    "config_version_problem",
    "describe",
    "migrate",
    "migration",
    "pending",
    "steps_of",
]

log = logging.getLogger("plughost.cogs.migrations")

_MARK: Final = "__plughost_migration__"
_VERSION_PART: Final = "PLUGHOST_DATA_VERSION"

_F = TypeVar("_F", bound=Callable[..., Awaitable[None]])

#: Makes the instance backup before the first step (None: no backup is taken).
Backup = Callable[[], Awaitable[object]]


class MigrationError(Exception):
    """A cog's data could not be brought to its code's version; the message says why."""


@final
@dataclass(frozen=True, slots=True)
class MigrationStep:
    """One step, ``start`` -> ``end``, and the function that makes it."""

    start: int
    end: int
    run: Callable[[Config], Awaitable[None]]

    @property
    def label(self) -> str:
        return f"{self.start} -> {self.end} ({self.run.__name__})"


@final
@dataclass(frozen=True, slots=True)
class MigrationPlan:
    """Where a cog's data is, where its code is, and the steps between."""

    stored: int
    target: int
    steps: tuple[MigrationStep, ...]


def migration(start: int, end: int) -> Callable[[_F], _F]:
    """Mark ``async def step(config)`` as the step bringing data from ``start`` to ``end``.

    ``config`` is the cog's Config; every write the step makes through it, and
    the new version, commit together when it returns, and nothing is written if
    it raises. Steps run before ``cog_load``, with the cog's commands not live.
    """
    if not (type(start) is int and type(end) is int and 1 <= start < end):
        raise ValueError(f"a migration goes from a version >= 1 to a later one, not {start}->{end}")

    def mark(func: _F) -> _F:
        plain: object = func  # checked as an object: the check would narrow func's type
        if not inspect.iscoroutinefunction(plain):
            raise TypeError(f"migration step {func.__qualname__} must be an async def")
        setattr(func, _MARK, (start, end))
        return func

    return mark


def steps_of(cls: type[Cog]) -> list[MigrationStep]:
    """The steps in ``cls``'s body (and its bases') and in its module, by start version."""
    found: dict[int, MigrationStep] = {}
    namespaces: list[Mapping[str, Any]] = [vars(k) for k in reversed(cls.__mro__)]
    if (module := sys.modules.get(cls.__module__)) is not None:
        namespaces.insert(0, vars(module))
    for namespace in namespaces:
        for value in list(namespace.values()):
            func = value.__func__ if isinstance(value, staticmethod) else value
            marked = getattr(func, _MARK, None)
            if marked is None:
                continue
            start, end = marked
            known = found.get(start)
            if known is not None and known.run is not func:
                raise MigrationError(
                    f"two migration steps start at version {start}: "
                    f"{known.run.__name__} and {func.__name__}"
                )
            found[start] = MigrationStep(start, end, func)
    return [found[k] for k in sorted(found)]


def cog_config(name: str) -> Config:
    """The one Config the cog ``name`` made in its ``__init__`` (what steps are given)."""
    configs = [c for (cog, _), c in current_store().configs.items() if cog == name]
    if len(configs) != 1:
        raise MigrationError(
            f"config_version needs exactly one Config made in __init__ "
            f"(Config.get_conf(self, ...)); the cog made {len(configs)}"
        )
    config: Config = configs[0]
    return config


def _keys(config: Config) -> tuple[str, str]:
    root = encode_parts((config.cog_name, config.unique_identifier))
    return root, root + encode_parts((_VERSION_PART,))


async def _stored_version(config: Config, target: int) -> tuple[int, bool]:
    """The version of the stored data, and whether it was recorded."""
    root, key = _keys(config)
    store = current_store()
    doc = await store.read_for_update(key)
    if doc is not MISSING:
        return int(doc["version"]), True
    anything = await store.scan_text(root)
    return (1 if anything else target), False


def _plan(cls: type[Cog], stored: int) -> MigrationPlan:
    target = cls.config_version
    assert target is not None  # only versioned cogs are planned
    if stored > target:
        raise MigrationError(
            f"its data is at version {stored}, newer than this code's {target} "
            "(a downgrade): install the newer version again, or restore a backup"
        )
    by_start = {s.start: s for s in steps_of(cls)}
    steps: list[MigrationStep] = []
    version = stored
    while version < target:
        step = by_start.get(version)
        if step is None or step.end > target:
            raise MigrationError(
                f"no migration step from version {version} toward {target} "
                f"(steps: {', '.join(s.label for s in by_start.values()) or 'none'})"
            )
        steps.append(step)
        version = step.end
    return MigrationPlan(stored, target, tuple(steps))


async def pending(name: str, cls: type[Cog]) -> MigrationPlan:
    """What :func:`migrate` would do for the cog ``name`` now (``--dry-run``)."""
    assert cls.config_version is not None
    stored, _ = await _stored_version(cog_config(name), cls.config_version)
    return _plan(cls, stored)


async def migrate(name: str, cls: type[Cog], *, backup: Backup | None) -> MigrationPlan:
    """Bring the data of cog ``name`` to ``cls.config_version``; the plan that ran.

    Raises :class:`MigrationError` saying why not; the data is then as the last
    step that succeeded left it (as it was, if the first one failed).
    """
    target = cls.config_version
    assert target is not None
    config = cog_config(name)
    _, key = _keys(config)
    store = current_store()
    token = await store.enter_rmw(key)  # the others of a cluster wait here
    try:
        stored, recorded = await _stored_version(config, target)
        plan = _plan(cls, stored)
        if not plan.steps:
            if not recorded:
                await store.write(key, (), {"version": target}, encode({"version": target}))
            return plan
        if backup is not None:
            log.info("backing up before migrating the data of cog %r", name)
            await backup()
        for step in plan.steps:
            try:
                store.verify_rmw(token)  # another process may have taken over meanwhile
            except ConfigLockLostError as exc:
                raise MigrationError(f"stopped before step {step.label}: {exc}") from exc
            await _run_step(name, config, key, step)
        return plan
    finally:
        await store.exit_rmw(token)


async def _run_step(name: str, config: Config, key: str, step: MigrationStep) -> None:
    root, _ = _keys(config)
    try:
        async with staged_writes(root) as staged:
            await step.run(config)
            staged.put(key, {"version": step.end})
    except Exception as exc:
        log.exception("migration step %s of cog %r failed", step.label, name)
        raise MigrationError(
            f"migration step {step.label} raised {type(exc).__name__}: {exc}; "
            f"its data is as it was at version {step.start}"
        ) from exc
    log.info("migrated the data of cog %r: %s", name, step.label)


def describe(plan: MigrationPlan) -> list[str]:
    """Lines for people: the versions and each pending step."""
    if not plan.steps:
        return [f"data at version {plan.stored}: up to date"]
    head = f"data at version {plan.stored}, code at {plan.target}; pending:"
    return [head, *(f"  {step.label}" for step in plan.steps)]


def config_version_problem(value: Any) -> str | None:
    """Why ``config_version`` is not valid, or None."""
    if value is None or (type(value) is int and value >= 1):
        return None
    return f"config_version must be an int >= 1 (or None), not {value!r}"
