"""``plughost import-red`` on SQLite: every Red scope and custom group comes over unchanged,
Red core's settings land on plughost's own, and nothing changes unless all of it worked."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from plughost import instances as inst
from plughost.config import Config, connect
from plughost.config.namespaces import core_config
from plughost.config.transfer import checksum
from plughost.permissions.rules import Rule
from plughost.permissions.store import PermissionStore

from .red import (
    ALICE,
    API_KEY,
    BOB,
    DOCUMENTS,
    GUILD,
    OTHER_GUILD,
    OWNER,
    RED35,
    RED_TOKEN,
    write_red_config,
)

Run = Callable[..., tuple[int, str]]


def _notes() -> Config:
    """The Red cog "Notes" as its code opens its Config, unchanged."""
    conf = Config.get_conf(None, identifier=2711, cog_name="Notes")
    conf.register_global(enabled=False, limits={"max": 1})
    conf.init_custom("NOTE", 2)
    conf.init_custom("TAG", 1)
    return conf


async def _snapshot(dsn: str) -> tuple[int, str]:
    async with connect(dsn) as store:
        report = await checksum(store)
    return report.documents, report.checksum


async def test_dry_run_reports_per_cog_and_changes_nothing(
    home: Path, red_folder: Path, run_cli: Run
) -> None:
    (red_folder / "cogs/Broken").mkdir()
    (red_folder / "cogs/Broken/settings.json").write_text('{"1": {"GLOBAL": ')  # cut short
    code, out = run_cli("import-red", str(red_folder), "--into", "bot", "--dry-run")
    assert code == 0, out
    lines = out.splitlines()
    broken = [line for line in lines if line.startswith("left behind: cogs/Broken/settings.json")]
    assert len(broken) == 1
    assert "not readable JSON" in broken[0]
    assert (
        "Notes 2711: would import 10 document(s) (GLOBAL 1, GUILD 1, MEMBER 1, NOTE 3, ROLE 1,"
        " TAG 1, TEXTCHANNEL 1, USER 1)" in lines
    )
    assert "Bank 384734293238749: would import 5 document(s) (GLOBAL 1, GUILD 1, MEMBER 3)" in lines
    assert "  cog economy: 3 accounts mapped" in lines
    assert "  cog moderation: 3 cases mapped" in lines
    assert "    not mapped: 1 case(s) of type 'vmute' (no such action here)" in lines
    assert "    not mapped: case 500000000000000001/5: unreadable (KeyError: 'user')" in lines
    applied = next(line for line in lines if line.startswith("Red settings applied: "))
    assert (
        "7 Permissions rule(s) as 9 plughost rule(s) (1 set for user, role and channel alike"
        in applied
    )
    orphan = [line for line in lines if "custom group 'ORPHAN'" in line]
    assert len(orphan) == 1
    assert orphan[0].endswith("1 value(s) left behind")
    assert "  2 empty document(s) not stored (they read alike)" in lines
    assert any(line.startswith("  not applied: global: locale, packages") for line in lines)
    assert (
        "left behind: cogs/RepoManager: 1 file(s) besides settings.json (not Config data,"
        " not imported)" in lines
    )
    assert any("2 secret(s) (token, shared API tokens) withheld" in line for line in lines)
    assert lines[-1].startswith(f"{DOCUMENTS} Red document(s) to import, checksum ")
    assert RED_TOKEN not in out
    assert API_KEY not in out
    assert inst.instance_names() == []  # a dry run creates nothing


async def test_import_brings_every_scope_and_custom_group(
    home: Path, red_folder: Path, run_cli: Run
) -> None:
    code, out = run_cli("import-red", str(red_folder), "--into", "bot")
    assert code == 0, out
    assert out.splitlines()[-1].startswith(f"{DOCUMENTS} Red document(s) imported and verified")
    assert RED_TOKEN not in out
    assert API_KEY not in out
    instance = inst.load("bot")
    assert instance.settings.prefix == "?"
    assert instance.settings.owners == (OWNER,)
    assert instance.settings.token is None  # no --with-secrets

    async with connect(instance.dsn):
        notes = _notes()
        assert await notes.enabled() is True
        assert await notes.limits() == {"max": 5, "ratio": 0.5}
        assert await notes.guild_from_id(GUILD).channel() == 700000000000000001
        assert await notes.channel_from_id(700000000000000001).slowmode() == 3
        assert await notes.role_from_id(600000000000000002).can_note() is True
        assert await notes.user_from_id(ALICE).notes_written() == 2
        assert await notes.member_from_ids(GUILD, ALICE).warnings() == ["spam", "caps"]
        # Custom groups, read through full and partial keys as the Red cog does.
        assert await notes.custom("NOTE", GUILD, 1).text() == "first"
        assert await notes.custom("NOTE", GUILD).all() == {
            "1": {"text": "first", "author": ALICE},
            "2": {"text": "second"},
        }
        assert await notes.all_custom("NOTE") == {
            str(GUILD): {"1": {"text": "first", "author": ALICE}, "2": {"text": "second"}},
            str(OTHER_GUILD): {"1": {"text": "elsewhere"}},
        }
        assert await notes.custom("TAG", "hello").body() == "hi there"
        # The other identifier of the same cog stays apart.
        other = Config.get_conf(None, identifier=99, cog_name="Notes")
        assert await other.get_raw("other_identifier") == "yes"
        assert await other.get_raw("enabled", default=None) is None

        red_core = Config.get_conf(None, identifier=0, cog_name="Core")
        red_core.init_custom("SHARED_API_TOKENS", 2)
        red_core.init_custom("COG_DISABLE_SETTINGS", 2)
        assert await red_core.get_raw("token", default=None) is None  # withheld
        assert await red_core.get_raw("locale") == "de-DE"
        assert await red_core.custom("SHARED_API_TOKENS").all() == {}
        assert await red_core.custom("COG_DISABLE_SETTINGS", "Notes", GUILD).disabled() is True

        # Red's mod-log on the moderation cog's cases, under Red's numbers.
        cases = Config.get_conf(None, identifier=0x9EC00002, cog_name="moderation")
        cases.init_custom("CASE", 2)
        assert await cases.custom("CASE", GUILD, 1).all() == {
            "action": "ban",
            "user_id": BOB,
            "moderator_id": 666666666666666666,
            "reason": "spam bot",
            "created_at": 1700000001,
            "until": None,
        }
        assert await cases.custom("CASE", GUILD, 4).get_raw("until") == 1700090000
        assert await cases.custom("CASE", GUILD, 4).get_raw("moderator_id") == 0
        assert await cases.custom("CASE", GUILD).all() == {
            "1": await cases.custom("CASE", GUILD, 1).all(),
            "2": await cases.custom("CASE", GUILD, 2).all(),
            "4": await cases.custom("CASE", GUILD, 4).all(),
        }
        assert await cases.guild_from_id(GUILD).get_raw("last_case") == 5
        assert await cases.guild_from_id(GUILD).get_raw("modlog_channel") == 700000000000000002

        # Red core's settings on plughost's own parts.
        core = core_config()
        assert await core.guild_from_id(GUILD).prefix() == "$"
        assert await core.embed_color() == 3066993
        permissions = PermissionStore()
        await permissions.load()
        assert permissions.lists(None).block_users == {222222222222222222}
        local = permissions.lists(GUILD)
        assert local.allow_users == local.allow_roles == {333333333333333333, 600000000000000001}
        assert permissions.lists(OTHER_GUILD).block_users == {BOB}
        roles = permissions.state.roles[GUILD]
        assert (roles.mod, roles.admin) == ({600000000000000002}, {600000000000000003})

        # Red's Permissions cog rules as plughost rules (an installed cog by its name here).
        assert set(permissions.rules(GUILD)) == {
            Rule(GUILD, "role", 600000000000000002, "cog", "economy", True),
            Rule(GUILD, "guild", GUILD, "cog", "economy", False),
            Rule(GUILD, "channel", 700000000000000001, "cog", "Notes", False),
            Rule(GUILD, "user", 999999999999999999, "command", "bank grant", False),
            Rule(GUILD, "role", 999999999999999999, "command", "bank grant", False),
            Rule(GUILD, "channel", 999999999999999999, "command", "bank grant", False),
            Rule(GUILD, "guild", GUILD, "command", "payday", False),
        }
        assert set(permissions.rules(None)) == {
            Rule(None, "guild", 0, "cog", "economy", True),
            Rule(None, "guild", OTHER_GUILD, "command", "ping", True),
        }


async def test_with_secrets_imports_the_token_and_api_tokens_but_never_prints_them(
    home: Path, red_folder: Path, run_cli: Run
) -> None:
    code, out = run_cli("import-red", str(red_folder), "--into", "bot", "--with-secrets")
    assert code == 0, out
    assert RED_TOKEN not in out
    assert API_KEY not in out
    assert "bot token" in out
    instance = inst.load("bot")
    assert instance.settings.token == RED_TOKEN
    async with connect(instance.dsn):
        red_core = Config.get_conf(None, identifier=0, cog_name="Core")
        red_core.init_custom("SHARED_API_TOKENS", 2)
        assert await red_core.custom("SHARED_API_TOKENS", "youtube", "api_key")() == API_KEY


async def test_importing_twice_is_refused_unless_replace(
    home: Path, red_folder: Path, run_cli: Run
) -> None:
    assert run_cli("import-red", str(red_folder), "--into", "bot")[0] == 0
    before = await _snapshot(inst.load("bot").dsn)

    code, out = run_cli("import-red", str(red_folder), "--into", "bot")
    assert code == 1
    assert out.startswith("error: instance 'bot' already holds a Red import")
    assert "--replace" in out
    assert await _snapshot(inst.load("bot").dsn) == before

    # Red changed meanwhile: --replace brings the new state, and drops what Red dropped.
    notes = json.loads((red_folder / "cogs/Notes/settings.json").read_text())
    notes["2711"]["NOTE"] = {str(GUILD): {"3": {"text": "third"}}}
    write_red_config(red_folder, "Notes", notes)
    code, out = run_cli("import-red", str(red_folder), "--into", "bot", "--replace")
    assert code == 0, out
    async with connect(inst.load("bot").dsn):
        assert await _notes().all_custom("NOTE") == {str(GUILD): {"3": {"text": "third"}}}


async def test_a_failing_import_leaves_the_instance_as_it_was(
    home: Path, red_folder: Path, run_cli: Run
) -> None:
    instance = inst.create("bot", owners=(7,))
    async with connect(instance.dsn):
        conf = Config.get_conf(None, identifier=1, cog_name="Existing")
        await conf.set_raw("kept", value=[1, 2, 3])
        await core_config().guild_from_id(GUILD).prefix.set(">")
    before = await _snapshot(instance.dsn)
    # Red data the economy cog's mapping cannot take: a member key that is no id.
    bank: dict[str, Any] = json.loads((red_folder / "cogs/Bank/settings.json").read_text())
    bank["384734293238749"]["MEMBER"][str(GUILD)]["not-an-id"] = {"balance": 5}
    write_red_config(red_folder, "Bank", bank)

    code, out = run_cli("import-red", str(red_folder), "--into", "bot")
    assert code == 1
    assert out.startswith("error: cog 'economy' failed on Bank 384734293238749: ValueError")
    log = instance.logs_path / "plughost.log"
    assert out.strip().endswith(f"(details in {log})")
    assert "Traceback" not in out  # the detail is for the log, not the terminal
    detail = log.read_text()
    assert "Traceback (most recent call last)" in detail
    assert "import_red_data" in detail
    assert await _snapshot(instance.dsn) == before
    assert inst.load("bot").settings == instance.settings  # prefix and owners unchanged
    left = sorted(p.name for p in instance.data_path.iterdir())
    assert left == ["plughost.db", "plughost.db.lock"]  # no staging file left behind


async def test_a_new_instance_is_removed_again_when_the_import_fails(
    home: Path, red_folder: Path, run_cli: Run
) -> None:
    bank: dict[str, Any] = json.loads((red_folder / "cogs/Bank/settings.json").read_text())
    bank["384734293238749"]["USER"] = {"someone": {"balance": 1}}
    write_red_config(red_folder, "Bank", bank)
    code, out = run_cli("import-red", str(red_folder), "--into", "bot")
    assert code == 1, out
    assert inst.instance_names() == []


async def test_import_into_existing_instance_keeps_its_data_and_adds_owner(
    home: Path, red_folder: Path, run_cli: Run
) -> None:
    instance = inst.create("bot", owners=(7,), prefix="!")
    async with connect(instance.dsn):
        await Config.get_conf(None, identifier=1, cog_name="Existing").set_raw("kept", value=1)
        await PermissionStore().list_add(None, "block", "user", 99, actor_id=7)
    code, out = run_cli("import-red", str(red_folder), "--into", "bot")
    assert code == 0, out
    settings = inst.load("bot").settings
    assert (settings.prefix, settings.owners) == ("?", (7, OWNER))
    async with connect(instance.dsn):
        assert await Config.get_conf(None, identifier=1, cog_name="Existing").get_raw("kept") == 1
        permissions = PermissionStore()
        await permissions.load()
        assert permissions.lists(None).block_users == {99, 222222222222222222}
        assert await _notes().custom("TAG", "hello").body() == "hi there"


async def test_a_running_bot_refuses_the_import(home: Path, red_folder: Path, run_cli: Run) -> None:
    instance = inst.create("bot")
    async with connect(instance.dsn):  # the bot's store is open: the instance is in use
        await Config.get_conf(None, identifier=1, cog_name="Existing").set_raw("kept", value=1)
        code, out = run_cli("import-red", str(red_folder), "--into", "bot")
        assert code == 1
        assert out.startswith("error: the instance is in use (stop the bot first)")
        # A dry run only looks: it works while the bot runs.
        code, out = run_cli("import-red", str(red_folder), "--into", "bot", "--dry-run")
        assert code == 0, out
        assert f"{DOCUMENTS} Red document(s) to import" in out
    documents, _ = await _snapshot(instance.dsn)
    assert documents == 1  # only the instance's own document: nothing was imported


def test_bad_sources_get_one_line(home: Path, tmp_path: Path, run_cli: Run) -> None:
    code, out = run_cli("import-red", str(tmp_path / "nowhere"), "--into", "bot")
    assert (code, out.strip()) == (1, f"error: {tmp_path / 'nowhere'} does not exist")
    code, out = run_cli("import-red", str(tmp_path), "--into", "bot")
    assert code == 1
    assert "is not a Red data folder (no core/settings.json" in out
    code, out = run_cli("import-red", "--into", "bot")
    assert out.strip() == "error: give either SOURCE (a data folder or backup) or --instance NAME"
    code, out = run_cli("import-red", str(RED35), "--into", "no such name")
    assert (code, out.split(":")[0]) == (1, "error")
    assert "invalid instance name 'no such name'" in out
    assert inst.instance_names() == []


def test_reds_own_custom_groups_are_known_without_the_record(
    home: Path, red_folder: Path, run_cli: Run
) -> None:
    """CUSTOM_GROUPS is written as cogs load: an instance may lack Red's own entries."""
    core: dict[str, Any] = json.loads((red_folder / "core/settings.json").read_text())
    for cog in ("Core", "ModLog", "Permissions"):
        del core["0"]["CUSTOM_GROUPS"][cog]
    write_red_config(red_folder, "Core", core)
    code, out = run_cli("import-red", str(red_folder), "--into", "bot", "--dry-run")
    assert code == 0, out
    lines = out.splitlines()
    assert (
        "ModLog 1354799444: would import 9 document(s) (CASES 5, CASETYPES 2, GLOBAL 1, GUILD 1)"
        in lines
    )
    assert "  cog moderation: 3 cases mapped" in lines
    assert any("7 Permissions rule(s) as 9 plughost rule(s)" in line for line in lines)
    assert not any("custom group 'COG_DISABLE_SETTINGS'" in line for line in lines)
