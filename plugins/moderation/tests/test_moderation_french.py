"""The moderation cog in French: replies, refusals, cases, and the slash commands."""

import re

from babel.messages.pofile import read_po
from plughost_moderation import messages


def test_every_message_has_a_french_translation():
    locales = messages._.localedir
    with (locales / "moderation.pot").open("rb") as template:
        wanted = [m.id for m in read_po(template) if m.id]
    with (locales / "fr" / "LC_MESSAGES" / "moderation.po").open("rb") as source:
        french = read_po(source)
    assert wanted
    assert [m for m in wanted if french.get(m) is None or not french.get(m).string] == []


async def test_a_french_server_moderates_in_french(bot, fake_discord, moderation, mod):
    owner, bob = fake_discord.owner, fake_discord.member("bob")
    await fake_discord.send("!set locale fr", author=owner)
    replies = await fake_discord.send(f"!warn {bob.mention} spam", author=mod)
    assert replies[0].content == f"Cas n°1 enregistré : avertissement de {bob.mention}."
    replies = await fake_discord.send(f"!kick {mod.mention}", author=mod)
    assert replies[0].content == "Vous ne pouvez pas vous expulser vous-même."
    replies = await fake_discord.send("!case 1", author=mod)
    assert replies[0].content.splitlines()[:4] == [
        "**Cas n°1 : Avertissement**",
        f"Membre : <@{bob.id}> ({bob.id})",
        f"Modérateur : <@{mod.id}>",
        "Motif : spam",
    ]
    replies = await fake_discord.send(f"!cases {bob.id}", author=mod)
    assert replies[0].content.splitlines()[0] == f"Cas concernant <@{bob.id}> :"
    assert re.fullmatch(r"n°1 Avertissement, <t:\d+:d> : spam", replies[0].content.splitlines()[1])


async def test_a_french_moderator_sees_the_slash_commands_in_french(
    bot, fake_discord, moderation, mod
):
    synced = {
        command["name"]: command
        for request in fake_discord.requests
        if request.method == "PUT" and request.path.endswith("/commands")
        for command in request.json
    }
    assert synced["kick"]["name_localizations"] == {"fr": "expulser"}
    assert synced["kick"]["description_localizations"] == {"fr": "Expulse un membre du serveur."}
    assert synced["modlog"]["name_localizations"] == {"fr": "journal"}
    mod.user.locale = "fr"
    bob = fake_discord.member("bob")
    response = await fake_discord.slash("warn", author=mod, member=bob, reason="flood")
    assert response.content == f"Cas n°1 enregistré : avertissement de {bob.mention}."
