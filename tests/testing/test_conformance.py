"""The local Discord checked against Discord's published spec (plughost.testing.conformance)."""

from __future__ import annotations

import importlib.util
import json
import re
import textwrap
from pathlib import Path

import interactions
import pytest
from emulator_clients import StartClient

from plughost.testing.conformance import SPEC_FILE, TOLERANCES, DiscordSpec, SpecCheck
from plughost.testing.conformance.compiled import CACHE_ENV
from plughost.testing.emulator import DiscordEmulator, FakeDiscord

pytest_plugins = ["pytester"]


def _concrete(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", template)


def test_every_route_the_emulator_serves_is_a_discord_operation() -> None:
    spec = DiscordSpec.shipped()
    served = DiscordEmulator().route_templates()
    operations = {spec.operation(m, _concrete(t)) for m, t in served}
    assert None not in operations, [f"{m} {t}" for m, t in served if not spec.operation(m, t)]
    assert len(operations) == len(served) == 71
    # Discord has no global GET /applications/{id}/commands/permissions: not served
    assert ("GET", "/applications/{app_id}/commands/permissions") not in served
    assert ("GET", "/applications/{app_id}/guilds/{guild_id}/commands/permissions") in served


def test_the_extract_says_where_it_came_from_and_ships_the_licence() -> None:
    source = DiscordSpec.shipped().source
    assert source["repository"] == "https://github.com/discord/discord-api-spec"
    assert re.fullmatch(r"[0-9a-f]{40}", source["commit"])
    licence = SPEC_FILE.with_name("LICENSE.discord-api-spec").read_text()
    assert "MIT License" in licence
    assert "Copyright 2023 Discord" in licence


async def test_a_client_session_is_checked_response_by_response(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    check = SpecCheck()
    fd.emulator.spec_check = check
    client = await start_client()
    await fd.send("!button")
    await fd.slash("repeat", word="hi", times=2)
    channel = client.get_channel(fd.channel.id)
    assert isinstance(channel, interactions.GuildText)
    await channel.send(embeds=[interactions.Embed(title="t", description="d")])
    assert check.responses >= 8
    assert {
        "get_my_user",
        "get_my_oauth2_application",
        "get_gateway",
        "bulk_set_application_commands",
        "create_message",
        "create_interaction_response",
    } <= check.operations
    assert check.violations == []


async def test_a_broken_response_is_named_by_operation_and_json_path(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    check = SpecCheck()
    fd.emulator.spec_check = check
    client = await start_client()
    alice = fd.user("alice")
    alice.global_name = 42  # type: ignore[assignment]  # what Discord never sends
    await client.fetch_user(alice.id, force=True)
    (violation,) = check.take()
    assert violation.operation == "get_user"
    assert violation.json_path == "$.global_name"
    assert str(violation) == (
        f"get_user (GET /api/v10/users/{alice.id} -> 200): response body at $.global_name: "
        "42 is not of type 'string', 'null'"
    )


def test_a_request_body_where_discord_differs_from_its_spec_is_tolerated() -> None:
    check = SpecCheck()
    dm = {"id": "5", "type": 1, "last_message_id": None, "flags": 0, "recipients": []}
    found = check.exchange("POST", "/users/@me/channels", {"recipient_id": 123}, 200, b"{}")
    assert [v.json_path for v in found] != []  # the empty body breaks the response schema
    found = check.exchange(
        "POST", "/users/@me/channels", {"recipient_id": 123}, 200, json.dumps(dm).encode()
    )
    assert found == []
    (reason,) = check.tolerated
    assert reason == TOLERANCES[1].reason
    assert "snowflake sent as a JSON integer" in reason
    assert check.requests == 2


def test_an_unknown_route_answered_404_is_what_discord_says_too() -> None:
    check = SpecCheck()
    assert check.exchange("GET", "/no/such/route", None, 404, b'{"code": 0}') == []
    assert check.unserved == ["GET /no/such/route"]
    (found,) = check.exchange("GET", "/no/such/route", None, 200, b"{}")
    assert found.operation == "(no Discord operation)"


INNER_TEST = """
async def test_reads_alice(bot, fake_discord):
    alice = fake_discord.user("alice")
    alice.global_name = 42  # the local Discord now answers with a number
    await bot.fetch_user(alice.id, force=True)


async def test_reads_bob(bot, fake_discord):
    bob = fake_discord.user("bob")
    assert (await bot.fetch_user(bob.id, force=True)).username == "bob"
"""

INNER_INI = """
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
"""


@pytest.mark.slow
def test_a_cog_author_turns_validation_on_and_the_breaking_test_fails(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(INNER_INI)
    pytester.makepyfile(test_reads=textwrap.dedent(INNER_TEST))
    off = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    off.assert_outcomes(passed=2)
    on = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--plughost-validate")
    on.assert_outcomes(passed=2, errors=1)
    output = on.stdout.str()
    assert "ERROR at teardown of test_reads_alice" in output
    broken = r"get_user \(GET /api/v10/users/\d+ -> 200\): response body at \$\.global_name"
    assert re.search(broken, output)
    assert "test_reads_bob" not in output.partition("short test summary")[2]
    assert re.search(r"responses validated: +\d+", output)
    assert re.search(r"response violations: +1\b", output)


def test_the_extract_script_reproduces_the_shipped_extract() -> None:
    # Extracting again from the shipped extract (closed under its $refs) gives it back:
    # the script and the file agree, and every route the emulator serves is in it.
    path = Path(__file__).parents[2] / "scripts" / "extract_discord_spec.py"
    spec = importlib.util.spec_from_file_location("extract_discord_spec", path)
    assert spec is not None
    assert spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    shipped = json.loads(SPEC_FILE.read_text())
    again = script.extract(shipped, script.served_routes())
    assert again["paths"] == shipped["paths"]
    assert again["components"] == shipped["components"]


def test_the_compiled_checks_are_kept_on_disk_between_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    document = json.loads(SPEC_FILE.read_text())
    first = DiscordSpec(document).operation("GET", "/users/@me")
    assert first is not None
    schema = first.response_schema(200)
    assert schema is not None
    me = {
        "id": "1",
        "username": "bot",
        "avatar": None,
        "discriminator": "0",
        "public_flags": 0,
        "flags": 0,
        "global_name": None,
        "mfa_enabled": False,
        "locale": "en-US",
    }
    assert schema.is_valid(me)
    (cached,) = tmp_path.glob("schema_*.marshal")
    written = cached.stat().st_mtime_ns
    # a new process (here: a new spec) imports the module instead of generating it again
    again = DiscordSpec(document).operation("GET", "/users/@me")
    assert again is not None
    second = again.response_schema(200)
    assert second is not None
    assert second.is_valid(me)
    assert not second.is_valid({**me, "username": 42})
    assert cached.stat().st_mtime_ns == written
    assert len(list(tmp_path.glob("schema_*.marshal"))) == 1


async def test_role_objects_carry_the_colors_the_spec_requires(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    client = await start_client()
    check = SpecCheck()
    fd.emulator.spec_check = check  # after the client's GUILD_CREATE, whose channels
    # are tolerated (no guild_id there)
    fd.add_role("Mods")
    roles = await client.http.get_roles(fd.guild.id)
    await client.http.create_guild_role(fd.guild.id, {"name": "Helpers", "color": 0x3498DB})
    assert {"list_guild_roles", "create_guild_role"} <= check.operations
    assert check.violations == []
    assert not check.tolerated  # without a tolerance
    mods = next(r for r in roles if r["name"] == "Mods")
    assert mods["colors"] == {"primary_color": 0, "secondary_color": None, "tertiary_color": None}


async def test_gateway_dispatches_are_checked_against_the_objects_schemas(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    check = SpecCheck()
    fd.emulator.spec_check = check
    await start_client()
    await fd.send("!ping")  # MESSAGE_CREATE, with the author's member
    role = fd.add_role("Mods")
    assert {"READY", "GUILD_CREATE", "MESSAGE_CREATE", "GUILD_ROLE_CREATE"} <= check.events
    assert check.violations == []
    # what Discord's gateway leaves out on purpose is tolerated, and said why
    assert any("without guild_id" in reason for reason in check.tolerated)
    assert any("member without its user" in reason for reason in check.tolerated)

    role.name = 42  # type: ignore[assignment]  # what Discord never sends
    fd.emulator.events.role(role)
    (violation,) = check.take()
    assert (violation.operation, violation.direction) == ("GUILD_ROLE_UPDATE", "dispatch")
    assert violation.json_path == "$.role.name"
    assert str(violation).startswith("GUILD_ROLE_UPDATE (gateway dispatch): at $.role.name: 42")
