"""Installing, upgrading and uninstalling cogs from a local wheel folder (--find-links)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from plughost.testing.emulator import FakeDiscord

from .dists import Venv, write_cog_project
from .live import hello_cog, live_bot, make_instance, say

pytestmark = pytest.mark.slow


def _cli(venv: Venv, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv.python), "-m", "plughost", "cogs", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_install_upgrade_uninstall_and_refusal(
    cog_venv: Venv, fake_discord: FakeDiscord, home: Path, tmp_path: Path
) -> None:
    src, wheels = tmp_path / "src", tmp_path / "wheels"
    wheels.mkdir()
    projects = [
        write_cog_project(
            src,
            "phlive-inst",
            version=version,
            cogs={"liveinst": "phlive_inst:Hello"},
            files={"__init__.py": hello_cog("inst", f"inst v{version}")},
        )
        for version in ("1.0", "2.0")
    ]
    projects += [
        write_cog_project(
            src,
            "phlive-lib",
            version=version,
            cogs={"livelib": "phlive_lib:Hello"},
            files={"__init__.py": hello_cog("lib", "lib")},
        )
        for version in ("1.0", "2.0")
    ]
    projects.append(
        write_cog_project(
            src,
            "phlive-dep",
            cogs={"livedep": "phlive_dep:Hello"},
            dependencies=("plughost>=0.1", "phlive-lib<2"),
            files={"__init__.py": hello_cog("dep", "dep")},
        )
    )
    # Two pip runs, not five (each costs seconds): pip refuses two versions of one
    # name in a run, so the 1.0s (and phlive-dep) first, then the 2.0s.
    for version in ("1.0", "2.0"):
        cog_venv.build_wheels([p for p in projects if p.name.endswith(f"-{version}")], wheels)
    links = ("--no-index", "--find-links", str(wheels))

    # CLI: an install brings its dependencies...
    done = _cli(cog_venv, "install", "phlive-dep", *links)
    assert done.returncode == 0, done.stderr
    assert "installed phlive-dep: cogs livedep" in done.stdout
    # ...and the dry run refuses an upgrade that would break another cog, saying why.
    refused = _cli(cog_venv, "upgrade", "phlive-lib", *links)
    assert refused.returncode == 1
    assert "phlive-dep requires phlive-lib<2" in refused.stderr
    assert "livelib  phlive-lib 1.0" in _cli(cog_venv, "list").stdout

    # The bot: install, load, upgrade through the atomic reload, uninstall.
    make_instance(fake_discord)
    owner = fake_discord.owner
    env = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels)}
    async with live_bot(cog_venv, fake_discord, home, env):
        reply = await say(fake_discord, "!cog install phlive-inst==1.0", author=owner, wait=60)
        assert reply == "Installed phlive-inst==1.0; loaded liveinst."
        assert await say(fake_discord, "!inst") == "inst v1.0"
        reply = await say(fake_discord, "!cog install phlive-inst==2.0", author=owner, wait=60)
        assert reply == "Installed phlive-inst==2.0; loaded liveinst."
        assert await say(fake_discord, "!inst") == "inst v2.0"
        reply = await say(fake_discord, "!cog uninstall phlive-inst", author=owner, wait=60)
        assert reply == "Uninstalled phlive-inst."
        assert await say(fake_discord, "!inst", wait=1.5) == ""
    assert "liveinst" not in _cli(cog_venv, "list").stdout
    cog_venv.uninstall("phlive-dep", "phlive-lib")
