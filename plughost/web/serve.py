"""What runs beside a process's bots: the metrics endpoint, the web console, or both.

One endpoint per process observes the bots whenever either is asked for. With
``--metrics`` it has a server of its own; with ``--web`` the console's server
mounts the same ``/metrics``, ``/healthz`` and ``/readyz`` (the issue: "when the web
console is on, the same endpoints are on its server too"), so a scrape or a probe
works through either port.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, final

import interactions
from aiohttp import web

from plughost.instances import Instance
from plughost.metrics import MetricsAddress, MetricsEndpoint
from plughost.metrics.routes import listening, metrics_routes, observing
from plughost.runtime.logs import LOG_FILE_NAME
from plughost.runtime.runner import Alongside, StartupError
from plughost.web.address import WebAddress
from plughost.web.console import WebConsole

if TYPE_CHECKING:
    from plughost.runtime.bot import Bot

__all__ = ["Beside", "alongside_of", "beside_bots", "serving"]


@final
@dataclass(frozen=True, slots=True)
class Beside:
    """What :func:`beside_bots` started: None for a part that was not asked for."""

    metrics: MetricsEndpoint | None
    console: WebConsole | None


def alongside_of(
    instance: Instance,
    *,
    web: WebAddress | None,
    metrics: MetricsAddress | None,
    process: str,
) -> Alongside | None:
    """What ``plughost run`` runs beside its bots (None: nothing asked for). The web
    console gets the instance's client secret and logs its first owner in."""
    if web is None and metrics is None:
        return None
    settings = instance.settings

    def start(bots: Sequence[Bot]) -> AbstractAsyncContextManager[Beside]:
        return beside_bots(
            bots,
            web=web,
            metrics=metrics,
            process=process,
            oauth_secret=settings.oauth_client_secret,
            preferred_owner=settings.owners[0] if settings.owners else None,
            log_file=instance.path / "logs" / LOG_FILE_NAME,
            cluster_dsn=settings.dsn if settings.backend == "postgres" else None,
        )

    return start


@contextlib.asynccontextmanager
async def beside_bots(
    bots: Sequence[Bot],
    *,
    web: WebAddress | None,
    metrics: MetricsAddress | None,
    process: str,
    oauth_secret: str | None = None,
    preferred_owner: int | None = None,
    say: Callable[[str], None] | None = None,
    log_file: Path | None = None,
    cluster_dsn: str | None = None,
) -> AsyncIterator[Beside]:
    """The metrics endpoint (served on ``metrics``) and the web console (on ``web``,
    with the endpoint's routes) of ``bots`` while the block runs.

    ``process`` is the metrics' ``process`` label. Raises `StartupError` when a port
    cannot be listened on.
    """
    async with contextlib.AsyncExitStack() as stack:
        endpoint: MetricsEndpoint | None = None
        if web is not None or metrics is not None:
            endpoint = await stack.enter_async_context(observing(bots, process=process))
        if endpoint is not None and metrics is not None:
            await stack.enter_async_context(listening(endpoint, metrics))
        console: WebConsole | None = None
        if web is not None:
            console = await stack.enter_async_context(
                serving(
                    bots,
                    web,
                    oauth_secret=oauth_secret,
                    preferred_owner=preferred_owner,
                    say=say,
                    extra_routes=metrics_routes(endpoint) if endpoint is not None else (),
                    log_file=log_file,
                    cluster_dsn=cluster_dsn,
                )
            )
        yield Beside(metrics=endpoint, console=console)


@contextlib.asynccontextmanager
async def serving(
    clients: Sequence[interactions.Client],
    address: WebAddress,
    *,
    oauth_secret: str | None = None,
    preferred_owner: int | None = None,
    say: Callable[[str], None] | None = None,
    extra_routes: Iterable[web.AbstractRouteDef] = (),
    log_file: Path | None = None,
    cluster_dsn: str | None = None,
) -> AsyncIterator[WebConsole]:
    """The console of ``clients`` on ``address`` while the block runs.

    Prints where it listens, then the one-time owner link on a line of its own (so a
    terminal makes it clickable and a script can read it).
    """
    console = WebConsole(
        clients,
        address=address,
        oauth_secret=oauth_secret,
        preferred_owner=preferred_owner,
        extra_routes=extra_routes,
        log_file=log_file,
        cluster_dsn=cluster_dsn,
    )
    try:
        await console.start()
    except OSError as exc:  # the port is taken, or the address is not this machine's
        raise StartupError(f"the web console cannot listen on {address.url()}: {exc}") from exc
    out = say or _print
    try:
        out(f"web console on {console.url}; the bot owner's login link (works once, 10 minutes):")
        out(console.login_link())
        yield console
    finally:
        await console.stop()


def _print(text: str) -> None:
    # The terminal is where the owner reads the link.
    print(text, flush=True)
