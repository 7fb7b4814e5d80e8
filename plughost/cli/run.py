"""``plughost run``: one bot process of an instance, for some or all of its shards.

The bot runtime (``plughost.runtime.runner``, and through it interactions.py) is
imported inside the command, so ``plughost --help`` and every other command start
fast.
"""

from __future__ import annotations

import click

from plughost import instances
from plughost.cli.cluster import refuse_sqlite_cluster
from plughost.cli.options import (
    bot_token,
    check_discord_url,
    debug_option,
    discord_url_option,
    total_shards_option,
    web_address,
    web_options,
)

__all__ = ["run_command"]

# Shard ids beyond this are typos (Discord's largest bots run a few thousand shards),
# and "0-999999999" would otherwise build a billion-element list.
_MAX_SHARD_ID = 65_535


def _parse_shards(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> list[int] | None:
    """``--shards``: "0", "0-3", "0,2" or a mix ("0-1,4"), as a sorted list of ids."""
    if value is None:
        return None
    ids: set[int] = set()
    for part in value.split(","):
        low, dash, high = part.strip().partition("-")
        if not low.isdigit() or (dash and not high.isdigit()):
            raise click.BadParameter(f"{value!r} is not a shard list like 0, 0-3 or 0,2")
        first = int(low)
        last = int(high) if dash else first
        if last < first:
            raise click.BadParameter(f"shard range {part.strip()!r} runs backwards")
        if last > _MAX_SHARD_ID:
            raise click.BadParameter(f"shard id {last} is larger than {_MAX_SHARD_ID}")
        ids.update(range(first, last + 1))
    return sorted(ids)


@click.command("run")
@click.argument("name")
@debug_option
@click.option(
    "--shards",
    "shard_ids",
    callback=_parse_shards,
    metavar="SPEC",
    help="Shard ids this process runs: 0, 0-3 or 0,2.  [default: 0]",
)
@total_shards_option("highest shard id + 1")
@discord_url_option
@web_options
@click.pass_context
def run_command(
    ctx: click.Context,
    *,
    name: str,
    debug: bool,
    shard_ids: list[int] | None,
    total_shards: int | None,
    discord_url: str | None,
    web: str | None,
    web_public: bool,
) -> None:
    """Run the bot of instance NAME until interrupted.

    The token comes from PLUGHOST_TOKEN if set, else from the instance's settings.
    """
    address = web_address(web, web_public)
    found = instances.load(name)
    if shard_ids and total_shards is not None and shard_ids[-1] >= total_shards:
        raise click.BadParameter(
            f"shard {shard_ids[-1]} does not fit in --total-shards {total_shards}",
            ctx=ctx,
            param_hint="'--shards'",
        )
    refuse_sqlite_cluster(found, shard_ids, total_shards)
    check_discord_url(ctx, discord_url)
    token = bot_token(found, discord_url)
    # Imported here: it pulls in interactions.py and the whole bot runtime.
    from plughost.runtime.runner import run_bot  # noqa: PLC0415
    from plughost.web.serve import beside_bots  # noqa: PLC0415

    ctx.exit(
        run_bot(
            found,
            token=token,
            debug=debug,
            shard_ids=shard_ids,
            total_shards=total_shards,
            api_url=discord_url,
            alongside=beside_bots(found, address) if address is not None else None,
        )
    )
