"""The root ``plughost`` group, and the one place that attaches every command to it.

Each command family lives in its own module (instances, run, console, cluster,
store, cogs, authoring, userdata) and only defines its commands; the command tree
is assembled at the bottom of this module, so what ``plughost --help`` lists can be
read in one place.

Errors reach the user as one ``error: ...`` line on stderr and a non-zero exit
code, never a traceback: :class:`_PlughostGroup` handles that for every command.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, final

import click

from plughost._version import __version__
from plughost.cli import (
    authoring,
    cluster,
    cogs,
    console,
    import_red,
    instances,
    run,
    store,
    userdata,
)
from plughost.instances import InstanceError

__all__ = ["cli", "main"]

_CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@final
class _PlughostGroup(click.Group):
    """A click group that reports every expected failure as one ``error:`` line."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        # Non-standalone mode hands exceptions back to us instead of letting click
        # print its multi-line usage block; the exit code is ours to set.
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
            code = _fail(exc.format_message() + hint, exc.exit_code)
        except click.ClickException as exc:
            code = _fail(exc.format_message(), exc.exit_code)
        except InstanceError as exc:
            code = _fail(str(exc), 1)
        except click.Abort:
            code = _fail("aborted", 1)
        else:
            # ctx.exit(n) comes back as n; a command that just returns gives None.
            code = result if isinstance(result, int) else 0
        if not standalone_mode:
            return code
        sys.exit(code)


def _fail(message: str, code: int) -> int:
    click.echo(f"error: {' '.join(message.split())}", err=True)
    return code


# The command is optional (bare `plughost` shows the help); say so in the usage
# line on every click version (8.5 does by itself, earlier ones do not).
@click.group(
    cls=_PlughostGroup,
    context_settings=_CONTEXT,
    invoke_without_command=True,
    subcommand_metavar="[COMMAND] [ARGS]...",
)
@click.version_option(
    __version__,
    "--version",
    prog_name="plughost",
    message="%(prog)s %(version)s",
    help="Show the version and exit.",
)
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Run and manage plughost Discord bot instances.

    Each instance is a named bot with its own folder of settings, data, logs and
    cog state, under PLUGHOST_HOME (default: the platform's user data folder).
    Start with `plughost setup NAME`, then `plughost run NAME`.
    """
    # invoke_without_command: bare `plughost` shows the help and succeeds, the
    # same on every click version (8.2 turned it into an error exit).
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


# The command tree. click lists commands alphabetically in --help, so this order
# is only for the reader: instances, running, data, cogs.
cli.add_command(instances.setup)
cli.add_command(instances.list_command)
cli.add_command(instances.edit)
cli.add_command(instances.delete)
cli.add_command(instances.backup)
cli.add_command(instances.restore)
cli.add_command(run.run_command)
cli.add_command(console.console_command)
cli.add_command(cluster.cluster_command)
cli.add_command(cluster.status_command)
cli.add_command(store.convert)
cli.add_command(import_red.import_red_command)
cli.add_command(userdata.userdata)
cli.add_command(cogs.cogs)
cli.add_command(authoring.new_cog_command)
# `cogs check` is written for cog authors (authoring.py) but checks installed cogs,
# so it joins the operators' `cogs` group, beside `cogs list`.
cogs.cogs.add_command(authoring.check)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point (``plughost = plughost.cli:main``); exits the process."""
    cli.main(args=argv, prog_name="plughost")
