"""``/metrics``, ``/healthz`` and ``/readyz`` as aiohttp routes, and a server for them.

:func:`observing` makes the endpoint of a process's bots; :func:`metrics_routes` is
what any aiohttp application mounts (the web console adds them to its own server);
:func:`listening` serves them alone on ``--metrics HOST:PORT``, and
:func:`serve_metrics` is both. A port that cannot be listened on is the runner's
`StartupError`, one line for the terminal.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator, Sequence

from aiohttp import web
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from plughost.metrics.address import MetricsAddress
from plughost.metrics.endpoint import MetricsEndpoint
from plughost.runtime.bot import Bot
from plughost.runtime.runner import StartupError

__all__ = ["listening", "metrics_routes", "observing", "serve_metrics"]

log = logging.getLogger("plughost.metrics")


def metrics_routes(endpoint: MetricsEndpoint) -> list[web.RouteDef]:
    """The three routes of ``endpoint``, for ``app.add_routes(...)``."""

    async def metrics(_: web.Request) -> web.Response:
        body = endpoint.scrape()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def healthz(_: web.Request) -> web.Response:
        health = endpoint.health()
        body = {"status": "ok" if health.ok else "stuck", "loop_lag_seconds": health.loop_lag}
        return _json(body, 200 if health.ok else 503)

    async def readyz(_: web.Request) -> web.Response:
        ready = await endpoint.readiness()
        body = {
            "status": "ready" if ready.ok else "unready",
            "shards": {str(shard): ok for shard, ok in ready.shards.items()},
            "store": ready.store,
        }
        return _json(body, 200 if ready.ok else 503)

    return [
        web.get("/metrics", metrics),
        web.get("/healthz", healthz),
        web.get("/readyz", readyz),
    ]


def _json(body: object, status: int) -> web.Response:
    return web.Response(
        text=json.dumps(body), status=status, headers={"Content-Type": "application/json"}
    )


@contextlib.asynccontextmanager
async def observing(bots: Sequence[Bot], *, process: str) -> AsyncIterator[MetricsEndpoint]:
    """The metrics endpoint of ``bots``, observing them for the block; serve it with
    :func:`listening`, or mount :func:`metrics_routes` on another server."""
    endpoint = MetricsEndpoint(bots, process=process)
    endpoint.start()
    try:
        yield endpoint
    finally:
        await endpoint.stop()


@contextlib.asynccontextmanager
async def listening(endpoint: MetricsEndpoint, address: MetricsAddress) -> AsyncIterator[int]:
    """Serve ``endpoint`` alone on ``address`` for the block; yields the bound port
    (useful with port 0), which is also ``endpoint.port``."""
    app = web.Application()
    app.add_routes(metrics_routes(endpoint))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, address.host, address.port)
        try:
            await site.start()
        except OSError as exc:
            raise StartupError(f"cannot serve metrics on {address}: {exc.strerror}") from exc
        endpoint.port = _bound_port(runner, address.port)
        log.info("metrics on http://%s:%d/metrics", address.host, endpoint.port)
        yield endpoint.port
    finally:
        await runner.cleanup()


@contextlib.asynccontextmanager
async def serve_metrics(
    bots: Sequence[Bot], address: MetricsAddress, *, process: str
) -> AsyncIterator[MetricsEndpoint]:
    """Observe ``bots`` and serve their endpoint on ``address`` for the block.

    The bound port is ``endpoint.port`` (useful with port 0).
    """
    async with observing(bots, process=process) as endpoint, listening(endpoint, address):
        yield endpoint


def _bound_port(runner: web.AppRunner, asked: int) -> int:
    for sockname in runner.addresses:
        if isinstance(sockname, tuple) and len(sockname) >= 2:
            return int(sockname[1])
    return asked
