"""A cog whose requirement on plughost excludes the running version is never imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from plughost import __version__
from plughost.cogs import CogInfo, compatibility_problem

from .dists import Venv, cog_module, write_cog_project


def _info(requires: str | None) -> CogInfo:
    return CogInfo(
        name="x",
        entry_point="x:X",
        distribution="x",
        version="1",
        summary="",
        homepage=None,
        requires_plughost=requires,
        top_level=("x",),
    )


@pytest.mark.slow
def test_incompatible_requirement_is_quarantined_with_the_reason_and_not_imported(
    cog_venv: Venv, tmp_path: Path
) -> None:
    # Importing this module would leave a file behind: proof it never ran.
    marker = tmp_path / "imported"
    too_new = write_cog_project(
        tmp_path,
        "phtest-compat-new",
        dependencies=["plughost>=99"],
        cogs={"compat_new": "phtest_compat_new:New"},
        files={
            "__init__.py": cog_module(
                "New", header=f"from pathlib import Path\nPath({str(marker)!r}).touch()"
            )
        },
    )
    extra_only = write_cog_project(
        tmp_path,
        "phtest-compat-extra",
        dependencies=['plughost>=99; extra == "docs"'],
        cogs={"compat_extra": "phtest_compat_extra:Extra"},
        files={"__init__.py": cog_module("Extra")},
    )
    cog_venv.install(too_new, extra_only)

    result = cog_venv.run_json(
        """
        catalog = scan()
        emit({"catalog": catalog_dict(catalog), "imported": loaded("phtest_compat_new")})
        """
    )

    quarantine = result["catalog"]["quarantined"]["compat_new"]
    assert quarantine["kind"] == "incompatible"
    assert quarantine["reason"] == (
        f"phtest-compat-new 1.0: requires plughost>=99, but plughost {__version__} is running"
    )
    assert "compat_new" not in result["catalog"]["available"]
    assert result["imported"] == []
    assert not marker.exists()
    # A requirement that applies only with an extra does not constrain the cog.
    assert "compat_extra" in result["catalog"]["available"]


def test_development_builds_of_plughost_satisfy_ordinary_requirements() -> None:
    assert compatibility_problem(_info(">=0.1,<1"), running="0.2.0.dev3") is None
    assert compatibility_problem(_info(""), running="0.1.0") is None
    assert compatibility_problem(_info(None), running="0.1.0") is None
    assert compatibility_problem(_info("<0.1"), running="0.1.0") == (
        "requires plughost<0.1, but plughost 0.1.0 is running"
    )
