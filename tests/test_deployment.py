"""The container files, run without a container engine: the image's entrypoint script
and the compose file's bot command, in a fresh venv holding a fresh install of plughost.

What a container would add (the base image, the user, the network) is read from the
Dockerfile and the compose file and checked; the commands are run as they are written,
with two substitutions a container network would make: the compose file's
``postgres`` host is this machine's PostgreSQL, and Discord is the local emulator.
"""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import signal
import socket
from pathlib import Path
from typing import Any

import pytest
import yaml
from cogs.dists import Venv
from metrics.scraping import ready_within

from plughost.testing.emulator import FakeDiscord

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
TIMEOUT = 60.0


def _dockerfile() -> dict[str, list[str]]:
    """Instruction -> its arguments, continuation lines joined (last one wins)."""
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            found.setdefault(word.upper(), []).append(rest.strip())
    return found


def _exec_form(text: str) -> list[str]:
    value = json.loads(text)
    assert isinstance(value, list), f"not in exec form: {text}"
    return [str(v) for v in value]


def _free_ports(count: int) -> int:
    """A port with the ``count - 1`` ports after it free too (a cluster's processes)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = int(probe.getsockname()[1])
        if first + count > 65_535:
            continue
        try:
            for port in range(first, first + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise AssertionError("no run of free ports")


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """A fresh venv with plughost built and installed into it (not editable)."""
    venv = Venv.create(tmp_path_factory.mktemp("deploy") / "venv")
    venv.install(ROOT)
    assert (venv.path / "bin" / "plughost").exists()
    return venv


def _entrypoint(docker: dict[str, list[str]]) -> list[str]:
    """The ENTRYPOINT, with the script at the path the Dockerfile copies it to."""
    (copy,) = [c for c in docker["COPY"] if "entrypoint.sh" in c]
    installed = shlex.split(copy)[-1]
    entry = _exec_form(docker["ENTRYPOINT"][-1])
    assert entry == [Path(installed).name] or entry == [installed]
    return ["sh", str(DEPLOY / "entrypoint.sh")]


def _env(venv: Venv, home: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLUGHOST_")}
    env.pop("PYTHONPATH", None)
    env["PATH"] = f"{venv.path / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PLUGHOST_HOME"] = str(home)
    return {**env, **overrides}


async def _run(command: list[str], env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *command, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )


async def _stop(proc: asyncio.subprocess.Process) -> tuple[int, str]:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), TIMEOUT)
    except TimeoutError:
        proc.kill()
        out, _ = await proc.communicate()
    return proc.returncode if proc.returncode is not None else -1, out.decode(errors="replace")


async def _healthcheck(entry: list[str], docker: dict[str, list[str]], env: dict[str, str]) -> int:
    health = docker["HEALTHCHECK"][-1]
    assert "curl" not in health  # the slim image has none: the script asks with Python
    _, _, command = health.partition("CMD")
    argv = _exec_form(command.strip())
    assert argv[0] == "plughost-entrypoint"
    proc = await asyncio.create_subprocess_exec(
        *entry,
        *argv[1:],
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    await asyncio.wait_for(proc.wait(), TIMEOUT)
    assert proc.returncode is not None
    return proc.returncode


def test_the_image_runs_as_a_user_and_checks_its_health() -> None:
    docker = _dockerfile()
    assert docker["USER"][-1] not in {"root", "0"}
    assert "useradd" in " ".join(docker["RUN"])
    assert "healthcheck" in docker["HEALTHCHECK"][-1]
    assert docker["FROM"][-1].startswith("python:3.11")
    assert _exec_form(docker["CMD"][-1]) == ["run"]


@pytest.mark.postgres
async def test_the_compose_bot_command_runs_a_healthy_cluster(
    venv: Venv, pg_dsn: str, tmp_path: Path
) -> None:
    compose: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    bot = compose["services"]["bot"]
    assert compose["services"]["postgres"]["image"].startswith("postgres:")
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    docker = _dockerfile()
    entry = _entrypoint(docker)
    port = _free_ports(2)
    environment = {k: str(v) for k, v in bot["environment"].items()}
    assert environment["PLUGHOST_DSN"].startswith("postgres://plughost:plughost@postgres:5432/")
    async with FakeDiscord(shard_count=2) as discord:
        env = _env(
            venv,
            tmp_path / "data",
            **{
                **environment,
                "PLUGHOST_DSN": pg_dsn,  # the compose network's `postgres` is this machine's
                "PLUGHOST_TOKEN": discord.token,
                "PLUGHOST_OWNERS": str(discord.owner.id),
                "PLUGHOST_METRICS": f"127.0.0.1:{port}",
            },
        )
        proc = await _run([*entry, *bot["command"], "--discord-url", discord.api_base], env)
        try:
            for shard in (0, 1):
                await discord.emulator.wait_ready(shard, timeout=TIMEOUT)
            for process in (0, 1):
                status, body = await ready_within(f"http://127.0.0.1:{port + process}", TIMEOUT)
                assert status == 200, body
            assert await _healthcheck(entry, docker, env) == 0
            settings = json.loads((tmp_path / "data" / "bot" / "settings.json").read_text())
            assert settings["backend"] == "postgres"
            assert settings["owners"] == [discord.owner.id]
            assert settings["token"] is None  # the token stays in the environment
        finally:
            code, output = await _stop(proc)
    assert code == 0, output
    assert discord.token not in output
    lines = [line for line in output.splitlines() if line.startswith("{")]
    assert lines, "the processes log JSON lines"
    assert all(json.loads(line)["level"] for line in lines)


async def test_the_default_command_runs_one_process_and_reports_unhealthy_when_down(
    venv: Venv, fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    docker = _dockerfile()
    entry = _entrypoint(docker)
    port = _free_ports(1)
    env = _env(
        venv,
        tmp_path / "data",
        PLUGHOST_TOKEN=fake_discord.token,
        PLUGHOST_METRICS=f"127.0.0.1:{port}",
    )
    assert await _healthcheck(entry, docker, env) == 1  # nothing is listening yet
    command = _exec_form(docker["CMD"][-1])
    proc = await _run([*entry, *command, "--discord-url", fake_discord.api_base], env)
    try:
        await fake_discord.emulator.wait_ready(0, timeout=TIMEOUT)
        status, body = await ready_within(f"http://127.0.0.1:{port}", TIMEOUT)
        assert status == 200, body
        assert await _healthcheck(entry, docker, env) == 0
        replies = await fake_discord.send("!ping", expect=1, timeout=TIMEOUT)
        assert replies[0].content.startswith("pong")
    finally:
        code, output = await _stop(proc)
    assert code == 0, output
    settings = json.loads((tmp_path / "data" / "bot" / "settings.json").read_text())
    assert settings["backend"] == "sqlite"
