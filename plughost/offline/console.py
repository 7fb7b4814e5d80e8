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
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TextIO

from plughost.offline.rendering import render_markup

if TYPE_CHECKING:
    from plughost.metrics import MetricsAddress
    from plughost.runtime.bot import Bot
    from plughost.runtime.logs import LogFormat
    from plughost.testing.emulator import FakeDiscord, InteractionResponse, Message
    from plughost.web.address import WebAddress
    from plughost.web.serve import Beside

__all__ = ["ConsoleSession", "parse_options", "parse_slash", "run_console"]

HELP: Final = """\
Type a message as the current member (e.g. !ping), or a slash command (e.g. /ping).
Slash options go as name:value, e.g. /cog info name:economy
  :as NAME        act as another member (created if new); :as owner acts as the bot owner
  :channel NAME   move to another channel of the demo guild (created if new)
  :click LABEL    press the button LABEL on the bot's latest message that has it
  :submit f:v     fill in and send the form the bot opened (field:value, as slash options)
  :who            show who and where you are
  :help           this text
  :quit           leave (Ctrl-D works too)"""


@dataclass(frozen=True)
class _LogOptions:
    format: LogFormat
    levels: Mapping[str, str]


#: How long one line may take before the console gives up on it.
REPLY_TIMEOUT: Final = 30.0
#: How far back ``:click`` looks for a message with the button.
CLICK_LOOKBACK: Final = 50
#: Input lines kept in the history (``<instance>/console_history``).
HISTORY_LINES: Final = 1000
HISTORY_FILE: Final = "console_history"


def parse_options(words: list[str]) -> dict[str, str]:
    """``["name:economy", "text:hi there"]`` as {"name": "economy", "text": "hi there"}."""
    options: dict[str, str] = {}
    for word in words:
        key, sep, value = word.partition(":")
        if not (sep and key):
            raise ValueError(f"expected name:value, got {word!r}")
        options[key] = value
    return options


def parse_slash(line: str) -> tuple[str, dict[str, str]]:
    """Split ``/cog info name:economy`` into ("cog info", {"name": "economy"})."""
    words = shlex.split(line.removeprefix("/"))
    path: list[str] = []
    for index, word in enumerate(words):
        key, sep, _ = word.partition(":")
        if sep and key:
            return _named_path(path), parse_options(words[index:])
        path.append(word)
    return _named_path(path), {}


def _named_path(path: list[str]) -> str:
    if not path:
        raise ValueError("a slash command needs a name, e.g. /ping")
    return " ".join(path)


@dataclass
class ConsoleSession:
    """The member and channel the console acts as, and how it prints."""

    discord: FakeDiscord
    out: TextIO
    author_name: str = "alice"
    channel_name: str = "general"
    #: The bot's answer that opened a form, until ``:submit`` sends it.
    open_form: InteractionResponse | None = None

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

    def shown(self, message: Message) -> str:
        """A message's text with mentions, channels, roles and times as Discord shows them."""
        return render_markup(message.text(), self.discord.state, message.guild_id)

    def print_replies(self, replies: list[Message], sent: Message | None = None) -> None:
        reactions = self._bot_reactions(sent)
        if not replies and not reactions:
            self.print("  (no reply)")
        for reply in replies:
            marker = " (only you can see this)" if reply.ephemeral else ""
            body = self.shown(reply) or "(empty message)"
            lines = body.splitlines() or [""]
            self.print(f"bot{marker}: {lines[0]}")
            for line in lines[1:]:
                self.print(f"     {line}")
        if reactions:
            self.print(f"bot reacted: {' '.join(reactions)}")

    def _bot_reactions(self, sent: Message | None) -> list[str]:
        """The emoji the bot put on the member's own message (``ctx.tick()``)."""
        if sent is None:
            return []
        bot_id = self.discord.bot.id
        return [r.emoji for r in sent.reactions if bot_id in r.user_ids]

    def print_response(self, response: InteractionResponse) -> None:
        """The bot's answer to a slash command, a click or a form."""
        if (form := response.modal) is not None:
            self.open_form = response
            self._print_form(form)
            return
        self.print_replies([*response.messages, *response.followups])

    def _print_form(self, form: dict[str, Any]) -> None:
        self.print(f"bot opened a form: {form.get('title') or form.get('custom_id')}")
        names = []
        for row in form.get("components") or []:
            for field in row.get("components") or [row]:
                ident = field.get("custom_id")
                required = "required" if field.get("required", True) else "optional"
                prefilled = f", now {field['value']!r}" if field.get("value") else ""
                self.print(f"  {ident}: {field.get('label') or ident} ({required}{prefilled})")
                names.append(str(ident))
        example = " ".join(f'{name}:"..."' for name in names[:2])
        self.print(f"  answer with :submit {example}")

    async def handle(self, line: str) -> bool:
        """Act on one input line; False when the console should end."""
        line = line.strip()
        if not line:
            return True
        try:
            if line.startswith(":"):
                return await self._console_command(line)
            if line.startswith("/"):
                name, options = parse_slash(line)
                response = await self.discord.slash(
                    name,
                    author=self.author,
                    channel=self.channel,
                    timeout=REPLY_TIMEOUT,
                    options=options,  # any option name, even author or channel
                )
                self.print_response(response)
            else:
                replies = await self.discord.send(
                    line, author=self.author, channel=self.channel, timeout=REPLY_TIMEOUT
                )
                self.print_replies(replies, replies.sent)
        except (ValueError, TypeError, LookupError, AssertionError, TimeoutError) as exc:
            # The emulator's own refusals: unknown command or option, no reply in time.
            self.print(f"error: {exc}")
        return True

    async def _console_command(self, line: str) -> bool:
        command, _, argument = line[1:].partition(" ")
        argument = argument.strip()
        if command in {"quit", "exit", "q"}:
            return False
        if command == "click" and argument:
            await self._click(argument)
        elif command == "submit":
            await self._submit(argument)
        else:
            self._session_command(command, argument.lstrip("#@"), line)
        return True

    def _session_command(self, command: str, argument: str, line: str) -> None:
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

    async def _click(self, label: str) -> None:
        message = self._message_with(label)
        if message is None:
            self.print(f"error: none of the bot's recent messages here has a button {label!r}")
            return
        response = await self.discord.click(
            message, label, author=self.author, timeout=REPLY_TIMEOUT
        )
        self.print_response(response)

    def _message_with(self, label: str) -> Message | None:
        """The bot's latest message, here or in the member's DMs, with that button."""
        state, bot_id = self.discord.state, self.discord.bot.id
        ids = [
            *state.channel_messages.get(self.channel.id, [])[-CLICK_LOOKBACK:],
            *state.channel_messages.get(self.discord.dm_channel(self.author).id, [])[
                -CLICK_LOOKBACK:
            ],
        ]
        for message_id in sorted(ids, reverse=True):
            message = state.messages[message_id]
            if message.author_id == bot_id and not message.deleted and _has(message, label):
                return message
        return None

    async def _submit(self, argument: str) -> None:
        opened = self.open_form
        if opened is None:
            self.print("error: no form is open; a button or command opens one")
            return
        values = parse_options(shlex.split(argument))
        response = await self.discord.submit_modal(opened, values, timeout=REPLY_TIMEOUT)
        self.open_form = None
        self.print_response(response)


def _has(message: Message, label: str) -> bool:
    for row in message.components:
        for component in row.get("components") or [row]:
            if label in (component.get("label"), component.get("custom_id")):
                return True
    return False


def run_console(
    instance_name: str | None,
    *,
    debug: bool = False,
    as_user: str | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    metrics: MetricsAddress | None = None,
    web: WebAddress | None = None,
    log_format: LogFormat = "text",
    log_levels: Mapping[str, str] | None = None,
) -> int:
    """Run the offline console; return the process exit code.

    With ``metrics``, the bot's metrics and health checks are served there; with
    ``web``, the web console is (with the same metrics and health checks).
    """
    source = stdin if stdin is not None else sys.stdin
    sink = stdout if stdout is not None else sys.stdout
    from plughost.runtime.runner import StartupError

    try:
        logs = _LogOptions(log_format, log_levels or {})
        return asyncio.run(
            _console(
                instance_name, debug, as_user, source, sink, metrics=metrics, web=web, logs=logs
            )
        )
    except KeyboardInterrupt:
        sink.write("\n")
        return 0
    except StartupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


async def _console(
    instance_name: str | None,
    debug: bool,
    as_user: str | None,
    source: TextIO,
    sink: TextIO,
    *,
    metrics: MetricsAddress | None,
    web: WebAddress | None,
    logs: _LogOptions,
) -> int:
    from plughost.runtime.logs import configure_logging

    async with _instance_place(instance_name) as place:
        # Library lines (interactions.py's HTTP errors, say) go to the log file, not
        # into the prompt; --debug shows them on the terminal too.
        configure_logging(
            place.logs,
            debug=debug,
            log_format=logs.format,
            levels={**place.levels, **logs.levels},
            terminal=debug,
        )
        label = repr(instance_name) if instance_name else "the console's throwaway instance"
        async with _connected_bot(label, place) as (discord, bot):
            session = ConsoleSession(discord, sink, author_name=as_user or "alice")
            async with _beside_bot(discord, bot, metrics, web, session.print) as served:
                interactive = source.isatty()
                if interactive:
                    session.print(
                        f"plughost console: {discord.guild.name}, #{session.channel_name}."
                    )
                    if metrics is not None and served is not None and served.metrics is not None:
                        port = served.metrics.port
                        session.print(f"Metrics on http://{metrics.host}:{port}/metrics")
                    session.print(f"Type :help for help, :quit to leave. Logs: {place.logs}")
                with _line_editing(interactive, place.history):
                    async for line in _lines(source, interactive, lambda: _prompt(session)):
                        if not interactive and line.strip():
                            session.print(f"{session.author_name}> {line.strip()}")
                        if not await session.handle(line):
                            break
    return 0


def _prompt(session: ConsoleSession) -> str:
    return f"{session.author_name} #{session.channel_name}> "


@contextlib.contextmanager
def _line_editing(interactive: bool, history: Path | None) -> Iterator[None]:
    """On a terminal: readline's line editing (arrows, Ctrl-A/E, ...) for ``input()``,
    and the history of earlier sessions of this instance (up arrow)."""
    if not interactive:
        yield
        return
    try:
        import readline
    except ImportError:  # Windows without pyreadline: plain input()
        yield
        return
    readline.set_history_length(HISTORY_LINES)
    if history is not None:
        with contextlib.suppress(OSError):
            readline.read_history_file(history)
    try:
        yield
    finally:
        if history is not None:
            with contextlib.suppress(OSError):
                readline.write_history_file(history)


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


@dataclass(frozen=True)
class _Place:
    """Where a console session keeps things: a named instance's, or a throwaway's."""

    dsn: str
    prefix: str
    owners: list[int]
    logs: Path
    levels: Mapping[str, str]
    #: The readline history file (None: the throwaway instance keeps none).
    history: Path | None
    #: Seeds the emulator's ids: the same guild, channels and members every run.
    seed: str


@contextlib.asynccontextmanager
async def _instance_place(instance_name: str | None) -> AsyncIterator[_Place]:
    """A named instance's store, prefix, owners, folders and log levels, or a throwaway's."""
    from plughost.instances import load
    from plughost.instances.layout import sqlite_dsn

    if instance_name is not None:
        from plughost.runtime.runner import checked_prefix

        instance = load(instance_name)
        settings = instance.settings
        yield _Place(
            dsn=instance.dsn,
            prefix=checked_prefix(instance),
            owners=list(settings.owners),
            logs=instance.path / "logs",
            levels=settings.log_levels,
            history=instance.path / HISTORY_FILE,
            seed=instance.name,
        )
        return
    with tempfile.TemporaryDirectory(prefix="plughost-console-") as tmp:
        folder = Path(tmp)
        yield _Place(sqlite_dsn(folder / "plughost.db"), "!", [], folder / "logs", {}, None, "")


@contextlib.asynccontextmanager
async def _beside_bot(
    discord: FakeDiscord,
    bot: Bot,
    metrics: MetricsAddress | None,
    web: WebAddress | None,
    say: Callable[[str], None],
) -> AsyncIterator[Beside | None]:
    """``--metrics`` and ``--web`` for the console's bot (process label "console"), or
    None (neither asked for, and aiohttp, Jinja2 and prometheus-client not imported).
    Login with Discord goes to the emulator, whose application gets the web console's
    redirect URI registered."""
    if metrics is None and web is None:
        yield None
        return
    from plughost.web.serve import beside_bots

    application = discord.state.application
    async with beside_bots(
        [bot],
        web=web,
        metrics=metrics,
        process="console",
        oauth_secret=application.client_secret,
        preferred_owner=discord.owner_user.id,
        say=say,
    ) as served:
        if served.console is not None:
            application.redirect_uris.append(served.console.redirect_uri)
        yield served


@contextlib.asynccontextmanager
async def _connected_bot(label: str, place: _Place) -> AsyncIterator[tuple[FakeDiscord, Bot]]:
    """The emulator, the store and a bot connected to both, torn down in reverse."""
    from plughost.runtime.runner import open_store
    from plughost.testing.emulator import FakeDiscord
    from plughost.testing.running import running_bot

    async with (
        open_store(label, place.dsn),
        FakeDiscord(id_seed=f"plughost-console:{place.seed}") as discord,
        running_bot(
            discord, prefix=place.prefix, owner_ids=place.owners, load_all_cogs=True
        ) as bot,
    ):
        yield discord, bot
