"""Cogs installed in-process for one test: a ``.dist-info`` next to a package on sys.path.

What ``pip install`` leaves behind (see tests/userdata/installed.py), written in
a second, so that ``bot.load_cog`` and startup go through the real path (scan,
import, hooks). Each call makes a package of its own name.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from cog_distribution import write_cog_distribution

__all__ = ["InPlace", "in_place"]


class InPlace:
    """Installs cog sources under one site folder on ``sys.path``."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self.packages: list[str] = []

    def install(self, cogs: Mapping[str, str], source: str) -> str:
        """``source`` as a new package whose entry points are ``cogs`` (name -> class)."""
        package = write_cog_distribution(self.site, "phdep", cogs, source)
        self.packages.append(package)
        return package

    def source_of(self, package: str) -> Path:
        return self.site / package / "__init__.py"


@pytest.fixture
def in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[InPlace]:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    installer = InPlace(site)
    yield installer
    for package in installer.packages:
        for name in [m for m in sys.modules if m.partition(".")[0] == package]:
            del sys.modules[name]
