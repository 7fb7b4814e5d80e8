"""Commands for cog authors: ``plughost new-cog NAME`` and ``plughost cogs check PATH_OR_NAME``.

``check`` is defined here as a plain command; :mod:`plughost.cli.main` puts it in
the operators' ``cogs`` group because it checks installed cogs, as ``cogs list``
lists them. ``new-cog`` stands alone, as it touches no installation.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import click

from plughost.scaffold import ScaffoldError, new_cog

__all__ = ["check", "new_cog_command"]


@click.command("new-cog")
@click.argument("name")
@click.option(
    "--path",
    "parent",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default="the current folder",
    help="Folder to create the project folder NAME in.",
)
def new_cog_command(name: str, parent: Path) -> None:
    """Write a ready-to-publish cog project NAME: pyproject, cog, tests, README,
    licence and a GitHub workflow publishing to PyPI."""
    try:
        root = new_cog(name, parent)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created {root}: cog {name!r} in src/plughost_{name}/")
    click.echo(f"next: cd {root} && pip install -e '.[test]' && python -m pytest")


@click.command("check")
@click.argument("target", metavar="PATH_OR_NAME")
def check(target: str) -> None:
    """Check an installed cog, or a project folder's cogs, before publishing.

    PATH_OR_NAME is a cog name, or a project folder (or its pyproject.toml), whose
    cogs must be installed in this interpreter (pip install -e PATH). Prints one
    PASS/FAIL line per check; exits 1 if any fails.
    """
    from plughost.offline.publish_check import CheckError, check_cog, project_cogs  # noqa: PLC0415

    path = Path(target)
    distribution: str | None = None
    if path.exists() and (path.is_dir() or path.name == "pyproject.toml"):
        try:
            distribution, names = project_cogs(path)
        except CheckError as exc:
            raise click.ClickException(str(exc)) from exc
    else:
        names = [target]
    # The bot logs a failed load with its traceback; the FAIL line says it in one.
    logging.getLogger("plughost").addHandler(logging.NullHandler())
    logging.getLogger("plughost").propagate = False
    failed = 0
    for name in names:
        click.echo(f"checking cog {name!r}")
        report = asyncio.run(check_cog(name, distribution=distribution))
        for line in report.lines:
            click.echo(f"  {line}")
        failed += not report.ok
    if failed:
        raise click.ClickException(f"{failed} of {len(names)} cogs failed the check")
    click.echo(f"all checks passed ({len(names)} cog{'s' if len(names) > 1 else ''})")
