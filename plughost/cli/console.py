"""``plughost console``: talk to a bot in the terminal, on a local Discord emulator.

The emulator and the bot runtime (``plughost.offline.console``, and through it
interactions.py) are imported inside the command, so ``plughost --help`` and every
other command start fast.
"""

from __future__ import annotations

import click

from plughost import instances
from plughost.cli.options import debug_option, web_address, web_options

__all__ = ["console_command"]


@click.command("console")
@click.argument("name", required=False)
@debug_option
@click.option("--as", "as_user", metavar="USER", help="Start as this member of the demo guild.")
@web_options
@click.pass_context
def console_command(
    ctx: click.Context,
    *,
    name: str | None,
    debug: bool,
    as_user: str | None,
    web: str | None,
    web_public: bool,
) -> None:
    """Talk to a bot in the terminal, on a local Discord emulator.

    Uses instance NAME's data and cogs, or a throwaway instance when NAME is left out.
    """
    # Fail on an unknown NAME or a bad --web before paying for the runtime import.
    if name is not None:
        instances.locate(name)
    address = web_address(web, web_public)
    # Imported here: it pulls in interactions.py and the whole bot runtime.
    from plughost.offline.console import run_console  # noqa: PLC0415

    ctx.exit(run_console(name, debug=debug, as_user=as_user, web=address))
