"""``--log-format json`` and per-logger levels, on a real bot answering real commands.

(Here beside the metrics tests: the same two installed cogs, which succeed and fail
on demand, give the log lines their cog, command and outcome.)
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from plughost.cli import cli
from plughost.instances import InstanceError, Settings, create
from plughost.runtime.bot import Bot
from plughost.runtime.logs import LOG_FILE_NAME, configure_logging, parse_level
from plughost.testing.emulator import FakeDiscord


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging replaces the root's handlers and sets levels: undo it after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    touched = ["plughost.commands", "plughost.cogs", "plughost"]
    levels = {name: logging.getLogger(name).level for name in touched}
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for name, saved in levels.items():
        logging.getLogger(name).setLevel(saved)


def _lines(logs: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (logs / LOG_FILE_NAME).read_text().splitlines()]


@pytest.mark.usefixtures("metrics_cogs", "restore_logging")
async def test_json_lines_name_cog_command_and_outcome(
    bot: Bot, fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    await bot.load_cog("alpha")
    logs = tmp_path / "logs"
    # Per-command lines are DEBUG (issue 16): the documented way to see them.
    configure_logging(
        logs,
        terminal=False,
        log_format="json",
        token=fake_discord.token,
        levels={"plughost.commands": "DEBUG"},
    )
    alice = fake_discord.member("alice")
    assert await fake_discord.send("!hello", author=alice)
    assert await fake_discord.send("!boom", author=alice)
    assert await fake_discord.send("!double two", author=alice)
    for handler in logging.getLogger().handlers:
        handler.flush()

    lines = _lines(logs)  # every line is one JSON object, or json.loads fails
    commands = [line for line in lines if line["logger"] == "plughost.commands"]
    picked = [(c["cog"], c["command"], c["kind"], c["outcome"]) for c in commands]
    assert picked == [
        ("alpha", "hello", "prefixed", "ok"),
        ("alpha", "boom", "prefixed", "error"),
        ("alpha", "double", "prefixed", "bad_argument"),
    ]
    (failure,) = [line for line in lines if line["level"] == "ERROR"]
    assert (failure["cog"], failure["command"], failure["outcome"]) == ("alpha", "boom", "error")
    assert "RuntimeError: alpha broke on purpose" in str(failure["traceback"])
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    assert not [line for line in lines if fake_discord.token in json.dumps(line)]


@pytest.mark.usefixtures("restore_logging")
async def test_a_logger_level_quiets_only_that_logger(
    bot: Bot, fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    logs = tmp_path / "logs"
    levels = dict([parse_level("plughost.commands=WARNING"), parse_level("plughost.cogs=DEBUG")])
    configure_logging(logs, terminal=False, log_format="json", levels=levels)
    assert await fake_discord.send("!ping")
    logging.getLogger("plughost.cogs.example").debug("a cog's debug line")
    for handler in logging.getLogger().handlers:
        handler.flush()
    lines = _lines(logs)
    assert not [line for line in lines if line["logger"] == "plughost.commands"]
    assert [line["message"] for line in lines if line["level"] == "DEBUG"] == ["a cog's debug line"]


@pytest.mark.parametrize(
    ("spec", "parsed"),
    [
        ("plughost.cogs=DEBUG", ("plughost.cogs", "DEBUG")),
        ("interactions=warning", ("interactions", "WARNING")),
        ("INFO", ("", "INFO")),
    ],
)
def test_parse_level(spec: str, parsed: tuple[str, str]) -> None:
    assert parse_level(spec) == parsed


@pytest.mark.parametrize(
    ("spec", "reason"),
    [("plughost=LOUD", "the level must be one of"), ("=DEBUG", "name a logger before '='")],
)
def test_a_bad_log_level_is_a_usage_error(
    spec: str, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLUGHOST_HOME", str(tmp_path))
    result = CliRunner().invoke(cli, ["run", "any", "--log-level", spec], prog_name="plughost")
    assert result.exit_code == 2
    assert reason in result.output
    assert "Traceback" not in result.output


def test_settings_keep_log_levels_and_refuse_bad_ones() -> None:
    settings = Settings(log_levels={"plughost.cogs": "DEBUG"})
    assert Settings.loads(settings.dumps()).log_levels == {"plughost.cogs": "DEBUG"}
    # Without levels the file is as before, so older plughost versions still read it.
    assert "log_levels" not in Settings().to_json()
    with pytest.raises(InstanceError, match="log_levels must map logger names"):
        Settings(log_levels={"plughost.cogs": "LOUD"})
    with pytest.raises(InstanceError, match="log_levels must map logger names"):
        Settings.from_json({**Settings().to_json(), "log_levels": ["DEBUG"]})


@pytest.mark.slow
async def test_run_writes_json_lines_to_stderr_with_the_settings_levels(
    tmp_path: Path, fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLUGHOST_HOME", str(tmp_path))
    instance = create("logged", backend="sqlite", dsn=None, prefix="!", owners=(), token=None)
    # The instance says plughost.commands=WARNING; the command line says DEBUG, where
    # the per-command lines are.
    settings = Settings.loads(instance.settings_path.read_bytes())
    quiet = Settings.from_json(
        {**settings.to_json(), "log_levels": {"plughost.commands": "WARNING"}}
    )
    instance.settings_path.write_bytes(quiet.dumps())
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "plughost", "run", "logged", "--discord-url", fake_discord.api_base,
        "--log-format", "json", "--log-level", "plughost.commands=DEBUG",
        env={**os.environ, "PLUGHOST_HOME": str(tmp_path), "PLUGHOST_TOKEN": fake_discord.token},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await fake_discord.emulator.wait_ready(0, timeout=30)
        assert await fake_discord.send("!ping", expect=1, timeout=30)
        proc.terminate()
        _, err = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0
    lines = [json.loads(line) for line in err.decode().splitlines()]
    pings = [line for line in lines if line["logger"] == "plughost.commands"]
    assert [(p["cog"], p["command"], p["outcome"]) for p in pings] == [("core", "ping", "ok")]
