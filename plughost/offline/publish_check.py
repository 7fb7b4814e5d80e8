"""``plughost cogs check``: what an author should know before publishing a cog.

Each check gives one line, PASS or FAIL (or SKIP when an earlier failure makes it
meaningless): the entry point resolves to a Cog; the distribution's plughost
requirement includes the running version; hook implementations match the specs;
there is an end-user data statement; the cog loads and unloads on a real bot
against the local emulator; and after the unload nothing of it is left: commands,
listeners, component callbacks, application commands (in the bot and as synced to
Discord), plugin-manager registrations, and tasks it started.

Why a state snapshot and not a trust in ``detach_cog``: what a cog registers by
hand (``bot.add_listener`` in ``cog_load``, ``asyncio.create_task``) is exactly
what plughost cannot know to remove, so the check compares the bot before and after.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, Final, Literal, final

from packaging.utils import canonicalize_name

from plughost._version import __version__
from plughost.cogs.cog import Cog
from plughost.cogs.discovery import compatibility_problem, scan
from plughost.cogs.importer import cog_packages
from plughost.cogs.metadata import COG_GROUP, CogInfo
from plughost.hooks.caller import find_hook_problems

if TYPE_CHECKING:
    from plughost.runtime.bot import Bot
    from plughost.testing.emulator import FakeDiscord

__all__ = ["CheckError", "CheckLine", "CheckReport", "check_cog", "project_cogs"]

Outcome = Literal["PASS", "FAIL", "SKIP"]

#: How long tasks the cog started may take to finish after its unload.
_TASK_GRACE: Final = 1.0


class CheckError(Exception):
    """The check could not start (a bad path, no such cog); one line for people."""


@final
@dataclass(frozen=True, slots=True)
class CheckLine:
    outcome: Outcome
    what: str
    detail: str

    def __str__(self) -> str:
        return f"{self.outcome}  {self.what}: {self.detail}"


@final
@dataclass(slots=True)
class CheckReport:
    """The lines for one cog, in order."""

    name: str
    lines: list[CheckLine] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(line.outcome == "PASS" for line in self.lines)

    def add(self, outcome: Outcome, what: str, detail: str) -> None:
        self.lines.append(CheckLine(outcome, what, detail))


def project_cogs(path: Path) -> tuple[str, list[str]]:
    """The distribution name and the cog names a project folder's pyproject declares."""
    pyproject = path / "pyproject.toml" if path.is_dir() else path
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CheckError(f"cannot read {pyproject}: {exc}") from exc
    project = data.get("project", {})
    names = list(project.get("entry-points", {}).get(COG_GROUP, {}))
    if not names:
        raise CheckError(f'{pyproject} declares no [project.entry-points."{COG_GROUP}"]')
    return str(project.get("name", "")), names


def _find(name: str) -> tuple[CogInfo | None, str | None]:
    """The installed cog ``name`` and, if scanning quarantined it, why."""
    catalog = scan()
    if (info := catalog.available.get(name)) is not None:
        return info, None
    if (quarantine := catalog.quarantined.get(name)) is not None:
        return quarantine.claimants[0], quarantine.reason
    return None, None


def _resolve(info: CogInfo) -> type[Cog]:
    obj: object = importlib.import_module(info.module)
    for part in info.attr.split("."):
        obj = getattr(obj, part)
    if not (isinstance(obj, type) and issubclass(obj, Cog)):
        raise TypeError(f"{info.attr} is {obj!r}, not a plughost.Cog subclass")
    return obj


async def check_cog(name: str, *, distribution: str | None = None) -> CheckReport:
    """Run every check on the installed cog ``name`` (of ``distribution``, if given)."""
    report = CheckReport(name)
    info, scan_problem = _find(name)
    if info is None or (
        distribution and canonicalize_name(info.distribution) != canonicalize_name(distribution)
    ):
        where = f"{distribution} providing " if distribution else ""
        report.add(
            "FAIL",
            "installed",
            f"no installed {where}cog {name!r} in {sys.executable}; "
            "install the project first: pip install -e PATH",
        )
        return report
    report.add("PASS", "installed", f"{info.distribution} {info.version} ({info.entry_point})")
    if scan_problem is not None and "claimed by" in scan_problem:
        report.add("FAIL", "unique name", scan_problem)
    try:
        cls = _resolve(info)
    except (Exception, SystemExit) as exc:
        report.add("FAIL", "entry point", f"{info.entry_point}: {type(exc).__name__}: {exc}")
        return report
    report.add("PASS", "entry point", f"{info.entry_point} is a plughost.Cog subclass")
    _check_range(report, info)
    _check_hooks(report, cls, name)
    statement = cls.end_user_data_statement
    if isinstance(statement, str) and statement.strip():
        report.add("PASS", "data statement", repr(statement))
    else:
        report.add(
            "FAIL",
            "data statement",
            "no end_user_data_statement: say what the cog stores about users "
            '(or "Stores no data about users.")',
        )
    if any(line.outcome == "FAIL" for line in report.lines):
        report.add("SKIP", "load and unload", "fix the failures above first")
        return report
    await _check_lifecycle(report, name, cog_packages(info))
    return report


def _check_range(report: CheckReport, info: CogInfo) -> None:
    if info.requires_plughost is None:
        report.add(
            "FAIL",
            "plughost range",
            'the distribution does not require plughost; add dependencies = ["plughost>=0.1,<1"]',
        )
    elif (problem := compatibility_problem(info)) is not None:
        report.add("FAIL", "plughost range", problem)
    else:
        spec = info.requires_plughost or "(any version)"
        report.add("PASS", "plughost range", f"plughost{spec} includes {__version__}")


def _check_hooks(report: CheckReport, cls: type[Cog], name: str) -> None:
    problems = find_hook_problems(cls, name)
    if problems:
        for problem in problems:
            report.add("FAIL", "hooks", f"method {problem.method!r}: {problem.problem}")
        return
    hooks = sorted(attr for attr in dir(cls) if hasattr(getattr(cls, attr, None), "plughost_impl"))
    report.add(
        "PASS", "hooks", ", ".join(hooks) + " match plughost.hooks.specs" if hooks else "none"
    )


# -- load, unload, and what is left ------------------------------------------------------


async def _check_lifecycle(report: CheckReport, name: str, packages: tuple[str, ...]) -> None:
    # Imported here: the emulator and the bot pull in interactions.py and aiohttp.
    from plughost.cogs.manager import CogError  # noqa: PLC0415
    from plughost.config import connect  # noqa: PLC0415
    from plughost.testing.emulator import FakeDiscord  # noqa: PLC0415
    from plughost.testing.running import running_bot  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="plughost-check-") as tmp:
        async with (
            FakeDiscord() as discord,
            connect(f"sqlite:///{Path(tmp) / 'check.db'}"),
            running_bot(discord, owner_ids=[discord.owner.id]) as bot,
        ):
            before = _snapshot(bot, discord)
            with _recording_tasks(packages) as started:
                try:
                    await bot.load_cog(name)
                except CogError as exc:
                    report.add("FAIL", "load", str(exc))
                    return
                loaded = _snapshot(bot, discord)
                try:
                    await bot.unload_cog(name)
                except CogError as exc:
                    report.add("FAIL", "unload", str(exc))
                    return
            added = _count(_diff(loaded, before))
            report.add("PASS", "load and unload", f"loaded ({added or 'nothing'}) and unloaded")
            pending = [task for task in started if not task.done()]
            if pending:
                await asyncio.wait(pending, timeout=_TASK_GRACE)
            after = _snapshot(bot, discord)
            leftovers = _diff(after, before)
            leftovers["tasks"] = {str(id(t)): _describe_task(t) for t in started if not t.done()}
            for task in started:
                task.cancel()
            removed = _diff(before, after)
            _report_leftovers(report, leftovers, removed)


Snapshot = dict[str, dict[str, str]]
"""Category -> identity key -> what to show people."""


def _snapshot(bot: Bot, discord: FakeDiscord) -> Snapshot:
    snap: Snapshot = {}
    snap["prefixed commands"] = {n: f"!{n}" for n in bot.prefixed.commands}
    snap["application commands"] = {
        f"{scope}/{name}": f"/{name} ({_scope(scope)})"
        for scope, commands in bot.interactions_by_scope.items()
        for name in commands
    }
    snap["listeners"] = {
        f"{event}/{id(listener)}": f"{event} -> {_callable_name(listener.callback)}"
        for event, listeners in bot.listeners.items()
        for listener in listeners
    }
    callbacks: dict[str, str] = {}
    tables: dict[str, Any] = {
        "_component_callbacks": bot._component_callbacks,
        "_regex_component_callbacks": bot._regex_component_callbacks,
        "_modal_callbacks": bot._modal_callbacks,
        "_regex_modal_callbacks": bot._regex_modal_callbacks,
        "_global_autocompletes": bot._global_autocompletes,
    }
    for attr, table in tables.items():
        for key in table:
            callbacks[f"{attr}/{key}"] = f"{attr.strip('_').replace('_', ' ')} {key}"
    snap["callbacks"] = callbacks
    snap["extensions"] = {name: name for name in bot.ext}
    hooks: dict[str, str] = {}
    plugins = bot.cogs.plugins
    for plugin_name, plugin in plugins.list_name_plugin():
        hooks[plugin_name] = f"plugin {plugin_name}"
        for caller in plugins.get_hookcallers(plugin) or ():
            hooks[f"{plugin_name}/{caller.name}"] = f"{caller.name} of {plugin_name}"
    snap["hook registrations"] = hooks
    synced = discord.state.application.commands
    snap["synced to Discord"] = {
        f"{scope}/{command['name']}": f"/{command['name']} ({_scope(scope)})"
        for scope, commands in synced.items()
        for command in commands.values()
    }
    return snap


def _scope(scope: object) -> str:
    return "global" if not scope else f"guild {scope}"


def _callable_name(func: Any) -> str:
    func = getattr(func, "func", func)  # a functools.partial bound to a cog
    return str(getattr(func, "__qualname__", repr(func)))


def _diff(new: Snapshot, old: Snapshot) -> Snapshot:
    return {
        category: {k: v for k, v in items.items() if k not in old.get(category, {})}
        for category, items in new.items()
    }


def _count(diff: Snapshot) -> str:
    return ", ".join(f"{len(items)} {category}" for category, items in diff.items() if items)


def _report_leftovers(report: CheckReport, leftovers: Snapshot, removed: Snapshot) -> None:
    clean = True
    for category, items in leftovers.items():
        if items:
            clean = False
            shown = ", ".join(sorted(items.values()))
            report.add("FAIL", "left behind", f"{category} after unload: {shown}")
    for category, items in removed.items():
        if items:
            clean = False
            shown = ", ".join(sorted(items.values()))
            report.add("FAIL", "removed", f"{category} it did not add: {shown}")
    if clean:
        report.add("PASS", "left behind", "nothing: the bot is as it was before the load")


@contextmanager
def _recording_tasks(packages: tuple[str, ...]) -> Iterator[list[asyncio.Task[Any]]]:
    """Collect the asyncio tasks created from the cog's own code while the block runs.

    A task factory sees every ``create_task``, whoever calls it; the caller's stack
    tells the cog's tasks (its ``create_task``, an interactions.py ``Task.start``
    from its ``cog_load``) from the bot's and the emulator's, which the comparison
    must not count.
    """
    loop = asyncio.get_running_loop()
    previous = loop.get_task_factory()
    started: list[asyncio.Task[Any]] = []
    prefixes = tuple(f"{p}." for p in packages)

    def from_cog(frame: FrameType | None) -> bool:
        while frame is not None:
            module = str(frame.f_globals.get("__name__", ""))
            if module in packages or module.startswith(prefixes):
                return True
            frame = frame.f_back
        return False

    def factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Future[Any]:
        if previous is not None:
            task: asyncio.Future[Any] = previous(loop, coro, **kwargs)
        else:
            task = asyncio.Task(coro, loop=loop, **kwargs)
        if isinstance(task, asyncio.Task) and from_cog(sys._getframe(1)):
            started.append(task)
        return task

    loop.set_task_factory(factory)
    try:
        yield started
    finally:
        loop.set_task_factory(previous)


def _describe_task(task: asyncio.Task[Any]) -> str:
    coro = task.get_coro()
    return f"task {task.get_name()} ({getattr(coro, '__qualname__', coro)})"
