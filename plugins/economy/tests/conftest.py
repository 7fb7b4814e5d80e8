"""The economy cog loaded on plughost's `bot` fixture, a balance reader, and PostgreSQL."""

import asyncio
import os
import uuid

import asyncpg
import pytest

#: The test database (trust auth); every test that needs it gets its own schema in it.
PG_DSN = os.environ.get("PLUGHOST_ECONOMY_PG_DSN", "postgres://postgres@127.0.0.1:5432/test")


@pytest.fixture
async def economy(bot):
    """The loaded cog (load_cog returns the instance), so tests can read the bank."""
    return await bot.load_cog("economy")


@pytest.fixture
def balance_of(economy, fake_discord):
    """``await balance_of(member)``: the balance in the bank serving the demo guild."""

    async def read(member, guild=None):
        guild_id = (guild or fake_discord.guild).id
        ref = await economy.bank.ref(guild_id)
        return await economy.bank.balance(ref, member.id)

    return read


async def _admin(statement: str) -> None:
    admin = await asyncpg.connect(PG_DSN, timeout=5)
    try:
        await admin.execute(statement)
    finally:
        await admin.close()


@pytest.fixture
def pg_schema_dsn():
    """A DSN naming a new, empty schema of the test database, dropped afterwards.

    Synchronous (its own short event loops), so that other fixtures can ask for it
    with ``request.getfixturevalue``."""
    schema = f"economy_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_admin(f'CREATE SCHEMA "{schema}"'))
    except (OSError, asyncpg.PostgresError) as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {PG_DSN} is required under CI: {exc}")
        pytest.skip(f"PostgreSQL at {PG_DSN} unreachable: {exc}")
    try:
        yield f"{PG_DSN}?schema={schema}"
    finally:
        asyncio.run(_admin(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
