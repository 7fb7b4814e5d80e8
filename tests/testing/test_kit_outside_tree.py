"""The fixtures in a cog's own repository: a plain project outside plughost's tree.

The cog is "installed" as a ``.dist-info`` next to its package on PYTHONPATH (what
pip leaves behind), and the project's tests run with ``python -m pytest`` in a
fresh interpreter in the project's directory: no conftest, nothing imported from
plughost's tests; the fixtures come from the ``pytest11`` entry point alone.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import asyncpg
import pytest
from kit_cog import install_cog

from plughost.testing.stores import require_postgres

COG = '''
from interactions import ActionRow, Button, ButtonStyle, component_callback
from interactions.ext import prefixed_commands as prefixed
from plughost import Cog, Config


class Tally(Cog):
    """Counts, with a button."""

    end_user_data_statement = "Stores nothing about users."

    def __init__(self, bot):
        self.config = Config.get_conf(self, identifier=0x7A11)
        self.config.register_global(total=0)

    @prefixed.prefixed_command()
    async def tally(self, ctx):
        total = await self.config.total() + 1
        await self.config.total.set(total)
        button = Button(style=ButtonStyle.PRIMARY, label="Again", custom_id="tally-again")
        await ctx.send(f"total {total}", components=[ActionRow(button)])

    @component_callback("tally-again")
    async def again(self, ctx):
        total = await self.config.total() + 1
        await self.config.total.set(total)
        await ctx.send(f"total {total}")
'''

TESTS = """
import pytest


@pytest.fixture
async def bot(bot):
    await bot.load_cog("tally")
    return bot


async def test_counts_and_the_button_counts_too(bot, fake_discord):
    replies = await fake_discord.send("!tally")
    assert replies[0].content == "total 1"
    assert (await fake_discord.click(replies[0], "Again")).content == "total 2"


async def test_each_test_starts_from_an_empty_store(bot, fake_discord, plughost_dsn):
    replies = await fake_discord.send("!tally")
    assert replies[0].content == "total 1"
    print("STORE", plughost_dsn.partition(":")[0], plughost_dsn.partition("schema=")[2])


async def test_the_count_survives_a_restart(bot, fake_discord, restart_bot):
    await fake_discord.send("!tally")
    await restart_bot()
    assert (await fake_discord.send("!tally"))[0].content == "total 2"


async def test_a_missing_reply_says_what_the_bot_did(bot, fake_discord):
    replies = await fake_discord.send("!tallly")
    assert replies[0].content == "total 1"
"""


def _write_project(root: Path) -> Path:
    site = root / "site"
    install_cog(site, {"tally": "Tally"}, COG)
    project = root / "tally-cog"
    (project / "tests").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [tool.pytest.ini_options]
            asyncio_mode = "auto"
            asyncio_default_fixture_loop_scope = "function"
            """
        )
    )
    (project / "tests" / "test_tally.py").write_text(textwrap.dedent(TESTS))
    return project


def _run_pytest(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PLUGHOST_TEST"))}
    env["PYTHONPATH"] = str(project.parent / "site")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _check(result: subprocess.CompletedProcess[str], store: str) -> None:
    output = result.stdout + result.stderr
    assert "1 failed, 3 passed" in output, output
    assert f"STORE {store}" in output, output
    assert (
        "MissingReply: expected at least 1 reply to '!tallly' in #general, got 0; bot sent nothing"
    ) in output, output


@pytest.mark.slow
def test_a_cog_project_outside_the_tree_uses_the_fixtures(tmp_path: Path) -> None:
    project = _write_project(tmp_path)
    _check(_run_pytest(project), "sqlite")


@pytest.mark.slow
@pytest.mark.postgres
async def test_the_same_project_on_postgresql_gets_a_schema_per_test(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    dsn = await require_postgres(request.config)
    project = _write_project(tmp_path)
    result = _run_pytest(project, f"--plughost-dsn={dsn}")
    _check(result, "postgres")
    # The line names the DSN's own scheme: "postgres" or "postgresql".
    printed = re.search(r"STORE postgres(?:ql)? (\S+)", result.stdout)
    assert printed, result.stdout
    schema = printed[1]
    assert schema.startswith("plughost_test_")
    conn = await asyncpg.connect(dsn)
    try:
        left = await conn.fetchval(
            "SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1", schema
        )
    finally:
        await conn.close()
    assert left == 0  # the test's schema was dropped after it


def test_a_dsn_that_is_not_postgresql_is_a_usage_error(tmp_path: Path) -> None:
    project = _write_project(tmp_path)
    result = _run_pytest(project, "--plughost-dsn=sqlite:///x.db")
    assert result.returncode == 4  # pytest's usage error
    assert "plughost: 'sqlite:///x.db' is not a PostgreSQL DSN" in result.stderr
