"""A cog whose hook implementations do not match the specs is quarantined at import."""

from __future__ import annotations

from pathlib import Path

import pytest

from .dists import Venv, cog_module, write_cog_project

pytestmark = pytest.mark.slow


def test_misspelt_or_mis_signed_hook_implementations_are_quarantined(
    cog_venv: Venv, tmp_path: Path
) -> None:
    misspelt = write_cog_project(
        tmp_path,
        "phtest-hooks-typo",
        cogs={"hooks_typo": "phtest_hooks_typo:Typo"},
        files={
            "__init__.py": cog_module(
                "Typo",
                """
                @hookimpl
                async def cog_lod(self):
                    pass
                """,
            )
        },
    )
    wrong_arguments = write_cog_project(
        tmp_path,
        "phtest-hooks-args",
        cogs={"hooks_args": "phtest_hooks_args:Args"},
        files={
            "__init__.py": cog_module(
                "Args",
                """
                @hookimpl
                async def delete_user_data(self, requester, userid):
                    pass

                @hookimpl
                def cog_unload(self):
                    pass
                """,
            )
        },
    )
    fine = write_cog_project(
        tmp_path,
        "phtest-hooks-fine",
        cogs={"hooks_fine": "phtest_hooks_fine:Fine"},
        files={
            "__init__.py": cog_module(
                "Fine",
                """
                @hookimpl
                async def delete_user_data(self, user_id):  # a subset is fine
                    pass

                @hookimpl(specname="cog_load", tryfirst=True)
                async def start(self):
                    pass
                """,
            )
        },
    )
    cog_venv.install(misspelt, wrong_arguments, fine)

    result = cog_venv.run_json(
        """
        out = {}
        catalog = scan()
        for name in ["hooks_typo", "hooks_args", "hooks_fine"]:
            try:
                import_cog(catalog.available[name])
                out[name] = "ok"
            except CogImportError as exc:
                out[name] = {"kind": exc.quarantine.kind, "reason": exc.quarantine.reason}
        out["modules"] = loaded("phtest_hooks_typo", "phtest_hooks_args")
        emit(out)
        """
    )

    assert result["hooks_typo"] == {
        "kind": "invalid-hooks",
        "reason": "phtest-hooks-typo 1.0 (phtest_hooks_typo:Typo): method 'cog_lod': "
        "there is no hook named 'cog_lod' (did you mean 'cog_load'?); "
        "the hooks are listed in plughost.hooks.specs",
    }
    reason = result["hooks_args"]["reason"]
    assert result["hooks_args"]["kind"] == "invalid-hooks"
    assert (
        "method 'delete_user_data': parameter 'userid' is not an argument of hook "
        "'delete_user_data' (its arguments: requester, user_id)" in reason
    )
    sync_impl = "method 'cog_unload': hook 'cog_unload' must be implemented with 'async def'"
    assert sync_impl in reason
    assert result["hooks_fine"] == "ok"
    assert result["modules"] == []
