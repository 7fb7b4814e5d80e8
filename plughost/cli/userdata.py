"""``plughost userdata delete|export``: a user's data, without Discord.

Cogs' hooks need the cogs, and the cogs need a bot: the command builds a
:class:`~plughost.runtime.bot.Bot` that never connects, opens the instance's store, and
loads the built-ins and the instance's stored cog set the way startup does (each
``cog_load`` runs; every ``cog_unload`` runs at the end). A cog that fails to load
is named on stderr: the core still deletes or exports its USER and MEMBER
documents, but its hook does not run.

An SQLite instance can be opened by one process only, so with its bot running
the store's refusal is reported and nothing is touched; a PostgreSQL instance
is shared, and its running bots drop the deleted documents from their caches.

Imports inside the commands (the noqa PLC0415 lines): every ``plughost`` command
loads this module, and should not pay for importing interactions.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from plughost import instances
from plughost.cli.options import yes_option

if TYPE_CHECKING:
    from plughost.runtime.bot import Bot
    from plughost.userdata import CogFailure, DeletionResult, ExportResult

__all__ = ["userdata"]

_T = TypeVar("_T")


@click.group()
def userdata() -> None:
    """Delete or export what an instance's bot stores about one user."""


def _user_id(ctx: click.Context, param: click.Parameter, value: str) -> int:
    # Not click.INT: a snowflake is a positive 64-bit integer, and "-5" or "1e3"
    # should get a message saying so rather than reach the store.
    if not value.isdigit() or not 0 < int(value) < 2**64:
        raise click.BadParameter(f"{value!r} is not a Discord user id", ctx=ctx, param=param)
    return int(value)


_NAME = click.argument("name")
_USER_ID = click.argument("user_id", callback=_user_id)


def _with_cogs(instance: instances.Instance, action: Callable[[Bot], Awaitable[_T]]) -> _T:
    """Run ``action`` with an unconnected bot whose stored cog set is loaded."""

    async def run() -> _T:
        from plughost.config import connect  # noqa: PLC0415
        from plughost.runtime.bot import Bot  # noqa: PLC0415

        async with contextlib.AsyncExitStack() as stack:
            try:
                await stack.enter_async_context(connect(instance.dsn))
            except Exception as exc:  # every way a store can fail to open ends the same way
                raise click.ClickException(
                    f"cannot open the store of {instance.name!r}: {exc}"
                ) from exc
            bot = Bot(prefix=instance.settings.prefix, owner_ids=instance.settings.owners)
            await bot.cogs.startup()
            stack.push_async_callback(bot.cogs.stop)
            for name, failure in sorted(bot.cogs.failures.items()):
                click.echo(
                    f"warning: cog {name} did not load ({failure.message}); only its "
                    "USER and MEMBER config data is handled",
                    err=True,
                )
            return await action(bot)
        raise AssertionError("unreachable")  # pragma: no cover - for mypy: the block returns

    return asyncio.run(run())


def _failures(failed: tuple[CogFailure, ...]) -> str:
    return "; ".join(f"{f.cog}: {f.error}" for f in failed)


def _deletion_report(result: DeletionResult) -> str:
    removed = ", ".join(
        f"{cog} ({', '.join(f'{n} {scope}' for scope, n in sorted(scopes.items()))})"
        for cog, scopes in sorted(result.removed.items())
    )
    lines = [
        f"deleted {result.documents_removed} documents of user {result.user_id}"
        + (f": {removed}" if removed else ""),
        f"hooks ran: {', '.join(result.handled) or 'none'}",
    ]
    if result.without_hook:
        lines.append(f"cogs without the hook: {', '.join(result.without_hook)}")
    lines.append(f"request {result.request_id}")
    return "\n".join(lines)


@userdata.command()
@_NAME
@_USER_ID
@yes_option
def delete(name: str, user_id: int, yes: bool) -> None:
    """Delete everything instance NAME stores about USER_ID (requester "owner").

    Every loaded cog's delete_user_data hook runs, then the user's USER and MEMBER
    config documents of every cog are removed. A cog whose hook fails is named and
    the exit code is 1.
    """
    found = instances.load(name)
    if not yes:
        click.confirm(
            f"Delete everything instance {name!r} stores about user {user_id}? "
            "This cannot be undone",
            abort=True,
            err=True,
        )

    async def action(bot: Bot) -> DeletionResult:
        return await bot.delete_user_data(user_id, requester="owner")

    result = _with_cogs(found, action)
    click.echo(_deletion_report(result))
    if result.failed:
        raise click.ClickException(
            f"some cogs failed and may still hold data: {_failures(result.failed)}"
        )


def _target(to: Path | None, user_id: int) -> Path:
    default = f"userdata-{user_id}.zip"
    if to is None:
        return Path(default)
    return to / default if to.is_dir() else to


def _write_private(path: Path, data: bytes) -> None:
    # 0600 and exclusive: an export is one person's data, and must not replace a file.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise click.ClickException(f"{path} already exists; choose another --to") from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror}") from exc
    with os.fdopen(fd, "wb") as out:
        out.write(data)


@userdata.command()
@_NAME
@_USER_ID
@click.option(
    "--to",
    type=click.Path(path_type=Path),
    help="Zip file (or folder) to write.  [default: ./userdata-USER_ID.zip]",
)
def export(name: str, user_id: int, to: Path | None) -> None:
    """Write what instance NAME stores about USER_ID to a zip (requester "owner").

    The zip holds manifest.json, each cog's files (cogs/<cog>/...) and the user's
    USER and MEMBER config documents (config/<cog>/...). An existing file is never
    replaced. A cog whose hook fails is named and the exit code is 1.
    """
    found = instances.load(name)
    path = _target(to, user_id)
    if path.exists():
        raise click.ClickException(f"{path} already exists; choose another --to")

    async def action(bot: Bot) -> ExportResult:
        return await bot.export_user_data(user_id, requester="owner")

    result = _with_cogs(found, action)
    _write_private(path, result.data)
    click.echo(
        f"exported the data of user {user_id} to {path}: {len(result.files)} files "
        f"(request {result.request_id})"
    )
    if result.failed:
        raise click.ClickException(
            f"some cogs failed and their files are missing: {_failures(result.failed)}"
        )
