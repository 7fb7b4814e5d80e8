"""Bad arguments are refused before any cog is called or anything is written."""

from __future__ import annotations

from typing import Any

import pytest

from plughost.userdata import delete_user_data, export_user_data, list_requests

from .cogs import ALICE
from .conftest import World


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"requester": "admin"}, ValueError),
        ({"requester": "Owner"}, ValueError),
        ({"requester": None}, ValueError),
        ({"requester": "owner", "timeout": 0}, ValueError),
        ({"requester": "owner", "timeout": -1.0}, ValueError),
        ({"requester": "owner", "requester_id": "5"}, TypeError),
        ({"requester": "owner", "user_id": "111"}, TypeError),
        ({"requester": "owner", "user_id": True}, TypeError),
    ],
)
async def test_bad_deletion_requests_touch_nothing(
    world: World, kwargs: dict[str, Any], error: type[Exception]
) -> None:
    before = await world.rows()
    args = {"user_id": ALICE, **kwargs}
    user_id = args.pop("user_id")
    with pytest.raises(error):
        await delete_user_data(user_id, caller=world.caller, **args)
    assert await world.rows() == before
    assert world.cogs["economy"].calls == []  # type: ignore[attr-defined]
    assert world.cogs["notes"].calls == []  # type: ignore[attr-defined]
    assert await list_requests() == []


@pytest.mark.parametrize("requester", ["user_strict", "discord_deleted_user", "nobody"])
async def test_bad_export_requests_touch_nothing(world: World, requester: str) -> None:
    with pytest.raises(ValueError, match="requester"):
        await export_user_data(ALICE, caller=world.caller, requester=requester)  # type: ignore[arg-type]
    assert world.cogs["economy"].calls == []  # type: ignore[attr-defined]
    assert await list_requests() == []
