"""Discovery lists every installed cog with its metadata, importing none of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from .dists import Venv, cog_module, write_cog_project

pytestmark = pytest.mark.slow


def test_scan_lists_metadata_of_installed_cogs_without_importing_them(
    cog_venv: Venv, tmp_path: Path
) -> None:
    two_cogs = write_cog_project(
        tmp_path,
        "phtest-disc",
        version="1.2.3",
        summary="Balances and daily rewards.",
        homepage="https://example.org/disc",
        dependencies=["plughost>=0.1,<1", "attrs>=20"],
        cogs={"disc_alpha": "phtest_disc.alpha:Alpha", "disc_beta": "phtest_disc.beta:Beta"},
        files={
            "__init__.py": "",
            "alpha.py": cog_module("Alpha"),
            "beta.py": cog_module("Beta"),
        },
    )
    no_requirement = write_cog_project(
        tmp_path,
        "phtest-disc-free",
        dependencies=[],
        cogs={"disc_free": "phtest_disc_free:Free"},
        files={"__init__.py": cog_module("Free")},
    )
    cog_venv.install(two_cogs, no_requirement)

    result = cog_venv.run_json(
        """
        catalog = scan()
        emit({"catalog": catalog_dict(catalog),
              "imported": loaded("phtest_disc", "phtest_disc_free")})
        """
    )

    available = result["catalog"]["available"]
    assert available["disc_alpha"] == {
        "name": "disc_alpha",
        "entry_point": "phtest_disc.alpha:Alpha",
        "distribution": "phtest-disc",
        "version": "1.2.3",
        "summary": "Balances and daily rewards.",
        "homepage": "https://example.org/disc",
        "requires_plughost": "<1,>=0.1",
        "top_level": ["phtest_disc"],
    }
    assert available["disc_beta"]["entry_point"] == "phtest_disc.beta:Beta"
    assert available["disc_free"]["requires_plughost"] is None
    assert available["disc_free"]["homepage"] is None
    assert not {"disc_alpha", "disc_beta", "disc_free"} & set(result["catalog"]["quarantined"])
    assert result["imported"] == [], "scanning must not import any cog"
