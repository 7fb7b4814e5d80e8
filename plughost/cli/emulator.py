"""``plughost emulator``: the local Discord as a standalone server, for any client library.

The server and its control interface live in
``plughost.testing.emulator.standalone``; this command only starts it, prints where
it listens and stops it on SIGINT or SIGTERM.
"""

from __future__ import annotations

import asyncio
import signal

import click

__all__ = ["emulator_command"]


@click.command("emulator")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Loopback by default; the control interface answers "
    "loopback clients only, whatever the address.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65_535),
    default=0,
    show_default=True,
    help="Port to listen on (0: any free port; the one taken is printed).",
)
@click.option(
    "--token",
    default=None,
    help="The bot token the local Discord accepts (default: a new random one, printed).",
)
@click.option(
    "--guilds",
    type=click.IntRange(1, 1000),
    default=1,
    show_default=True,
    help="How many guilds the bot is in, each with #general and the members alice and bob.",
)
def emulator_command(host: str, port: int, token: str | None, guilds: int) -> None:
    """Run the local Discord as a server that any bot can connect to.

    Prints the REST API base, the gateway URL, the bot token and the control
    interface's URL, then serves until interrupted (SIGINT or SIGTERM).
    See docs/emulator.md for pointing discord.py at it and for the control interface.
    """
    asyncio.run(_serve(host, port, token, guilds))


async def _serve(host: str, port: int, token: str | None, guilds: int) -> None:
    # Imported here: `plughost --help` should not load the emulator.
    from plughost.testing.emulator.standalone import StandaloneDiscord  # noqa: PLC0415

    server = StandaloneDiscord(host=host, port=port, token=token, guilds=guilds)
    try:
        await server.start()
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    emulator = server.emulator
    click.echo(f"api: {emulator.api_base}")
    click.echo(f"gateway: {emulator.gateway_url}")
    click.echo(f"token: {emulator.token}")
    click.echo(f"control: {server.control_url}")
    click.echo(f"bot id: {server.discord.bot.id}", nl=True)
    try:
        await stop.wait()
    finally:
        await server.stop()
