"""Cogs installed in-process for one test: a ``.dist-info`` next to a package on sys.path.

What ``pip install`` leaves behind (see tests/userdata/installed.py), written in
a second, so that ``bot.load_cog`` and startup go through the real path (scan,
import, hooks). Each call makes a package of its own name.
"""

from __future__ import annotations

import sys
import textwrap
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

__all__ = ["InPlace", "in_place"]


class InPlace:
    """Installs cog sources under one site folder on ``sys.path``."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self.packages: list[str] = []

    def install(self, cogs: Mapping[str, str], source: str) -> str:
        """``source`` as a new package whose entry points are ``cogs`` (name -> class)."""
        package = f"phdep_{uuid.uuid4().hex[:10]}"
        (self.site / package).mkdir(parents=True)
        (self.site / package / "__init__.py").write_text(textwrap.dedent(source))
        info = self.site / f"{package}-0.1.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {package}\nVersion: 0.1\n"
            "Summary: a test cog\nRequires-Dist: plughost>=0.1\n"
        )
        points = "".join(f"{name} = {package}:{cls}\n" for name, cls in cogs.items())
        (info / "entry_points.txt").write_text(f"[plughost.cogs]\n{points}")
        (info / "top_level.txt").write_text(f"{package}\n")
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
