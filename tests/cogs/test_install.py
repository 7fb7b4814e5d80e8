"""Installing, upgrading and uninstalling cogs: from a wheel folder (pip's own
PIP_FIND_LINKS setting), from a wheel or a project folder given to the CLI, and what
is refused or rolled back (issue 14, item 3; issue 15, item 4)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from plughost.testing.emulator import FakeDiscord

from .dists import Venv, build_wheels, write_cog_project
from .live import hello_cog, live_bot, make_instance, say

pytestmark = pytest.mark.slow


def _cli(venv: Venv, *args: str, wheels: Path | None = None) -> subprocess.CompletedProcess[str]:
    # Index settings are pip's own configuration, never arguments (issue 14, item 3).
    links = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels)} if wheels else {}
    return subprocess.run(
        [str(venv.python), "-m", "plughost", "cogs", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", **links},
    )


@pytest.fixture(scope="module")
def live_wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel folder for pip's PIP_FIND_LINKS, built once for the two tests below (each
    installs and removes its own names): phlive-inst 1.0 and 2.0, phlive-lib 1.0 and
    2.0, phlive-dep (requiring phlive-lib<2), and phlive-broken, whose cog fails at
    import (an install of it is rolled back)."""
    root = tmp_path_factory.mktemp("live-wheels")
    src, wheels = root / "src", root / "wheels"
    wheels.mkdir()
    projects = [
        write_cog_project(
            src,
            f"phlive-{name}",
            version=version,
            cogs={f"live{name}": f"phlive_{name}:Hello"},
            files={"__init__.py": hello_cog(name, answer.format(version))},
        )
        for name, answer in [("inst", "inst v{}"), ("lib", "lib")]
        for version in ("1.0", "2.0")
    ]
    projects.append(
        write_cog_project(
            src,
            "phlive-broken",
            cogs={"livebroken": "phlive_broken:Hello"},
            files={"__init__.py": "raise RuntimeError('broken at import')"},
        )
    )
    projects.append(
        write_cog_project(
            src,
            "phlive-dep",
            cogs={"livedep": "phlive_dep:Hello"},
            dependencies=("plughost>=0.1", "phlive-lib<2"),
            files={"__init__.py": hello_cog("dep", "dep")},
        )
    )
    build_wheels(projects, wheels)
    return wheels


def test_cli_install_brings_dependencies_and_refuses_a_breaking_upgrade(
    cog_venv: Venv, live_wheels: Path
) -> None:
    wheels = live_wheels
    try:
        # CLI: an install brings its dependencies...
        done = _cli(cog_venv, "install", "phlive-dep", wheels=wheels)
        assert done.returncode == 0, done.stderr
        assert "installed phlive-dep: cogs livedep" in done.stdout
        # ...and the dry run refuses an upgrade that would break another cog, saying why.
        refused = _cli(cog_venv, "upgrade", "phlive-lib", wheels=wheels)
        assert refused.returncode == 1
        assert "phlive-dep requires phlive-lib<2" in refused.stderr
        assert "livelib  phlive-lib 1.0" in _cli(cog_venv, "list").stdout
    finally:
        cog_venv.uninstall("phlive-dep", "phlive-lib")


async def test_bot_installs_upgrades_rolls_back_and_uninstalls(
    cog_venv: Venv, live_wheels: Path, fake_discord: FakeDiscord, home: Path
) -> None:
    # The bot: install, load, upgrade through the atomic reload, uninstall.
    wheels = live_wheels
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
        # Any failure after pip changed the environment rolls it back.
        reply = await say(fake_discord, "!cog install phlive-broken", author=owner, wait=60)
        assert reply.startswith("Install failed: cog 'livebroken' failed to load (import)")
        assert "phlive-broken" not in cog_venv.distributions()
        # Nothing user-given reaches pip as an option, even with a live index config.
        reply = await say(fake_discord, f"!cog install --find-links={wheels}", author=owner)
        assert reply == "Not installed: pip options are not accepted: give a package name only."
        reply = await say(fake_discord, "!cog uninstall phlive-inst", author=owner, wait=60)
        assert reply == "Uninstalled phlive-inst."
        assert await say(fake_discord, "!inst", wait=1.5) == ""
    assert "liveinst" not in _cli(cog_venv, "list").stdout


def test_cli_installs_wheels_and_folders_and_rolls_back(cog_venv: Venv, tmp_path: Path) -> None:
    src, wheels = tmp_path / "src", tmp_path / "wheels"
    wheels.mkdir()

    def project(dist: str, cog: str | None, init: str) -> Path:
        module = dist.replace("-", "_")
        cogs = {cog: f"{module}:Hello"} if cog else {}
        return write_cog_project(src, dist, cogs=cogs, files={"__init__.py": init})

    wheel_project = project("phcli-wheel", "cliwheel", hello_cog("cliwheel", "w"))
    (wheel,) = cog_venv.build_wheels([wheel_project], wheels)
    folder = project("phcli-folder", "clifolder", hello_cog("clifolder", "f"))
    broken = project("phcli-broken", "clibroken", "raise RuntimeError('broken at import')")
    no_cog = project("phcli-nocog", None, "")

    # A wheel and a project folder install (issue 15, item 4: they crashed afterwards).
    done = _cli(cog_venv, "install", str(wheel), wheels=wheels)
    assert done.returncode == 0, done.stderr
    assert "installed phcli-wheel: cogs cliwheel" in done.stdout
    again = _cli(cog_venv, "install", str(wheel), wheels=wheels)
    assert again.returncode == 1
    assert "nothing to install" in again.stderr
    # A relative folder; pip builds it with the host's own pip settings.
    done = subprocess.run(
        [str(cog_venv.python), "-m", "plughost", "cogs", "install", f"./{folder.name}"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=folder.parent,
        env={**os.environ, "PIP_NO_INDEX": "1", "PIP_NO_BUILD_ISOLATION": "0"},
    )
    assert done.returncode == 0, done.stderr
    assert "installed phcli-folder: cogs clifolder" in done.stdout
    listed = _cli(cog_venv, "list").stdout
    assert "cliwheel  phcli-wheel 1.0" in listed
    assert "clifolder  phcli-folder 1.0" in listed

    # Installed, then failing the import check or providing no cog: rolled back.
    env = {"PIP_NO_INDEX": "1", "PIP_NO_BUILD_ISOLATION": "0"}
    for path, reason in [(broken, "broken at import"), (no_cog, "provides no cog")]:
        failed = subprocess.run(
            [str(cog_venv.python), "-m", "plughost", "cogs", "install", str(path)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={**os.environ, **env},
        )
        assert failed.returncode == 1
        assert reason in failed.stderr
        assert "rolling back" in failed.stderr
    installed = cog_venv.distributions()
    assert {"phcli-wheel", "phcli-folder"} <= installed
    assert not {"phcli-broken", "phcli-nocog"} & installed
    cog_venv.uninstall("phcli-wheel", "phcli-folder")


def test_cli_refuses_pip_options_urls_and_missing_paths(cog_venv: Venv, tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"  # a live index configuration: PIP_FIND_LINKS is set
    wheels.mkdir()
    # pip options never pass: click refuses unknown options, and after `--` plughost does.
    hostfile = tmp_path / "requirements.txt"
    hostfile.write_text("phcli-never\n")
    for args, code, message in [
        (("install", f"-r{hostfile}"), 2, "No such option"),
        (("install", "--index-url=https://evil.example/simple", "x"), 2, "No such option"),
        (("install", "--", f"-r{hostfile}"), 1, "pip options are not accepted"),
        (("install", "--", "--index-url=https://evil.example/simple"), 1, "pip options"),
        (("install", "https://evil.example/e-1.0-py3-none-any.whl"), 1, "URLs are not accepted"),
        (("install", "e @ https://evil.example/e.whl"), 1, "URLs are not accepted"),
        (("install", str(tmp_path / "missing")), 1, "no such file or folder"),
    ]:
        refused = _cli(cog_venv, *args, wheels=wheels)
        assert refused.returncode == code, (args, refused.stderr)
        assert message in refused.stderr, (args, refused.stderr)
        assert "resolving" not in refused.stderr  # pip never ran
