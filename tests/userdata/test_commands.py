"""``mydata`` through the local Discord: statements, export by DM, forget with confirmation,
the owner's commands, and the flags in ``cog list`` / ``cog info``."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from plughost.core import mydata
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord
from plughost.userdata import list_requests

from .installed import WALLET_STATEMENT, Installed, fill, user_data

pytestmark = pytest.mark.usefixtures("installed_cogs")


@pytest.fixture
async def people(bot: Bot, fake_discord: FakeDiscord, installed_cogs: Installed) -> FakeDiscord:
    """wallet and diary loaded; alice and bob with data in both."""
    await bot.load_cog("wallet")
    await bot.load_cog("diary")
    for name in ("alice", "bob"):
        await fill(fake_discord.member(name).id, fake_discord.guild.id)
    return fake_discord


def _zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _dm_zips(discord: FakeDiscord, name: str) -> list[dict[str, bytes]]:
    """Every zip the bot attached in its DMs with ``name``."""
    return [
        _zip(attachment.data)
        for message in discord.messages(discord.dm_channel(name))
        for attachment in message.attachments
        if attachment.name.endswith(".zip")
    ]


def _assert_only_data_of(files: dict[str, bytes], user_id: int, other_id: int) -> None:
    manifest = json.loads(files["manifest.json"])
    assert manifest["user_id"] == user_id
    assert json.loads(files["config/wallet/user.json"]) == {"1": {"wallet": user_id % 1000 + 1}}
    member = json.loads(files["config/wallet/member.json"])
    assert list(member["1"].values()) == [{"xp": 42}]
    diary = json.loads(files["config/diary/user.json"])
    assert diary == {"2": {"entry": f"dear diary, I am {user_id}"}}
    assert json.loads(files["cogs/wallet/loans.json"]) == {"amount": 500}
    everything = b"".join(files.values())
    assert str(other_id).encode() not in everything, "another user's data leaked into the export"


async def test_mydata_what_lists_every_statement_and_flags_a_missing_one(
    people: FakeDiscord,
) -> None:
    [reply] = await people.send("!mydata what", author="alice")
    lines = reply.content.splitlines()
    assert f"**wallet**: {WALLET_STATEMENT}" in lines
    assert any(line.startswith("**diary**: ⚠ not stated") for line in lines), lines
    assert any(line.startswith("**core**: Keeps a log") for line in lines), lines

    response = await people.slash("mydata what", author="bob")
    assert response.content == reply.content


async def test_mydata_export_dms_a_zip_of_exactly_the_callers_data(
    people: FakeDiscord,
) -> None:
    alice, bob = people.member("alice"), people.member("bob")
    replies = await people.send("!mydata export", author=alice)
    assert "Sent your data to your direct messages." in [m.content for m in replies]
    [files] = _dm_zips(people, "alice")
    _assert_only_data_of(files, alice.id, bob.id)

    response = await people.slash("mydata export", author=bob)
    assert response.ephemeral
    assert "Sent your data" in (response.followups or response.messages)[-1].content
    [bob_files] = _dm_zips(people, "bob")
    _assert_only_data_of(bob_files, bob.id, alice.id)

    records = await list_requests()
    assert [(r.kind, r.user_id, r.requester, r.requester_id) for r in records] == [
        ("export", alice.id, "user", alice.id),
        ("export", bob.id, "user", bob.id),
    ]


def _button(message: object, label: str) -> str:
    for row in message.components:  # type: ignore[attr-defined]
        for component in row["components"]:
            if component.get("label") == label:
                return str(component["custom_id"])
    raise AssertionError(f"no {label!r} button on {message!r}")


async def test_mydata_forget_deletes_nothing_until_confirmed_then_only_the_callers_data(
    people: FakeDiscord,
) -> None:
    alice, bob = people.member("alice"), people.member("bob")
    guild = people.guild.id
    before_bob = await user_data(bob.id, guild)
    [question] = await people.send("!mydata forget", author=alice)
    assert "cannot be undone" in question.content
    assert await user_data(alice.id, guild) != {}, "deleted before confirming"
    assert await list_requests() == []

    # Someone else pressing the button is refused; cancelling deletes nothing.
    refused = await people.click(question, _button(question, "Delete my data"), author=bob)
    assert "Only the person who asked" in refused.content
    await people.click(question, _button(question, "Cancel"), author=alice)
    assert question.content == "Cancelled; nothing was deleted."
    assert question.components == []
    assert await user_data(alice.id, guild) != {}
    assert await list_requests() == []

    [question] = await people.send("!mydata forget", author=alice)
    await people.click(question, _button(question, "Delete my data"), author=alice)
    assert question.content.startswith("Deleted 3 stored records; cleaned up by wallet.")
    assert question.components == []
    assert await user_data(alice.id, guild) == {}
    assert await user_data(bob.id, guild) == before_bob
    [record] = await list_requests()
    assert (record.kind, record.user_id, record.requester, record.requester_id) == (
        "delete",
        alice.id,
        "user",
        alice.id,
    )
    assert record.request_id in question.content


async def test_mydata_forget_by_slash_and_an_expired_confirmation(
    people: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    bob = people.member("bob")
    monkeypatch.setattr(mydata, "CONFIRM_SECONDS", -1)  # already expired when shown
    response = await people.slash("mydata forget", author=bob)
    assert response.ephemeral
    question = response.message
    assert question is not None
    await people.click(question, _button(question, "Delete my data"), author=bob)
    assert "expired; nothing was deleted" in question.content
    assert await user_data(bob.id, people.guild.id) != {}

    monkeypatch.undo()
    question = (await people.slash("mydata forget", author=bob)).message
    assert question is not None
    await people.click(question, _button(question, "Delete my data"), author=bob)
    assert question.content.startswith("Deleted 3 stored records")
    assert await user_data(bob.id, people.guild.id) == {}


async def test_the_owner_deletes_and_exports_a_users_data(people: FakeDiscord) -> None:
    alice, bob = people.member("alice"), people.member("bob")
    guild = people.guild.id

    response = await people.slash("mydata owner export", author=people.owner, user_id=str(bob.id))
    assert "Sent the data of user" in (response.followups or response.messages)[-1].content
    [files] = _dm_zips(people, "owner")
    _assert_only_data_of(files, bob.id, alice.id)

    [reply] = await people.send(f"!mydata owner delete {alice.id}", author=people.owner)
    assert reply.content.startswith(f"User {alice.id}: Deleted 3 stored records")
    assert await user_data(alice.id, guild) == {}
    assert await user_data(bob.id, guild) != {}

    records = await list_requests()
    assert [(r.kind, r.user_id, r.requester, r.requester_id) for r in records] == [
        ("export", bob.id, "owner", people.owner.id),
        ("delete", alice.id, "owner", people.owner.id),
    ]
    [bad] = await people.send("!mydata owner delete nobody", author=people.owner)
    assert bad.content == "'nobody' is not a user id."


def _refused(text: str) -> bool:
    # The permission chain's wording, or the error boundary's plain refusal.
    return "only the bot owner" in text.lower() or "not allowed" in text


async def test_a_member_cannot_use_the_owner_commands(people: FakeDiscord) -> None:
    alice, bob = people.member("alice"), people.member("bob")
    [reply] = await people.send(f"!mydata owner delete {alice.id}", author=bob)
    assert _refused(reply.content)
    response = await people.slash("mydata owner export", author=bob, user_id=str(alice.id))
    assert _refused(response.content)
    assert await user_data(alice.id, people.guild.id) != {}
    assert _dm_zips(people, "bob") == []
    assert await list_requests() == []


async def test_cog_list_and_cog_info_flag_a_cog_without_a_statement(people: FakeDiscord) -> None:
    [listing] = await people.send("!cog list", author=people.owner)
    lines = listing.content.splitlines()
    diary = next(line for line in lines if line.startswith("loaded: diary"))
    wallet = next(line for line in lines if line.startswith("loaded: wallet"))
    assert diary.endswith("[no end-user data statement]")
    assert "statement" not in wallet
    [info] = await people.send("!cog info diary", author=people.owner)
    assert "end-user data: WARNING: not stated" in info.content
