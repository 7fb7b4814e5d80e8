"""``plughost console``: a bot on the local Discord emulator, and a prompt to talk to it.

Everything is real but Discord: the emulator serves the wire protocol on
127.0.0.1, the bot is the same `Bot` that ``plughost run`` starts, and the store
is the instance's (or a throwaway SQLite file). Each line typed is sent as a
member of the demo guild; the bot's answers print once it has finished handling
the line (the bot tracks its own work, so nothing waits on a timer).

Lines starting with ``/`` are slash commands (``/cog info name:economy``),
lines starting with ``:`` are console commands (``:help``), everything else is
a message.
"""

from __future__ import annotations

import asyncio
import contextlib
import shlex
import sys
import tempfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TextIO

if TYPE_CHECKING:
    from plughost.runtime.bot import Bot
    from plughost.testing.emulator import FakeDiscord, Message
    from plughost.web.address import WebAddress

__all__ = ["ConsoleSession", "parse_slash", "run_console"]

HELP: Final = """\
Type a message as the current member (e.g. !ping), or a slash command (e.g. /ping).
Slash options go as name:value, e.g. /cog info name:economy
  :as NAME        act as another member (created if new); :as owner acts as the bot owner
  :channel NAME   move to another channel of the demo guild (created if new)
  :who            show who and where you are
  :help           this text
  :quit           leave (Ctrl-D works too)"""

#: How long one line may take before the console gives up on it.
REPLY_TIMEOUT: Final = 30.0


def parse_slash(line: str) -> tuple[str, dict[str, str]]:
    """Split ``/cog info name:economy`` into ("cog info", {"name": "economy"})."""
    words = shlex.split(line.removeprefix("/"))
    path: list[str] = []
    options: dict[str, str] = {}
    for word in words:
        key, sep, value = word.partition(":")
        if sep and key:
            options[key] = value
        elif options:
            raise ValueError(f"expected name:value after the options began, got {word!r}")
        else:
            path.append(word)
    if not path:
        raise ValueError("a slash command needs a name, e.g. /ping")
    return " ".join(path), options


@dataclass
class ConsoleSession:
    """The member and channel the console acts as, and how it prints."""

    discord: FakeDiscord
    out: TextIO
    author_name: str = "alice"
    channel_name: str = "general"

    @property
    def author(self) -> Any:
        if self.author_name == "owner":
            return self.discord.owner
        return self.discord.member(self.author_name)

    @property
    def channel(self) -> Any:
        for channel in self.discord.guild.channels:
            if channel.name == self.channel_name:
                return channel
        return self.discord.add_channel(self.channel_name)

    def print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def print_replies(self, replies: list[Message]) -> None:
        if not replies:
            self.print("  (no reply)")
        for reply in replies:
            marker = " (only you can see this)" if reply.ephemeral else ""
            body = reply.text() or "(empty message)"
            lines = body.splitlines() or [""]
            self.print(f"bot{marker}: {lines[0]}")
            for line in lines[1:]:
                self.print(f"     {line}")

    async def handle(self, line: str) -> bool:
        """Act on one input line; False when the console should end."""
        line = line.strip()
        if not line:
            return True
        if line.startswith(":"):
            return self._console_command(line)
        try:
            if line.startswith("/"):
                name, options = parse_slash(line)
                response = await self.discord.slash(
                    name, author=self.author, channel=self.channel, timeout=REPLY_TIMEOUT, **options
                )
                self.print_replies([*response.messages, *response.followups])
            else:
                replies = await self.discord.send(
                    line, author=self.author, channel=self.channel, timeout=REPLY_TIMEOUT
                )
                self.print_replies(replies)
        except (ValueError, TypeError, LookupError, AssertionError, TimeoutError) as exc:
            # The emulator's own refusals: unknown command or option, no reply in time.
            self.print(f"error: {exc}")
        return True

    def _console_command(self, line: str) -> bool:
        command, _, argument = line[1:].partition(" ")
        argument = argument.strip().lstrip("#@")
        if command in {"quit", "exit", "q"}:
            return False
        if command == "help":
            self.print(HELP)
        elif command == "as" and argument:
            self.author_name = argument
            self.print(f"you are now {argument}")
        elif command == "channel" and argument:
            self.channel_name = argument
            self.print(f"you are now in #{self.channel.name}")
        elif command == "who":
            self.print(
                f"you are {self.author_name} in #{self.channel_name} of {self.discord.guild.name}"
            )
        else:
            self.print(f"unknown console command {line!r}; :help lists them")
        return True


def run_console(
    instance_name: str | None,
    *,
    debug: bool = False,
    as_user: str | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    web: WebAddress | None = None,
) -> int:
    """Run the offline console (with the web console on ``web``); return the exit code."""
    source = stdin if stdin is not None else sys.stdin
    sink = stdout if stdout is not None else sys.stdout
    from plughost.runtime.runner import AlongsideUnavailable, StoreUnavailable

    try:
        return asyncio.run(_console(instance_name, debug, as_user, source, sink, web=web))
    except KeyboardInterrupt:
        sink.write("\n")
        return 0
    except (StoreUnavailable, AlongsideUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


async def _console(
    instance_name: str | None,
    debug: bool,
    as_user: str | None,
    source: TextIO,
    sink: TextIO,
    *,
    web: WebAddress | None,
) -> int:
    from plughost.runtime.logs import configure_logging

    async with (
        contextlib.AsyncExitStack() as stack,
        _instance_store(instance_name) as (dsn, prefix, owners, logs_dir),
    ):
        configure_logging(logs_dir, debug=debug)
        label = repr(instance_name) if instance_name else "the console's throwaway instance"
        async with _connected_bot(label, dsn, prefix, owners) as (discord, bot):
            session = ConsoleSession(discord, sink, author_name=as_user or "alice")
            await stack.enter_async_context(_web_console(discord, bot, web, session.print))
            interactive = source.isatty()
            if interactive:
                session.print(f"plughost console: {discord.guild.name}, #{session.channel_name}.")
                session.print("Type :help for help, :quit to leave.")
            async for line in _lines(source, interactive, lambda: _prompt(session)):
                if not interactive and line.strip():
                    session.print(f"{session.author_name}> {line.strip()}")
                if not await session.handle(line):
                    break
    return 0


def _prompt(session: ConsoleSession) -> str:
    return f"{session.author_name} #{session.channel_name}> "


async def _lines(
    source: TextIO, interactive: bool, prompt: Callable[[], str]
) -> AsyncIterator[str]:
    """Input lines; blocking reads run in a thread so the bot keeps serving meanwhile."""
    while True:
        if interactive:
            try:
                line = await asyncio.to_thread(input, prompt())
            except EOFError:
                return
        else:
            line = await asyncio.to_thread(source.readline)
            if not line:
                return
        yield line


@contextlib.asynccontextmanager
async def _instance_store(
    instance_name: str | None,
) -> AsyncIterator[tuple[str, str, list[int], Path]]:
    """The DSN, prefix, owners and log folder: a named instance's, or a throwaway one."""
    if instance_name is not None:
        from plughost.instances import load

        instance = load(instance_name)
        settings = instance.settings
        yield instance.dsn, settings.prefix, list(settings.owners), instance.path / "logs"
        return
    with tempfile.TemporaryDirectory(prefix="plughost-console-") as tmp:
        folder = Path(tmp)
        yield f"sqlite:///{folder / 'plughost.db'}", "!", [], folder / "logs"


@contextlib.asynccontextmanager
async def _web_console(
    discord: FakeDiscord, bot: Bot, address: WebAddress | None, say: Callable[[str], None]
) -> AsyncIterator[None]:
    """The web console of the console's bot; Login with Discord goes to the emulator,
    whose application gets the console's redirect URI registered."""
    if address is None:
        yield
        return
    from plughost.web.serve import serving

    application = discord.state.application
    async with serving(
        [bot],
        address,
        oauth_secret=application.client_secret,
        preferred_owner=discord.owner_user.id,
        say=say,
    ) as console:
        application.redirect_uris.append(console.redirect_uri)
        yield


@contextlib.asynccontextmanager
async def _connected_bot(
    label: str, dsn: str, prefix: str, owners: list[int]
) -> AsyncIterator[tuple[FakeDiscord, Bot]]:
    """The emulator, the store and a bot connected to both, torn down in reverse."""
    from plughost.runtime.runner import open_store
    from plughost.testing.emulator import FakeDiscord
    from plughost.testing.running import running_bot

    async with (
        open_store(label, dsn),
        FakeDiscord() as discord,
        running_bot(discord, prefix=prefix, owner_ids=owners, load_all_cogs=True) as bot,
    ):
        yield discord, bot
