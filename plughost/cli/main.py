"""The ``plughost`` command: set up, list, edit, back up, restore, delete and run instances.

Errors reach the user as one ``error: ...`` line on stderr and a non-zero exit
code, never a traceback: :class:`_PlughostGroup` handles that for every command.
The bot runtime (``plughost.runtime.runner``, ``plughost.offline.console``, and through them
interactions.py) is imported only inside ``run`` and ``console``, so ``--help``
and the instance commands start fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, final

import click

from plughost import instances
from plughost._version import __version__
from plughost.cli.authoring import new_cog_command
from plughost.cli.cluster import cluster_command, refuse_sqlite_cluster, status_command
from plughost.cli.cogs import cogs
from plughost.cli.store import convert
from plughost.cli.userdata import userdata
from plughost.instances import InstanceError, SettingsChanges

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import TextType

__all__ = ["TOKEN_ENV", "cli", "main"]

#: Environment variable holding the bot token; it wins over the instance's settings.
TOKEN_ENV = "PLUGHOST_TOKEN"
# runner.run_bot needs a token string; a local emulator accepts any, so `run
# --discord-url` on an instance without a token sends this placeholder.
_EMULATOR_TOKEN = "plughost-local-emulator"
# Shard ids beyond this are typos (Discord's largest bots run a few thousand shards),
# and "0-999999999" would otherwise build a billion-element list.
_MAX_SHARD_ID = 65_535
_CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@final
class _PlughostGroup(click.Group):
    """A click group that reports every expected failure as one ``error:`` line."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        # Non-standalone mode hands exceptions back to us instead of letting click
        # print its multi-line usage block; the exit code is ours to set.
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
            code = _fail(exc.format_message() + hint, exc.exit_code)
        except click.ClickException as exc:
            code = _fail(exc.format_message(), exc.exit_code)
        except InstanceError as exc:
            code = _fail(str(exc), 1)
        except click.Abort:
            code = _fail("aborted", 1)
        else:
            # ctx.exit(n) comes back as n; a command that just returns gives None.
            code = result if isinstance(result, int) else 0
        if not standalone_mode:
            return code
        sys.exit(code)


def _fail(message: str, code: int) -> int:
    click.echo(f"error: {' '.join(message.split())}", err=True)
    return code


def _console() -> Console:
    # Imported on use: rich costs ~10 ms to import, and errors never need it.
    from rich.console import Console  # noqa: PLC0415

    # Rich drops all styling when stdout is not a terminal, so pipes get plain
    # text. highlight=False: do not colour numbers and paths in our sentences;
    # soft_wrap=True: never break a long path across lines.
    return Console(highlight=False, soft_wrap=True)


def _say(*parts: TextType | tuple[str, str]) -> None:
    """Print one success line; parts are text or (text, style) pairs."""
    from rich.text import Text  # noqa: PLC0415

    # Text.assemble treats strings as literal text, so a "[" in a path is not markup.
    _console().print(Text.assemble(*parts))


def _interactive() -> bool:
    return sys.stdin.isatty()


def _read_token() -> str:
    """The first line of standard input, for ``--token-stdin``."""
    # sys.stdin, not click.get_text_stream (deprecated in click 8.5); CliRunner swaps both.
    token = sys.stdin.readline().strip()
    if not token:
        raise InstanceError("no token on standard input")
    return token


def _parse_shards(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> list[int] | None:
    """``--shards``: "0", "0-3", "0,2" or a mix ("0-1,4"), as a sorted list of ids."""
    if value is None:
        return None
    ids: set[int] = set()
    for part in value.split(","):
        low, dash, high = part.strip().partition("-")
        if not low.isdigit() or (dash and not high.isdigit()):
            raise click.BadParameter(f"{value!r} is not a shard list like 0, 0-3 or 0,2")
        first = int(low)
        last = int(high) if dash else first
        if last < first:
            raise click.BadParameter(f"shard range {part.strip()!r} runs backwards")
        if last > _MAX_SHARD_ID:
            raise click.BadParameter(f"shard id {last} is larger than {_MAX_SHARD_ID}")
        ids.update(range(first, last + 1))
    return sorted(ids)


_USER_ID = click.IntRange(min=1)  # the 64-bit upper bound is checked by Settings


# The command is optional (bare `plughost` shows the help); say so in the usage
# line on every click version (8.5 does by itself, earlier ones do not).
@click.group(
    cls=_PlughostGroup,
    context_settings=_CONTEXT,
    invoke_without_command=True,
    subcommand_metavar="[COMMAND] [ARGS]...",
)
@click.version_option(
    __version__,
    "--version",
    prog_name="plughost",
    message="%(prog)s %(version)s",
    help="Show the version and exit.",
)
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Run and manage plughost Discord bot instances.

    Each instance is a named bot with its own folder of settings, data, logs and
    cog state, under PLUGHOST_HOME (default: the platform's user data folder).
    Start with `plughost setup NAME`, then `plughost run NAME`.
    """
    # invoke_without_command: bare `plughost` shows the help and succeeds, the
    # same on every click version (8.2 turned it into an error exit).
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@cli.command()
@click.argument("name")
@click.option(
    "--backend",
    type=click.Choice(instances.BACKENDS),
    help="Storage: sqlite (a file in the instance folder; the default) or postgres.",
)
@click.option(
    "--dsn",
    metavar="DSN",
    help="PostgreSQL DSN, postgres://user:password@host:5432/dbname (implies --backend postgres).",
)
@click.option("--prefix", metavar="PREFIX", help="Command prefix.  [default: !]")
@click.option(
    "--owner",
    "owners",
    type=_USER_ID,
    multiple=True,
    metavar="ID",
    help="Discord user id of a bot owner; repeatable.",
)
@click.option(
    "--token-stdin",
    is_flag=True,
    help="Read the bot token from the first line of standard input.",
)
@click.option("--no-prompt", is_flag=True, help="Ask nothing; use defaults for what is not given.")
def setup(
    *,
    name: str,
    backend: instances.Backend | None,
    dsn: str | None,
    prefix: str | None,
    owners: tuple[int, ...],
    token_stdin: bool,
    no_prompt: bool,
) -> None:
    """Create instance NAME.

    On a terminal, asks for what the options did not give: backend, DSN (for
    postgres), prefix, an owner id and the bot token (typed hidden). With
    --no-prompt, or without a terminal, the defaults apply and no token is saved:
    the token then comes from PLUGHOST_TOKEN when the bot runs.
    """
    # Fail on a bad or taken name before asking any question.
    instances.check_available(name)
    token = _read_token() if token_stdin else None
    ask = not no_prompt and _interactive()
    if backend is None:
        if dsn is not None:
            backend = "postgres"
        elif ask:
            answer = click.prompt(
                "Storage backend", type=click.Choice(instances.BACKENDS), default="sqlite"
            )
            # Re-derived rather than assigned: click's prompt() is typed differently
            # across 8.x releases, and the Literal type must survive them all.
            backend = "postgres" if answer == "postgres" else "sqlite"
        else:
            backend = "sqlite"
    if backend == "postgres" and dsn is None:
        if not ask:
            raise click.UsageError("the postgres backend needs --dsn")
        dsn = click.prompt("PostgreSQL DSN (postgres://user:password@host:5432/dbname)")
    if prefix is None:
        prefix = click.prompt("Command prefix", default="!") if ask else "!"
    if not owners and ask:
        owners = _ask_owner()
    if token is None and ask:
        token = _ask_token()
    created = instances.create(
        name, backend=backend, dsn=dsn, prefix=prefix, owners=owners, token=token
    )
    _say(("created", "green"), " instance ", (name, "bold"), f" at {created.path}")
    if created.settings.token is None:
        _say(f"no token saved: set {TOKEN_ENV}, or run `plughost edit {name} --token-stdin`")


def _ask_owner() -> tuple[int, ...]:
    while True:
        raw: str = click.prompt(
            "Bot owner's Discord user id (blank for none)", default="", show_default=False
        )
        raw = raw.strip()
        if not raw:
            return ()
        if raw.isdigit() and 0 < int(raw) < 2**64:
            return (int(raw),)
        click.echo("That is not a Discord user id (a number like 123456789012345678).", err=True)


def _ask_token() -> str | None:
    token: str = click.prompt(
        "Bot token (input hidden; blank to set it later)",
        default="",
        show_default=False,
        hide_input=True,
    )
    return token.strip() or None


@cli.command("list")
def list_command() -> None:
    """List instances: name, backend, prefix, owners and folder.

    On a terminal this is a table; otherwise tab-separated lines under a header.
    """
    rows: list[tuple[str, str, str, str, str]] = []
    for name in instances.instance_names():
        try:
            found = instances.load(name)
        except InstanceError as exc:
            # Show a broken instance rather than hide it or fail the whole list.
            rows.append((name, "?", "?", "?", f"broken: {exc}"))
            continue
        settings = found.settings
        owners = ", ".join(str(owner) for owner in settings.owners) or "-"
        rows.append((name, settings.backend, settings.prefix, owners, str(found.path)))
    if not rows:
        _say(f"no instances in {instances.home()}; create one with `plughost setup NAME`")
        return
    headers = ("name", "backend", "prefix", "owners", "path")
    console = _console()
    if not console.is_terminal:
        for row in (headers, *rows):
            click.echo("\t".join(row))
        return
    from rich.table import Table  # noqa: PLC0415

    table = Table(*headers, title=f"instances in {instances.home()}", title_justify="left")
    for row in rows:
        table.add_row(*row)
    console.print(table)


@cli.command()
@click.argument("name")
@click.option("--prefix", metavar="PREFIX", help="New command prefix.")
@click.option(
    "--owner",
    "owners",
    type=_USER_ID,
    multiple=True,
    metavar="ID",
    help="Add a bot owner by Discord user id; repeatable.",
)
@click.option("--clear-owners", is_flag=True, help="Remove all owners (before adding any --owner).")
@click.option(
    "--backend",
    type=click.Choice(instances.BACKENDS),
    help="Switch storage backend (data is not moved); sqlite drops the DSN.",
)
@click.option("--dsn", metavar="DSN", help="New PostgreSQL DSN (implies --backend postgres).")
@click.option("--token-stdin", is_flag=True, help="Replace the token with stdin's first line.")
@click.option("--clear-token", is_flag=True, help="Remove the saved token.")
def edit(
    *,
    name: str,
    prefix: str | None,
    owners: tuple[int, ...],
    clear_owners: bool,
    backend: instances.Backend | None,
    dsn: str | None,
    token_stdin: bool,
    clear_token: bool,
) -> None:
    """Change settings of instance NAME. A new DSN is connected to before it is saved."""
    if token_stdin and clear_token:
        raise click.UsageError("--token-stdin and --clear-token cannot be used together")
    current = instances.load(name).settings
    changes: SettingsChanges = {}
    if prefix is not None:
        changes["prefix"] = prefix
    if owners or clear_owners:
        kept = () if clear_owners else current.owners
        # dict.fromkeys: drop repeats but keep the order owners were added in.
        changes["owners"] = tuple(dict.fromkeys((*kept, *owners)))
    if backend is not None:
        changes["backend"] = backend
    if dsn is not None:
        changes["dsn"] = dsn
    if token_stdin:
        changes["token"] = _read_token()
    if clear_token:
        changes["token"] = None
    if not changes:
        raise click.UsageError("nothing to change; give at least one option")
    instances.edit(name, **changes)
    _say(("edited", "green"), " instance ", (name, "bold"), f": {', '.join(changes)} updated")


@cli.command()
@click.argument("name")
@click.option("--no-backup", is_flag=True, help="Do not write a backup archive first.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def delete(*, name: str, no_backup: bool, yes: bool) -> None:
    """Delete instance NAME, after a backup.

    The backup goes to PLUGHOST_HOME/.backups unless --no-backup is given. Asks
    for confirmation on a terminal unless --yes is given.
    """
    path = instances.locate(name)
    if not yes and _interactive():
        how = "WITHOUT a backup" if no_backup else f"(a backup goes to {instances.backups_dir()})"
        click.confirm(f"Delete instance {name!r} at {path} {how}?", abort=True)
    archive = instances.delete(name, backup=not no_backup)
    backup_note = f"; backup at {archive}" if archive is not None else "; no backup kept"
    _say(("deleted", "red"), " instance ", (name, "bold"), backup_note)


@cli.command()
@click.argument("name")
@click.option(
    "--to",
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="Archive file, or a folder to put it in.  [default: PLUGHOST_HOME/.backups/]",
)
def backup(name: str, to: Path | None) -> None:
    """Back up instance NAME to a .tar.gz archive.

    The archive holds settings (token included; it is made 0600), data and cog
    state, not logs. Safe while the bot runs. A PostgreSQL instance's config data is
    dumped into the archive too, with a checksum; no external tools are needed.
    """
    archive = instances.backup(name, to=to)
    _say(("backed up", "green"), " instance ", (name, "bold"), f" to {archive}")


@cli.command()
@click.argument("archive", type=click.Path(path_type=Path))
@click.option("--as", "as_name", metavar="NAME", help="Restore under this name.")
@click.option(
    "--dsn",
    metavar="DSN",
    help="PostgreSQL instances: load the data into this (empty) database instead.",
)
def restore(archive: Path, as_name: str | None, dsn: str | None) -> None:
    """Restore an instance from a backup archive.

    The instance gets its old name, or --as NAME; an existing one is never replaced.
    A PostgreSQL instance's data goes into its database, which must hold no plughost
    data yet, or into --dsn.
    """
    restored = instances.restore(archive, as_name=as_name, dsn=dsn)
    _say(("restored", "green"), " instance ", (restored.name, "bold"), f" at {restored.path}")


@cli.command("run")
@click.argument("name")
@click.option("--debug", is_flag=True, help="Log at debug level.")
@click.option(
    "--shards",
    "shard_ids",
    callback=_parse_shards,
    metavar="SPEC",
    help="Shard ids this process runs: 0, 0-3 or 0,2.  [default: 0]",
)
@click.option(
    "--total-shards",
    type=click.IntRange(min=1),
    metavar="N",
    help="Shard count across all processes.  [default: highest shard id + 1]",
)
@click.option(
    "--discord-url",
    metavar="URL",
    help="Talk to this Discord API instead (a local emulator); no token needed then.",
)
@click.pass_context
def run_command(
    ctx: click.Context,
    *,
    name: str,
    debug: bool,
    shard_ids: list[int] | None,
    total_shards: int | None,
    discord_url: str | None,
) -> None:
    """Run the bot of instance NAME until interrupted.

    The token comes from PLUGHOST_TOKEN if set, else from the instance's settings.
    """
    found = instances.load(name)
    if shard_ids and total_shards is not None and shard_ids[-1] >= total_shards:
        raise click.BadParameter(
            f"shard {shard_ids[-1]} does not fit in --total-shards {total_shards}",
            ctx=ctx,
            param_hint="'--shards'",
        )
    refuse_sqlite_cluster(found, shard_ids, total_shards)
    if discord_url is not None and not discord_url.startswith(("http://", "https://")):
        raise click.BadParameter(
            "expected an http:// or https:// URL", ctx=ctx, param_hint="'--discord-url'"
        )
    # strip(): a token pasted into an env file often carries a trailing newline.
    token = os.environ.get(TOKEN_ENV, "").strip() or found.settings.token
    if token is None:
        if discord_url is None:
            raise InstanceError(
                f"instance {name!r} has no bot token: set {TOKEN_ENV}, "
                f"or run `plughost edit {name} --token-stdin`"
            )
        token = _EMULATOR_TOKEN
    # Imported here: it pulls in interactions.py and the whole bot runtime.
    from plughost.runtime.runner import run_bot  # noqa: PLC0415

    ctx.exit(
        run_bot(
            found,
            token=token,
            debug=debug,
            shard_ids=shard_ids,
            total_shards=total_shards,
            api_url=discord_url,
        )
    )


@cli.command("console")
@click.argument("name", required=False)
@click.option("--debug", is_flag=True, help="Log at debug level.")
@click.option("--as", "as_user", metavar="USER", help="Start as this member of the demo guild.")
@click.pass_context
def console_command(
    ctx: click.Context, *, name: str | None, debug: bool, as_user: str | None
) -> None:
    """Talk to a bot in the terminal, on a local Discord emulator.

    Uses instance NAME's data and cogs, or a throwaway instance when NAME is left out.
    """
    if name is not None:
        instances.locate(name)
    # Imported here: it pulls in interactions.py and the whole bot runtime.
    from plughost.offline.console import run_console  # noqa: PLC0415

    ctx.exit(run_console(name, debug=debug, as_user=as_user))


cli.add_command(convert)
cli.add_command(cogs)
cli.add_command(userdata)
cli.add_command(new_cog_command)
cli.add_command(cluster_command)
cli.add_command(status_command)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point (``plughost = plughost.cli:main``); exits the process."""
    cli.main(args=argv, prog_name="plughost")
