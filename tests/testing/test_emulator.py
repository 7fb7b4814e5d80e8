"""The real interactions.py client against the emulator, as a cog author's bot would run."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

import aiohttp
import interactions
import pytest
from emulator_clients import StartClient, build_client, running

from plughost.testing.conformance import SpecCheck
from plughost.testing.emulator import CommandNotRegistered, DiscordEmulator, FakeDiscord, NoReply


async def test_startup_reaches_ready_with_every_guild_cached(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    fd.add_guild("Second Guild")
    fd.add_guild("Third Guild")

    client = await start_client()

    assert {g.name for g in client.guilds} == {"Demo Guild", "Second Guild", "Third Guild"}
    demo = client.get_guild(fd.guild.id)
    assert demo is not None
    assert demo._owner_id == fd.owner.id
    assert {c.name for c in demo.channels} >= {"Text", "general", "random", "mod-log"}
    general = client.get_channel(fd.channel.id)
    assert general is not None
    assert general.category is not None
    assert general.category.name == "Text"
    assert fd.owner.id in client.owner_ids
    assert all(r.status < 400 for r in fd.requests), [str(r) for r in fd.requests]


async def test_guilds_and_channels_added_later_reach_the_client(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()

    late = fd.add_guild("Late Guild")
    assert (await fd.send("!guilds"))[0].content == "Demo Guild, Late Guild"
    fd.add_channel("news", guild=late, kind="news")
    fd.add_channel("voice", kind="voice", category="Text")
    replies = await fd.send("!echo fresh", channel=fd.channel_named("news", late))
    assert [r.content for r in replies] == ["fresh"]


async def test_prefixed_command_round_trip(fd: FakeDiscord, start_client: StartClient) -> None:
    await start_client()

    replies = await fd.send("!ping")

    assert [r.content for r in replies] == ["pong"]
    assert replies[0].author_id == fd.bot.id
    assert replies[0].channel_id == fd.channel.id
    assert replies[0].reference_id is not None  # ctx.reply answers the command message


async def test_slash_commands_are_synced_with_ids_and_answer(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()

    puts = fd.emulator.requests_to("PUT", f"/applications/{fd.bot.id}/commands")
    assert len(puts) == 1
    assert {c["name"] for c in puts[0].json} == {"ping", "slow", "secret", "repeat", "cog"}
    resp = await fd.slash("ping")

    assert resp.content == "pong"
    assert resp.type == 4
    assert not resp.deferred
    assert not resp.ephemeral


async def test_deferred_slash_is_answered_by_editing_the_original(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()

    resp = await fd.slash("slow")

    assert resp.deferred
    assert resp.content == "done"
    assert fd.emulator.requests_to("PATCH", f"/webhooks/{fd.bot.id}/")


async def test_slash_options_subcommands_and_ephemeral(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()
    bob = fd.member("bob")

    assert (await fd.slash("repeat", word="hi", times=3)).content == "hi hi hi"
    assert (await fd.slash("repeat", word="hey", who=bob)).content == "hey for bob"
    assert (await fd.slash("cog list")).content == "audio, economy"
    secret = await fd.slash("secret")
    assert secret.ephemeral
    assert secret.content == "just for you"
    assert secret.message not in fd.messages()  # nobody else sees it in the channel


async def test_slash_errors_say_what_is_registered(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()

    with pytest.raises(CommandNotRegistered, match=r"/nope .*global: /cog, /ping, /repeat"):
        await fd.slash("nope")
    with pytest.raises(CommandNotRegistered, match="no subcommand 'add'"):
        await fd.slash("cog add")
    with pytest.raises(TypeError, match="needs option"):
        await fd.slash("repeat")


async def test_multipart_attachment_keeps_the_bytes(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()

    replies = await fd.send("!file")

    assert replies[0].content == "here"
    [attachment] = replies[0].attachments
    assert (attachment.name, attachment.data) == ("hello.txt", b"hello bytes")
    url = fd.emulator.events.message_json(replies[0])["attachments"][0]["url"]
    async with aiohttp.ClientSession() as http, http.get(url) as download:
        assert await download.read() == b"hello bytes"


async def test_direct_messages_both_ways(fd: FakeDiscord, start_client: StartClient) -> None:
    await start_client()
    alice = fd.member("alice")

    replies = await fd.dm("!ping", alice)
    assert [r.content for r in replies] == ["pong"]
    assert replies[0].guild_id is None

    replies = await fd.send("!dmme", author=alice)
    assert [r.content for r in replies] == ["psst"]
    assert replies[0].channel_id == fd.dm_channel(alice).id


async def test_member_changes_reach_the_client_cache(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()
    assert (await fd.send("!members"))[0].content == "alice, bob, owner, plughost"

    fd.member("carol")
    fd.member("alice", roles=["Mods"])

    assert (await fd.send("!members"))[0].content == "alice, bob, carol, owner, plughost"
    assert (await fd.send("!roles", author="alice"))[0].content == "Mods"
    fd.remove_member(fd.member("bob"))
    assert (await fd.send("!members"))[0].content == "alice, carol, owner, plughost"


async def test_reactions_and_buttons(fd: FakeDiscord, start_client: StartClient) -> None:
    await start_client()

    await fd.send("!react", expect=0)
    command = fd.messages()[-1]
    reaction = await fd.wait_for(lambda: command.reaction("👍"), what="the bot's 👍")
    assert reaction.user_ids == [fd.bot.id]

    [question] = await fd.send("!button")
    resp = await fd.click(question, "yes", author="bob")
    assert resp.type == 7
    assert question.content == "confirmed by bob"
    assert question.components == []


async def test_timeout_says_what_was_awaited_and_what_the_bot_did(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()

    with pytest.raises(
        NoReply, match=r"no reply to '!silent' in #general within 0.2s; bot sent nothing"
    ):
        await fd.send("!silent", timeout=0.2)


async def test_settle_hook_decides_when_replies_are_complete(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    client = await start_client()
    settled: list[int] = []

    async def settle(message_id: int) -> None:
        # the bot "finishes" once its reply to that message is in the emulator
        await fd.wait_for(
            lambda: message_id in client.handled and fd.messages()[-1].author_id == fd.bot.id,
            what="reply",
        )
        settled.append(message_id)

    fd.settle = settle
    replies = await fd.send("!ping")
    assert [r.content for r in replies] == ["pong"]
    assert settled == [fd.messages()[-2].id]


async def test_two_shards_in_one_process_split_the_guilds(
    fd_two_shards: FakeDiscord, start_client: StartClient
) -> None:
    fd = fd_two_shards
    second = fd.add_guild("Second Guild")
    third = fd.add_guild("Third Guild")
    shard0 = await start_client(fd, shard_id=0, total_shards=2)
    shard1 = await start_client(fd, shard_id=1, total_shards=2)

    assert {g.name for g in shard0.guilds} == {"Demo Guild", "Third Guild"}
    assert {g.name for g in shard1.guilds} == {"Second Guild"}
    assert (await shard0.http.get_gateway_bot())["shards"] == 2

    in_second = fd.channel_named("general", second)
    assert [r.content for r in await fd.send("!echo hello", channel=in_second)] == ["hello"]
    assert shard1.handled == [fd.messages(in_second)[0].id]  # type: ignore[attr-defined]
    assert shard0.handled == []  # type: ignore[attr-defined]
    in_third = fd.channel_named("general", third)
    assert (await fd.send("!echo hi", channel=in_third))[0].content == "hi"
    assert (await fd.dm("!ping", "alice"))[0].content == "pong"  # DMs go to shard 0
    assert len(shard0.handled) == 2  # type: ignore[attr-defined]


async def test_dropped_connection_resumes_and_replays_exactly_once(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    client = await start_client()

    await fd.emulator.drop_connection(0)
    for word in ("one", "two", "three"):
        await fd.send(f"!echo {word}", expect=0)  # posted while the bot is disconnected
    await fd.emulator.wait_resumed(0)
    await fd.send("!echo four", expect=0)

    def bot_said() -> Counter[str]:
        return Counter(m.content for m in fd.messages() if m.author_id == fd.bot.id)

    await fd.wait_for(lambda: bot_said()["four"], what="the bot's answer to '!echo four'")
    assert bot_said() == Counter(["one", "two", "three", "four"])
    assert len(client.handled) == len(set(client.handled)) == 4  # type: ignore[attr-defined]
    status = fd.emulator.shard(0)
    assert (status.identifies, status.resumes) == (1, 1)


async def test_op7_reconnect_resumes(fd: FakeDiscord, start_client: StartClient) -> None:
    await start_client()

    await fd.emulator.request_reconnect(0)
    await fd.emulator.wait_resumed(0)

    assert (await fd.send("!ping"))[0].content == "pong"
    assert fd.emulator.shard(0).identifies == 1


async def test_op9_invalid_session_identifies_again(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    client = await start_client()

    await fd.emulator.invalidate_session(0, resumable=False)
    await fd.emulator.wait_ready(0, count=2)
    await client.wait_until_ready()

    assert (await fd.send("!ping"))[0].content == "pong"
    status = fd.emulator.shard(0)
    assert (status.identifies, status.resumes) == (2, 0)


async def test_unknown_route_is_a_discord_shaped_404(
    fd: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {"Authorization": f"Bot {fd.token}"}
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{fd.api_base}/no/such/route", headers=headers) as response:
            assert response.status == 404
            assert response.headers["Content-Type"] == "application/json"
            assert await response.json() == {"message": "404: Not Found", "code": 0}
        async with http.get(f"{fd.api_base}/users/@me") as response:
            assert response.status == 401
    assert [str(r) for r in fd.requests] == [
        "GET /no/such/route -> 404",
        "GET /users/@me -> 401",
    ]
    assert "no route for GET /api/v10/no/such/route" in caplog.text


async def test_guild_commands_are_synced_per_guild(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    other = fd.add_guild("Other Guild")
    await start_client()

    [put] = fd.emulator.requests_to("PUT", f"/applications/{fd.bot.id}/guilds/{fd.guild.id}/")
    assert [c["name"] for c in put.json] == ["here"]
    assert (await fd.slash("here")).content == "in Demo Guild"
    with pytest.raises(CommandNotRegistered, match="/here"):
        await fd.slash("here", channel=fd.channel_named("general", other))


async def test_single_command_crud_over_rest(fd: FakeDiscord) -> None:
    base = f"{fd.api_base}/applications/{fd.bot.id}/guilds/{fd.guild.id}/commands"
    headers = {"Authorization": f"Bot {fd.token}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.post(base, json={"name": "tag", "description": "Tags"}) as created:
            assert created.status == 201
            command = await created.json()
        async with http.patch(
            f"{base}/{command['id']}", json={"description": "All tags"}
        ) as edited:
            assert (await edited.json())["description"] == "All tags"
        async with http.get(base) as listed:
            assert [(c["id"], c["name"]) for c in await listed.json()] == [(command["id"], "tag")]
        async with http.delete(f"{base}/{command['id']}") as deleted:
            assert deleted.status == 204
        async with http.get(base) as listed:
            assert await listed.json() == []


async def test_content_is_hidden_without_the_message_content_intent(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    await start_client(intents=interactions.Intents.DEFAULT)

    with pytest.raises(NoReply, match="did not request the MESSAGE_CONTENT intent"):
        await fd.send("!ping", timeout=0.2)
    assert (await fd.dm("!ping", "alice"))[0].content == "pong"  # DMs keep their content


async def test_heartbeats_are_acknowledged(
    route_base: Callable[[str], None],
    no_client_errors: None,
    plughost_spec_check: SpecCheck | None,
) -> None:
    emulator = DiscordEmulator(heartbeat_interval=0.05, spec_check=plughost_spec_check)
    async with FakeDiscord(emulator) as fd:
        route_base(fd.api_base)
        async with running(build_client(fd), fd.token):
            status = await fd.emulator.wait_shard(
                0, lambda s: s.heartbeats >= 3, what="3 heartbeats"
            )
    # an unacknowledged heartbeat would have made the client reconnect
    assert (status.connections, status.identifies, status.resumes) == (1, 1, 0)


async def test_team_owned_application(fd: FakeDiscord, start_client: StartClient) -> None:
    fd.set_team(fd.member("alice"))

    client = await start_client()

    assert client.app.team is not None
    assert {m.id for m in client.app.team.members} == {fd.owner.id, fd.member("alice").id}
    assert fd.owner.id in client.owner_ids


async def test_moderation_lands_in_the_emulated_guild(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    mods = fd.add_role("Mods")
    await start_client()
    bob = fd.member("bob")

    assert (await fd.send(f"!promote {bob.mention}", author=fd.owner))[0].content == "bob is a mod"
    assert mods.id in bob.role_ids
    assert (await fd.send(f"!ban {bob.mention}", author=fd.owner))[0].content == "banned bob"
    assert fd.state.bans[fd.guild.id] == {bob.id: "banned by owner"}
    assert (fd.guild.id, bob.id) not in fd.state.members
    assert (await fd.send("!members"))[0].content == "alice, owner, plughost"


async def test_client_shutdown_leaves_no_tasks_and_ends_the_session(
    fd: FakeDiscord, route_base: Callable[[str], None], no_client_errors: None
) -> None:
    route_base(fd.api_base)
    before = asyncio.all_tasks()

    async with running(build_client(fd), fd.token):
        assert (await fd.send("!ping"))[0].content == "pong"
    await fd.emulator.wait_shard(0, lambda s: not s.connected, what="the disconnect")

    leftover = {t for t in asyncio.all_tasks() - before if not t.done()}
    assert not leftover, leftover
    assert fd.emulator.gateway.shards == {}  # a close with 1000 ends the session
