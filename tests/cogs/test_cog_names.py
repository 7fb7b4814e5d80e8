"""A cog's name is its entry-point name: two cogs whose classes share a name coexist."""

from __future__ import annotations

from pathlib import Path

import pytest

from .dists import Venv, cog_module, write_cog_project

pytestmark = pytest.mark.slow


def _admin(command: str) -> str:
    return cog_module(
        "Admin",
        f"""
        @interactions.slash_command(name={command!r}, description="d")
        async def slash(self, ctx):
            pass
        """,
    )


def test_two_cogs_with_a_class_called_admin_get_their_entry_point_names(
    cog_venv: Venv, tmp_path: Path
) -> None:
    red = write_cog_project(
        tmp_path,
        "phtest-names-red",
        cogs={"admin_red": "phtest_names_red:Admin"},
        files={"__init__.py": _admin("red")},
    )
    blue = write_cog_project(
        tmp_path,
        "phtest-names-blue",
        cogs={"admin_blue": "phtest_names_blue:Admin"},
        files={"__init__.py": _admin("blue")},
    )
    cog_venv.install(red, blue)

    result = cog_venv.run_json(
        """
        import asyncio, interactions
        from plughost.cogs import attach_cog, instantiate

        async def main():
            bot = interactions.Client()
            catalog = scan()
            cogs = []
            for name in ["admin_red", "admin_blue"]:
                cog = instantiate(import_cog(catalog.available[name]), bot, name)
                attach_cog(cog)
                cogs.append(cog)
            commands = bot.interactions_by_scope[0]
            return {
                "classes": [type(c).__name__ for c in cogs],
                "names": [c.name for c in cogs],
                "extension_names": [c.extension_name for c in cogs],
                "bot_ext": sorted(bot.ext),
                "owners": {n: commands[n].extension.name for n in ["red", "blue"]},
            }
        emit(asyncio.run(main()))
        """
    )

    assert result == {
        "classes": ["Admin", "Admin"],
        "names": ["admin_red", "admin_blue"],
        "extension_names": ["admin_red", "admin_blue"],
        "bot_ext": ["admin_blue", "admin_red"],
        "owners": {"red": "admin_red", "blue": "admin_blue"},
    }
