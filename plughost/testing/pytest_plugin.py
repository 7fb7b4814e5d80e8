"""plughost's pytest plugin (registered through the ``pytest11`` entry point).

Fixtures for testing a bot the way a member would use it, against the real
interactions.py client talking over a socket to the local Discord emulator:

``fake_discord``
    A started `FakeDiscord`: a demo guild with channels, an owner and members,
    rate-limited on Discord's own numbers (``plughost_rate_limits``).
``plughost_rate_limits``
    The `RateLimits` of ``fake_discord``: Discord's (``RateLimits()``), or, for a
    test marked ``@pytest.mark.plughost_relaxed_limits(reason=...)``, every limit
    1000 times larger (``RateLimits.relaxed()``), with the ``bot`` fixture's client
    throttle raised alike. Override the fixture for other numbers.
``plughost_dsn``
    The DSN of this test's own, empty store: an SQLite file in ``tmp_path``, or,
    when a PostgreSQL database is configured (``--plughost-dsn``, the
    ``PLUGHOST_TEST_DSN`` environment variable, or the ``plughost_dsn`` ini
    option), a new schema in it, dropped after the test.
``plughost_harness``
    The `BotHarness` that runs ``bot``: the store, the bot, and restarts.
``bot``
    A running plughost `Bot` on that store, connected to ``fake_discord`` and ready
    (commands synced). ``fake_discord.send`` and ``fake_discord.slash`` return once
    the bot has finished handling the input.
``restart_bot``
    ``new_bot = await restart_bot()`` stops ``bot`` (every ``cog_unload`` runs),
    closes and reopens the store, and starts a new bot that loads the same cogs.
``plughost_spec_check``
    With ``--plughost-validate`` (or the ``plughost_validate`` ini option), a
    `plughost.testing.conformance.SpecCheck` that ``fake_discord`` feeds every REST
    exchange; a response body that breaks Discord's published schema for its
    operation fails the test, naming the operation and the JSON path. ``None``
    when validation is off.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pytest
import pytest_asyncio

# Imported lazily inside the fixtures: pytest loads this plugin in every test run
# of every project that has plughost installed, and most tests need no Discord.
if TYPE_CHECKING:
    from plughost.runtime.bot import Bot
    from plughost.testing.conformance import SpecCheck, SpecTotals
    from plughost.testing.emulator import FakeDiscord, RateLimits
    from plughost.testing.harness import BotHarness

__all__ = [
    "bot",
    "fake_discord",
    "plughost_dsn",
    "plughost_harness",
    "plughost_rate_limits",
    "plughost_spec_check",
    "restart_bot",
]

_DSN_HELP = (
    "PostgreSQL database for plughost's `bot` fixture (postgres://user@host:5432/db); "
    "each test gets its own schema in it. Default: an SQLite file per test."
)


_VALIDATE_HELP = (
    "check every REST response of the local Discord against Discord's published "
    "OpenAPI schema (needs plughost[testing]); a violation fails the test"
)
_TOTALS: pytest.StashKey[SpecTotals] = pytest.StashKey()
#: The marker of a test that needs the local Discord's limits relaxed.
RELAXED_MARK: Final = "plughost_relaxed_limits"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("plughost", "plughost test kit")
    group.addoption("--plughost-dsn", dest="plughost_dsn", default=None, help=_DSN_HELP)
    group.addoption(
        "--plughost-validate",
        dest="plughost_validate",
        action="store_true",
        default=None,
        help=_VALIDATE_HELP,
    )
    parser.addini("plughost_dsn", _DSN_HELP, default="")
    parser.addini("plughost_validate", _VALIDATE_HELP, type="bool", default=False)


def pytest_configure(config: pytest.Config) -> None:
    from plughost.testing.stores import configured_dsn, validate_base_dsn

    config.addinivalue_line(
        "markers", "postgres: needs the PostgreSQL server (runs, never skips, when CI=true)"
    )
    config.addinivalue_line(
        "markers",
        f"{RELAXED_MARK}(reason): the local Discord's rate limits 1000 times Discord's, "
        "for a test of volume (fuzzers, floods, benchmarks); say why in reason",
    )
    dsn = configured_dsn(config)
    if dsn and (problem := validate_base_dsn(dsn)):
        raise pytest.UsageError(f"plughost: {problem}")
    if _validating(config):
        try:
            from plughost.testing.conformance import SpecTotals
        except ImportError as exc:
            raise pytest.UsageError(
                f"plughost: --plughost-validate needs plughost[testing] installed ({exc})"
            ) from exc
        config.stash[_TOTALS] = SpecTotals()


def _validating(config: pytest.Config) -> bool:
    chosen = config.getoption("plughost_validate")
    return bool(config.getini("plughost_validate") if chosen is None else chosen)


_WORKER_TOTALS: Final = "plughost_spec_totals"


def pytest_sessionfinish(session: pytest.Session) -> None:
    # Under pytest-xdist each worker checks its own tests; it hands its counts to the
    # controller, which prints one summary for the whole run (pytest_testnodedown).
    totals = session.config.stash.get(_TOTALS, None)
    workeroutput = getattr(session.config, "workeroutput", None)
    if totals is not None and workeroutput is not None:
        workeroutput[_WORKER_TOTALS] = totals.as_dict()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    totals = node.config.stash.get(_TOTALS, None)
    counts = getattr(node, "workeroutput", {}).get(_WORKER_TOTALS)
    if totals is not None and counts is not None:
        totals.merge(counts)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    totals = config.stash.get(_TOTALS, None)
    if totals is None or not totals.responses:
        return
    write = terminalreporter.write_line
    terminalreporter.section("plughost: the local Discord against Discord's spec")
    from plughost.testing.emulator import DiscordEmulator

    served = len(DiscordEmulator().route_templates())
    write(f"spec operations served:  {served} (exercised by these tests: {len(totals.operations)})")
    write(f"responses validated:     {totals.responses}")
    write(f"response violations:     {totals.response_violations}")
    write(f"request bodies validated: {totals.requests}")
    write(f"request violations:      {totals.request_violations} accepted")
    write(f"                         {totals.refused_requests} refused (as Discord would)")
    write(f"gateway dispatches validated: {totals.dispatches} ({len(totals.events)} events)")
    write(f"dispatch violations:     {totals.dispatch_violations}")
    for reason, times in sorted(totals.tolerated.items()):
        write(f"tolerated {times}x: {reason}")


@pytest.fixture
def plughost_spec_check(request: pytest.FixtureRequest) -> Iterator[SpecCheck | None]:
    """The spec check of this test's local Discord, or None when validation is off."""
    totals = request.config.stash.get(_TOTALS, None)
    if totals is None:
        yield None
        return
    from plughost.testing.conformance import SpecCheck

    check = SpecCheck()
    yield check
    totals.add(check)
    if check.violations:
        listed = "\n  ".join(str(v) for v in check.violations[:20])
        more = len(check.violations) - 20
        tail = f"\n  ... and {more} more" if more > 0 else ""
        pytest.fail(
            f"the local Discord broke Discord's published schema "
            f"{len(check.violations)} time(s):\n  {listed}{tail}",
            pytrace=False,
        )


@pytest.fixture
def plughost_rate_limits(request: pytest.FixtureRequest) -> RateLimits:
    """Discord's rate limits, or relaxed ones for a test marked ``plughost_relaxed_limits``."""
    from plughost.testing.emulator import RateLimits

    mark = request.node.get_closest_marker(RELAXED_MARK)
    if mark is None:
        return RateLimits()
    if not (mark.kwargs.get("reason") or mark.args):
        raise pytest.UsageError(f"plughost: @pytest.mark.{RELAXED_MARK} needs a reason")
    return RateLimits.relaxed()


@pytest_asyncio.fixture
async def fake_discord(
    plughost_spec_check: SpecCheck | None, plughost_rate_limits: RateLimits
) -> AsyncIterator[FakeDiscord]:
    """The local Discord emulator with its demo guild, started and stopped around the test."""
    from plughost.testing.emulator import FakeDiscord

    async with FakeDiscord(
        spec_check=plughost_spec_check, rate_limits=plughost_rate_limits
    ) as discord:
        yield discord


@pytest_asyncio.fixture
async def plughost_dsn(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """This test's empty store: SQLite in ``tmp_path``, or a fresh PostgreSQL schema."""
    from plughost.testing.stores import configured_dsn, postgres_schema, sqlite_dsn

    base = configured_dsn(request.config)
    if base is None:
        yield sqlite_dsn(tmp_path)
        return
    async with postgres_schema(base) as dsn:
        yield dsn


@pytest_asyncio.fixture
async def plughost_harness(
    fake_discord: FakeDiscord, plughost_dsn: str
) -> AsyncIterator[BotHarness]:
    """The store and the running bot of this test, restartable."""
    from plughost.testing.harness import BotHarness

    async with BotHarness(fake_discord, plughost_dsn, owner_ids=[fake_discord.owner.id]) as harness:
        yield harness


@pytest_asyncio.fixture
async def bot(plughost_harness: BotHarness) -> Bot:
    """A plughost bot on a fresh store, connected to ``fake_discord`` and ready."""
    return plughost_harness.bot


@pytest.fixture
def restart_bot(plughost_harness: BotHarness) -> Callable[[], Awaitable[Bot]]:
    """``await restart_bot()``: a new bot on the same store, with the same cogs loaded."""
    return plughost_harness.restart
