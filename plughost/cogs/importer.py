"""Importing a discovered cog's class, all or nothing, and forgetting a package's modules.

:func:`import_cog` imports the entry point and checks, without instantiating,
that it is a :class:`~plughost.cogs.cog.Cog` subclass whose hook implementations
match the specs and whose declarations have the right types. On any failure the
modules the attempt added from the cog's own distribution are removed from
``sys.modules`` again, so nothing half-imported stays behind, and
:class:`CogImportError` carries the quarantine.

Why only the cog's own packages are purged, not every module the import added:
third-party libraries it imported successfully are complete, and forcing them to
be imported a second time is unsafe for C extensions (numpy, pydantic-core and
others keep per-process state and warn or break when re-initialised).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable
from types import ModuleType

import interactions

from plughost.cogs.cog import Cog
from plughost.cogs.dependencies import declaration_problems
from plughost.cogs.discovery import Quarantine, QuarantineKind
from plughost.cogs.metadata import CogInfo
from plughost.cogs.migrations import config_version_problem
from plughost.hooks.caller import find_hook_problems

__all__ = ["CogImportError", "cog_packages", "import_cog", "module_owners", "purge_modules"]

# Never purged: a second copy of plughost would make every cog's Cog class a
# different class from the loader's.
_PROTECTED = frozenset({"plughost"})


class CogImportError(Exception):
    """A cog could not be imported, or was refused after import; see :attr:`quarantine`.

    The original exception, if any, is the ``__cause__`` (for the traceback in logs).
    """

    def __init__(self, quarantine: Quarantine) -> None:
        self.quarantine = quarantine
        super().__init__(quarantine.reason)


def purge_modules(*packages: str) -> dict[str, ModuleType]:
    """Remove each package and all its submodules from ``sys.modules``.

    The next import then reads the files again: needed after ``pip install -U``,
    which replaces the files but not the modules already imported. Returns what was
    removed, so that a failed reload can put the old modules back
    (``sys.modules.update(removed)``).
    """
    for package in packages:
        if package in _PROTECTED:
            raise ValueError(f"refusing to purge {package!r}: use cog_packages(info)")
    prefixes = tuple(f"{package}." for package in packages)
    removed = {
        name: module
        for name, module in list(sys.modules.items())
        if name in packages or name.startswith(prefixes)
    }
    for name in removed:
        del sys.modules[name]
    importlib.invalidate_caches()
    return removed


def cog_packages(info: CogInfo) -> tuple[str, ...]:
    """What to :func:`purge_modules` before importing ``info`` again (a reload, an
    upgrade): its distribution's top-level packages, except that a cog shipped inside
    plughost itself (a built-in) owns only its own module.

    Every cog of the same distribution shares these packages: purging them for one
    cog means its siblings' next import reads new code too.
    """
    if info.module.partition(".")[0] in _PROTECTED:
        return (info.module,)
    return tuple(name for name in info.top_level if name not in _PROTECTED)


def module_owners(infos: Iterable[CogInfo]) -> dict[str, tuple[tuple[str, str], ...]]:
    """Module or package name -> (cog name, class name) of the cogs whose code it is
    (the loop watchdog asks).

    A cog owns its distribution's packages (siblings share them, and the class name
    tells them apart) and its entry point's module; a built-in owns its module's
    package (``plughost.core``), not all of plughost.
    """
    owners: dict[str, set[tuple[str, str]]] = {}
    for info in infos:
        if info.module.partition(".")[0] in _PROTECTED:
            packages: tuple[str, ...] = (info.module.rpartition(".")[0] or info.module,)
        else:
            packages = cog_packages(info)
        for name in {*packages, info.module}:
            owners.setdefault(name, set()).add((info.name, info.attr.rpartition(".")[2]))
    return {name: tuple(sorted(cogs)) for name, cogs in owners.items()}


def import_cog(info: CogInfo) -> type[Cog]:
    """Import ``info``'s class and check it, or raise :class:`CogImportError`.

    Does not instantiate the cog. Importing a cog that is already imported returns
    the class from ``sys.modules``; purge it first to read new code from disk.
    """
    before = set(sys.modules)
    try:
        try:
            obj: object = importlib.import_module(info.module)
            for part in info.attr.split("."):
                obj = getattr(obj, part)
        # SystemExit too: a module that calls sys.exit() at import must not stop the bot.
        except (Exception, SystemExit) as exc:
            raise _refusal(
                info, "import-error", f"import failed: {type(exc).__name__}: {exc}"
            ) from exc
        if not (isinstance(obj, type) and issubclass(obj, Cog)):
            what = f"the class {obj.__qualname__}" if isinstance(obj, type) else repr(obj)
            raise _refusal(info, "not-a-cog", f"{what} is not a plughost.Cog subclass")
        if problems := find_hook_problems(obj, info.name):
            reason = "; ".join(f"method {p.method!r}: {p.problem}" for p in problems)
            raise _refusal(info, "invalid-hooks", reason)
        if declared := _declaration_problems(obj):
            raise _refusal(info, "invalid-declarations", "; ".join(declared))
    except CogImportError:
        _purge_added(before, info)
        raise
    return obj


def _refusal(info: CogInfo, kind: QuarantineKind, reason: str) -> CogImportError:
    detail = f"{info.distribution} {info.version} ({info.entry_point}): {reason}"
    return CogImportError(Quarantine(info.name, kind, detail, (info,)))


def _purge_added(before: set[str], info: CogInfo) -> None:
    own = cog_packages(info)
    prefixes = tuple(f"{package}." for package in own)
    for name in set(sys.modules) - before:
        if name in own or name.startswith(prefixes):
            del sys.modules[name]


def _declaration_problems(cls: type[Cog]) -> list[str]:
    problems = declaration_problems(cls)
    if (version := config_version_problem(cls.config_version)) is not None:
        problems.append(version)
    statement = cls.end_user_data_statement
    if statement is not None and not isinstance(statement, str):
        problems.append(f"end_user_data_statement must be a str, not {type(statement).__name__}")
    if not isinstance(cls.required_intents, interactions.Intents):
        problems.append(
            "required_intents must be interactions.Intents (e.g. Intents.GUILD_MEMBERS), "
            f"not {type(cls.required_intents).__name__}"
        )
    if not isinstance(cls.required_permissions, interactions.Permissions):
        problems.append(
            "required_permissions must be interactions.Permissions "
            f"(e.g. Permissions.MANAGE_ROLES), not {type(cls.required_permissions).__name__}"
        )
    if hasattr(cls, "async_start"):
        problems.append(
            "async_start is interactions.py's startup hook, which plughost does not call; "
            "implement the cog_load hook instead"
        )
    return problems
