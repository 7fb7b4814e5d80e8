"""``plughost run --metrics`` and ``plughost console --metrics`` as real processes, and
``plughost run --web`` serving the same endpoints on the web console's port."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from plughost.cli import cli
from plughost.instances import create
from plughost.metrics import parse_address
from plughost.testing.emulator import FakeDiscord

from .scraping import get, ready_within, scrape, total

pytestmark = pytest.mark.slow

TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PLUGHOST_HOME", str(tmp_path))
    return tmp_path


async def _spawn(*args: str, home: Path, token: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "plughost",
        *args,
        env={**os.environ, "PLUGHOST_HOME": str(home), "PLUGHOST_TOKEN": token},
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def test_run_serves_metrics_health_and_readiness(
    home: Path, fake_discord: FakeDiscord
) -> None:
    create("watched", backend="sqlite", dsn=None, prefix="!", owners=(), token=None)
    port = _free_port()
    proc = await _spawn(
        "run", "watched", "--discord-url", fake_discord.api_base, "--metrics", f"127.0.0.1:{port}",
        home=home, token=fake_discord.token,
    )  # fmt: skip
    try:
        await fake_discord.emulator.wait_ready(0, timeout=TIMEOUT)
        replies = await fake_discord.send("!ping", expect=1, timeout=TIMEOUT)
        assert replies[0].content.startswith("pong")
        base = f"http://127.0.0.1:{port}"
        assert (await get(f"{base}/healthz"))[0] == 200
        status, body = await ready_within(base, TIMEOUT)
        assert status == 200, body
        samples = await scrape(f"{base}/metrics")
        ping = {"cog": "core", "command": "ping", "kind": "prefixed", "outcome": "ok"}
        counts = [s for s in samples if s.name == "plughost_command_duration_seconds_count"]
        assert total(samples, "plughost_command_duration_seconds_count", **ping) == 1, counts
        assert total(samples, "plughost_shard_connected", shard="0", process="0") == 1
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), TIMEOUT) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_run_on_a_taken_port_fails_in_one_line(home: Path, fake_discord: FakeDiscord) -> None:
    create("clash", backend="sqlite", dsn=None, prefix="!", owners=(), token=None)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = await _spawn(
            "run", "clash", "--discord-url", fake_discord.api_base,
            "--metrics", f"127.0.0.1:{port}", home=home, token=fake_discord.token,
        )  # fmt: skip
        assert proc.stdout is not None
        output = (await asyncio.wait_for(proc.stdout.read(), TIMEOUT)).decode()
        code = await proc.wait()
    assert code == 1
    assert "Traceback" not in output
    assert (
        output.strip()
        .splitlines()[-1]
        .startswith(f"error: cannot serve metrics on 127.0.0.1:{port}")
    )


async def test_console_serves_metrics(home: Path) -> None:
    port = _free_port()
    proc = await _spawn("console", "--metrics", str(port), home=home, token="unused")
    assert proc.stdin is not None
    assert proc.stdout is not None
    try:
        proc.stdin.write(b"!ping\n")
        await proc.stdin.drain()
        while b"pong" not in (line := await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)):
            assert line, "the console ended before answering"
        samples = await scrape(f"http://127.0.0.1:{port}/metrics")
        assert total(samples, "plughost_command_duration_seconds_count", command="ping") == 1
        assert total(samples, "plughost_shard_connected", process="console") == 1
        proc.stdin.close()
        assert await asyncio.wait_for(proc.wait(), TIMEOUT) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_run_with_web_alone_serves_metrics_on_the_consoles_port(
    home: Path, fake_discord: FakeDiscord
) -> None:
    create("both", backend="sqlite", dsn=None, prefix="!", owners=(), token=None)
    proc = await _spawn(
        "run", "both", "--discord-url", fake_discord.api_base, "--web", "127.0.0.1:0",
        home=home, token=fake_discord.token,
    )  # fmt: skip
    assert proc.stdout is not None
    try:
        # The console prints its owner link on a line of its own: its port is the one.
        while not (line := await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)).startswith(
            b"http://127.0.0.1:"
        ):
            assert line, "run ended before the web console listened"
        base = line.decode().split("/login")[0]
        await fake_discord.emulator.wait_ready(0, timeout=TIMEOUT)
        replies = await fake_discord.send("!ping", expect=1, timeout=TIMEOUT)
        assert replies[0].content.startswith("pong")
        assert (await get(f"{base}/healthz"))[0] == 200
        status, body = await ready_within(base, TIMEOUT)
        assert status == 200, body
        samples = await scrape(f"{base}/metrics")
        ping = {"cog": "core", "command": "ping", "kind": "prefixed", "outcome": "ok"}
        assert total(samples, "plughost_command_duration_seconds_count", **ping) == 1
        assert total(samples, "plughost_shard_connected", shard="0", process="0") == 1
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), TIMEOUT) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("localhost:http", "the port must be a number"),
        ("127.0.0.1:70000", "the port must be a number"),
        ("::1:9100", "IPv6 host in brackets"),
    ],
)
def test_bad_metrics_address_is_a_usage_error(home: Path, value: str, reason: str) -> None:
    result = CliRunner().invoke(cli, ["run", "anything", "--metrics", value], prog_name="plughost")
    assert result.exit_code == 2
    assert reason in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("value", "host", "port"),
    [
        ("9100", "127.0.0.1", 9100),
        (":9100", "127.0.0.1", 9100),
        ("0.0.0.0:9100", "0.0.0.0", 9100),
        ("[::1]:9100", "::1", 9100),
    ],
)
def test_metrics_address_defaults_to_loopback(value: str, host: str, port: int) -> None:
    address = parse_address(value)
    assert (address.host, address.port) == (host, port)


@pytest.mark.postgres
def test_cluster_metrics_ports_must_fit(
    home: Path, pg_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    create("many", backend="postgres", dsn=pg_dsn, prefix="!", owners=(), token=None)
    monkeypatch.setenv("PLUGHOST_TOKEN", "unused")
    result = CliRunner().invoke(
        cli, ["cluster", "many", "--processes", "3", "--metrics", "65534"], prog_name="plughost"
    )
    assert result.exit_code == 2
    assert "3 processes need ports 65534 to 65536" in result.output
