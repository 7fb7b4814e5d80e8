"""Importing a cog: the class on success; on failure a quarantine and nothing half-imported."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from plughost.cogs import CogInfo, cog_packages, purge_modules

from .dists import Venv, cog_module, write_cog_project

IMPORT_EACH = """
results = {}
catalog = scan()
for name in %r:
    try:
        cls = import_cog(catalog.available[name])
    except CogImportError as exc:
        results[name] = {"kind": exc.quarantine.kind, "reason": exc.quarantine.reason,
                         "cause": type(exc.__cause__).__name__}
    else:
        results[name] = {"class": cls.__qualname__, "module": cls.__module__,
                         "statement": cls.end_user_data_statement,
                         "intents": int(cls.required_intents),
                         "permissions": int(cls.required_permissions)}
results["modules"] = loaded(*%r)
emit(results)
"""


@pytest.mark.slow
def test_import_returns_the_class_or_a_quarantine_leaving_no_module_behind(
    cog_venv: Venv, tmp_path: Path
) -> None:
    good = write_cog_project(
        tmp_path,
        "phtest-imp-good",
        cogs={"imp_good": "phtest_imp_good.cog:Good"},
        files={
            "__init__.py": "",
            "cog.py": cog_module(
                "Good",
                """
                end_user_data_statement = "Stores nothing."
                required_intents = interactions.Intents.GUILD_MEMBERS
                required_permissions = interactions.Permissions.MANAGE_ROLES
                """,
            ),
        },
    )
    broken = write_cog_project(
        tmp_path,
        "phtest-imp-broken",
        cogs={"imp_broken": "phtest_imp_broken:Broken"},
        files={
            # helper imports fine, then bad raises: without the purge,
            # phtest_imp_broken.helper would stay in sys.modules, half a cog.
            "__init__.py": "from . import helper\nfrom . import bad\n",
            "helper.py": "VALUE = 1\n",
            "bad.py": "raise RuntimeError('DATABASE_URL is not set')\n",
        },
    )
    not_a_cog = write_cog_project(
        tmp_path,
        "phtest-imp-notcog",
        cogs={"imp_notcog": "phtest_imp_notcog:setup"},
        files={"__init__.py": "def setup(bot):\n    pass\n"},
    )
    bad_declarations = write_cog_project(
        tmp_path,
        "phtest-imp-decl",
        cogs={"imp_decl": "phtest_imp_decl:Decl"},
        files={"__init__.py": cog_module("Decl", "required_intents = 512")},
    )
    cog_venv.install(good, broken, not_a_cog, bad_declarations)

    names = ["imp_good", "imp_broken", "imp_notcog", "imp_decl"]
    packages = ["phtest_imp_good", "phtest_imp_broken", "phtest_imp_notcog", "phtest_imp_decl"]
    result = cog_venv.run_json(IMPORT_EACH % (names, packages))

    assert result["imp_good"] == {
        "class": "Good",
        "module": "phtest_imp_good.cog",
        "statement": "Stores nothing.",
        "intents": 1 << 1,  # GUILD_MEMBERS
        "permissions": 1 << 28,  # MANAGE_ROLES
    }
    assert result["imp_broken"] == {
        "kind": "import-error",
        "reason": "phtest-imp-broken 1.0 (phtest_imp_broken:Broken): import failed: "
        "RuntimeError: DATABASE_URL is not set",
        "cause": "RuntimeError",
    }
    assert result["imp_notcog"]["kind"] == "not-a-cog"
    assert "is not a plughost.Cog subclass" in result["imp_notcog"]["reason"]
    assert result["imp_decl"]["kind"] == "invalid-declarations"
    assert "required_intents must be interactions.Intents" in result["imp_decl"]["reason"]
    # Only the cog that imported cleanly is left in sys.modules.
    assert result["modules"] == ["phtest_imp_good", "phtest_imp_good.cog"]


def _info(entry_point: str, top_level: tuple[str, ...]) -> CogInfo:
    return CogInfo(
        name="x",
        entry_point=entry_point,
        distribution="x",
        version="1",
        summary="",
        homepage=None,
        requires_plughost=None,
        top_level=top_level,
    )


def test_a_built_in_cog_owns_its_module_not_plughost() -> None:
    assert cog_packages(_info("plughost.core.admin:Admin", ("plughost",))) == (
        "plughost.core.admin",
    )
    assert cog_packages(_info("econ.cog:Econ", ("econ", "econ_data"))) == ("econ", "econ_data")
    with pytest.raises(ValueError, match="refusing to purge 'plughost'"):
        purge_modules("plughost")


def test_purging_returns_the_modules_so_a_failed_reload_can_restore_them() -> None:
    import json.decoder  # noqa: F401  (make sure it is loaded)

    removed = purge_modules("json")
    try:
        assert {"json", "json.decoder"} <= set(removed)
        assert "json" not in sys.modules
    finally:
        sys.modules.update(removed)
    assert sys.modules["json"] is removed["json"]
