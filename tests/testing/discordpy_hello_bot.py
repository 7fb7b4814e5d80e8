"""A discord.py bot that answers ``!hello``, ``!vote`` (a button) and ``/where``
(member and channel options), pointed at the local Discord.

    python discordpy_hello_bot.py API_BASE GATEWAY_URL TOKEN

The same two settings point any discord.py bot at ``plughost emulator``.
"""

from __future__ import annotations

import sys
from typing import Any

import discord
import yarl
from discord.gateway import DiscordWebSocket


def main() -> None:
    api, gateway, token = sys.argv[1:4]
    discord.http.Route.BASE = api
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    intents = discord.Intents.default()
    intents.message_content = True
    client = discord.Client(intents=intents)
    tree = discord.app_commands.CommandTree(client)

    @tree.command(description="Say where someone is.")
    async def where(
        interaction: discord.Interaction, who: discord.Member, room: discord.TextChannel
    ) -> None:
        await interaction.response.send_message(f"{who.name} is in #{room.name}")

    async def setup_hook() -> None:
        await tree.sync()

    client.setup_hook = setup_hook  # type: ignore[method-assign]

    class Vote(discord.ui.View):
        @discord.ui.button(label="Yes", custom_id="vote:yes")
        async def yes(
            self, interaction: discord.Interaction, button: discord.ui.Button[Any]
        ) -> None:
            await interaction.response.send_message(f"{interaction.user.name} voted yes")

    @client.event
    async def on_message(message: discord.Message) -> None:
        if message.author == client.user:
            return
        if message.content == "!hello":
            await message.channel.send(f"Hello, {message.author.name}!")
        elif message.content == "!vote":
            await message.channel.send("Vote now", view=Vote(timeout=None))

    client.run(token, log_handler=None)


if __name__ == "__main__":
    main()
