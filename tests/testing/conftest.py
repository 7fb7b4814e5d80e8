"""Fixtures for the emulator tests: a FakeDiscord and real interactions.py clients on it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager

import interactions
import pytest
from emulator_clients import StartClient, build_client, running
from interactions.api.http.route import Route

from plughost.testing.conformance import SpecCheck
from plughost.testing.emulator import FakeDiscord


@pytest.fixture
async def fd(plughost_spec_check: SpecCheck | None) -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(spec_check=plughost_spec_check) as fd:
        yield fd


@pytest.fixture
async def fd_two_shards(plughost_spec_check: SpecCheck | None) -> AsyncIterator[FakeDiscord]:
    """Request it before ``start_client`` so that the clients stop first."""
    async with FakeDiscord(shard_count=2, spec_check=plughost_spec_check) as fd:
        yield fd


@pytest.fixture
def route_base() -> Iterator[Callable[[str], None]]:
    """Point interactions.py at an emulator; the class variable is restored afterwards."""
    saved = Route.BASE

    def point(api_base: str) -> None:
        Route.BASE = api_base

    yield point
    Route.BASE = saved


@pytest.fixture
async def start_client(
    fd: FakeDiscord, route_base: Callable[[str], None], no_client_errors: None
) -> AsyncIterator[StartClient]:
    """``await start_client(discord=None, **options)`` gives a ready client; all stop at the end."""
    contexts: list[AbstractAsyncContextManager[interactions.Client]] = []

    async def start(discord: FakeDiscord | None = None, **options: object) -> interactions.Client:
        discord = discord or fd
        route_base(discord.api_base)
        context = running(build_client(discord, **options), discord.token)
        client = await context.__aenter__()
        contexts.append(context)
        return client

    yield start
    for context in reversed(contexts):
        await context.__aexit__(None, None, None)


@pytest.fixture
def no_client_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail a client test if the client or emulator logged an error or an unknown route."""
    caplog.set_level(logging.WARNING)
    yield
    bad = [
        r
        for when in ("setup", "call", "teardown")
        for r in caplog.get_records(when)
        if r.levelno >= logging.ERROR or "no route" in r.getMessage()
    ]
    assert not bad, "\n".join(f"{r.name}: {r.getMessage()}" for r in bad)
