"""Data migrations through the real bot on SQLite and PostgreSQL, and `plughost cogs migrate`."""

from __future__ import annotations

import asyncio
import shutil
import sys
import tarfile
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from plughost.cli import cli
from plughost.config import Config, connect
from plughost.instances import backups_dir, create
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord
from plughost.testing.stores import postgres_schema, require_postgres, sqlite_dsn

from .inplace import InPlace, in_place

__all__ = ["in_place"]

IDENTIFIER = 0x1ED6E2

V1 = f'''
from interactions.ext import prefixed_commands as prefixed
from plughost import Cog, Config


class Ledger(Cog):
    """Names, counted."""

    def __init__(self, bot):
        self.config = Config.get_conf(self, identifier={IDENTIFIER})
        self.config.register_global(count=0)
        self.config.register_guild(names=[])

    @prefixed.prefixed_command()
    async def add(self, ctx, name: str):
        async with self.config.guild_from_id(int(ctx.guild_id)).names() as names:
            names.append(name)
        await self.config.count.set(await self.config.count() + 1)
        await ctx.send(f"added {{name}}")
'''

V3_HEAD = """
import plughost
from interactions.ext import prefixed_commands as prefixed
from plughost import Cog, Config


@plughost.migration(1, 2)
async def rename_count(config):
    await config.set_raw("tally", value=await config.get_raw("count", default=0))
    await config.clear_raw("count")
    await config.set_raw("ran", value=await config.get_raw("ran", default=0) + 1)
"""

GOOD_STEP = """
@plughost.migration(2, 3)
async def to_dicts(config):
    for guild_id, data in (await config.all_guilds()).items():
        names = data.get("names", [])
        await config.guild_from_id(guild_id).set_raw("names", value={n: True for n in names})
    await config.set_raw("ran", value=await config.get_raw("ran", default=0) + 1)
"""

BAD_STEP = """
@plughost.migration(2, 3)
async def to_dicts(config):
    for guild_id, data in (await config.all_guilds()).items():
        await config.guild_from_id(guild_id).set_raw("names", value={"half": True})
    await config.set_raw("tally", value=999)
    raise RuntimeError("halfway")
"""

V3_COG = f'''

class Ledger(Cog):
    """Names, counted."""

    config_version = VERSION

    def __init__(self, bot):
        self.config = Config.get_conf(self, identifier={IDENTIFIER})
        self.config.register_global(tally=0, ran=0)
        # None, not {{}}: a reload reuses the Config object, whose "names" the
        # old code registered as a value (a dict default would make it a group).
        self.config.register_guild(names=None)

    @prefixed.prefixed_command()
    async def show(self, ctx):
        names = await self.config.guild_from_id(int(ctx.guild_id)).names() or {{}}
        names = ",".join(sorted(names))
        tally, ran = await self.config.tally(), await self.config.ran()
        await ctx.send(f"tally {{tally}} names {{names}} ran {{ran}}")
'''


def v3(step: str, version: int = 3) -> str:
    return V3_HEAD + step + V3_COG.replace("VERSION", str(version))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def plughost_dsn(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The `bot` fixture's store on each backend in turn (overrides the kit's fixture)."""
    if request.param == "sqlite":
        yield sqlite_dsn(tmp_path)
        return
    async with postgres_schema(await require_postgres(request.config)) as dsn:
        yield dsn


def rewrite(in_place: InPlace, package: str, source: str) -> None:
    """New code for the installed cog, as an upgrade followed by a restart would bring."""
    path = in_place.source_of(package)
    path.write_text(source)
    shutil.rmtree(path.parent / "__pycache__", ignore_errors=True)
    for name in [m for m in sys.modules if m.partition(".")[0] == package]:
        del sys.modules[name]


async def stored() -> dict[str, Any]:
    conf = Config.get_conf(None, identifier=IDENTIFIER, cog_name="ledger")
    return {
        "global": await conf.get_raw(default={}),
        "guilds": await conf.all_guilds(),
    }


async def _say(discord: FakeDiscord, text: str, **kw: object) -> str:
    replies = await discord.send(text, **kw)  # type: ignore[arg-type]
    return "\n".join(str(r.content) for r in replies)


async def test_steps_run_once_in_order_atomically_and_a_failure_or_downgrade_quarantines(
    bot: Bot,
    fake_discord: FakeDiscord,
    in_place: InPlace,
    restart_bot: Callable[[], Awaitable[Bot]],
) -> None:
    package = in_place.install({"ledger": "Ledger"}, V1)
    owner = fake_discord.owner
    assert await _say(fake_discord, "!cog load ledger", author=owner) == "Loaded ledger."
    assert await _say(fake_discord, "!add alice") == "added alice"
    assert await _say(fake_discord, "!add bob") == "added bob"
    guild = fake_discord.guild.id

    # New code whose second step fails halfway: the first commits, the second not at all.
    rewrite(in_place, package, v3(BAD_STEP))
    bot = await restart_bot()
    assert "ledger" not in bot.cogs.loaded
    listing = await _say(fake_discord, "!cog list", author=owner)
    assert (
        "quarantined: ledger (migration): migration step 2 -> 3 (to_dicts) raised "
        "RuntimeError: halfway; its data is as it was at version 2"
    ) in listing
    data = await stored()
    assert data["global"] == {"tally": 2, "ran": 1}  # step 1 only: no 999
    assert data["guilds"] == {guild: {"names": ["alice", "bob"]}}  # step 2 left nothing

    # Fixed code: only the pending step runs.
    rewrite(in_place, package, v3(GOOD_STEP))
    assert await _say(fake_discord, "!cog load ledger", author=owner) == "Loaded ledger."
    assert await _say(fake_discord, "!show") == "tally 2 names alice,bob ran 2"
    assert (await stored())["guilds"] == {guild: {"names": {"alice": True, "bob": True}}}

    # Once: a restart on current data runs nothing.
    rewrite(in_place, package, v3(GOOD_STEP))
    bot = await restart_bot()
    assert await _say(fake_discord, "!show") == "tally 2 names alice,bob ran 2"

    # Data newer than the code refuses to load, and stays as it is.
    rewrite(in_place, package, v3("", version=2).replace("@plughost.migration(1, 2)", ""))
    bot = await restart_bot()
    assert "ledger" not in bot.cogs.loaded
    reply = await _say(fake_discord, "!cog load ledger", author=owner)
    assert "its data is at version 3, newer than this code's 2 (a downgrade)" in reply
    assert (await stored())["global"] == {"tally": 2, "ran": 2}


async def test_a_fresh_install_starts_at_the_codes_version(
    bot: Bot, fake_discord: FakeDiscord, in_place: InPlace
) -> None:
    in_place.install({"ledger": "Ledger"}, v3(GOOD_STEP))
    await bot.load_cog("ledger")
    assert await _say(fake_discord, "!show") == "tally 0 names  ran 0"  # no step ran
    plan = await bot.cogs.migration_plan("ledger")
    assert (plan.stored, plan.target, plan.steps) == (3, 3, ())


def _setup_v1_data(dsn: str) -> None:
    async def write() -> None:
        async with connect(dsn):
            conf = Config.get_conf(None, identifier=IDENTIFIER, cog_name="ledger")
            await conf.set_raw("count", value=2)
            await conf.guild_from_id(7).set_raw("names", value=["alice", "bob"])

    asyncio.run(write())


def _read(dsn: str) -> dict[str, Any]:
    async def read() -> dict[str, Any]:
        async with connect(dsn):
            return await stored()

    return asyncio.run(read())


def test_cli_dry_run_lists_pending_steps_and_migrate_backs_up_first(
    home: Path, in_place: InPlace, tmp_path: Path
) -> None:
    in_place.install({"ledger": "Ledger"}, v3(GOOD_STEP))
    instance = create("mig", backend="sqlite", dsn=None, prefix="!", owners=(1,), token=None)
    _setup_v1_data(instance.dsn)
    runner = CliRunner()

    dry = runner.invoke(cli, ["cogs", "migrate", "ledger", "-i", "mig", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.output.splitlines() == [
        "ledger: data at version 1, code at 3; pending:",
        "ledger:   1 -> 2 (rename_count)",
        "ledger:   2 -> 3 (to_dicts)",
    ]
    assert _read(instance.dsn)["global"] == {"count": 2}
    assert not backups_dir().exists() or not list(backups_dir().iterdir())

    done = runner.invoke(cli, ["cogs", "migrate", "ledger", "-i", "mig"])
    assert done.exit_code == 0, done.output
    assert "ledger: migrated its data from version 1 to 3:" in done.output
    assert _read(instance.dsn) == {
        "global": {"tally": 2, "ran": 2},
        "guilds": {7: {"names": {"alice": True, "bob": True}}},
    }
    # The backup was taken before the first step: it holds the version-1 data.
    [archive] = list(backups_dir().iterdir())
    with tarfile.open(archive) as tar:
        tar.extract("data/plughost.db", tmp_path / "restored", filter="data")
    assert _read(f"sqlite:///{tmp_path / 'restored' / 'data' / 'plughost.db'}")["global"] == {
        "count": 2
    }

    again = runner.invoke(cli, ["cogs", "migrate", "ledger", "-i", "mig"])
    assert again.output.strip() == "ledger: data at version 3: up to date"
    assert len(list(backups_dir().iterdir())) == 1  # nothing to do, nothing backed up

    # --no-backup on a second instance at version 1.
    other = create("mig2", backend="sqlite", dsn=None, prefix="!", owners=(1,), token=None)
    _setup_v1_data(other.dsn)
    skipped = runner.invoke(cli, ["cogs", "migrate", "ledger", "-i", "mig2", "--no-backup"])
    assert skipped.exit_code == 0, skipped.output
    assert len(list(backups_dir().iterdir())) == 1
    missing = runner.invoke(cli, ["cogs", "migrate", "nosuch", "-i", "mig"])
    assert missing.exit_code == 1
    assert "no installed cog is named 'nosuch'" in missing.output


async def test_a_reload_into_code_with_pending_steps_migrates(
    bot: Bot, fake_discord: FakeDiscord, in_place: InPlace
) -> None:
    package = in_place.install({"ledger": "Ledger"}, V1)
    owner = fake_discord.owner
    await bot.load_cog("ledger")
    assert await _say(fake_discord, "!add alice") == "added alice"
    # The old instance stops serving while the steps run (their commit replaces the
    # documents it could write meanwhile), and the new one serves after.
    in_place.source_of(package).write_text(v3(GOOD_STEP))
    assert await _say(fake_discord, "!cog reload ledger", author=owner) == "Reloaded ledger."
    assert await _say(fake_discord, "!show") == "tally 1 names alice ran 2"
    # A failed migration on reload puts the old instance back, serving.
    in_place.source_of(package).write_text(v3(BAD_STEP, version=4).replace("(2, 3)", "(3, 4)"))
    reply = await _say(fake_discord, "!cog reload ledger", author=owner)
    assert "migration step 3 -> 4 (to_dicts) raised RuntimeError: halfway" in reply
    assert await _say(fake_discord, "!show") == "tally 1 names alice ran 2"
