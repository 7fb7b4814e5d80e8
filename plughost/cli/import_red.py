"""``plughost import-red``: a Red-DiscordBot instance's data into a plughost instance."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

import click

from plughost import instances
from plughost.instances.postgres import run_to_completion

# The importer (Config, Tortoise, the cogs, interactions.py) is imported when the
# command runs: `plughost --help` and the other commands must not pay for it.

__all__ = ["import_red_command"]

_log = logging.getLogger("plughost.importers.red")


@contextlib.contextmanager
def _details_to(into: str) -> Iterator[Path | None]:
    """The import's log lines (a failing cog's traceback) into the instance's log file only:
    the terminal gets one line. None when the instance does not exist yet."""
    from plughost.runtime.logs import LOG_FILE_NAME, RedactToken  # noqa: PLC0415

    try:
        logs = instances.locate(into) / "logs"
        logs.mkdir(exist_ok=True)
    except (instances.InstanceError, OSError):
        yield None
        return
    handler = logging.FileHandler(logs / LOG_FILE_NAME, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactToken(instances.load(into).settings.token))
    propagate = _log.propagate
    _log.addHandler(handler)
    _log.propagate = False
    try:
        yield logs / LOG_FILE_NAME
    finally:
        _log.removeHandler(handler)
        _log.propagate = propagate
        handler.close()


async def _running_processes(dsn: str) -> int:
    """How many shard processes have a live heartbeat on this PostgreSQL instance."""
    import asyncpg  # type: ignore[import-untyped]  # noqa: PLC0415

    from plughost.cluster.coordinator import HEARTBEAT_SECONDS  # noqa: PLC0415
    from plughost.cluster.heartbeat import read_status  # noqa: PLC0415
    from plughost.cluster.pg import CONNECTION_ERRORS, open_connection  # noqa: PLC0415

    try:
        conn = await open_connection(dsn, application_name="plughost-import-red")
    except (*CONNECTION_ERRORS, asyncpg.PostgresError) as exc:
        raise instances.InstanceError(f"cannot reach the instance's database: {exc}") from exc
    try:
        return sum(s.alive(HEARTBEAT_SECONDS) for s in await read_status(conn))
    except asyncpg.UndefinedTableError:
        return 0  # no process has run on this database yet
    finally:
        await conn.close()


def _refuse_if_running(into: str) -> None:
    """An import replaces a PostgreSQL instance's data: its bot must not be running.

    (An SQLite instance is protected by its lock, taken by the import itself.)
    """
    if into not in instances.instance_names():
        return
    settings = instances.load(into).settings
    if settings.backend == "postgres" and settings.dsn is not None:
        running = run_to_completion(_running_processes(settings.dsn))
        if running:
            raise instances.InstanceError(
                f"{running} shard process(es) of instance {into!r} are running"
                " (`plughost status`): stop them first"
            )


@click.command("import-red")
@click.argument("source", required=False, metavar="[SOURCE]")
@click.option("--into", "into", required=True, metavar="NAME", help="The plughost instance.")
@click.option(
    "--instance",
    "red_instance",
    metavar="REDNAME",
    help="A Red instance by name, found through Red's instance registry (instead of SOURCE).",
)
@click.option("--dry-run", is_flag=True, help="Report what would be imported; change nothing.")
@click.option(
    "--with-secrets",
    is_flag=True,
    help="Also import the bot token and Red's shared API tokens (never printed).",
)
@click.option(
    "--replace", is_flag=True, help="Import again over an earlier import instead of refusing."
)
def import_red_command(
    *,
    source: str | None,
    into: str,
    red_instance: str | None,
    dry_run: bool,
    with_secrets: bool,
    replace: bool,
) -> None:
    """Import a Red-DiscordBot 3.5 instance's data into plughost instance NAME.

    SOURCE is a Red data folder (JSON backend), a `redbot-setup backup` tarball,
    or a Red PostgreSQL database (postgres://...).
    Every cog's Config data comes over under the same cog names and identifiers;
    Red core's prefixes, owner, allow- and blocklists, mod/admin roles and embed
    colour, and the Permissions cog's rules, go onto plughost's own; installed cogs
    map what they understand (Red's bank to the economy cog, its mod-log to the
    moderation cog). Everything is verified before the instance changes; on any
    error it is left as it was. NAME is created if it does not exist.
    """
    from plughost.importers.red import (  # noqa: PLC0415
        RedImportError,
        RedSourceError,
        import_red,
        open_source,
    )

    with _details_to(into) as log_file:
        try:
            if not dry_run:
                _refuse_if_running(into)
            red = open_source(source, red_instance)
            report = import_red(
                red, into, dry_run=dry_run, with_secrets=with_secrets, replace=replace
            )
        except (RedSourceError, RedImportError) as exc:
            _log.error("import-red into %s failed", into, exc_info=True)
            detailed = isinstance(exc, RedImportError) and exc.has_details
            where = f" (details in {log_file})" if detailed and log_file is not None else ""
            raise click.ClickException(f"{exc}{where}") from exc
    for line in report.lines():
        click.echo(line)
