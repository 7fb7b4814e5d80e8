"""Every request is recorded: who asked, when, about whom, how it went; never the data."""

from __future__ import annotations

from datetime import UTC, datetime

from plughost.config import Config
from plughost.userdata import RECORDS_COG, delete_user_data, export_user_data, list_requests

from .cogs import ALICE, BOB, Broken
from .conftest import World, owned_by


async def test_deletions_and_exports_are_recorded_without_the_data(world: World) -> None:
    world.add(Broken, "broken")
    started = datetime.now(UTC)
    exported = await export_user_data(
        ALICE, caller=world.caller, requester="user", requester_id=ALICE
    )
    deleted = await delete_user_data(ALICE, requester="owner", caller=world.caller, requester_id=5)
    await delete_user_data(BOB, requester="discord_deleted_user", caller=world.caller)

    records = await list_requests()
    assert [(r.kind, r.user_id, r.requester, r.requester_id) for r in records] == [
        ("export", ALICE, "user", ALICE),
        ("delete", ALICE, "owner", 5),
        ("delete", BOB, "discord_deleted_user", None),
    ]
    export_record, delete_record, _ = records
    assert export_record.request_id == exported.request_id
    assert delete_record.request_id == deleted.request_id
    assert started <= export_record.requested_at <= export_record.finished_at
    assert export_record.finished_at <= delete_record.requested_at
    assert delete_record.status == "partial"  # broken failed
    assert delete_record.outcome == {
        "handled": ["notes", "economy"],
        "failed": [
            {
                "cog": "broken",
                "error": "RuntimeError: database of broken is down",
                "timed_out": False,
            }
        ],
        "without_hook": ["silent"],
        "removed": {
            "economy": {"MEMBER": 2, "USER": 1},
            "notes": {"USER": 1},
            "retired": {"MEMBER": 1, "USER": 1},
            "silent": {"MEMBER": 1},
        },
    }
    assert export_record.outcome["cogs"] == ["economy"]
    assert export_record.outcome["bytes"] == len(exported.data)
    # No stored value of Alice's appears in the log.
    text = repr([r.outcome for r in records])
    for value in (f"note of {ALICE}", "gold", f"n{ALICE}", str(ALICE + 1)):
        assert value not in text
    assert [r.kind for r in await list_requests(user_id=BOB)] == ["delete"]


async def test_the_log_survives_the_deletion_it_records(world: World) -> None:
    await delete_user_data(ALICE, requester="owner", caller=world.caller)
    await delete_user_data(ALICE, requester="user", caller=world.caller)
    assert [r.requester for r in await list_requests(user_id=ALICE)] == ["owner", "user"]
    # It lives in the store under a name no cog can have, outside USER/MEMBER scope.
    rows = await world.store.scan("")
    assert any(key.startswith(RECORDS_COG + "\x1f") for key, _ in rows)
    assert owned_by(await world.rows(), ALICE) == set()
    assert await Config.get_conf(None, identifier=0, cog_name=RECORDS_COG).all_custom("REQUEST")
