"""``plughost cluster`` and ``plughost status``: many shard processes on one PostgreSQL.

Also :func:`refuse_sqlite_cluster`, which ``plughost run`` applies to its shard
options. Like the rest of the CLI, the runtime is imported inside the commands, so
``plughost --help`` stays fast.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from plughost import instances
from plughost.cli.options import (
    TOKEN_ENV,
    bot_token,
    check_discord_url,
    debug_option,
    discord_url_option,
    log_format_option,
    log_level_option,
    metrics_option_for,
    total_shards_option,
    web_options,
)
from plughost.cluster.shards import SQLITE_REFUSAL, format_shards, multi_process, split_shards
from plughost.instances import InstanceError
from plughost.metrics import MetricsAddress
from plughost.web.address import WebAddress

if TYPE_CHECKING:
    from plughost.cluster.heartbeat import ProcessStatus

__all__ = ["cluster_command", "refuse_sqlite_cluster", "status_command"]


def refuse_sqlite_cluster(
    found: instances.Instance, shard_ids: Sequence[int] | None, total_shards: int | None
) -> None:
    """Raise InstanceError when ``run`` would make an SQLite instance one of several processes."""
    if found.settings.backend == "sqlite" and multi_process(shard_ids, total_shards):
        raise InstanceError(SQLITE_REFUSAL.format(name=found.name))


_MAX_PORT = 65_535


@click.command("cluster")
@click.argument("name")
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Shard processes to run.",
)
@total_shards_option("--processes")
@discord_url_option
@click.option(
    "--restart-delay",
    type=click.FloatRange(min=0.1, max=300),
    default=1.0,
    show_default=True,
    metavar="SECONDS",
    help="First wait before restarting a crashed process; doubles up to 30 s.",
)
@web_options
@debug_option
@metrics_option_for(
    "Serve each process's /metrics, /healthz and /readyz: the first on PORT, the next "
    "on PORT+1, ..."
)
@log_format_option
@log_level_option
@click.pass_context
def cluster_command(
    ctx: click.Context,
    *,
    name: str,
    processes: int,
    total_shards: int | None,
    discord_url: str | None,
    restart_delay: float,
    web: WebAddress | None,
    debug: bool,
    metrics: MetricsAddress | None,
    log_format: str,
    log_levels: dict[str, str],
) -> None:
    """Run instance NAME as several shard processes, restarting any that crash.

    The shards are split into contiguous groups, one `plughost run` process each;
    they coordinate through the instance's PostgreSQL database. SIGTERM or Ctrl-C
    stops every process cleanly. The token comes from PLUGHOST_TOKEN if set, else
    from the instance's settings.
    """
    found = instances.load(name)
    if found.settings.backend == "sqlite":
        raise InstanceError(SQLITE_REFUSAL.format(name=found.name))
    total = total_shards if total_shards is not None else processes
    if processes > total:
        raise click.BadParameter(
            f"{processes} processes need at least {processes} shards, not {total}",
            ctx=ctx,
            param_hint="'--processes'",
        )
    check_discord_url(ctx, discord_url)
    token = bot_token(found, discord_url)
    from plughost.cluster.supervisor import ChildSpec, Supervisor, run_supervisor  # noqa: PLC0415
    from plughost.runtime.logs import configure_logging  # noqa: PLC0415

    # The supervisor's own lines (restarts, stops) go to the terminal and the instance log.
    configure_logging(
        found.path / "logs",
        debug=debug,
        token=token,
        log_format="json" if log_format == "json" else "text",
        levels={**found.settings.log_levels, **log_levels},
    )

    extra = (["--discord-url", discord_url] if discord_url else []) + (["--debug"] if debug else [])
    extra += ["--log-format", log_format]
    for logger, level in log_levels.items():
        extra += ["--log-level", f"{logger}={level}" if logger else level]
    groups = split_shards(total, processes)
    for option, address in (("--metrics", metrics), ("--web", web)):
        if address is not None and address.port and address.port + len(groups) - 1 > _MAX_PORT:
            raise click.BadParameter(
                f"{len(groups)} processes need ports {address.port} to "
                f"{address.port + len(groups) - 1}; the last is above {_MAX_PORT}",
                ctx=ctx,
                param_hint=f"'{option}'",
            )
    base = ["run", name, "--total-shards", str(total), *extra]
    specs = [
        ChildSpec(
            tuple(group),
            (
                *base,
                *("--shards", format_shards(group)),
                *_metrics_of(metrics, index),
                *_child_web(web, index),
            ),
        )
        for index, group in enumerate(groups)
    ]
    supervisor = Supervisor(
        specs, env={**os.environ, TOKEN_ENV: token}, restart_delay=restart_delay
    )
    ctx.exit(run_supervisor(supervisor))


def _metrics_of(base: MetricsAddress | None, index: int) -> list[str]:
    """Process ``index``'s ``--metrics``: the base port plus its index (0 stays any port)."""
    if base is None:
        return []
    port = base.port + index if base.port else 0
    return ["--metrics", str(MetricsAddress(base.host, port))]


def _child_web(address: WebAddress | None, index: int) -> tuple[str, ...]:
    """The ``--web`` arguments of child ``index``: the console's port plus the index.

    One port per process, not one console for the cluster: each process serves the
    guilds of its own shards from its own memory (no RPC between processes), and a
    change made in any console reaches the others as a cluster event.
    """
    if address is None:
        return ()
    port = address.port + index if address.port else 0
    host = f"[{address.host}]" if ":" in address.host else address.host
    public = () if address.loopback else ("--web-public",)
    return ("--web", f"{host}:{port}", *public)


@click.command("status")
@click.argument("name")
def status_command(name: str) -> None:
    """Show the shard processes of instance NAME: shards, leader, latency, last heartbeat."""
    found = instances.load(name)
    if found.settings.backend == "sqlite" or found.settings.dsn is None:
        raise InstanceError(
            f"instance {name!r} uses SQLite and runs as one process; "
            "process status is kept for PostgreSQL instances"
        )
    rows = asyncio.run(_read_status(found.settings.dsn))
    click.echo(render_status(rows))


async def _read_status(dsn: str) -> list[ProcessStatus]:
    import asyncpg  # type: ignore[import-untyped]  # noqa: PLC0415

    from plughost.cluster.heartbeat import read_status  # noqa: PLC0415
    from plughost.cluster.pg import CONNECTION_ERRORS, open_connection  # noqa: PLC0415

    try:
        conn = await open_connection(dsn, application_name="plughost-status")
    except (*CONNECTION_ERRORS, asyncpg.PostgresError) as exc:
        raise InstanceError(f"cannot reach the instance's database: {exc}") from exc
    try:
        return await read_status(conn)
    except asyncpg.UndefinedTableError:
        return []  # no process has run on this database yet
    finally:
        await conn.close()


def render_status(rows: Sequence[ProcessStatus]) -> str:
    """The table ``plughost status`` prints (plain text, one line per process)."""
    from plughost.cluster.coordinator import HEARTBEAT_SECONDS  # noqa: PLC0415

    if not rows:
        return "no shard processes are running"
    header = ("PROCESS", "HOST:PID", "SHARDS", "ROLE", "LATENCY", "HEARTBEAT", "STATE", "EVENTS")
    lines: list[tuple[str, ...]] = [header]
    for status in rows:
        row = status.row
        shards = f"{format_shards(row.shards)} of {row.total_shards}"
        known = [ms for ms in row.latency_ms.values() if ms is not None]
        latency = f"{max(known):.0f} ms" if known else "-"
        state = "alive" if status.alive(HEARTBEAT_SECONDS) else "stale"
        lines.append(
            (
                row.id,
                f"{row.host}:{row.pid}",
                shards,
                "leader" if row.leader else "follower",
                latency,
                f"{status.age:.1f} s ago",
                state,
                str(row.events) + (f" (last: {row.last_event})" if row.last_event else ""),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    return "\n".join(
        "  ".join([*(cell.ljust(w) for cell, w in zip(line, widths, strict=False)), line[-1]])
        for line in lines
    )
