"""``plughost console``: talk to a bot in the terminal, on a local Discord emulator.

The emulator and the bot runtime (``plughost.offline.console``, and through it
interactions.py) are imported inside the command, so ``plughost --help`` and every
other command start fast.
"""

from __future__ import annotations

from typing import Literal

import click

from plughost import instances
from plughost.cli.options import (
    debug_option,
    log_format_option,
    log_level_option,
    metrics_option,
    web_options,
)
from plughost.metrics import MetricsAddress
from plughost.web.address import WebAddress

__all__ = ["console_command"]


@click.command("console")
@click.argument("name", required=False)
@debug_option
@click.option("--as", "as_user", metavar="USER", help="Start as this member of the demo guild.")
@metrics_option
@log_format_option
@log_level_option
@web_options
@click.pass_context
def console_command(
    ctx: click.Context,
    *,
    name: str | None,
    debug: bool,
    as_user: str | None,
    metrics: MetricsAddress | None,
    log_format: Literal["text", "json"],
    log_levels: dict[str, str],
    web: WebAddress | None,
) -> None:
    """Talk to a bot in the terminal, on a local Discord emulator.

    Uses instance NAME's data and cogs, or a throwaway instance when NAME is left out.
    """
    # Fail on an unknown NAME before paying for the runtime import (a bad --web or
    # --metrics failed while the options were parsed).
    if name is not None:
        instances.locate(name)
    # Imported here: it pulls in interactions.py and the whole bot runtime.
    from plughost.offline.console import run_console  # noqa: PLC0415

    ctx.exit(
        run_console(
            name,
            debug=debug,
            as_user=as_user,
            metrics=metrics,
            web=web,
            log_format=log_format,
            log_levels=log_levels,
        )
    )
