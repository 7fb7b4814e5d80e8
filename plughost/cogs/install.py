"""Installing cogs from PyPI (or any index pip can reach) into the running interpreter.

pip runs as ``python -m pip`` of this very interpreter, so what it installs is what
the bot imports. It is given checked install targets (``plughost.cogs.targets``)
after ``--`` and options plughost writes itself, never options from a user: index
settings come from pip's own configuration (``PIP_INDEX_URL``, ``pip.conf``). Every
install starts with ``pip install --dry-run --report -``: the report lists
every distribution pip would install, and plughost refuses before touching
anything when that would change plughost itself (a cog must not downgrade or
replace the runtime) or break a requirement of another installed cog. A failed
install, or a caller's failed check afterwards (loading the new cogs), rolls back:
distributions that were added are uninstalled, ones that were replaced are
reinstalled at their previous version.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import final

import importlib_metadata
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from plughost._version import __version__
from plughost.cogs.metadata import COG_GROUP
from plughost.cogs.targets import InstallTarget

__all__ = [
    "InstallError",
    "InstallPlan",
    "Progress",
    "dry_run",
    "install",
    "installed_versions",
    "rollback",
    "uninstall",
]

Progress = Callable[[str], None]
"""Called with one line per step of a long operation (pip's own output included)."""


class InstallError(Exception):
    """pip failed, or the dry run refused the install; the message says why."""


@final
@dataclass(frozen=True, slots=True)
class InstallPlan:
    """What ``pip install`` would do: (name, version) to install, and the objections."""

    changes: tuple[tuple[str, str], ...]
    previous: dict[str, str] = field(default_factory=dict)
    """Canonical name -> version installed before, for the changes that replace one."""
    problems: tuple[str, ...] = ()
    requested: tuple[str, ...] = ()
    """Canonical names of the distributions the targets themselves are (not dependencies)."""

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.changes]


def installed_versions() -> dict[str, str]:
    """Canonical distribution name -> installed version, for this interpreter."""
    return {
        str(canonicalize_name(dist.metadata["Name"] or "")): dist.version
        for dist in importlib_metadata.distributions()
        if dist.metadata["Name"]
    }


async def _pip(args: Sequence[str], progress: Progress | None) -> str:
    # pip's general options come before the subcommand: ``args`` end with "--" and targets.
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "pip",
        "--disable-pip-version-check",
        "--no-input",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    lines: list[str] = []
    while raw := await proc.stdout.readline():
        line = raw.decode(errors="replace").rstrip()
        lines.append(line)
        if progress is not None and line and not line.startswith("{"):
            progress(line)
    errors = (await proc.stderr.read()).decode(errors="replace")
    if await proc.wait() != 0:
        last = [line for line in errors.splitlines() if line.strip()][-3:]
        raise InstallError("pip failed: " + (" / ".join(last) or f"exit {proc.returncode}"))
    return "\n".join(lines)


def _arguments(targets: Sequence[InstallTarget]) -> list[str]:
    # "--" ends pip's options: nothing after it is ever read as one (issue 14, item 3).
    return ["--", *(target.argument for target in targets)]


async def dry_run(
    targets: Sequence[InstallTarget],
    *,
    upgrade: bool = False,
    progress: Progress | None = None,
) -> InstallPlan:
    """Ask pip what it would install, and check it against plughost and installed cogs."""
    if progress:
        progress(f"resolving {' '.join(map(str, targets))} ...")
    upgrading = ["--upgrade"] if upgrade else []
    out = await _pip(
        ["install", "--dry-run", "--quiet", "--report", "-", *upgrading, *_arguments(targets)],
        None,
    )
    start = out.find("{")
    report = json.loads(out[start:]) if start >= 0 else {"install": []}
    items = report.get("install", [])
    changes = tuple(
        (canonicalize_name(item["metadata"]["name"]), str(item["metadata"]["version"]))
        for item in items
    )
    requested = [str(canonicalize_name(i["metadata"]["name"])) for i in items if i.get("requested")]
    # Already satisfied: nothing in the report, but a named target still names its distribution.
    requested += [t.name for t in targets if t.name and t.name not in requested]
    before = installed_versions()
    previous = {str(name): before[name] for name, _ in changes if name in before}
    return InstallPlan(changes, previous, tuple(_problems(dict(changes))), tuple(requested))


def _problems(changes: dict[str, str]) -> list[str]:
    problems = []
    if (new := changes.get("plughost")) is not None and new != __version__:
        problems.append(
            f"it would replace plughost {__version__} with {new}; "
            "cogs cannot change the runtime (upgrade plughost itself first)"
        )
    for dist in importlib_metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"] or "")
        if name in changes or not any(ep.group == COG_GROUP for ep in dist.entry_points):
            continue
        for line in dist.requires or ():
            try:
                requirement = Requirement(line)
            except InvalidRequirement:
                continue
            if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
                continue
            target = canonicalize_name(requirement.name)
            version = changes.get(target)
            if version is not None and not requirement.specifier.contains(version, True):
                problems.append(
                    f"it would install {target} {version}, but the installed cog "
                    f"distribution {name} requires {requirement}"
                )
    return problems


async def install(
    targets: Sequence[InstallTarget],
    *,
    upgrade: bool = False,
    progress: Progress | None = None,
) -> InstallPlan:
    """Dry run, refuse on problems, then install; roll back if pip fails midway."""
    plan = await dry_run(targets, upgrade=upgrade, progress=progress)
    if plan.problems:
        raise InstallError("refused: " + "; ".join(plan.problems))
    if not plan.changes:
        if progress:
            progress("nothing to install: already satisfied")
        return plan
    if progress:
        progress("installing " + ", ".join(f"{n} {v}" for n, v in plan.changes))
    upgrading = ["--upgrade"] if upgrade else []
    try:
        await _pip(["install", *upgrading, *_arguments(targets)], progress)
    except BaseException:  # a failure or a cancellation midway: put back what pip changed
        await rollback(plan, progress=progress)
        raise
    return plan


async def rollback(plan: InstallPlan, *, progress: Progress | None = None) -> None:
    """Put back what ``plan`` changed: remove what it added, reinstall what it replaced."""
    if progress:
        progress("rolling back")
    now = installed_versions()
    added = [name for name, _ in plan.changes if name not in plan.previous and name in now]
    if added:
        await _pip(["uninstall", "-y", "--", *added], progress)
    replaced = [
        f"{name}=={version}" for name, version in plan.previous.items() if now.get(name) != version
    ]
    if replaced:
        await _pip(["install", "--no-deps", "--", *replaced], progress)


async def uninstall(distribution: str, *, progress: Progress | None = None) -> None:
    """``pip uninstall -y distribution``."""
    if canonicalize_name(distribution) == "plughost":
        raise InstallError("refusing to uninstall plughost itself")
    if canonicalize_name(distribution) not in installed_versions():
        raise InstallError(f"{distribution} is not installed")
    await _pip(["uninstall", "-y", "--", str(canonicalize_name(distribution))], progress)
