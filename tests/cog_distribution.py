"""A cog distribution written straight onto a site folder, as ``pip install`` leaves one.

A package of a fresh, unique name beside its ``.dist-info`` (METADATA, entry points in
``plughost.cogs``, top_level.txt): plughost's discovery reads exactly this, so a test
can load cogs through the real path (scan, import, hooks) without a venv build. The
tests' in-process cog fixtures all write their cogs with it.
"""

from __future__ import annotations

import textwrap
import uuid
from collections.abc import Mapping
from pathlib import Path

__all__ = ["write_cog_distribution"]


def write_cog_distribution(
    site: Path,
    prefix: str,
    cogs: Mapping[str, str],
    source: str,
    *,
    version: str = "0.1",
    summary: str = "a test cog",
) -> str:
    """``source`` as a new package ``{prefix}_<hex>`` under ``site`` whose entry points
    are ``cogs`` (name -> class); returns the package's name."""
    package = f"{prefix}_{uuid.uuid4().hex[:10]}"
    (site / package).mkdir(parents=True)
    (site / package / "__init__.py").write_text(textwrap.dedent(source))
    info = site / f"{package}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {package}\nVersion: {version}\n"
        f"Summary: {summary}\nRequires-Dist: plughost>=0.1\n"
    )
    points = "".join(f"{name} = {package}:{cls}\n" for name, cls in cogs.items())
    (info / "entry_points.txt").write_text(f"[plughost.cogs]\n{points}")
    (info / "top_level.txt").write_text(f"{package}\n")
    return package
