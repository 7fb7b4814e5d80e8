"""Issue 14, item 3: what chat and the CLI may hand to pip, checked before pip runs.

Through the real bot (the test kit's ``bot`` and ``fake_discord``): every injection
form the issue found is refused with a short reply, the owner gets a log line, and
the environment is the same afterwards (pip never ran). The parsing rules
themselves are checked on :mod:`plughost.cogs.targets` directly.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from plughost.cogs.install import installed_versions
from plughost.cogs.targets import TargetRefused, chat_target, cli_target
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord

# (text typed after `!cog install`, a word the reply must contain)
INJECTIONS = [
    ("-r/etc/hostname", "pip options are not accepted"),
    ("--index-url=https://evil.example/simple", "pip options are not accepted"),
    ("--find-links=/tmp", "pip options are not accepted"),
    ("./plugins/economy", "paths are not accepted"),
    ("/tmp/evil", "paths are not accepted"),
    ("evil-1.0-py3-none-any.whl", "wheel and archive files are not accepted"),
    ("evil-1.0.tar.gz", "wheel and archive files are not accepted"),
    ("https://evil.example/evil-1.0-py3-none-any.whl", "URLs are not accepted"),
    ('"evil @ https://evil.example/evil.whl"', "URLs are not accepted"),
    ("git+ssh://git@evil.example/evil", "URLs are not accepted"),
    ("\"evil; python_version>'3'\"", "environment markers are not accepted"),
    ("evil==", "that is not a package name"),
]


@pytest.mark.parametrize(("text", "reason"), INJECTIONS)
async def test_chat_install_refuses_before_pip_runs(
    bot: Bot,
    fake_discord: FakeDiscord,
    caplog: pytest.LogCaptureFixture,
    text: str,
    reason: str,
) -> None:
    before = installed_versions()
    with caplog.at_level(logging.WARNING, logger="plughost.core"):
        replies = await fake_discord.send(f"!cog install {text}", author=fake_discord.owner)
    assert len(replies) == 1
    assert replies[0].content.startswith(f"Not installed: {reason}")
    assert len(replies[0].content) < 120
    assert installed_versions() == before
    assert f"cog install of {text.strip(chr(34))!r} refused" in caplog.text


async def test_slash_install_refuses_an_option(bot: Bot, fake_discord: FakeDiscord) -> None:
    response = await fake_discord.slash(
        "cog install", author=fake_discord.owner, package="-r/etc/hostname"
    )
    assert response.content == (
        "Not installed: pip options are not accepted: give a package name only."
    )


async def test_non_owners_are_refused_before_any_parsing(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    replies = await fake_discord.send("!cog install -r/etc/hostname", author="alice")
    assert len(replies) == 1
    assert "Not installed" not in replies[0].content


@pytest.mark.parametrize(
    ("text", "argument"),
    [
        ("plughost-economy", "plughost-economy"),
        ("Plughost_Economy>=1.0,<2", "Plughost_Economy<2,>=1.0"),
        ("plughost-economy[extra]==1.2", "plughost-economy[extra]==1.2"),
        ("  plughost-economy  ", "plughost-economy"),
    ],
)
def test_specifiers_pass_normalised(text: str, argument: str) -> None:
    target = chat_target(text)
    assert (target.argument, target.kind, target.name) == (
        argument,
        "requirement",
        "plughost-economy",
    )


@pytest.mark.parametrize("text", [t for t, _ in INJECTIONS] + ["", "x" * 300, "evil\x00"])
def test_chat_target_refuses(text: str) -> None:
    with pytest.raises(TargetRefused):
        chat_target(text.strip('"'))


def test_cli_target_takes_local_projects_wheels_and_specifiers(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname='p'\n")
    wheel = tmp_path / "p-1.0-py3-none-any.whl"
    wheel.write_bytes(b"")
    assert cli_target("proj", cwd=tmp_path).kind == "requirement"  # a bare word is a name
    assert cli_target("./proj", cwd=tmp_path).argument == str(project)
    assert cli_target(wheel.name, cwd=tmp_path).argument == str(wheel)
    assert cli_target(".", cwd=project).argument == str(project)
    assert cli_target("plughost-economy==1").argument == "plughost-economy==1"
    for refused, reason in [
        ("-r/etc/hostname", "pip options"),
        ("--index-url=https://x", "pip options"),
        ("https://evil.example/p.whl", "URLs"),
        ("./missing", "no such file"),
        (str(tmp_path), "without pyproject.toml"),
        (str(project / "pyproject.toml"), "neither a wheel"),
    ]:
        with pytest.raises(TargetRefused, match=reason):
            cli_target(refused, cwd=tmp_path)
