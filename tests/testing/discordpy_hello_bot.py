"""A discord.py bot that answers ``!hello``, pointed at the local Discord.

    python discordpy_hello_bot.py API_BASE GATEWAY_URL TOKEN

The same two settings point any discord.py bot at ``plughost emulator``.
"""

from __future__ import annotations

import sys

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

    @client.event
    async def on_message(message: discord.Message) -> None:
        if message.author != client.user and message.content == "!hello":
            await message.channel.send(f"Hello, {message.author.name}!")

    client.run(token, log_handler=None)


if __name__ == "__main__":
    main()
