"""The export holds exactly the user's data: their cogs' files and their config documents."""

from __future__ import annotations

import json
import zipfile
from io import BytesIO

from plughost.userdata import MANIFEST, export_user_data

from .cogs import ALICE, BOB, GUILD_A, GUILD_B
from .conftest import World


async def test_export_holds_exactly_alices_data(world: World) -> None:
    before = await world.rows()
    result = await export_user_data(
        ALICE, caller=world.caller, requester="user", requester_id=ALICE
    )
    archive = zipfile.ZipFile(BytesIO(result.data))
    names = archive.namelist()
    assert names == list(result.files)
    assert names == [
        MANIFEST,
        "cogs/economy/loans.json",
        "cogs/economy/raw/blob.bin",
        "config/economy/user.json",
        "config/economy/member.json",
        "config/notes/user.json",
        "config/retired/user.json",
        "config/retired/member.json",
        "config/silent/member.json",
    ]

    def read(name: str) -> object:
        return json.loads(archive.read(name))

    assert read("cogs/economy/loans.json") == {"amount": ALICE * 10}
    assert archive.read("cogs/economy/raw/blob.bin") == b"\x00\x01"
    ecx = str(0xEC0)
    assert read("config/economy/user.json") == {ecx: {"wallet": ALICE + 1}}
    assert read("config/economy/member.json") == {
        ecx: {str(GUILD_A): {"xp": GUILD_A + ALICE}, str(GUILD_B): {"xp": GUILD_B + ALICE}}
    }
    assert read("config/notes/user.json") == {"7": {"text": f"note of {ALICE}"}}
    assert read("config/retired/user.json") == {"3": {"badge": "gold"}}
    assert read("config/retired/member.json") == {"3": {str(GUILD_A): {"nick": f"n{ALICE}"}}}
    assert read("config/silent/member.json") == {"1": {str(GUILD_B): {"seen": True}}}

    # Nothing of Bob's, nor any guild or global setting, anywhere in the archive.
    everything = b"".join(archive.read(name) for name in names if name != MANIFEST)
    for marker in (str(BOB).encode(), b"gem", b"kept", b"rate"):
        assert marker not in everything

    manifest = read(MANIFEST)
    assert isinstance(manifest, dict)
    assert manifest["user_id"] == ALICE
    assert manifest["cogs"] == {"economy": ["cogs/economy/loans.json", "cogs/economy/raw/blob.bin"]}
    assert manifest["config"]["retired"] == {
        "files": ["config/retired/user.json", "config/retired/member.json"],
        "documents": {"MEMBER": 1, "USER": 1},
    }
    assert manifest["failed"] == []
    assert manifest["statements"] == {
        "economy": "Stores a wallet per user, XP per member and loans.",
        "notes": "Stores the notes you write.",
        "silent": None,
    }
    assert result.cogs == ("economy",)
    assert result.documents["economy"] == {"MEMBER": 2, "USER": 1}
    assert await world.rows() == before, "an export must not change anything"


async def test_a_user_with_no_data_gets_just_the_manifest(world: World) -> None:
    result = await export_user_data(999, caller=world.caller)
    archive = zipfile.ZipFile(BytesIO(result.data))
    assert archive.namelist() == [MANIFEST, "cogs/economy/loans.json", "cogs/economy/raw/blob.bin"]
    assert json.loads(archive.read("cogs/economy/loans.json")) == {"amount": 0}
    assert result.documents == {}
