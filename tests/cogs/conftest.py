"""Fixtures for cog tests: one virtual environment per test session, shared."""

from __future__ import annotations

import pytest

from .dists import Venv


@pytest.fixture(scope="session")
def cog_venv(tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """A venv seeing the system's site-packages (plughost included). Tests install
    distributions with names of their own, so they do not see each other's cogs."""
    return Venv.create(tmp_path_factory.mktemp("cog-venv") / "venv")
