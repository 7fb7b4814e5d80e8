"""Every cog's hooks are called once, with the requester and the user id asked for."""

from __future__ import annotations

import pytest

from plughost.userdata import DELETION_REQUESTERS, delete_user_data, export_user_data

from .cogs import ALICE
from .conftest import World


def test_the_requester_types_are_reds() -> None:
    assert set(DELETION_REQUESTERS) == {"discord_deleted_user", "owner", "user", "user_strict"}


@pytest.mark.parametrize("requester", ["discord_deleted_user", "owner", "user", "user_strict"])
async def test_delete_passes_requester_and_user_id_to_every_cog(
    world: World, requester: str
) -> None:
    await delete_user_data(ALICE, requester=requester, caller=world.caller)  # type: ignore[arg-type]
    for name in ("economy", "notes"):
        assert world.cogs[name].calls == [("delete", requester, ALICE)]  # type: ignore[attr-defined]


async def test_export_passes_the_user_id_to_every_cog(world: World) -> None:
    await export_user_data(ALICE, caller=world.caller)
    for name in ("economy", "notes"):
        assert world.cogs[name].calls == [("export", None, ALICE)]  # type: ignore[attr-defined]
