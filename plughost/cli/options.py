"""Options and inputs that several ``plughost`` commands share, each declared once.

A command takes one by stacking its decorator (``@debug_option``); the checks that
need the instance or other options (:func:`check_discord_url`, :func:`bot_token`)
run in the command body, after the instance is loaded, so their errors come in the
same order for every command.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

from plughost import instances
from plughost.instances import InstanceError
from plughost.web.address import AddressError, WebAddress

__all__ = [
    "TOKEN_ENV",
    "bot_token",
    "check_discord_url",
    "debug_option",
    "discord_url_option",
    "total_shards_option",
    "web_address",
    "web_options",
    "yes_option",
]

_F = TypeVar("_F", bound=Callable[..., Any])

#: Environment variable holding the bot token; it wins over the instance's settings.
TOKEN_ENV = "PLUGHOST_TOKEN"
# runner.run_bot needs a token string; a local emulator accepts any, so `run
# --discord-url` on an instance without a token sends this placeholder.
_EMULATOR_TOKEN = "plughost-local-emulator"

debug_option = click.option("--debug", is_flag=True, help="Log at debug level.")
yes_option = click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
discord_url_option = click.option(
    "--discord-url",
    metavar="URL",
    help="Talk to this Discord API instead (a local emulator); no token needed then.",
)


def web_options(command: _F) -> _F:
    """``--web HOST:PORT`` and ``--web-public``: serve the web console beside the bot."""
    command = click.option(
        "--web-public",
        is_flag=True,
        help="Allow --web to listen on an address other machines can reach.",
    )(command)
    return click.option(
        "--web",
        "web",
        metavar="HOST:PORT",
        help="Serve the web console here (loopback only unless --web-public) and print "
        "the owner's one-time login link.",
    )(command)


def web_address(web: str | None, web_public: bool) -> WebAddress | None:
    """The ``--web`` address, or None when the console was not asked for."""
    if web is None:
        if web_public:
            raise click.BadParameter("--web-public needs --web HOST:PORT", param_hint="'--web'")
        return None
    try:
        return WebAddress.parse(web, public=web_public)
    except AddressError as exc:
        raise click.BadParameter(str(exc), param_hint="'--web'") from None


def total_shards_option(default: str) -> Callable[[_F], _F]:
    """``--total-shards N``; ``default`` says what a command uses when it is not given."""
    return click.option(
        "--total-shards",
        type=click.IntRange(min=1),
        metavar="N",
        help=f"Shard count across all processes.  [default: {default}]",
    )


def check_discord_url(ctx: click.Context, discord_url: str | None) -> None:
    """Reject a ``--discord-url`` that is not an http(s) URL, as a usage error."""
    if discord_url is not None and not discord_url.startswith(("http://", "https://")):
        raise click.BadParameter(
            "expected an http:// or https:// URL", ctx=ctx, param_hint="'--discord-url'"
        )


def bot_token(found: instances.Instance, discord_url: str | None) -> str:
    """The token to connect with: PLUGHOST_TOKEN, else the instance's saved one.

    Talking to a local emulator (``--discord-url``) needs no real token.
    """
    # strip(): a token pasted into an env file often carries a trailing newline.
    token = os.environ.get(TOKEN_ENV, "").strip() or found.settings.token
    if token is not None:
        return token
    if discord_url is None:
        raise InstanceError(
            f"instance {found.name!r} has no bot token: set {TOKEN_ENV}, "
            f"or run `plughost edit {found.name} --token-stdin`"
        )
    return _EMULATOR_TOKEN
