"""Scraping helpers: GET a route, parse /metrics with prometheus-client's own parser."""

from __future__ import annotations

import asyncio
import time

import aiohttp
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def scrape(url: str) -> list[Sample]:
    """Every sample of a ``/metrics`` answer, parsed by prometheus-client's own parser."""
    status, text = await get(url)
    assert status == 200, text
    return [s for family in text_string_to_metric_families(text) for s in family.samples]


def total(samples: list[Sample], name: str, **labels: str) -> float:
    """The sum of the samples called ``name`` whose labels include ``labels``."""
    return sum(
        s.value
        for s in samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    )


async def ready_within(base: str, seconds: float) -> tuple[int, str]:
    """Probe ``base``/readyz as an orchestrator does until it says ready or time is up.

    interactions.py marks a shard ready only after its command sync, which may
    end after the first messages were already answered.
    """
    deadline = time.monotonic() + seconds
    while True:
        status, body = await get(f"{base}/readyz")
        if status == 200 or time.monotonic() > deadline:
            return status, body
        await asyncio.sleep(0.05)  # a probe interval: nothing to await on another process
