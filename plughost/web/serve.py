"""Running the console alongside a bot: start, print the owner's login link, stop."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager

import interactions

from plughost.instances import Instance
from plughost.runtime.runner import AlongsideUnavailable
from plughost.web.address import WebAddress
from plughost.web.console import WebConsole

__all__ = ["beside_bots", "serving"]


def beside_bots(
    instance: Instance, address: WebAddress
) -> Callable[[Sequence[interactions.Client]], AbstractAsyncContextManager[WebConsole]]:
    """What ``plughost run --web`` runs beside its bots: the console, with the instance's
    client secret, logging the instance's first owner in through the link."""
    settings = instance.settings

    def start(bots: Sequence[interactions.Client]) -> AbstractAsyncContextManager[WebConsole]:
        return serving(
            bots,
            address,
            oauth_secret=settings.oauth_client_secret,
            preferred_owner=settings.owners[0] if settings.owners else None,
        )

    return start


@contextlib.asynccontextmanager
async def serving(
    clients: Sequence[interactions.Client],
    address: WebAddress,
    *,
    oauth_secret: str | None = None,
    preferred_owner: int | None = None,
    say: Callable[[str], None] | None = None,
) -> AsyncIterator[WebConsole]:
    """The console of ``clients`` on ``address`` while the block runs.

    Prints where it listens, then the one-time owner link on a line of its own (so a
    terminal makes it clickable and a script can read it).
    """
    console = WebConsole(
        clients, address=address, oauth_secret=oauth_secret, preferred_owner=preferred_owner
    )
    try:
        await console.start()
    except OSError as exc:  # the port is taken, or the address is not this machine's
        raise AlongsideUnavailable(
            f"the web console cannot listen on {address.url()}: {exc}"
        ) from exc
    out = say or _print
    try:
        out(f"web console on {console.url}; the bot owner's login link (works once, 10 minutes):")
        out(console.login_link())
        yield console
    finally:
        await console.stop()


def _print(text: str) -> None:
    # The terminal is where the owner reads the link.
    print(text, flush=True)
