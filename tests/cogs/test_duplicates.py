"""Two distributions claiming one cog name: both reported, neither loadable."""

from __future__ import annotations

from pathlib import Path

import pytest

from .dists import Venv, cog_module, write_cog_project

pytestmark = pytest.mark.slow


def test_a_name_claimed_twice_is_quarantined_listing_both_distributions(
    cog_venv: Venv, tmp_path: Path
) -> None:
    first = write_cog_project(
        tmp_path,
        "phtest-dup-first",
        version="1.0",
        cogs={"dup_admin": "phtest_dup_first:Admin"},
        files={"__init__.py": cog_module("Admin")},
    )
    second = write_cog_project(
        tmp_path,
        "phtest-dup-second",
        version="2.5",
        cogs={"dup_admin": "phtest_dup_second:Admin", "dup_other": "phtest_dup_second:Other"},
        files={"__init__.py": cog_module("Admin") + cog_module("Other")},
    )
    cog_venv.install(first, second)

    result = cog_venv.run_json(
        """
        catalog = scan()
        emit({"catalog": catalog_dict(catalog),
              "imported": loaded("phtest_dup_first", "phtest_dup_second")})
        """
    )

    catalog = result["catalog"]
    assert "dup_admin" not in catalog["available"], "neither claimant may be loadable"
    quarantine = catalog["quarantined"]["dup_admin"]
    assert quarantine["kind"] == "duplicate"
    assert [c["distribution"] for c in quarantine["claimants"]] == [
        "phtest-dup-first",
        "phtest-dup-second",
    ]
    assert "phtest-dup-first 1.0" in quarantine["reason"]
    assert "phtest-dup-second 2.5" in quarantine["reason"]
    # The clash costs only the contested name: the second distribution's other cog loads.
    assert catalog["available"]["dup_other"]["distribution"] == "phtest-dup-second"
    assert result["imported"] == []
