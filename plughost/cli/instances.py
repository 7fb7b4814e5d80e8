"""``plughost setup|list|edit|delete|backup|restore``: manage instances on disk.

These commands need no bot: they read and write instance folders through
:mod:`plughost.instances`. Success is one line on stdout (styled by rich on a
terminal, plain text in a pipe); questions are asked only on a terminal.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from plughost import instances
from plughost.cli.options import TOKEN_ENV, yes_option
from plughost.instances import InstanceError, SettingsChanges
from plughost.instances.leftovers import Leftover, describe_leftovers, pg_leftovers

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import TextType

__all__ = ["backup", "delete", "edit", "list_command", "restore", "setup"]

_USER_ID = click.IntRange(min=1)  # the 64-bit upper bound is checked by Settings


def _checked_prefix(text: str) -> str:
    """``text`` if the one prefix rule (the chat ``prefix`` command's too) allows it."""
    # Imported on use: plughost.commands loads interactions.py (~0.8 s here), which
    # no other instance command needs.
    from plughost.commands.prefixes import prefix_problem  # noqa: PLC0415

    if (problem := prefix_problem(text)) is not None:
        raise click.BadParameter(problem)  # the prompt asks again on this
    return text


def _prefix_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    try:
        return None if value is None else _checked_prefix(value)
    except click.BadParameter as exc:
        exc.ctx, exc.param = ctx, param
        raise


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


def _read_secret() -> str:
    """The OAuth2 client secret: asked without echo on a terminal, else stdin's first line.

    Never an option's value: that would stay in the shell's history and in ``ps``.
    """
    if sys.stdin.isatty():
        secret = str(click.prompt("OAuth2 client secret", hide_input=True, err=True)).strip()
    else:
        secret = sys.stdin.readline().strip()
    if not secret:
        raise InstanceError("no client secret on standard input")
    return secret


@click.command()
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
@click.option(
    "--prefix", callback=_prefix_option, metavar="PREFIX", help="Command prefix.  [default: !]"
)
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
        prefix = "!"
        if ask:
            prefix = click.prompt("Command prefix", default="!", value_proc=_checked_prefix)
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


@click.command("list")
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


def _parse_member_cache(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> int | Literal["all"] | None:
    """``--member-cache``: a positive count, or ``all`` for no bound."""
    if value is None:
        return None
    if value.strip().lower() == "all":
        return "all"
    if not value.strip().isdigit() or int(value) < 1:
        raise click.BadParameter(f"{value!r} is neither a positive count nor 'all'")
    return int(value)


@click.command()
@click.argument("name")
@click.option("--prefix", callback=_prefix_option, metavar="PREFIX", help="New command prefix.")
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
@click.option(
    "--oauth-client-secret-stdin",
    "secret_stdin",
    is_flag=True,
    help="Set the OAuth2 client secret (Login with Discord) from stdin's first line; "
    "asked without echo on a terminal.",
)
@click.option(
    "--clear-oauth-client-secret",
    "clear_secret",
    is_flag=True,
    help="Remove the OAuth2 client secret (turns Login with Discord off).",
)
@click.option(
    "--message-cache",
    type=click.IntRange(min=1),
    metavar="N",
    help="Messages each shard keeps cached (at least 1).  [default: 250]",
)
@click.option(
    "--member-cache",
    callback=_parse_member_cache,
    metavar="N|all",
    help="Members each shard keeps cached, least recently seen dropped first.  [default: all]",
)
@click.option(
    "--requests-per-second",
    type=click.IntRange(min=1),
    metavar="N",
    help="REST requests a second each shard sends at most: Discord's global limit, "
    "raise it only if Discord raised the bot's.  [default: 45]",
)
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
    secret_stdin: bool,
    clear_secret: bool,
    message_cache: int | None,
    member_cache: int | Literal["all"] | None,
    requests_per_second: int | None,
) -> None:
    """Change settings of instance NAME. A new DSN is connected to before it is saved."""
    if token_stdin and clear_token:
        raise click.UsageError("--token-stdin and --clear-token cannot be used together")
    if secret_stdin and clear_secret:
        raise click.UsageError(
            "--oauth-client-secret-stdin and --clear-oauth-client-secret cannot be used together"
        )
    if secret_stdin and token_stdin:
        raise click.UsageError("give the token and the client secret in two runs: one stdin each")
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
    _secret_changes(changes, token_stdin, clear_token, secret_stdin, clear_secret)
    if message_cache is not None:
        changes["message_cache"] = message_cache
    if member_cache is not None:
        changes["member_cache"] = None if member_cache == "all" else member_cache
    if requests_per_second is not None:
        changes["requests_per_second"] = requests_per_second
    if not changes:
        raise click.UsageError("nothing to change; give at least one option")
    instances.edit(name, **changes)
    _say(("edited", "green"), " instance ", (name, "bold"), f": {', '.join(changes)} updated")


def _secret_changes(
    changes: SettingsChanges,
    token_stdin: bool,
    clear_token: bool,
    secret_stdin: bool,
    clear_secret: bool,
) -> None:
    """The token's and the OAuth2 client secret's changes (read from stdin, or cleared)."""
    if token_stdin:
        changes["token"] = _read_token()
    if clear_token:
        changes["token"] = None
    if secret_stdin:
        changes["oauth_client_secret"] = _read_secret()
    if clear_secret:
        changes["oauth_client_secret"] = None


@click.command()
@click.argument("name")
@click.option("--no-backup", is_flag=True, help="Do not write a backup archive first.")
@click.option(
    "--drop-data/--keep-data",
    default=None,
    help="PostgreSQL instances: also drop plughost's tables from the database, or keep "
    "them.  [default: ask on a terminal, else keep]",
)
@yes_option
def delete(*, name: str, no_backup: bool, drop_data: bool | None, yes: bool) -> None:
    """Delete instance NAME, after a backup.

    The backup goes to PLUGHOST_HOME/.backups unless --no-backup is given. Asks
    for confirmation on a terminal unless --yes is given. A PostgreSQL instance's
    tables live in its database: delete lists them with their row counts, and
    drops them only with --drop-data or when you say so at the prompt.
    """
    path = instances.locate(name)
    leftovers = _pg_leftovers(name, no_backup, drop_data)
    if leftovers and drop_data is None and not yes and _interactive():
        click.echo(f"instance {name!r} keeps data in PostgreSQL: {describe_leftovers(leftovers)}")
        drop_data = click.confirm("Drop these tables from PostgreSQL too?", default=False)
    drop = bool(drop_data)
    if not yes and _interactive():
        how = "WITHOUT a backup" if no_backup else f"(a backup goes to {instances.backups_dir()})"
        also = " and DROP its PostgreSQL tables" if drop else ""
        click.confirm(f"Delete instance {name!r} at {path}{also} {how}?", abort=True)
    archive = instances.delete(name, backup=not no_backup, drop_data=drop)
    backup_note = f"; backup at {archive}" if archive is not None else "; no backup kept"
    _say(("deleted", "red"), " instance ", (name, "bold"), backup_note)
    if drop and leftovers:
        _say(("dropped", "red"), f" from PostgreSQL: {describe_leftovers(leftovers)}")
    elif leftovers:
        _say(
            ("kept", "yellow"),
            f" in PostgreSQL: {describe_leftovers(leftovers)} (delete with --drop-data to drop)",
        )


def _pg_leftovers(name: str, no_backup: bool, drop_data: bool | None) -> list[Leftover]:
    """plughost's tables in a PostgreSQL instance's database; none for SQLite."""
    try:
        found = instances.load(name)
    except InstanceError:
        if no_backup:  # a corrupt instance may still go, as before; nothing to list
            return []
        raise
    if found.settings.backend != "postgres":
        return []
    try:
        return pg_leftovers(found.dsn)
    except InstanceError as exc:
        if drop_data:
            raise
        # The folder can still go; what stays in the database cannot be listed.
        click.echo(f"warning: {exc}; its tables there, if any, are kept", err=True)
        return []


@click.command()
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


@click.command()
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
