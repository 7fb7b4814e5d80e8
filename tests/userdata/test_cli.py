"""``plughost userdata delete|export`` on an instance whose bot stored data, and the bot API
on PostgreSQL.

The data is written by a real bot (on the emulator, with the instance's store and
the installed cogs loaded, so the instance's stored cog set is what a real run
leaves); the CLI then runs with no Discord at all, in a thread of its own, as it
would in its own process.
"""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import plughost.instances as inst
from plughost.cli import cli
from plughost.config import connect
from plughost.testing.emulator import FakeDiscord
from plughost.testing.running import running_bot
from plughost.userdata import list_requests

from .installed import Installed, fill, user_data

pytestmark = pytest.mark.usefixtures("installed_cogs")


@pytest.fixture(autouse=True)
def _cwd_in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the CLI writes to the working directory lands in the test's tmp_path."""
    monkeypatch.chdir(tmp_path)


async def _prepare(instance: inst.Instance, discord: FakeDiscord) -> tuple[int, int, int]:
    """The instance's bot loads wallet and diary; alice and bob get data. Returns ids."""
    alice, bob = discord.member("alice").id, discord.member("bob").id
    guild = discord.guild.id
    async with connect(instance.dsn), running_bot(discord) as bot:
        await bot.load_cog("wallet")
        await bot.load_cog("diary")
        await fill(alice, guild)
        await fill(bob, guild)
    return alice, bob, guild


async def _cli(*args: str, input: str | None = None) -> Result:
    # A thread: the command runs its own event loop, as in its own process.
    runner = CliRunner()
    return await asyncio.to_thread(runner.invoke, cli, list(args), input=input)


async def _check_deleted(dsn: str, alice: int, bob: int, guild: int) -> None:
    async with connect(dsn):
        assert await user_data(alice, guild) == {}
        assert await user_data(bob, guild) == {
            "wallet": bob % 1000 + 1,
            "xp": 42,
            "loan": 500,
            "diary": f"dear diary, I am {bob}",
        }
        [record] = await list_requests()
        assert (record.kind, record.user_id, record.requester, record.requester_id) == (
            "delete",
            alice,
            "owner",
            None,
        )
        assert record.outcome["handled"] == ["wallet"]


async def test_cli_delete_asks_then_removes_one_users_data(
    home: Path, fake_discord: FakeDiscord, installed_cogs: Installed
) -> None:
    instance = inst.create("demo")
    alice, bob, guild = await _prepare(instance, fake_discord)

    declined = await _cli("userdata", "delete", "demo", str(alice), input="n\n")
    assert declined.exit_code == 1
    assert declined.stderr.splitlines()[-1] == "error: aborted"
    async with connect(instance.dsn):
        assert await user_data(alice, guild) != {}
        assert await list_requests() == []

    done = await _cli("userdata", "delete", "demo", str(alice), input="y\n")
    assert done.exit_code == 0, (done.stdout, done.stderr)
    assert f"deleted 3 documents of user {alice}: diary (1 USER), wallet (1 MEMBER, 1 USER)" in (
        done.stdout
    )
    assert "hooks ran: wallet" in done.stdout
    await _check_deleted(instance.dsn, alice, bob, guild)


async def test_cli_export_writes_a_private_zip_of_one_users_data(
    home: Path, tmp_path: Path, fake_discord: FakeDiscord, installed_cogs: Installed
) -> None:
    instance = inst.create("demo")
    alice, bob, _ = await _prepare(instance, fake_discord)

    done = await _cli("userdata", "export", "demo", str(bob), "--to", str(tmp_path))
    assert done.exit_code == 0, (done.stdout, done.stderr)
    target = tmp_path / f"userdata-{bob}.zip"
    assert f"exported the data of user {bob} to {target}" in done.stdout
    assert target.stat().st_mode & 0o077 == 0, "an export must not be readable by others"
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert json.loads(files["manifest.json"])["user_id"] == bob
    assert json.loads(files["cogs/wallet/loans.json"]) == {"amount": 500}
    diary = json.loads(files["config/diary/user.json"])
    assert diary == {"2": {"entry": f"dear diary, I am {bob}"}}
    assert str(alice).encode() not in b"".join(files.values())

    again = await _cli("userdata", "export", "demo", str(bob), "--to", str(target))
    assert again.exit_code == 1
    assert again.stderr == f"error: {target} already exists; choose another --to\n"
    async with connect(instance.dsn):
        assert [(r.kind, r.user_id, r.requester) for r in await list_requests()] == [
            ("export", bob, "owner")
        ]


async def test_cli_is_refused_while_the_sqlite_instances_bot_runs(
    home: Path, fake_discord: FakeDiscord, installed_cogs: Installed
) -> None:
    instance = inst.create("demo")
    alice, _, guild = await _prepare(instance, fake_discord)
    async with connect(instance.dsn), running_bot(fake_discord):
        refused = await _cli("userdata", "delete", "demo", str(alice), "--yes")
        assert refused.exit_code == 1
        [line] = refused.stderr.splitlines()
        assert line.startswith("error: cannot open the store of 'demo': ")
        assert "in use by another plughost process" in line
        assert await user_data(alice, guild) != {}


async def test_cli_rejects_a_bad_user_id(home: Path) -> None:
    inst.create("demo")
    result = await _cli("userdata", "export", "demo", "1e3")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: Invalid value for 'USER_ID': '1e3' is not a Discord")


@pytest.mark.postgres
async def test_cli_delete_on_postgresql_while_the_bot_runs(
    home: Path, pg_dsn: str, fake_discord: FakeDiscord, installed_cogs: Installed
) -> None:
    instance = inst.create("pgdemo", backend="postgres", dsn=pg_dsn)
    alice, bob, guild = await _prepare(instance, fake_discord)
    # PostgreSQL is shared: the CLI runs beside the bot, whose cache then drops the data.
    async with connect(instance.dsn), running_bot(fake_discord):
        assert await user_data(alice, guild) != {}  # cached by this read
        done = await _cli("userdata", "delete", "pgdemo", str(alice), "--yes")
        assert done.exit_code == 0, (done.stdout, done.stderr)
        assert "deleted 3 documents" in done.stdout
    await _check_deleted(instance.dsn, alice, bob, guild)


@pytest.mark.postgres
async def test_bot_api_on_postgresql(
    pg_schema_dsn: str, fake_discord: FakeDiscord, installed_cogs: Installed
) -> None:
    alice, bob = fake_discord.member("alice").id, fake_discord.member("bob").id
    guild = fake_discord.guild.id
    async with connect(pg_schema_dsn), running_bot(fake_discord) as bot:
        await bot.load_cog("wallet")
        await bot.load_cog("diary")
        await fill(alice, guild)
        await fill(bob, guild)

        export = await bot.export_user_data(alice)
        assert export.ok
        assert export.documents == {"diary": {"USER": 1}, "wallet": {"MEMBER": 1, "USER": 1}}
        assert "cogs/wallet/loans.json" in export.files

        result = await bot.delete_user_data(alice, requester="owner")
        assert result.handled == ("wallet",)
        assert set(result.without_hook) == {"diary", "core"}
        assert result.documents_removed == 3
        assert await user_data(alice, guild) == {}
        assert await user_data(bob, guild) != {}
        assert [r.kind for r in await list_requests(user_id=alice)] == ["export", "delete"]
