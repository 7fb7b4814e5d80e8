"""A cog that raises or hangs in its hook does not stop the others, and is named."""

from __future__ import annotations

import zipfile
from io import BytesIO

from plughost.userdata import CogFailure, delete_user_data, export_user_data

from .cogs import ALICE, BadExport, Broken, Hanging
from .conftest import World, owned_by


async def test_deletion_reaches_every_cog_and_the_core_despite_failures(world: World) -> None:
    world.add(Broken, "broken")
    world.add(Hanging, "hanging")
    # Registered after economy and notes, so called before them: they must still run.

    result = await delete_user_data(ALICE, requester="owner", caller=world.caller, timeout=0.2)

    assert result.handled == ("notes", "economy")
    by_cog = {failure.cog: failure for failure in result.failed}
    assert set(by_cog) == {"broken", "hanging"}
    assert by_cog["broken"] == CogFailure("broken", "RuntimeError: database of broken is down")
    assert by_cog["hanging"].timed_out
    assert "timed out" in by_cog["hanging"].error
    assert not result.ok
    # The core's part ran for everyone, the failing cogs included.
    assert owned_by(await world.rows(), ALICE) == set()
    assert result.documents_removed == 7


async def test_export_survives_failing_cogs_and_names_them(world: World) -> None:
    world.add(Broken, "broken")
    world.add(Hanging, "hanging")
    world.add(BadExport, "badexport")

    result = await export_user_data(ALICE, caller=world.caller, timeout=0.2)

    assert {f.cog for f in result.failed} == {"broken", "hanging", "badexport"}
    bad = next(f for f in result.failed if f.cog == "badexport")
    assert "../../evil.txt" in bad.error
    assert result.cogs == ("economy",)
    names = zipfile.ZipFile(BytesIO(result.data)).namelist()
    assert not any("evil" in name or ".." in name for name in names)
    assert "cogs/economy/loans.json" in names
