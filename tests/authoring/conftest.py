"""One virtual environment per session for the author tools, as tests/cogs makes its own."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

# tests/ is on sys.path (pytest's rootdir-relative "prepend" import of the test
# packages), so tests/cogs is the package `cogs`: the same module its tests use.
from cogs.dists import Venv

__all__ = ["run_in"]


@pytest.fixture(scope="session")
def author_venv(tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """A venv seeing the system's site-packages (plughost included)."""
    return Venv.create(tmp_path_factory.mktemp("author-venv") / "venv")


def run_in(venv: Venv, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the venv's python with ``args`` (not checked: tests read the exit code)."""
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    env.pop("PYTHONPATH", None)  # find plughost and the cogs the way users do
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(
        [str(venv.python), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
