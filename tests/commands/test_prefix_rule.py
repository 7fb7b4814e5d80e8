"""One prefix rule (plughost.commands.prefixes.prefix_problem) for the CLI and the chat.

Issue 15, item 6: `plughost setup/edit --prefix` and the `prefix` command used to
disagree (1-32 characters with spaces, against at most 10). Both now ask
`prefix_problem`, and so do `plughost run` and the console for a prefix edited
into settings.json by hand.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import plughost.instances as inst
from plughost.cli import cli
from plughost.commands.prefixes import MAX_PREFIX_LENGTH, prefix_problem
from plughost.offline.console import run_console
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord

LONGEST = "x" * MAX_PREFIX_LENGTH


@pytest.mark.parametrize("prefix", ["!", "?", ">>", "hey bot", "❤️", "¿", "ㅤ!", LONGEST])
def test_good_prefixes(prefix: str) -> None:
    assert prefix_problem(prefix) is None


@pytest.mark.parametrize(
    ("prefix", "why"),
    [
        ("", "is empty"),
        (LONGEST + "x", f"has {MAX_PREFIX_LENGTH + 1} characters"),
        ("`", "has a backtick"),
        ("\u200b", "has U+200B ZERO WIDTH SPACE"),
        ("!\u200b", "has U+200B ZERO WIDTH SPACE"),
        ("\ufeff!", "has U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("\u202e!", "has U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("a\nb", "has U+000A (a control character)"),
        ("\t!", "has U+0009 (a control character)"),
        ("!\u00a0", "has U+00A0 NO-BREAK SPACE"),
        (" !", "starts or ends with a space"),
        ("bot ", "starts or ends with a space"),
        ("\u3164", "shows nothing"),
        ("\u2800\u2800", "shows nothing"),
    ],
)
def test_bad_prefixes_say_why(prefix: str, why: str) -> None:
    problem = prefix_problem(prefix)
    assert problem is not None
    assert problem.startswith(f"That prefix {why}"), problem
    assert f"1 to {MAX_PREFIX_LENGTH} visible characters" in problem


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PLUGHOST_HOME", str(tmp_path))
    monkeypatch.delenv("PLUGHOST_TOKEN", raising=False)
    return tmp_path


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), prog_name="plughost")
    return result.exit_code, result.stdout + result.stderr


def test_cli_setup_and_edit_apply_the_rule(home: Path) -> None:
    code, out = _cli("setup", "main", "--no-prompt", "--prefix", "!\u200b")
    assert code == 2
    assert "That prefix has U+200B ZERO WIDTH SPACE, which nobody can see." in out
    assert not (home / "main").exists()

    assert _cli("setup", "main", "--no-prompt", "--prefix", LONGEST)[0] == 0
    code, out = _cli("edit", "main", "--prefix", LONGEST + "x")
    assert code == 2
    assert f"That prefix has {MAX_PREFIX_LENGTH + 1} characters." in out
    assert inst.load("main").settings.prefix == LONGEST  # unchanged


def test_a_hand_edited_prefix_stops_run_and_console_naming_the_fix(home: Path) -> None:
    created = inst.create("main", prefix="!")
    document = json.loads(created.settings_path.read_text())
    document["prefix"] = "\u3164"
    created.settings_path.write_text(json.dumps(document))

    code, out = _cli("run", "main", "--discord-url", "http://127.0.0.1:9")
    assert code == 2, out
    assert "That prefix shows nothing." in out
    assert "plughost edit main --prefix PREFIX" in out

    assert run_console("main", stdin=io.StringIO("!ping\n"), stdout=io.StringIO()) == 1


async def test_the_chat_command_applies_the_same_rule(bot: Bot, fake_discord: FakeDiscord) -> None:
    owner = fake_discord.owner
    [reply] = await fake_discord.send("!prefix !\u200b", author=owner)
    assert reply.content.startswith("Bad argument `new`: That prefix has U+200B ZERO WIDTH SPACE")
    [reply] = await fake_discord.send(f"!prefix {LONGEST}x", author=owner)
    assert reply.content.startswith(
        f"Bad argument `new`: That prefix has {MAX_PREFIX_LENGTH + 1} characters."
    )
    response = await fake_discord.slash("prefix", author=owner, new="\u2800")
    assert response.content.startswith("Bad argument `new`: That prefix shows nothing.")
    # Nothing was stored: the old prefix still answers.
    assert (await fake_discord.send("!ping"))[0].content.startswith("pong")
    # The longest the CLI accepts, the chat accepts too.
    [reply] = await fake_discord.send(f"!prefix {LONGEST}", author=owner)
    assert reply.content == f"Prefix set to `{LONGEST}`."
    assert (await fake_discord.send(f"{LONGEST}ping"))[0].content.startswith("pong")
