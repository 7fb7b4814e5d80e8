"""``plughost convert``: move an instance's data between SQLite and PostgreSQL."""

from __future__ import annotations

import click

from plughost import instances

__all__ = ["convert"]


@click.command()
@click.argument("name")
@click.option(
    "--to",
    "to",
    type=click.Choice(instances.BACKENDS),
    required=True,
    help="The backend to move to.",
)
@click.option("--dsn", metavar="DSN", help="The PostgreSQL database to move to (--to postgres).")
@click.option(
    "--replace",
    is_flag=True,
    help=(
        "Overwrite plughost data already in the destination: a PostgreSQL database "
        "that holds some, or the old SQLite file in place (else kept aside)."
    ),
)
def convert(name: str, to: instances.Backend, dsn: str | None, replace: bool) -> None:
    """Copy instance NAME's data to another backend, verify it, then switch to it.

    Every cog's data is copied; the document count and a checksum must match before
    the instance's settings change, so a failed copy leaves it as it was. Going back
    to SQLite, the old database file (stale since the move) is kept aside under a
    dated name. Stop the bot first when the instance is on SQLite.
    """
    done = instances.convert_instance(name, to, dsn=dsn, replace=replace)
    click.echo(
        f"converted instance {done.instance}: {done.documents} documents copied and verified "
        f"(checksum {done.checksum[:12]}); it now uses {done.backend}"
    )
    if done.kept is not None:
        click.echo(f"the SQLite file from before the move to postgres is kept as {done.kept}")
