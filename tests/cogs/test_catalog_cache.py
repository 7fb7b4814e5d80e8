"""The cog catalog is cached until a directory on sys.path changes."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from plughost.cogs import discovery

_HOUR = 3600


def _write_dist(folder: Path, name: str, cog: str) -> Path:
    """A distribution as pip lays it out: metadata in ``NAME-1.0.dist-info``."""
    info = folder / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[plughost.cogs]\n{cog} = {name}_mod:Cog\n")
    return info


def _age(folder: Path) -> None:
    """Make ``folder`` look untouched for an hour (fresh changes are never cached)."""
    past = time.time() - _HOUR
    os.utime(folder, (past, past))


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    discovery.invalidate_catalog()
    return folder


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every directory counts as settled: other folders on sys.path (the tests folder,
    site-packages) may be changing while the tests run."""
    monkeypatch.setattr(discovery, "_SETTLE_NS", -_HOUR * 10**9)


@pytest.mark.usefixtures("settled")
def test_unchanged_path_reuses_the_catalog(site: Path) -> None:
    _write_dist(site, "phcache_a", "cachea")
    _age(site)
    first = discovery.scan()
    assert "cachea" in first.available
    assert discovery.scan() is first
    discovery.invalidate_catalog()
    again = discovery.scan()
    assert again is not first
    assert again.available.keys() == first.available.keys()


@pytest.mark.usefixtures("settled")
def test_install_and_uninstall_are_seen_at_once(site: Path) -> None:
    _age(site)
    assert "cacheb" not in discovery.scan()
    info = _write_dist(site, "phcache_b", "cacheb")
    assert "cacheb" in discovery.scan().available
    _age(site)
    assert "cacheb" in discovery.scan().available
    shutil.rmtree(info)
    assert "cacheb" not in discovery.scan()


def test_changes_within_one_timestamp_tick_are_seen(site: Path) -> None:
    # Two installs in quick succession may leave the folder's time unchanged
    # (file times are coarse): a catalog made in between must not be reused.
    _write_dist(site, "phcache_c", "cachec")
    assert "cachec" in discovery.scan().available
    _write_dist(site, "phcache_d", "cached")
    assert {"cachec", "cached"} <= discovery.scan().available.keys()
