"""The root ``plughost`` group, and the one place that attaches every command to it.

Each command family lives in its own module (instances, run, console, cluster,
store, cogs, authoring, userdata) and only defines its commands; the command tree
is listed at the bottom of this module, so what ``plughost --help`` lists can be
read in one place. A family's module is imported when one of its commands is
looked up, not before: ``plughost run`` then never imports the scaffolder, the Red
importer or the emulator's command (tests/test_runner.py pins what stays out).

Errors reach the user as one ``error: ...`` line on stderr and a non-zero exit
code, never a traceback: :class:`_PlughostGroup` handles that for every command.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any, Final, final

import click

from plughost._version import __version__
from plughost.instances import InstanceError

__all__ = ["cli", "main"]

_CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@final
class _PlughostGroup(click.Group):
    """A click group that reports every expected failure as one ``error:`` line, and
    imports a command's module only when the command is looked up (`_COMMANDS`)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in _COMMANDS:
            self.add_command(_load(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

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


# The command tree: name -> (module under plughost.cli, attribute). click lists
# commands alphabetically in --help, so this order is only for the reader:
# instances, running, data, cogs.
_COMMANDS: Final[dict[str, tuple[str, str]]] = {
    "setup": ("instances", "setup"),
    "list": ("instances", "list_command"),
    "edit": ("instances", "edit"),
    "delete": ("instances", "delete"),
    "backup": ("instances", "backup"),
    "restore": ("instances", "restore"),
    "run": ("run", "run_command"),
    "console": ("console", "console_command"),
    "cluster": ("cluster", "cluster_command"),
    "status": ("cluster", "status_command"),
    "convert": ("store", "convert"),
    "import-red": ("import_red", "import_red_command"),
    "userdata": ("userdata", "userdata"),
    "cogs": ("cogs", "cogs"),
    "new-cog": ("authoring", "new_cog_command"),
    "emulator": ("emulator", "emulator_command"),
}


def _load(name: str) -> click.Command:
    module_name, attribute = _COMMANDS[name]
    command: click.Command = getattr(
        importlib.import_module(f"plughost.cli.{module_name}"), attribute
    )
    if name == "cogs" and isinstance(command, click.Group) and "check" not in command.commands:
        # `cogs check` is written for cog authors (authoring.py) but checks installed
        # cogs, so it joins the operators' `cogs` group, beside `cogs list`.
        from plughost.cli.authoring import check  # noqa: PLC0415 - with `cogs` only

        command.add_command(check)
    return command


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point (``plughost = plughost.cli:main``); exits the process."""
    cli.main(args=argv, prog_name="plughost")
