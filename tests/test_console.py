"""The offline console: piped input, console commands, readable replies."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest

from plughost.offline.console import parse_slash, run_console

CONSOLE_TIMEOUT = 120


def _console(script: str, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = run_console(*args or (None,), stdin=io.StringIO(script), stdout=out)  # type: ignore[arg-type]
    return code, out.getvalue()


@pytest.mark.slow
def test_readme_pipeline_prints_two_pongs(tmp_path: Path) -> None:
    """The README's promise, as a newcomer types it in a shell."""
    result = subprocess.run(
        ["bash", "-c", "printf '!ping\\n/ping\\n' | plughost console"],
        capture_output=True,
        text=True,
        timeout=CONSOLE_TIMEOUT,
        env={**os.environ, "PLUGHOST_HOME": str(tmp_path)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    pongs = [line for line in result.stdout.splitlines() if line.startswith("bot: pong")]
    assert len(pongs) == 2, result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_console_commands_switch_member_and_channel() -> None:
    code, out = _console(":who\n:as bob\n:channel random\n:who\n!ping\n:quit\n!ping\n")
    assert code == 0
    lines = out.splitlines()
    assert "you are alice in #general of Demo Guild" in lines
    assert "you are bob in #random of Demo Guild" in lines
    assert "bob> !ping" in lines
    # :quit ends the session: the second !ping is never sent.
    assert sum(line.startswith("bot: pong") for line in lines) == 1


def test_console_reports_bad_input_and_goes_on() -> None:
    code, out = _console("/nosuchcommand\n/ping extra:\n:bogus\nhello\n/ping\n")
    assert code == 0
    lines = out.splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert any("nosuchcommand" in line for line in errors), out
    assert any("unknown console command" in line for line in lines), out
    assert "  (no reply)" in lines  # "hello" is not a command
    assert lines[-1].startswith("bot: pong")


def test_console_uses_a_named_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from plughost.instances import create

    monkeypatch.setenv("PLUGHOST_HOME", str(tmp_path))
    instance = create("dev", backend="sqlite", dsn=None, prefix="?", owners=(), token=None)
    code, out = _console("!ping\n?ping\n", "dev")
    assert code == 0
    pongs = [line for line in out.splitlines() if line.startswith("bot: pong")]
    assert len(pongs) == 1  # only the instance's own prefix answers
    assert (instance.path / "logs" / "plughost.log").exists()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/ping", ("ping", {})),
        ("/cog info name:economy", ("cog info", {"name": "economy"})),
        ('/say text:"hello there" times:2', ("say", {"text": "hello there", "times": "2"})),
    ],
)
def test_parse_slash(line: str, expected: tuple[str, dict[str, str]]) -> None:
    assert parse_slash(line) == expected


@pytest.mark.parametrize("line", ["/", "/ping a:1 stray"])
def test_parse_slash_refuses(line: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        parse_slash(line)


async def test_console_on_a_busy_instance_fails_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio
    import sys

    from plughost.config import connect
    from plughost.instances import create

    monkeypatch.setenv("PLUGHOST_HOME", str(tmp_path))
    instance = create("busy", backend="sqlite", dsn=None, prefix="!", owners=(), token=None)
    async with connect(instance.dsn):  # as a running bot would hold it
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "plughost",
            "console",
            "busy",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "PLUGHOST_HOME": str(tmp_path)},
        )
        out, err = await asyncio.wait_for(proc.communicate(b"!ping\n"), CONSOLE_TIMEOUT)
    assert proc.returncode == 1
    assert out == b""
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: cannot open the store of 'busy': ")
    assert "in use by another plughost process" in lines[0]
