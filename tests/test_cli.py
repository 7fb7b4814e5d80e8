"""The ``plughost`` command, through click's runner and as the real console script."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import stat
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

import plughost
import plughost.instances as inst
from plughost.cli import cli
from plughost.cli.run import _parse_shards

TOKEN = "NzkyNzE1NDU0MTk2MDg4ODQy.X-hvzA.Ovy4MCQywSkoMRRclStW4xAYK7I"
SCRIPT = Path(sys.executable).with_name("plughost")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("PLUGHOST_HOME", str(path))
    monkeypatch.delenv("PLUGHOST_TOKEN", raising=False)
    return path


def invoke(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, prog_name="plughost")


def ok(*args: str, input: str | None = None) -> str:
    result = invoke(*args, input=input)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert result.stderr == ""
    return result.stdout


def fails(*args: str, code: int = 1, input: str | None = None) -> str:
    """Run a failing command; check the one-line error contract; return the message."""
    result = invoke(*args, input=input)
    assert result.exit_code == code, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.output
    return lines[0].removeprefix("error: ")


def tree(root: Path) -> list[str]:
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


# -- the group ------------------------------------------------------------------------


def test_version() -> None:
    assert ok("--version") == f"plughost {plughost.__version__}\n"


def test_bare_command_shows_help() -> None:
    assert "Commands:" in ok()


@pytest.mark.parametrize(
    "command", ["setup", "list", "edit", "delete", "backup", "restore", "run", "console"]
)
def test_every_command_has_help(command: str) -> None:
    for flag in ("--help", "-h"):
        out = ok(command, flag)
        assert out.startswith(f"Usage: plughost {command} ")


def test_usage_errors_are_one_line(home: Path) -> None:
    assert "No such command 'bogus'" in fails("bogus", code=2)
    message = fails("list", "--nope", code=2)
    assert "No such option" in message
    assert "--nope" in message
    assert "Missing argument 'NAME'" in fails("setup", code=2)
    message = fails("setup", "x", "--backend", "mysql", code=2)
    assert "'mysql' is not one of 'sqlite', 'postgres'" in message
    assert "see 'plughost setup --help'" in message
    assert "0 is not in the range x>=1" in fails("setup", "x", "--owner", "0", code=2)
    assert tree(home) == []


# -- setup ----------------------------------------------------------------------------


def test_setup_no_prompt_uses_defaults(home: Path) -> None:
    out = ok("setup", "main", "--no-prompt")
    assert out.splitlines() == [
        f"created instance main at {home / 'main'}",
        "no token saved: set PLUGHOST_TOKEN, or run `plughost edit main --token-stdin`",
    ]
    settings = inst.load("main").settings
    assert (settings.backend, settings.prefix, settings.owners, settings.token) == (
        "sqlite",
        "!",
        (),
        None,
    )


def test_setup_without_a_terminal_never_prompts(home: Path) -> None:
    # CliRunner's stdin is not a TTY: no question is asked, even without --no-prompt.
    out = ok("setup", "main", "--prefix", "?", "--owner", "11", "--owner", "22")
    assert "?" not in out.split("\n")[0].removeprefix("created")
    settings = inst.load("main").settings
    assert settings.prefix == "?"
    assert settings.owners == (11, 22)


def test_setup_reads_the_token_from_stdin_and_never_prints_it(home: Path) -> None:
    result = invoke("setup", "main", "--no-prompt", "--token-stdin", input=TOKEN + "\n")
    assert result.exit_code == 0
    assert TOKEN not in result.output
    assert "no token saved" not in result.output
    settings_file = home / "main" / "settings.json"
    assert json.loads(settings_file.read_text())["token"] == TOKEN
    assert stat.S_IMODE(settings_file.stat().st_mode) == 0o600
    assert TOKEN not in ok("list")


def test_setup_token_stdin_must_not_be_empty(home: Path) -> None:
    assert fails("setup", "main", "--token-stdin", input="\n") == "no token on standard input"
    assert tree(home) == []


def test_setup_refuses_a_clash_and_a_bad_name(home: Path) -> None:
    ok("setup", "main", "--no-prompt", "--prefix", "?")
    assert "an instance named 'main' already exists" in fails("setup", "main", "--no-prompt")
    assert inst.load("main").settings.prefix == "?"
    assert "invalid instance name 'a b'" in fails("setup", "a b", "--no-prompt")
    assert inst.instance_names() == ["main"]


def test_setup_in_an_unwritable_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("PLUGHOST_HOME", str(blocker / "home"))
    assert "Not a directory" in fails("setup", "main", "--no-prompt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_setup_postgres_needs_a_dsn(home: Path) -> None:
    assert "needs --dsn" in fails("setup", "pg", "--backend", "postgres", "--no-prompt", code=2)
    assert tree(home) == []


def test_setup_with_an_unreachable_dsn(home: Path) -> None:
    message = fails("setup", "pg", "--dsn", "postgres://bot:hunter2@127.0.0.1:1/bot")
    assert message.startswith("cannot connect to PostgreSQL at postgres://bot:***@127.0.0.1:1/bot")
    assert "hunter2" not in message
    assert tree(home) == []


@pytest.mark.postgres
async def test_setup_postgres(home: Path, pg_dsn: str) -> None:
    ok("setup", "pg", "--backend", "postgres", "--dsn", pg_dsn, "--no-prompt")
    created = inst.load("pg")
    assert created.settings.backend == "postgres"
    assert created.dsn == pg_dsn
    assert "pg\tpostgres\t!" in ok("list")


# -- list -----------------------------------------------------------------------------


def test_list_when_empty(home: Path) -> None:
    assert ok("list") == f"no instances in {home}; create one with `plughost setup NAME`\n"


def test_list_is_tab_separated_when_not_a_terminal(home: Path) -> None:
    ok("setup", "b", "--no-prompt", "--owner", "1", "--owner", "2")
    ok("setup", "a", "--no-prompt", "--prefix", "?")
    assert ok("list").splitlines() == [
        "name\tbackend\tprefix\towners\tpath",
        f"a\tsqlite\t?\t-\t{home / 'a'}",
        f"b\tsqlite\t!\t1, 2\t{home / 'b'}",
    ]


def test_list_shows_a_broken_instance_instead_of_failing(home: Path) -> None:
    ok("setup", "good", "--no-prompt")
    ok("setup", "bad", "--no-prompt")
    (home / "bad" / "settings.json").write_text("{oops")
    lines = ok("list").splitlines()
    assert lines[1].startswith("bad\t?\t?\t?\tbroken: corrupt settings in ")
    assert lines[2].startswith("good\tsqlite\t")


# -- edit -----------------------------------------------------------------------------


def test_edit_prefix_and_owners(home: Path) -> None:
    ok("setup", "main", "--no-prompt", "--owner", "1")
    out = ok("edit", "main", "--prefix", "$", "--owner", "2", "--owner", "1")
    assert out == "edited instance main: prefix, owners updated\n"
    assert inst.load("main").settings.owners == (1, 2)
    ok("edit", "main", "--clear-owners", "--owner", "3")
    assert inst.load("main").settings.owners == (3,)
    ok("edit", "main", "--clear-owners")
    settings = inst.load("main").settings
    assert (settings.prefix, settings.owners) == ("$", ())


def test_edit_token_from_stdin_is_never_printed(home: Path) -> None:
    ok("setup", "main", "--no-prompt")
    result = invoke("edit", "main", "--token-stdin", input=TOKEN + "\n")
    assert result.exit_code == 0
    assert TOKEN not in result.output
    assert inst.load("main").settings.token == TOKEN
    ok("edit", "main", "--clear-token")
    assert inst.load("main").settings.token is None


def test_edit_failures(home: Path) -> None:
    assert "unknown instance 'ghost'" in fails("edit", "ghost", "--prefix", "?")
    ok("setup", "main", "--no-prompt")
    before = (home / "main" / "settings.json").read_bytes()
    assert "nothing to change" in fails("edit", "main", code=2)
    assert "cannot be used together" in fails(
        "edit", "main", "--token-stdin", "--clear-token", code=2
    )
    assert "starts or ends with a space" in fails("edit", "main", "--prefix", " ", code=2)
    assert "needs a dsn" in fails("edit", "main", "--backend", "postgres")
    message = fails("edit", "main", "--dsn", "postgres://u:hunter2@127.0.0.1:1/x")
    assert "cannot connect to PostgreSQL" in message
    assert "hunter2" not in message
    assert (home / "main" / "settings.json").read_bytes() == before


def test_commands_on_corrupt_settings_fail_in_one_line(home: Path) -> None:
    ok("setup", "main", "--no-prompt")
    (home / "main" / "settings.json").write_text('{"schema_version": 1}')
    for args in (["edit", "main", "--prefix", "?"], ["backup", "main"], ["run", "main"]):
        assert "corrupt settings in" in fails(*args)


# -- delete, backup, restore ----------------------------------------------------------


def test_delete_backs_up_unless_told_not_to(home: Path) -> None:
    ok("setup", "one", "--no-prompt")
    ok("setup", "two", "--no-prompt")
    # Not a terminal: no confirmation is asked.
    out = ok("delete", "one")
    archive = Path(out.strip().rpartition("backup at ")[2])
    assert archive.parent == home / ".backups"
    assert archive.is_file()
    assert ok("delete", "two", "--no-backup", "--yes") == "deleted instance two; no backup kept\n"
    assert inst.instance_names() == []
    assert "unknown instance 'two'" in fails("delete", "two")


def test_backup_and_restore(home: Path, tmp_path: Path) -> None:
    ok("setup", "main", "--no-prompt", "--prefix", "?", "--token-stdin", input=TOKEN)
    out = ok("backup", "main", "--to", str(tmp_path))
    archive = Path(out.strip().rpartition(" to ")[2])
    assert archive.parent == tmp_path
    assert TOKEN not in out
    assert "already exists" in fails("restore", str(archive))
    assert ok("restore", str(archive), "--as", "copy") == (
        f"restored instance copy at {home / 'copy'}\n"
    )
    assert inst.load("copy").settings.prefix == "?"
    assert inst.load("copy").settings.token == TOKEN
    assert "unknown instance 'ghost'" in fails("backup", "ghost")


@pytest.mark.postgres
async def test_postgres_backup_and_restore_through_the_cli(
    home: Path, pg_dsn: str, tmp_path: Path
) -> None:
    ok("setup", "pg", "--dsn", pg_dsn, "--no-prompt")
    out = ok("backup", "pg", "--to", str(tmp_path))
    archive = out.strip().rsplit(" to ", 1)[1]
    # The instance never ran, so its database holds no plughost data: restorable there.
    ok("restore", archive, "--as", "pg2")
    assert inst.load("pg2").settings.dsn == pg_dsn


def test_restore_dsn_applies_to_postgres_archives_only(home: Path, tmp_path: Path) -> None:
    ok("setup", "lite", "--no-prompt")
    archive = str(inst.backup("lite", to=tmp_path / "lite.tar.gz"))
    message = fails("restore", archive, "--as", "lite2", "--dsn", "postgres://x@127.0.0.1/db")
    assert "holds an SQLite instance" in message
    assert not (home / "lite2").exists()


def test_restore_bad_archives(home: Path, tmp_path: Path) -> None:
    assert "no such backup archive" in fails("restore", str(tmp_path / "nope.tar.gz"))
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"\x1f\x8b garbage")
    assert "bad archive" in fails("restore", str(junk))
    assert "invalid instance name" in fails("restore", str(junk), "--as", "no/slash")
    assert tree(home) == []


# -- run and console (parsing only: the runtime is tested elsewhere) -------------------


def test_run_without_a_token_fails_in_one_line(home: Path) -> None:
    ok("setup", "main", "--no-prompt")
    message = fails("run", "main")
    assert message == (
        "instance 'main' has no bot token: set PLUGHOST_TOKEN, "
        "or run `plughost edit main --token-stdin`"
    )
    assert "unknown instance 'ghost'" in fails("run", "ghost")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--shards", "x"], "'x' is not a shard list like 0, 0-3 or 0,2"),
        (["--shards", "3-1"], "shard range '3-1' runs backwards"),
        (["--shards", "-1"], "is not a shard list"),
        (["--shards", "0-99999999"], "larger than"),
        (["--shards", "0-3", "--total-shards", "2"], "shard 3 does not fit in --total-shards 2"),
        (["--total-shards", "0"], "0 is not in the range x>=1"),
        (["--discord-url", "ftp://x"], "expected an http:// or https:// URL"),
    ],
)
def test_run_option_errors(home: Path, args: list[str], message: str) -> None:
    ok("setup", "main", "--no-prompt")
    text = fails("run", "main", *args, code=2)
    assert message in text
    assert "Invalid value for" in text


@pytest.mark.parametrize(
    ("spec", "ids"),
    [("0", [0]), ("0-3", [0, 1, 2, 3]), ("0,2", [0, 2]), ("4, 0-1,1", [0, 1, 4])],
)
def test_shard_specs(spec: str, ids: list[int]) -> None:
    ctx = click.Context(cli)
    assert _parse_shards(ctx, click.Option(["--shards"]), spec) == ids


def test_console_of_an_unknown_instance(home: Path) -> None:
    assert "unknown instance 'ghost'" in fails("console", "ghost")


# -- the real console script ----------------------------------------------------------


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PLUGHOST_TOKEN"}
    env["PLUGHOST_HOME"] = str(home)
    return env


@pytest.mark.slow
def test_console_script_end_to_end(home: Path) -> None:
    def script(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SCRIPT), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=_env(home),
            timeout=60,
            check=False,
        )

    version = script("--version")
    assert (version.returncode, version.stdout) == (0, f"plughost {plughost.__version__}\n")
    setup = script("setup", "main", "--no-prompt", "--token-stdin", stdin=TOKEN + "\n")
    assert setup.returncode == 0, setup.stderr
    assert setup.stdout.startswith(f"created instance main at {home / 'main'}")
    assert TOKEN not in setup.stdout + setup.stderr
    # Not a terminal: plain text, no colour codes.
    assert "\x1b[" not in setup.stdout
    clash = script("setup", "main", "--no-prompt")
    assert clash.returncode == 1
    assert clash.stderr == f"error: an instance named 'main' already exists at {home / 'main'}\n"
    assert clash.stdout == ""


@pytest.mark.slow
def test_help_and_instance_commands_do_not_import_the_bot_runtime(home: Path) -> None:
    code = """
import sys
from plughost.cli import cli
for args in (["--help"], ["run", "--help"], ["setup", "x", "--no-prompt"], ["list"],
             ["run", "x"], ["console", "ghost"]):
    cli.main(args, prog_name="plughost", standalone_mode=False)
heavy = sorted(m for m in ("interactions", "plughost.runtime.runner",
                           "plughost.offline.console", "asyncpg")
               if m in sys.modules)
print(heavy)
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=_env(home),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def _run_in_terminal(args: Sequence[str], dialogue: Sequence[tuple[str, str]], home: Path) -> str:
    """Run the script on a pseudo-terminal, answering each prompt once it appears.

    Returns the terminal transcript (what a user would see, including the echo of
    what they typed, colours stripped) and checks the exit code is 0 or 1.
    """
    pid, fd = pty.fork()
    if pid == 0:  # the child: become the script, never return into pytest
        try:
            os.execve(str(SCRIPT), [str(SCRIPT), *args], _env(home))
        finally:
            os._exit(127)
    chunks: list[bytes] = []
    deadline = time.monotonic() + 30

    def read_more() -> bool:
        ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
        assert ready, f"no output within 30 s; transcript so far: {b''.join(chunks)!r}"
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child has closed the terminal
            return False
        chunks.append(chunk)
        return bool(chunk)

    try:
        seen = 0
        for prompt, answer in dialogue:
            # Wait for the prompt itself, not a timer: getpass discards typed-ahead input.
            while (found := b"".join(chunks).find(prompt.encode(), seen)) < 0:
                assert read_more(), f"exited before {prompt!r}: {b''.join(chunks)!r}"
            seen = found + len(prompt)
            os.write(fd, answer.encode() + b"\n")
        while read_more():
            pass
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    transcript = ANSI.sub("", b"".join(chunks).decode(errors="replace")).replace("\r\n", "\n")
    assert os.waitstatus_to_exitcode(status) in (0, 1), transcript
    return transcript


@pytest.mark.slow
def test_interactive_setup_asks_for_what_is_missing_and_hides_the_token(home: Path) -> None:
    transcript = _run_in_terminal(
        ["setup", "main"],
        [
            ("[sqlite]: ", ""),
            ("Command prefix [!]: ", "?"),
            ("(blank for none): ", "not-a-number"),
            ("(blank for none): ", "123456789012345678"),
            ("set it later): ", TOKEN),
        ],
        home,
    )
    assert "That is not a Discord user id" in transcript
    assert "created instance main" in transcript
    assert TOKEN not in transcript  # typed with echo off
    settings = inst.load("main").settings
    assert settings.backend == "sqlite"
    assert settings.prefix == "?"
    assert settings.owners == (123456789012345678,)
    assert settings.token == TOKEN


@pytest.mark.slow
def test_delete_on_a_terminal_asks_first(home: Path) -> None:
    inst.create("main")
    transcript = _run_in_terminal(["delete", "main"], [("[y/N]: ", "n")], home)
    assert "error: aborted" in transcript
    assert inst.instance_names() == ["main"]
    transcript = _run_in_terminal(["delete", "main", "--no-backup"], [("[y/N]: ", "y")], home)
    assert "WITHOUT a backup" in transcript
    assert "deleted instance main" in transcript
    assert inst.instance_names() == []


def test_edit_cache_policies(home: Path) -> None:
    ok("setup", "main", "--no-prompt")
    settings = inst.load("main").settings
    assert (settings.message_cache, settings.member_cache) == (250, None)
    out = ok("edit", "main", "--message-cache", "1", "--member-cache", "5000")
    assert out == "edited instance main: message_cache, member_cache updated\n"
    settings = inst.load("main").settings
    assert (settings.message_cache, settings.member_cache) == (1, 5000)
    ok("edit", "main", "--member-cache", "all")
    assert inst.load("main").settings.member_cache is None
    before = (home / "main" / "settings.json").read_bytes()
    assert "neither a positive count nor 'all'" in fails(
        "edit", "main", "--member-cache", "0", code=2
    )
    assert "--message-cache" in fails("edit", "main", "--message-cache", "0", code=2)
    assert (home / "main" / "settings.json").read_bytes() == before


def test_edit_request_rate(home: Path) -> None:
    ok("setup", "main", "--no-prompt")
    assert inst.load("main").settings.requests_per_second == 45
    out = ok("edit", "main", "--requests-per-second", "500")
    assert out == "edited instance main: requests_per_second updated\n"
    assert inst.load("main").settings.requests_per_second == 500
    before = (home / "main" / "settings.json").read_bytes()
    assert "--requests-per-second" in fails("edit", "main", "--requests-per-second", "0", code=2)
    assert "--requests-per-second" in fails("edit", "main", "--requests-per-second", "x", code=2)
    too_many = fails("edit", "main", "--requests-per-second", "1000001")
    assert too_many == "requests_per_second must be a rate from 1 to 1,000,000"
    assert (home / "main" / "settings.json").read_bytes() == before
