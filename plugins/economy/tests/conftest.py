"""The economy cog loaded on plughost's `bot` fixture, a balance reader, and PostgreSQL."""

import pytest

from plughost.testing.stores import postgres_schema, require_postgres


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


@pytest.fixture
async def pg_schema_dsn(request):
    """A DSN naming a new, empty schema of the tests' PostgreSQL database, dropped afterwards.

    The database is plughost's test kit's (``PLUGHOST_TEST_DSN``, else a local
    server); without one the test is skipped, or fails under ``CI=true``."""
    async with postgres_schema(await require_postgres(request.config)) as dsn:
        yield dsn
