"""A Red 3.5 data folder (``red35/``, JSON files as Red's JSON driver writes them), a
plughost home, and the CLI."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from plughost.cli import cli

RED35 = Path(__file__).parent / "red35"
GUILD, OTHER_GUILD = 500000000000000001, 500000000000000009
ALICE, BOB = 444444444444444444, 555555555555555555
OWNER = 111111111111111111
RED_TOKEN = "MTIzNDU2.fake-red-token.abc"
API_KEY = "yt-secret-key"
#: Documents in red35/ with secrets withheld: Core 10, Bank 5, ModLog 9, Notes 2711 10 and
#: 99 1, Permissions 6.
DOCUMENTS = 41


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "plughost-home"
    monkeypatch.setenv("PLUGHOST_HOME", str(path))
    return path


@pytest.fixture
def red_folder(tmp_path: Path) -> Path:
    """A copy of red35/ (a test may change it; Red's own files are never written)."""
    target = tmp_path / "red-data"
    shutil.copytree(RED35, target)
    return target


def write_red_config(folder: Path, cog_name: str, data: dict[str, Any]) -> None:
    """Write one cog's ``settings.json`` where and as Red's JSON driver does."""
    path = folder / ("core" if cog_name == "Core" else f"cogs/{cog_name}") / "settings.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture
def run_cli() -> Callable[..., tuple[int, str]]:
    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, list(args))
        return result.exit_code, result.output

    return run
