"""The web console: an aiohttp application served on the bot's own event loop.

No second process and no RPC socket (Red-Dashboard's design, whose socket had no
authentication): the pages call the bot's own objects. One guard runs before every
handler (the session from its signed cookie; a CSRF token on every POST, 403
without), and every response leaves with the same security headers (a content
security policy allowing this origin only: every script and style is vendored in
the package, nothing comes from a CDN).

Other parts of plughost (metrics) add their own routes through ``extra_routes``,
or on :attr:`WebConsole.app` before :meth:`WebConsole.start`; they get the same
headers and, for POSTs, the same CSRF check.
"""

from __future__ import annotations

import logging
import secrets
import socket
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from importlib import resources
from typing import Final

import interactions
import jinja2
from aiohttp import web

from plughost.web.access import Access
from plughost.web.address import WebAddress
from plughost.web.pages import (
    STATE,
    Refused,
    WebState,
    render,
    session_of,
)
from plughost.web.pages_guild import routes as guild_routes
from plughost.web.pages_login import routes as login_routes
from plughost.web.pages_owner import routes as owner_routes
from plughost.web.sessions import Clock

__all__ = ["CONTENT_SECURITY_POLICY", "WebConsole"]

log = logging.getLogger("plughost.web")

CONTENT_SECURITY_POLICY: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_HEADERS: Final = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # The login link's token is in a URL: never send it on as a Referer.
    "Referrer-Policy": "no-referrer",
}
_FORBIDDEN_POST: Final = (
    "This form did not come from your console session (or the session ended). "
    "Reload the page and try again."
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    session = session_of(request)
    try:
        if request.method not in {"GET", "HEAD", "OPTIONS"}:
            form = await request.post()
            token = form.get("csrf")
            if (
                session is None
                or not isinstance(token, str)
                or not secrets.compare_digest(token, session.csrf)
            ):
                raise Refused(403, _FORBIDDEN_POST)
        return await handler(request)
    except Refused as refusal:
        heading = "Not allowed" if refusal.status in {401, 403} else "Sorry"
        return render(
            request, "message.html", status=refusal.status, heading=heading, text=refusal.text
        )


async def _secure_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(_HEADERS)
    if not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"


class WebConsole:
    """The console of the bots of this process (one per shard), on their event loop.

    ``clients``: the process's ``plughost.Bot`` objects. ``oauth_secret``: the
    application's client secret (the instance's ``oauth_client_secret``); None turns
    Login with Discord off. ``public_url``: where browsers reach the console, when
    not at ``address`` (behind a TLS proxy: https URLs make cookies ``Secure``).
    ``extra_routes``: more routes for the same application (metrics).
    """

    def __init__(
        self,
        clients: Sequence[interactions.Client],
        *,
        address: WebAddress | None = None,
        oauth_secret: str | None = None,
        public_url: str | None = None,
        preferred_owner: int | None = None,
        extra_routes: Iterable[web.AbstractRouteDef] = (),
        clock: Clock = time.monotonic,
    ) -> None:
        self.address = address or WebAddress()
        self._public_url = public_url
        self.port = self.address.port
        templates = jinja2.Environment(
            loader=jinja2.PackageLoader("plughost.web", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self.state = WebState(
            access=Access(clients),
            clock=clock,
            templates=templates,
            public_url=public_url or self.address.url(),
            oauth_secret=oauth_secret,
            preferred_owner=preferred_owner,
        )
        #: The aiohttp application: add routes here before :meth:`start`.
        self.app = web.Application(middlewares=[_guard])
        self.app[STATE] = self.state
        self.app.on_response_prepare.append(_secure_headers)
        self.app.add_routes(login_routes)
        self.app.add_routes(guild_routes)
        self.app.add_routes(owner_routes)
        self.app.add_routes(extra_routes)
        static = resources.files("plughost.web") / "static"
        self.app.router.add_static("/static", str(static))
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """Where browsers reach the console."""
        return self.state.public_url

    @property
    def redirect_uri(self) -> str:
        """The OAuth2 redirect URI to register in Discord's developer portal."""
        return self.state.redirect_uri

    def login_link(self) -> str:
        """A new one-time login link for the bot owner (valid once, for 10 minutes)."""
        return f"{self.url}/login?token={self.state.links.issue()}"

    async def start(self) -> None:
        """Listen on the address (port 0: any free one, then :attr:`port` tells which)."""
        if self._runner is not None:
            return
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await self._runner.setup()
        family = socket.AF_INET6 if ":" in self.address.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.address.host, self.address.port))
        except OSError:
            sock.close()
            await self._runner.cleanup()
            self._runner = None
            raise
        self.port = sock.getsockname()[1]
        if self._public_url is None:
            self.state.public_url = self.address.url(self.port)
        await web.SockSite(self._runner, sock).start()
        log.info("web console listening on %s", self.url)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
