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
from plughost.metrics import MetricsAddress, parse_address
from plughost.web.address import AddressError, WebAddress

__all__ = [
    "TOKEN_ENV",
    "bot_token",
    "check_discord_url",
    "debug_option",
    "discord_url_option",
    "log_format_option",
    "log_level_option",
    "metrics_option",
    "metrics_option_for",
    "total_shards_option",
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


def _parse_metrics(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> MetricsAddress | None:
    if value is None:
        return None
    try:
        return parse_address(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from exc


def metrics_option_for(help_text: str) -> Callable[[_F], _F]:
    """``--metrics HOST:PORT``, parsed into a ``MetricsAddress``, with its own help text."""
    return click.option(
        "--metrics", "metrics", callback=_parse_metrics, metavar="HOST:PORT", help=help_text
    )


metrics_option = metrics_option_for(
    "Serve /metrics, /healthz and /readyz there (a bare PORT: on 127.0.0.1)."
)


def _parse_levels(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> dict[str, str]:
    # The runtime's parser, imported here: plughost.runtime pulls in interactions.py.
    from plughost.runtime.logs import parse_level  # noqa: PLC0415

    levels: dict[str, str] = {}
    for value in values:
        try:
            name, level = parse_level(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from exc
        levels[name] = level
    return levels


log_format_option = click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one JSON object per line, on standard error and in the log file.",
)
log_level_option = click.option(
    "--log-level",
    "log_levels",
    multiple=True,
    callback=_parse_levels,
    metavar="[LOGGER=]LEVEL",
    help="A logger's level, e.g. plughost.cogs=DEBUG (repeatable; a bare level: all loggers).",
)


_WEB_PUBLIC = "plughost.web_public"


def _note_web_public(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    # Eager, so --web's callback knows it whatever the order on the command line.
    ctx.meta[_WEB_PUBLIC] = value


def _parse_web(ctx: click.Context, param: click.Parameter, value: str | None) -> WebAddress | None:
    public = bool(ctx.meta.get(_WEB_PUBLIC))
    if value is None:
        if public:
            raise click.BadParameter("--web-public needs --web HOST:PORT", ctx=ctx, param=param)
        return None
    try:
        return WebAddress.parse(value, public=public)
    except AddressError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


def web_options(command: _F) -> _F:
    """``--web HOST:PORT`` (parsed into a ``WebAddress``, or None) and ``--web-public``:
    serve the web console beside the bot, with the metrics routes on it too."""
    command = click.option(
        "--web-public",
        is_flag=True,
        is_eager=True,
        expose_value=False,
        callback=_note_web_public,
        help="Allow --web to listen on an address other machines can reach.",
    )(command)
    return click.option(
        "--web",
        "web",
        callback=_parse_web,
        metavar="HOST:PORT",
        help="Serve the web console here (loopback only unless --web-public), with "
        "/metrics, /healthz and /readyz, and print the owner's one-time login link.",
    )(command)


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
