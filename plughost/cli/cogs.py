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
from pathlib import Path

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


@cogs.command()
@click.argument("name")
@click.option("--instance", "-i", "instance_name", required=True, help="The instance whose data.")
@click.option("--dry-run", is_flag=True, help="List the pending steps; change nothing.")
@click.option("--no-backup", is_flag=True, help="Do not back the instance up first.")
def migrate(name: str, instance_name: str, dry_run: bool, no_backup: bool) -> None:
    """Bring cog NAME's data in an instance to its code's config_version.

    The bot must not be running on an SQLite instance (one process per file); a
    running bot migrates by itself when it loads the cog.
    """
    from plughost import instances  # noqa: PLC0415
    from plughost.cogs.manager import CogError  # noqa: PLC0415
    from plughost.cogs.migrations import describe  # noqa: PLC0415
    from plughost.runtime.bot import Bot  # noqa: PLC0415
    from plughost.runtime.runner import StoreUnavailable, instance_backup, open_store  # noqa: PLC0415

    try:
        found = instances.load(instance_name)
    except instances.InstanceError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)

    async def run() -> list[str]:
        async with open_store(repr(found.name), found.dsn):
            # A bot that never connects: its cog manager imports and builds the cog.
            bot = Bot(prefix=found.settings.prefix, owner_ids=found.settings.owners)
            if dry_run:
                return describe(await bot.cogs.migration_plan(name))
            if not no_backup:
                bot.cogs.backup = instance_backup(found.name)
            plan = await bot.cogs.migrate(name)
            if not plan.steps:
                return describe(plan)
            done = f"migrated its data from version {plan.stored} to {plan.target}:"
            return [done, *(f"  {step.label}" for step in plan.steps)]

    try:
        lines = asyncio.run(run())
    except (CogError, StoreUnavailable) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo("\n".join(f"{name}: {line}" for line in lines))


@cogs.group()
def i18n() -> None:
    """A cog's translation catalogs (gettext, through Babel), in its package folder."""


@i18n.command()
@click.argument("package", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--domain", help="The catalog's name (default: the folder's name).")
def extract(package: Path, domain: str | None) -> None:
    """Write PACKAGE/locales/DOMAIN.pot from the _("...") calls in PACKAGE's modules."""
    from plughost.i18n.catalogs import extract_messages  # noqa: PLC0415

    target, count = extract_messages(package, domain)
    click.echo(f"wrote {target} ({count} messages)")


@i18n.command(name="compile")
@click.argument("package", type=click.Path(exists=True, file_okay=False, path_type=Path))
def compile_(package: Path) -> None:
    """Compile PACKAGE/locales/LANG/LC_MESSAGES/*.po into the .mo files cogs read."""
    from plughost.i18n.catalogs import compile_catalogs  # noqa: PLC0415

    written = compile_catalogs(package)
    if not written:
        click.echo(f"error: no .po files under {package / 'locales'}", err=True)
        sys.exit(1)
    for path in written:
        click.echo(f"compiled {path}")
