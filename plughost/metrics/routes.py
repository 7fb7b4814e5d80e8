"""``/metrics``, ``/healthz`` and ``/readyz`` as aiohttp routes, and a server for them.

:func:`metrics_routes` is what any aiohttp application mounts (the web console
adds them to its own server); :func:`serve_metrics` runs them alone on
``--metrics HOST:PORT``.
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

__all__ = ["MetricsUnavailable", "metrics_routes", "serve_metrics"]

log = logging.getLogger("plughost.metrics")


class MetricsUnavailable(StartupError):
    """The metrics server could not listen where it was told to."""


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
async def serve_metrics(
    bots: Sequence[Bot], address: MetricsAddress, *, process: str
) -> AsyncIterator[MetricsEndpoint]:
    """Observe ``bots`` and serve their endpoint on ``address`` for the block.

    The bound port is ``endpoint.port`` (useful with port 0).
    """
    endpoint = MetricsEndpoint(bots, process=process)
    app = web.Application()
    app.add_routes(metrics_routes(endpoint))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, address.host, address.port)
        try:
            await site.start()
        except OSError as exc:
            raise MetricsUnavailable(f"cannot serve metrics on {address}: {exc.strerror}") from exc
        endpoint.port = _bound_port(runner, address.port)
        log.info("metrics on http://%s:%d/metrics", address.host, endpoint.port)
        endpoint.start()
        try:
            yield endpoint
        finally:
            await endpoint.stop()
    finally:
        await runner.cleanup()


def _bound_port(runner: web.AppRunner, asked: int) -> int:
    for sockname in runner.addresses:
        if isinstance(sockname, tuple) and len(sockname) >= 2:
            return int(sockname[1])
    return asked
