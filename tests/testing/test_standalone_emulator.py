"""``plughost emulator`` as a real process, driven through its control interface by
bots in processes of their own: a discord.py bot (a message and a button), and a
plughost bot (``plughost run``, a slash command)."""

from __future__ import annotations

import asyncio
import ipaddress
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from emulator_clients import build_client, running

from plughost.instances import create
from plughost.testing.emulator.standalone import StandaloneDiscord

pytestmark = pytest.mark.slow

TIMEOUT = 30.0
HERE = Path(__file__).parent


@dataclass
class Served:
    """What ``plughost emulator`` printed, and the process serving it."""

    proc: asyncio.subprocess.Process
    api: str
    gateway: str
    token: str
    control: str


async def _spawn(*args: str, env: dict[str, str] | None = None) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *args,
        env={**os.environ, **(env or {})},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def _stop(proc: asyncio.subprocess.Process) -> int:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
    try:
        return await asyncio.wait_for(proc.wait(), TIMEOUT)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise


@pytest.fixture
async def emulator() -> AsyncIterator[Served]:
    proc = await _spawn(
        sys.executable, "-m", "plughost", "emulator", "--token", "local-token", "--guilds", "2"
    )
    assert proc.stdout is not None
    printed: dict[str, str] = {}
    try:
        while "control" not in printed:
            line = (await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)).decode()
            assert line, f"plughost emulator ended before listening: {printed}"
            key, _, value = line.strip().partition(": ")
            printed[key] = value
        yield Served(proc, printed["api"], printed["gateway"], printed["token"], printed["control"])
        assert await _stop(proc) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def _call(control: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, control + path, json=body) as response,
    ):
        return response.status, await response.json()


async def test_it_prints_where_it_listens_and_lists_its_guilds(emulator: Served) -> None:
    assert emulator.api.startswith("http://127.0.0.1:")
    assert emulator.api.endswith("/api/v10")
    assert emulator.gateway.startswith("ws://127.0.0.1:")
    assert emulator.token == "local-token"
    status, listed = await _call(emulator.control, "GET", "/guilds")
    assert status == 200
    assert [g["name"] for g in listed["guilds"]] == ["Demo Guild", "Guild 2"]
    demo = listed["guilds"][0]
    assert {"general", "random"} <= {c["name"] for c in demo["channels"]}
    assert {"alice", "bob", "owner"} <= {m["username"] for m in demo["members"]}


async def test_bad_control_requests_get_a_short_reason(emulator: Served) -> None:
    status, body = await _call(emulator.control, "POST", "/messages", {"author": "alice"})
    assert (status, body) == (400, {"error": "missing field 'content'"})
    status, body = await _call(
        emulator.control, "POST", "/messages", {"content": "hi", "channel": "nope"}
    )
    assert status == 400
    assert "no channel #nope" in body["error"]
    status, body = await _call(emulator.control, "POST", "/messages/123/replies", {})
    assert (status, body) == (400, {"error": "no message 123"})
    _, listed = await _call(emulator.control, "GET", "/guilds")
    elsewhere = listed["guilds"][1]["channels"][0]["id"]
    status, body = await _call(
        emulator.control, "POST", "/messages", {"content": "hi", "channel": elsewhere}
    )
    assert (status, body) == (400, {"error": f"channel {elsewhere} is not in Demo Guild"})
    status, body = await _call(
        emulator.control, "POST", "/messages", {"content": "hi", "guild": "Guild 2"}
    )
    assert status == 200
    assert body["channel_id"] == elsewhere


def _outward_address() -> str:
    """This machine's address on its network (no packet is sent: UDP only picks a route)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere real
        return str(probe.getsockname()[0])


async def test_control_refuses_clients_that_are_not_on_loopback() -> None:
    address = _outward_address()
    assert not ipaddress.ip_address(address).is_loopback
    # Reachable from the network, so that the control interface has someone to refuse.
    server = StandaloneDiscord(host="0.0.0.0")
    await server.start()
    try:
        port = server.emulator.port
        status, body = await _call(f"http://{address}:{port}/_control", "GET", "/guilds")
        assert (status, body) == (403, {"error": "control is loopback only"})
        status, _ = await _call(f"http://127.0.0.1:{port}/_control", "GET", "/guilds")
        assert status == 200
    finally:
        await server.stop()


async def test_control_plays_a_zombie_connection_and_a_guild_outage(
    route_base: Callable[[str], None],
) -> None:
    server = StandaloneDiscord(guilds=2)
    server.emulator.gateway.heartbeat_interval_ms = 200  # the client notices a zombie soon
    await server.start()
    control = server.control_url
    try:
        status, body = await _call(control, "POST", "/zombie", {})
        assert (status, body) == (400, {"error": "shard 0 has no live gateway connection"})
        route_base(server.emulator.api_base)
        async with running(build_client(server.discord), server.discord.token):
            assert await _call(control, "POST", "/zombie", {}) == (200, {"zombie": True})
            await server.emulator.wait_resumed(0)
            assert await _say(control, {"content": "!echo back"}) == ["back"]

            status, body = await _call(control, "POST", "/outage/start", {})
            assert (status, body["unavailable"]) == (200, True)
            status, body = await _call(control, "POST", "/outage/start", {})
            assert (status, body) == (400, {"error": "Demo Guild is already in an outage"})
            status, body = await _call(control, "POST", "/messages", {"content": "!ping"})
            assert (status, body) == (
                409,
                {"error": "Demo Guild is in an outage: nobody can act there"},
            )
            assert await _say(control, {"content": "!echo there", "guild": "Guild 2"}) == ["there"]
            status, body = await _call(control, "POST", "/outage/end", {})
            assert (status, body["unavailable"]) == (200, False)
            assert await _say(control, {"content": "!echo again"}) == ["again"]
            status, body = await _call(control, "POST", "/outage/end", {})
            assert (status, body) == (400, {"error": "Demo Guild is not in an outage"})
    finally:
        await server.stop()


async def _say(control: str, message: dict[str, Any]) -> list[str]:
    status, posted = await _call(control, "POST", "/messages", message)
    assert status == 200, posted
    status, body = await _call(control, "POST", f"/messages/{posted['id']}/replies", {})
    assert status == 200, body
    return [r["content"] for r in body["replies"]]


async def test_a_discord_py_bot_answers_a_message_a_button_and_a_slash_command(
    emulator: Served,
) -> None:
    bot = await _spawn(
        sys.executable, str(HERE / "discordpy_hello_bot.py"),
        emulator.api, emulator.gateway, emulator.token,
    )  # fmt: skip
    try:
        status, body = await _call(emulator.control, "POST", "/ready", {"timeout": TIMEOUT})
        assert status == 200, body
        status, posted = await _call(
            emulator.control, "POST", "/messages", {"content": "!hello", "author": "bob"}
        )
        assert status == 200, posted
        status, body = await _call(
            emulator.control, "POST", f"/messages/{posted['id']}/replies", {"timeout": TIMEOUT}
        )
        assert status == 200, body
        assert [r["content"] for r in body["replies"]] == ["Hello, bob!"]
        assert body["replies"][0]["channel_id"] == posted["channel_id"]
        status, posted = await _call(emulator.control, "POST", "/messages", {"content": "!vote"})
        assert status == 200, posted
        status, body = await _call(
            emulator.control, "POST", f"/messages/{posted['id']}/replies", {"timeout": TIMEOUT}
        )
        assert status == 200, body
        vote = body["replies"][0]
        assert vote["content"] == "Vote now"
        click = {"message_id": vote["id"], "component": "Yes", "author": "bob", "timeout": TIMEOUT}
        status, body = await _call(emulator.control, "POST", "/click", click)
        assert status == 200, body
        assert body["type"] == 4
        assert body["content"] == "bob voted yes"
        status, body = await _call(
            emulator.control, "POST", "/click", {"message_id": vote["id"], "component": "No"}
        )
        assert status == 400
        assert "No" in body["error"]
        ready = {"commands": ["where"], "timeout": TIMEOUT}
        status, body = await _call(emulator.control, "POST", "/ready", ready)
        assert status == 200, body
        where = {"name": "where", "options": {"who": "bob", "room": {"channel": "random"}}}
        status, body = await _call(
            emulator.control, "POST", "/slash", {**where, "timeout": TIMEOUT}
        )
        assert status == 200, body
        assert body["content"] == "bob is in #random"
        where["options"] = {"who": "bob", "channel": {"channel": "random"}}
        status, body = await _call(emulator.control, "POST", "/slash", where)
        # Any option name goes through (the kit takes options as a mapping); an option
        # the command does not have is refused as Discord would, naming the real ones.
        assert (status, body) == (
            400,
            {"error": "/where has no option channel (its options: who, room)"},
        )
    finally:
        await _stop(bot)


async def test_a_slash_command_reaches_a_plughost_bot(
    emulator: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLUGHOST_HOME", str(tmp_path))
    create("local", backend="sqlite", dsn=None, prefix="!", owners=(), token=None)
    bot = await _spawn(
        sys.executable, "-m", "plughost", "run", "local", "--discord-url", emulator.api,
        env={"PLUGHOST_HOME": str(tmp_path), "PLUGHOST_TOKEN": emulator.token},
    )  # fmt: skip
    try:
        # interactions.py drops interactions until its startup sync is done: the
        # probe's answer is the only sign from outside that it is.
        ready = {"commands": ["ping"], "probe": {"slash": "ping"}, "timeout": TIMEOUT}
        status, body = await _call(emulator.control, "POST", "/ready", ready)
        assert status == 200, body
        status, body = await _call(
            emulator.control,
            "POST",
            "/slash",
            {"name": "ping", "author": "alice", "timeout": TIMEOUT},
        )
        assert status == 200, body
        assert body["type"] == 4
        assert body["text"].startswith("pong"), body
        status, body = await _call(emulator.control, "POST", "/slash", {"name": "nosuch"})
        assert status == 400
        assert "nosuch" in body["error"]
    finally:
        assert await _stop(bot) == 0


async def test_it_stops_on_sigint_with_exit_code_0() -> None:
    proc = await _spawn(sys.executable, "-m", "plughost", "emulator")
    assert proc.stdout is not None
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)
        assert line.startswith(b"api: http://127.0.0.1:")
        proc.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(proc.wait(), TIMEOUT) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_a_taken_port_fails_in_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = await _spawn(sys.executable, "-m", "plughost", "emulator", "--port", str(port))
        assert proc.stdout is not None
        output = (await asyncio.wait_for(proc.stdout.read(), TIMEOUT)).decode()
        assert await proc.wait() == 1
    assert output.strip() == f"error: cannot listen on 127.0.0.1:{port}: Address already in use"
