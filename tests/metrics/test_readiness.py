"""/healthz and /readyz: ready with the shard connected and the store answering;
unready while a TCP proxy in front of the real PostgreSQL is cut, ready again after."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
from collections.abc import AsyncIterator

import pytest

from plughost.config import connect
from plughost.metrics import MetricsAddress, serve_metrics
from plughost.testing.emulator import FakeDiscord
from plughost.testing.running import running_bot

from .proxy import CuttableProxy
from .scraping import get

pytestmark = pytest.mark.postgres

#: The pool notices the server is back on its next connection attempt; bounded.
RECOVERY_DEADLINE = 20.0


@pytest.fixture
async def proxy(pg_dsn: str) -> AsyncIterator[tuple[CuttableProxy, str]]:
    parts = urllib.parse.urlsplit(pg_dsn)
    proxy = CuttableProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    await proxy.start()
    # The same user and password, if the DSN names any (the test kit's default names none).
    userinfo, at, _ = parts.netloc.rpartition("@")
    netloc = f"{userinfo}{at}127.0.0.1:{proxy.port}"
    yield proxy, urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    await proxy.close()


async def _readyz(port: int) -> tuple[int, dict[str, object]]:
    status, text = await get(f"http://127.0.0.1:{port}/readyz")
    return status, json.loads(text)


async def test_readyz_follows_the_store(
    proxy: tuple[CuttableProxy, str], fake_discord: FakeDiscord
) -> None:
    tcp, dsn = proxy
    async with (
        connect(dsn),
        running_bot(fake_discord) as bot,
        serve_metrics([bot], MetricsAddress("127.0.0.1", 0), process="test") as endpoint,
    ):
        assert endpoint.port is not None
        status, body = await _readyz(endpoint.port)
        assert (status, body) == (200, {"status": "ready", "shards": {"0": True}, "store": "ok"})
        status, text = await get(f"http://127.0.0.1:{endpoint.port}/healthz")
        assert status == 200
        assert json.loads(text)["status"] == "ok"

        await tcp.cut()
        status, body = await _readyz(endpoint.port)
        assert status == 503
        assert body["status"] == "unready"
        assert body["store"] != "ok"
        assert body["shards"] == {"0": True}  # the gateway is fine: only the store is down
        # The process itself is healthy: an orchestrator must not restart it for this.
        status, _ = await get(f"http://127.0.0.1:{endpoint.port}/healthz")
        assert status == 200

        await tcp.restore()
        deadline = time.monotonic() + RECOVERY_DEADLINE
        while (status := (await _readyz(endpoint.port))[0]) != 200:
            assert time.monotonic() < deadline, "still unready after the store came back"
            await asyncio.sleep(0.1)  # the pool's reconnect, not the bot, is waited for
        assert status == 200

        # A shard that is not serving makes the process unready too (here: stopping).
        await bot.stop()
        status, body = await _readyz(endpoint.port)
        assert status == 503
        assert body["shards"] == {"0": False}
        assert body["store"] == "ok"
