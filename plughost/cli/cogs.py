"""``plughost cogs install|upgrade|uninstall|list``: cogs from PyPI, without a running bot.

pip runs in this interpreter (the one ``plughost run`` uses). ``install`` takes a
requirement specifier, a local project folder, a wheel or a source archive (paths
are for this command only; Discord's ``cog install`` takes specifiers); never pip
options: index settings are pip's own configuration (``PIP_INDEX_URL``,
``PIP_FIND_LINKS``, ``pip.conf``). An install or upgrade is checked by importing
the new cogs afterwards; any failure after pip changed the environment rolls it
back. A running bot picks changes up with ``cog load`` / ``cog reload``.

Imports inside the commands (the noqa PLC0415 lines): ``plughost --help`` and every
other command load this module, and should not pay for importing interactions.py.
"""

from __future__ import annotations

import asyncio
import sys

import click

__all__ = ["cogs"]


def _progress(line: str) -> None:
    click.echo(f"  {line}", err=True)


@click.group()
def cogs() -> None:
    """Install, upgrade, uninstall and list cogs (pip in this interpreter)."""


def _install(package: str, upgrade: bool) -> None:
    from plughost.cogs import CogImportError, import_cog, scan  # noqa: PLC0415
    from plughost.cogs import install as pip_ops  # noqa: PLC0415
    from plughost.cogs.targets import TargetRefused, cli_target  # noqa: PLC0415

    async def check(plan: pip_ops.InstallPlan) -> str:
        catalog = scan()
        wanted = set(plan.requested)
        if not wanted:  # a path or wheel pip found already installed
            raise pip_ops.InstallError(f"nothing to install: {package} is installed already")
        found = [i for i in catalog.available.values() if _canonical(i.distribution) in wanted]
        problems = [
            q.reason
            for q in catalog.quarantined.values()
            if any(_canonical(c.distribution) in wanted for c in q.claimants)
        ]
        for info in found:
            try:
                import_cog(info)
            except CogImportError as exc:
                problems.append(exc.quarantine.reason)
        if problems or not found:
            raise pip_ops.InstallError("; ".join(problems) or f"{package} provides no cog")
        dists = ", ".join(sorted(wanted))
        return f"installed {dists}: cogs {', '.join(i.name for i in found)}"

    async def run() -> None:
        plan = await pip_ops.install([cli_target(package)], upgrade=upgrade, progress=_progress)
        try:
            done = await check(plan)
        except BaseException:  # any failure after pip changed the environment
            if plan.changes:
                await pip_ops.rollback(plan, progress=_progress)
            raise
        click.echo(f"{done} (load them with `cog load NAME`)")

    try:
        asyncio.run(run())
    except (pip_ops.InstallError, TargetRefused) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


def _canonical(name: str) -> str:
    from packaging.utils import canonicalize_name  # noqa: PLC0415

    return str(canonicalize_name(name))


@cogs.command()
@click.argument("package")
def install(package: str) -> None:
    """Install PACKAGE[==VERSION], a local project folder, a wheel or an sdist."""
    _install(package, upgrade=False)


@cogs.command()
@click.argument("package")
def upgrade(package: str) -> None:
    """Upgrade PACKAGE; a running bot takes it with `cog reload` (atomic)."""
    _install(package, upgrade=True)


@cogs.command()
@click.argument("package")
def uninstall(package: str) -> None:
    """Uninstall the cog distribution PACKAGE."""
    from plughost.cogs import install as pip_ops  # noqa: PLC0415

    try:
        asyncio.run(pip_ops.uninstall(package, progress=_progress))
    except pip_ops.InstallError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"uninstalled {package}")


@cogs.command(name="list")
def list_() -> None:
    """Installed cogs with versions, and quarantined ones with the reason."""
    from plughost.cogs import scan  # noqa: PLC0415

    catalog = scan()
    for name, info in catalog.available.items():
        click.echo(f"{name}  {info.distribution} {info.version}  {info.summary}")
    for name, quarantine in catalog.quarantined.items():
        click.echo(f"{name}  QUARANTINED: {quarantine.reason}")
